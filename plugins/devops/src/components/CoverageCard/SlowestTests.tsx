import Typography from '@material-ui/core/Typography';
import { SlowTest } from '@devops-growth/backstage-plugin-devops-common';
import { formatDuration, ResponsiveTable, TableColumn } from '../shared';
import { testNameColumns } from './testColumns';

const COLUMNS: TableColumn<SlowTest>[] = [
  ...testNameColumns<SlowTest>(),
  {
    key: 'duration',
    title: 'Duration',
    align: 'right',
    nowrap: true,
    render: test => formatDuration(test.durationMs),
  },
  { key: 'outcome', title: 'Outcome', render: test => test.outcome },
];

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
    <ResponsiveTable
      label="Slowest tests"
      columns={COLUMNS}
      rows={tests}
      rowKey={test => `${test.suite}\u0000${test.name}`}
      stackBelow={480}
    />
  );
}
