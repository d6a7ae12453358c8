import { useEffect, useRef, useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import CircularProgress from '@material-ui/core/CircularProgress';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  DEVOPS_LOAD_TEST_URL_ANNOTATION,
  devopsLoadTestCreatePermission,
  LoadTestRun,
  LoadTestStatus,
} from '@devops-growth/backstage-plugin-devops-common';
import { devopsApiRef } from '../../api';
import {
  BreakableText,
  ResponsiveTable,
  SelectPicker,
  StatusLabel,
  StatusTone,
  TableColumn,
} from '../shared';
import { describeActionError, LoadTestView, toLoadTestView } from './loadTests';

const useStyles = makeStyles(theme => ({
  toolbar: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(1),
  },
  notice: { marginBottom: theme.spacing(1), outlineOffset: 2 },
}));

const STATUS_TONES: Record<LoadTestStatus, StatusTone> = {
  running: 'running',
  succeeded: 'ok',
  failed: 'error',
};

const COLUMNS: TableColumn<LoadTestView>[] = [
  {
    key: 'status',
    title: 'Status',
    render: run => (
      <>
        <StatusLabel
          tone={STATUS_TONES[run.status]}
          label={run.statusLabel}
          data={{ 'data-load-test-status': run.status }}
        />
        {run.error && (
          <Typography variant="caption" color="textSecondary" component="div">
            {run.error}
          </Typography>
        )}
      </>
    ),
  },
  {
    key: 'environment',
    title: 'Environment',
    render: run => (
      <>
        <span>{run.environment}</span>
        <Typography variant="caption" color="textSecondary" component="div">
          <BreakableText text={run.url} />
        </Typography>
      </>
    ),
  },
  {
    key: 'p95',
    title: 'P95',
    align: 'right',
    nowrap: true,
    render: r => r.p95,
  },
  {
    key: 'throughput',
    title: 'Throughput',
    align: 'right',
    nowrap: true,
    render: r => r.throughput,
  },
  {
    key: 'errors',
    title: 'Errors',
    align: 'right',
    nowrap: true,
    render: r => r.errors,
  },
  { key: 'started', title: 'Started', render: r => r.when },
  { key: 'by', title: 'By', render: r => <BreakableText text={r.who} /> },
];

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
 * starts one (disabled, with the reason, for users without the permission). Runs that are still
 * going are polled every `pollIntervalMs`. After a start, focus moves to the message saying what
 * happened (the button is disabled while the run goes on), so keyboard users do not land on the
 * page's top.
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
  const permission = usePermission({
    permission: devopsLoadTestCreatePermission,
  });
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
  const [startedId, setStartedId] = useState<string>();
  const [focusOn, setFocusOn] = useState<'notice' | 'error'>();
  const noticeRef = useRef<HTMLDivElement>(null);
  const errorRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (focusOn === 'notice') {
      noticeRef.current?.focus();
    } else if (focusOn === 'error') {
      errorRef.current?.focus();
    }
    setFocusOn(undefined);
  }, [focusOn]);

  const runningHere = runs.some(
    run => run.status === 'running' && run.environment === environment,
  );

  const start = async () => {
    setStarting(true);
    setStartError(undefined);
    setStartedId(undefined);
    try {
      const { run } = await devopsApi.startLoadTest(entityRef, {
        environment,
      });
      add(run);
      setStartedId(run.id);
      setFocusOn('notice');
    } catch (error) {
      setStartError(describeActionError(error as Error, 'load-test'));
      setFocusOn('error');
    } finally {
      setStarting(false);
    }
  };

  const views = runs.map(toLoadTestView);
  const started = views.find(run => run.id === startedId);
  const mayStart = !permission.loading && permission.allowed;
  return (
    <>
      {environments.length > 0 ? (
        <Box className={classes.toolbar}>
          {environments.length > 1 && (
            <SelectPicker
              id="devops-load-test-environment-picker"
              label="Load test environment"
              value={environment}
              options={environments}
              onChange={setEnvironment}
            />
          )}
          <Button
            variant="outlined"
            color="primary"
            onClick={start}
            disabled={!mayStart || starting || runningHere}
            aria-describedby={
              !permission.loading && !permission.allowed
                ? 'devops-load-test-permission'
                : undefined
            }
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
          {!permission.loading && !permission.allowed && (
            <Typography
              variant="body2"
              color="textSecondary"
              id="devops-load-test-permission"
            >
              You may not start load tests of this entity (permission{' '}
              <code>{devopsLoadTestCreatePermission.name}</code>).
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
      <Typography
        variant="body2"
        role="status"
        tabIndex={-1}
        ref={noticeRef}
        className={classes.notice}
      >
        {started &&
          (started.status === 'running'
            ? `Load test started against ${started.environment}; its figures appear below when it finishes.`
            : `Load test against ${
                started.environment
              } ${started.statusLabel.toLowerCase()}.`)}
      </Typography>
      {startError && (
        <Box mb={1}>
          <Alert
            severity="error"
            ref={errorRef}
            tabIndex={-1}
            onClose={() => setStartError(undefined)}
          >
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
        <ResponsiveTable
          label="Load tests"
          columns={COLUMNS}
          rows={views}
          rowKey={run => run.id}
          rowProps={run => ({ 'data-load-test': run.id })}
          stackBelow={720}
        />
      )}
    </>
  );
}
