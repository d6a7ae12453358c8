import Typography from '@material-ui/core/Typography';
import { CoverageSummary } from '@devops-growth/backstage-plugin-devops-common';
import {
  BreakableText,
  formatPercent,
  ResponsiveTable,
  TableColumn,
} from '../shared';

type FileRow = CoverageSummary['coverage']['leastCoveredFiles'][number];

const COLUMNS: TableColumn<FileRow>[] = [
  {
    key: 'file',
    title: 'File',
    render: file => (
      <code>
        <BreakableText text={file.path} />
      </code>
    ),
  },
  {
    key: 'lines',
    title: 'Lines',
    align: 'right',
    nowrap: true,
    render: file => file.linesTotal,
  },
  {
    key: 'coverage',
    title: 'Line coverage',
    align: 'right',
    nowrap: true,
    render: file =>
      file.lines === null ? 'no line data' : formatPercent(file.lines),
  },
];

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
    <ResponsiveTable
      label="Least covered files"
      columns={COLUMNS}
      rows={files}
      rowKey={file => file.path}
      stackBelow={520}
    />
  );
}
