import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { formatDateTime, formatDuration, formatPercent } from '../shared';
import { TestRunView } from './model';

const useStyles = makeStyles(theme => ({
  counts: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
    margin: theme.spacing(1, 0),
  },
}));

/** Pass rate, counts by outcome, commit and time of the latest test run. */
export function TestRunSummary(props: { run: TestRunView | null }) {
  const classes = useStyles();
  const { run } = props;
  if (!run) {
    return (
      <Typography variant="body2" color="textSecondary">
        No test report yet.
      </Typography>
    );
  }
  return (
    <Box>
      <Typography variant="h5" component="div">
        {run.passRate === null ? '–' : formatPercent(run.passRate)}
        <Typography variant="body2" color="textSecondary" component="span">
          {' '}
          pass rate
        </Typography>
      </Typography>
      <Box className={classes.counts} role="group" aria-label="Test outcomes">
        {run.counts.map(count => (
          <Chip
            key={count.outcome}
            size="small"
            variant="outlined"
            label={`${count.label}: ${count.count}`}
          />
        ))}
      </Box>
      <Typography variant="body2" color="textSecondary">
        Commit <code>{run.commit}</code> on {run.branch},{' '}
        {formatDateTime(run.createdAt)}, took {formatDuration(run.durationMs)}
      </Typography>
    </Box>
  );
}
