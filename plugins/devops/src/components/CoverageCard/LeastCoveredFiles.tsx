import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { QualitySummary } from '@devops-growth/backstage-plugin-devops-common';
import { formatPercent } from './model';

type FileRow = QualitySummary['coverage']['leastCoveredFiles'][number];

/** The files of the latest coverage report with the lowest line coverage. */
export function LeastCoveredFiles(props: { files: FileRow[] }) {
  const { files } = props;
  if (files.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No per-file data in the latest coverage report.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label="Least covered files">
      <TableHead>
        <TableRow>
          <TableCell style={{ whiteSpace: 'nowrap' }}>File</TableCell>
          <TableCell align="right" style={{ whiteSpace: 'nowrap' }}>
            Lines
          </TableCell>
          <TableCell align="right" style={{ whiteSpace: 'nowrap' }}>
            Line coverage
          </TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {files.map(file => (
          <TableRow key={file.path}>
            <TableCell style={{ wordBreak: 'break-all' }}>
              <code>{file.path}</code>
            </TableCell>
            <TableCell align="right">{file.linesTotal}</TableCell>
            <TableCell align="right">
              {file.lines === null ? 'no line data' : formatPercent(file.lines)}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
