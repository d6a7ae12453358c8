import { ChangeEvent, useEffect, useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import CircularProgress from '@material-ui/core/CircularProgress';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import {
  DEVOPS_LOAD_TEST_URL_ANNOTATION,
  LoadTestRun,
} from '@devops-growth/backstage-plugin-devops-common';
import { devopsApiRef } from '../../api';
import { describeActionError, LoadTestView, toLoadTestView } from './model';

const useStyles = makeStyles(theme => ({
  toolbar: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(1),
  },
  picker: { minWidth: 160 },
  running: { color: theme.palette.info.main },
  succeeded: { color: theme.palette.status.ok },
  failed: { color: theme.palette.status.error },
}));

function StatusCell(props: { run: LoadTestView }) {
  const classes = useStyles();
  const { run } = props;
  const label = (
    <Typography
      variant="body2"
      component="span"
      className={classes[run.status]}
      data-load-test-status={run.status}
    >
      {run.statusLabel}
    </Typography>
  );
  return (
    <TableCell>
      {label}
      {run.error && (
        <Typography variant="caption" color="textSecondary" component="div">
          {run.error}
        </Typography>
      )}
    </TableCell>
  );
}

/**
 * Keeps the entity's load test runs: starts from the summary's, adds started runs, and polls the
 * backend while a run is running.
 */
function useLoadTestRuns(
  entityRef: CompoundEntityRef,
  initialRuns: LoadTestRun[],
  pollIntervalMs: number,
) {
  const devopsApi = useApi(devopsApiRef);
  const { kind, namespace, name } = entityRef;
  const [runs, setRuns] = useState(initialRuns);
  const [pollError, setPollError] = useState<Error>();
  useEffect(() => setRuns(initialRuns), [initialRuns]);

  const running = runs.some(run => run.status === 'running');
  useEffect(() => {
    if (!running) {
      return undefined;
    }
    let cancelled = false;
    const timer = setTimeout(async () => {
      try {
        const { items } = await devopsApi.getLoadTests({
          kind,
          namespace,
          name,
        });
        if (!cancelled) {
          setPollError(undefined);
          setRuns(items);
        }
      } catch (error) {
        if (!cancelled) {
          setPollError(error as Error);
        }
      }
    }, pollIntervalMs);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
    // `runs` changes after every poll, which schedules the next one
  }, [running, runs, devopsApi, kind, namespace, name, pollIntervalMs]);

  const add = (run: LoadTestRun) =>
    setRuns(current => [run, ...current.filter(r => r.id !== run.id)]);

  return { runs, add, pollError };
}

/**
 * The latest load test runs and, when the entity declares a load-test endpoint, a button that
 * starts one. Runs that are still going are polled every `pollIntervalMs`.
 */
export function LoadTests(props: {
  entityRef: CompoundEntityRef;
  runs: LoadTestRun[];
  environments: string[];
  /** The environment the card shows, preferred for a new run when it has an endpoint. */
  shownEnvironment: string | null;
  pollIntervalMs: number;
}) {
  const { entityRef, environments, shownEnvironment, pollIntervalMs } = props;
  const classes = useStyles();
  const devopsApi = useApi(devopsApiRef);
  const { runs, add, pollError } = useLoadTestRuns(
    entityRef,
    props.runs,
    pollIntervalMs,
  );
  const [environment, setEnvironment] = useState(
    shownEnvironment && environments.includes(shownEnvironment)
      ? shownEnvironment
      : environments[0],
  );
  const [starting, setStarting] = useState(false);
  const [startError, setStartError] = useState<string>();

  const runningHere = runs.some(
    run => run.status === 'running' && run.environment === environment,
  );

  const start = async () => {
    setStarting(true);
    setStartError(undefined);
    try {
      const { run } = await devopsApi.startLoadTest(entityRef, {
        environment,
      });
      add(run);
    } catch (error) {
      setStartError(describeActionError(error as Error, 'load-test'));
    } finally {
      setStarting(false);
    }
  };

  const views = runs.map(toLoadTestView);
  return (
    <>
      {environments.length > 0 ? (
        <Box className={classes.toolbar}>
          {environments.length > 1 && (
            <TextField
              select
              size="small"
              variant="outlined"
              label="Load test environment"
              className={classes.picker}
              value={environment}
              SelectProps={{ native: true }}
              id="devops-load-test-environment-picker"
              onChange={(event: ChangeEvent<HTMLInputElement>) =>
                setEnvironment(event.target.value)
              }
            >
              {environments.map(name => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </TextField>
          )}
          <Button
            variant="outlined"
            color="primary"
            onClick={start}
            disabled={starting || runningHere}
            startIcon={
              starting || runningHere ? (
                <CircularProgress size={16} aria-label="Load test running" />
              ) : undefined
            }
          >
            {runningHere ? 'Load test running…' : 'Run load test'}
          </Button>
          {environments.length === 1 && (
            <Typography variant="body2" color="textSecondary">
              against the {environment} endpoint
            </Typography>
          )}
        </Box>
      ) : (
        <Typography variant="body2" color="textSecondary" paragraph>
          Declare an endpoint in the{' '}
          <code>{DEVOPS_LOAD_TEST_URL_ANNOTATION}</code> annotation to run load
          tests from here.
        </Typography>
      )}
      {startError && (
        <Box mb={1}>
          <Alert severity="error" onClose={() => setStartError(undefined)}>
            Could not start the load test: {startError}
          </Alert>
        </Box>
      )}
      {pollError && (
        <Box mb={1}>
          <Alert severity="warning">
            Could not refresh the load tests: {pollError.message}
          </Alert>
        </Box>
      )}
      {views.length === 0 ? (
        <Typography variant="body2" color="textSecondary">
          No load test has run yet.
        </Typography>
      ) : (
        <Table size="small" aria-label="Load tests">
          <TableHead>
            <TableRow>
              <TableCell>Status</TableCell>
              <TableCell>Environment</TableCell>
              <TableCell align="right">P95</TableCell>
              <TableCell align="right">Throughput</TableCell>
              <TableCell align="right">Errors</TableCell>
              <TableCell>Started</TableCell>
              <TableCell>By</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {views.map(run => (
              <TableRow key={run.id} data-load-test={run.id}>
                <StatusCell run={run} />
                <TableCell>
                  <Tooltip title={run.url}>
                    <span>{run.environment}</span>
                  </Tooltip>
                </TableCell>
                <TableCell align="right">{run.p95}</TableCell>
                <TableCell align="right">{run.throughput}</TableCell>
                <TableCell align="right">{run.errors}</TableCell>
                <TableCell>{run.when}</TableCell>
                <TableCell>{run.who}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </>
  );
}
