import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { SlowTest } from '@devops-growth/backstage-plugin-devops-common';
import { formatDuration } from './model';

/** The slowest tests of the latest run. */
export function SlowestTests(props: { tests: SlowTest[] }) {
  const { tests } = props;
  if (tests.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No test durations in the latest run.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label="Slowest tests">
      <TableHead>
        <TableRow>
          <TableCell style={{ whiteSpace: 'nowrap' }}>Suite</TableCell>
          <TableCell style={{ whiteSpace: 'nowrap' }}>Test</TableCell>
          <TableCell align="right" style={{ whiteSpace: 'nowrap' }}>
            Duration
          </TableCell>
          <TableCell style={{ whiteSpace: 'nowrap' }}>Outcome</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {tests.map(test => (
          <TableRow key={`${test.suite}\u0000${test.name}`}>
            <TableCell>{test.suite}</TableCell>
            <TableCell>{test.name}</TableCell>
            <TableCell align="right">
              {formatDuration(test.durationMs)}
            </TableCell>
            <TableCell>{test.outcome}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
