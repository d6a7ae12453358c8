import { ReactNode, useMemo, useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import EditIcon from '@material-ui/icons/Edit';
import {
  CompoundEntityRef,
  Entity,
  getCompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  CodeSnippet,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import {
  MissingAnnotationEmptyState,
  useEntity,
} from '@backstage/plugin-catalog-react';
import {
  DEVOPS_MONITORING_ANNOTATION,
  PerformanceSummary,
  PerformanceWindow,
} from '@devops-growth/backstage-plugin-devops-common';
import { isDevopsPerformanceAvailable } from '../../conditions';
import { formatDateTime, sortRecommendations } from '../CoverageCard/model';
import { Recommendations } from '../CoverageCard/Recommendations';
import { LoadTests } from './LoadTests';
import { MetricsInstructions } from './MetricsInstructions';
import { PerformanceCharts } from './PerformanceCharts';
import { PerformanceFigures } from './PerformanceFigures';
import { PerformancePickers } from './PerformancePickers';
import { Regressions } from './Regressions';
import { StaleBanner } from './StaleBanner';
import { TargetsDialog } from './TargetsDialog';
import { toPerformanceFigures, toRegressionViews } from './model';
import { usePerformanceSummary } from './usePerformanceSummary';

const TITLE = 'Performance';
const DEFAULT_WINDOW: PerformanceWindow = '24h';
const DEFAULT_POLL_INTERVAL_MS = 3000;

function Section(props: { title: string; children: ReactNode }) {
  return (
    <Box mt={3}>
      <Typography variant="h6" component="h3" gutterBottom>
        {props.title}
      </Typography>
      {props.children}
    </Box>
  );
}

/** What to add to the monitoring annotation so that it enables `performance`. */
function enablingValue(current: string | undefined): string {
  const words = (current ?? '')
    .split(',')
    .map(w => w.trim())
    .filter(Boolean);
  return [...words, 'performance'].join(',');
}

function MissingAnnotation(props: { entity: Entity }) {
  const value =
    props.entity.metadata.annotations?.[DEVOPS_MONITORING_ANNOTATION];
  return (
    <InfoCard title={TITLE}>
      {value !== undefined && (
        <Typography variant="body2" gutterBottom>
          The annotation <code>{DEVOPS_MONITORING_ANNOTATION}</code> is set to{' '}
          <code>{value}</code>, which does not enable the{' '}
          <code>performance</code> area. Add <code>performance</code> to the
          list or set it to <code>enabled</code>:
        </Typography>
      )}
      {value !== undefined && (
        <CodeSnippet
          language="yaml"
          text={`metadata:\n  annotations:\n    ${DEVOPS_MONITORING_ANNOTATION}: ${enablingValue(
            value,
          )}`}
        />
      )}
      <MissingAnnotationEmptyState annotation={DEVOPS_MONITORING_ANNOTATION} />
    </InfoCard>
  );
}

function PerformanceDetails(props: {
  entityRef: CompoundEntityRef;
  summary: PerformanceSummary;
  pollIntervalMs: number;
}) {
  const { entityRef, summary, pollIntervalMs } = props;
  const figures = useMemo(() => toPerformanceFigures(summary), [summary]);
  const regressions = useMemo(
    () => toRegressionViews(summary.regressions),
    [summary.regressions],
  );
  const recommendations = useMemo(
    () => sortRecommendations(summary.recommendations),
    [summary.recommendations],
  );
  return (
    <>
      {summary.current ? (
        <>
          <Typography variant="body2" color="textSecondary">
            Latest sample: {formatDateTime(summary.current.at)}
          </Typography>
          <PerformanceFigures figures={figures} />
        </>
      ) : (
        <Typography variant="body2" color="textSecondary">
          No current sample for this environment.
        </Typography>
      )}

      <Section title="Over time">
        <PerformanceCharts
          series={summary.series}
          targets={summary.targets.targets}
          window={summary.window}
          resolution={summary.resolution}
          bucketMinutes={summary.bucketMinutes}
        />
      </Section>

      <Grid container spacing={3}>
        <Grid item xs={12} md={6}>
          <Section title="Regressions">
            <Regressions regressions={regressions} />
          </Section>
        </Grid>
        <Grid item xs={12} md={6}>
          <Section title="Recommendations">
            <Recommendations recommendations={recommendations} />
          </Section>
        </Grid>
      </Grid>

      <Section title="Load tests">
        <LoadTests
          entityRef={entityRef}
          runs={summary.loadTests}
          environments={summary.loadTestEnvironments}
          shownEnvironment={summary.environment}
          pollIntervalMs={pollIntervalMs}
        />
      </Section>
    </>
  );
}

function PerformanceCard(props: { entity: Entity; pollIntervalMs: number }) {
  const entityRef = useMemo(
    () => getCompoundEntityRef(props.entity),
    [props.entity],
  );
  const [window, setWindow] = useState<PerformanceWindow>(DEFAULT_WINDOW);
  const [environment, setEnvironment] = useState<string>();
  const [editing, setEditing] = useState(false);
  const { value, loading, error, retry } = usePerformanceSummary(entityRef, {
    window,
    environment,
  });

  let content: ReactNode;
  let subheader: string | undefined;
  if (error) {
    content = <ResponseErrorPanel error={error} />;
  } else if (!value) {
    content = <Progress />;
  } else {
    const hasData = value.current !== null || value.series.length > 0;
    if (value.environment) {
      subheader = value.source
        ? `${value.environment}, collected by ${value.source}`
        : value.environment;
    }
    content = (
      <>
        {loading && <LinearProgress aria-label="Refreshing" />}
        {value.stale && (
          <Box mb={2}>
            <StaleBanner stale={value.stale} />
          </Box>
        )}
        {hasData ? (
          <>
            <PerformancePickers
              window={window}
              environment={value.environment}
              environments={value.environments}
              onWindowChange={setWindow}
              onEnvironmentChange={setEnvironment}
            />
            <Box mt={2}>
              <PerformanceDetails
                entityRef={entityRef}
                summary={value}
                pollIntervalMs={props.pollIntervalMs}
              />
            </Box>
          </>
        ) : (
          <MetricsInstructions
            source={value.source}
            monitoring={
              props.entity.metadata.annotations?.[
                DEVOPS_MONITORING_ANNOTATION
              ] ?? 'performance'
            }
          />
        )}
      </>
    );
  }
  return (
    <InfoCard
      title={TITLE}
      subheader={subheader}
      action={
        value && !error ? (
          <Button
            size="small"
            startIcon={<EditIcon />}
            onClick={() => setEditing(true)}
          >
            Edit targets
          </Button>
        ) : undefined
      }
    >
      {content}
      {editing && (
        <TargetsDialog
          entityRef={entityRef}
          onClose={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            retry();
          }}
        />
      )}
    </InfoCard>
  );
}

/** Props of {@link DevopsPerformanceCard}. */
export interface DevopsPerformanceCardProps {
  /** How often a running load test is polled for its result, in milliseconds; 3 seconds by default. */
  loadTestPollIntervalMs?: number;
}

/**
 * The "Performance" card: current latency, throughput, error rate, CPU and memory against their
 * targets, time series over a chosen window, stale-data warning, regressions, recommendations,
 * load tests and the targets editor.
 */
export function DevopsPerformanceCard(props: DevopsPerformanceCardProps) {
  const { entity } = useEntity();
  if (!isDevopsPerformanceAvailable(entity)) {
    return <MissingAnnotation entity={entity} />;
  }
  return (
    <PerformanceCard
      key={stringifyEntityRef(entity)}
      entity={entity}
      pollIntervalMs={props.loadTestPollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS}
    />
  );
}
