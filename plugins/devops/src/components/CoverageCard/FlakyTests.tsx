import Typography from '@material-ui/core/Typography';
import { ResponsiveTable, TableColumn } from '../shared';
import { testNameColumns } from './testColumns';
import { FlakyTestView } from './model';

const COLUMNS: TableColumn<FlakyTestView>[] = [
  ...testNameColumns<FlakyTestView>(),
  {
    key: 'why',
    title: 'Why',
    render: test => (
      <>
        <span>{test.reason}</span>
        <Typography variant="caption" color="textSecondary" component="div">
          {test.reasonDetail}
        </Typography>
      </>
    ),
  },
  { key: 'runs', title: 'Runs', render: test => test.runs },
];

/** Tests that both passed and failed among the runs examined. */
export function FlakyTests(props: {
  tests: FlakyTestView[];
  runsExamined: number;
}) {
  const { tests, runsExamined } = props;
  if (tests.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No flaky tests in the last {runsExamined}{' '}
        {runsExamined === 1 ? 'run' : 'runs'}.
      </Typography>
    );
  }
  return (
    <>
      <Typography variant="caption" color="textSecondary">
        From the last {runsExamined} {runsExamined === 1 ? 'run' : 'runs'}
      </Typography>
      <ResponsiveTable
        label="Flaky tests"
        columns={COLUMNS}
        rows={tests}
        rowKey={test => test.key}
        stackBelow={480}
      />
    </>
  );
}
