import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { FlakyTestView } from './model';

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
      <Table size="small" aria-label="Flaky tests">
        <TableHead>
          <TableRow>
            <TableCell style={{ whiteSpace: 'nowrap' }}>Suite</TableCell>
            <TableCell style={{ whiteSpace: 'nowrap' }}>Test</TableCell>
            <TableCell style={{ whiteSpace: 'nowrap' }}>Why</TableCell>
            <TableCell style={{ whiteSpace: 'nowrap' }}>Runs</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {tests.map(test => (
            <TableRow key={test.key}>
              <TableCell>{test.suite}</TableCell>
              <TableCell>{test.name}</TableCell>
              <TableCell>
                <Tooltip title={test.reasonDetail}>
                  <span>{test.reason}</span>
                </Tooltip>
              </TableCell>
              <TableCell>{test.runs}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </>
  );
}
