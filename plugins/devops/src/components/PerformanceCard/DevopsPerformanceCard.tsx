import { useMemo, useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import EditIcon from '@material-ui/icons/Edit';
import {
  CompoundEntityRef,
  Entity,
  getCompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InfoCard } from '@backstage/core-components';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  DEVOPS_MONITORING_ANNOTATION,
  devopsPerformanceTargetsUpdatePermission,
  PerformanceSummary,
  PerformanceWindow,
} from '@devops-growth/backstage-plugin-devops-common';
import {
  AreaCard,
  AsyncCardContent,
  formatDateTime,
  RecommendationsSection,
  Section,
  useCardStyles,
} from '../shared';
import { isDevopsDeploysAvailable } from '../../conditions';
import { toChartMarkers } from './deployMarkers';
import { toPerformanceFigures } from './figures';
import { LoadTests } from './LoadTests';
import { MetricsInstructions } from './MetricsInstructions';
import { PerformanceCharts } from './PerformanceCharts';
import { PerformanceFigures } from './PerformanceFigures';
import { PerformancePickers } from './PerformancePickers';
import { Regressions } from './Regressions';
import { toRegressionViews } from './regressions';
import { StaleBanner } from './StaleBanner';
import { TargetsDialog } from './TargetsDialog';
import { useDeployMarkers } from './useDeployMarkers';
import { usePerformanceSummary } from './usePerformanceSummary';
import { readSessionWindow, storeSessionWindow } from './window';

const TITLE = 'Performance';
const DEFAULT_POLL_INTERVAL_MS = 3000;

/**
 * The "Edit targets" button, for users allowed to change the targets; the others see why they
 * cannot, instead of a refusal after they tried.
 */
function EditTargetsAction(props: { onEdit: () => void }) {
  const permission = usePermission({
    permission: devopsPerformanceTargetsUpdatePermission,
  });
  if (permission.loading) {
    return null;
  }
  if (!permission.allowed) {
    return (
      <Typography
        variant="caption"
        color="textSecondary"
        component="p"
        data-testid="targets-read-only"
      >
        Targets are read-only for you (permission{' '}
        <code>{devopsPerformanceTargetsUpdatePermission.name}</code>)
      </Typography>
    );
  }
  return (
    <Button size="small" startIcon={<EditIcon />} onClick={props.onEdit}>
      Edit targets
    </Button>
  );
}

/** The time range of the series (the last bucket included), `undefined` without points. */
function seriesRange(summary: PerformanceSummary) {
  const times = summary.series.map(p => Date.parse(p.at));
  if (times.length === 0) {
    return undefined;
  }
  return {
    first: Math.min(...times),
    last: Math.max(...times) + summary.bucketMinutes * 60_000,
  };
}

function PerformanceDetails(props: {
  entityRef: CompoundEntityRef;
  summary: PerformanceSummary;
  pollIntervalMs: number;
  /** The entity enables the deploy area: its deploys are marked on the charts. */
  deployMarkers: boolean;
}) {
  const { entityRef, summary, pollIntervalMs } = props;
  const range = seriesRange(summary);
  const deploys = useDeployMarkers(
    entityRef,
    props.deployMarkers,
    range?.first,
    range?.last,
  );
  const markers = useMemo(
    () => (range ? toChartMarkers(deploys, summary.environment, range) : []),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [deploys, summary.environment, range?.first, range?.last],
  );
  const figures = useMemo(() => toPerformanceFigures(summary), [summary]);
  const regressions = useMemo(
    () => toRegressionViews(summary.regressions),
    [summary.regressions],
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
          markers={markers}
        />
      </Section>

      <Grid container spacing={3}>
        <Grid item xs={12} md={6}>
          <Section title="Regressions">
            <Regressions regressions={regressions} />
          </Section>
        </Grid>
        <Grid item xs={12} md={6}>
          <RecommendationsSection recommendations={summary.recommendations} />
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
  // the window picked in this session; until then the card opens on the shortest window that
  // holds a few points, which the summary names
  const [chosenWindow, setChosenWindow] = useState<
    PerformanceWindow | undefined
  >(readSessionWindow);
  const [environment, setEnvironment] = useState<string>();
  const [editing, setEditing] = useState(false);
  const classes = useCardStyles();
  const state = usePerformanceSummary(entityRef, {
    window: chosenWindow,
    environment,
  });
  const { value, error, retry } = state;
  const pickWindow = (picked: PerformanceWindow) => {
    storeSessionWindow(picked);
    setChosenWindow(picked);
  };

  let subheader: string | undefined;
  if (value?.environment && !error) {
    subheader = value.source
      ? `${value.environment}, collected by ${value.source}`
      : value.environment;
  }
  const content = (summary: PerformanceSummary) => {
    const hasData = summary.current !== null || summary.series.length > 0;
    return (
      <>
        {summary.stale && (
          <Box mb={2}>
            <StaleBanner stale={summary.stale} />
          </Box>
        )}
        {hasData ? (
          <>
            <PerformancePickers
              window={chosenWindow ?? summary.window}
              environment={summary.environment}
              environments={summary.environments}
              onWindowChange={pickWindow}
              onEnvironmentChange={setEnvironment}
            />
            <Box mt={2}>
              <PerformanceDetails
                entityRef={entityRef}
                summary={summary}
                pollIntervalMs={props.pollIntervalMs}
                deployMarkers={isDevopsDeploysAvailable(props.entity)}
              />
            </Box>
          </>
        ) : (
          <MetricsInstructions
            source={summary.source}
            monitoring={
              props.entity.metadata.annotations?.[
                DEVOPS_MONITORING_ANNOTATION
              ] ?? 'performance'
            }
          />
        )}
      </>
    );
  };
  return (
    <InfoCard
      title={TITLE}
      subheader={subheader}
      className={classes.card}
      action={
        value && !error ? (
          <EditTargetsAction onEdit={() => setEditing(true)} />
        ) : undefined
      }
    >
      <AsyncCardContent state={state}>{content}</AsyncCardContent>
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
  return (
    <AreaCard area="performance" title={TITLE}>
      {entity => (
        <PerformanceCard
          key={stringifyEntityRef(entity)}
          entity={entity}
          pollIntervalMs={
            props.loadTestPollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS
          }
        />
      )}
    </AreaCard>
  );
}
