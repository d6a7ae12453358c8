import { LoggerService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, isError, NotFoundError } from '@backstage/errors';
import {
  DEVOPS_LOAD_TEST_URL_ANNOTATION,
  EffectivePerformanceTargets,
  LoadTestRun,
  PerformancePoint,
  PerformanceSummary,
  PerformanceTargetChange,
  PerformanceTargetsChangeRequest,
  PerformanceWindow,
  parseEnvironmentUrls,
} from '@devops-growth/backstage-plugin-devops-common';
import {
  detectBreaches,
  detectRegressions,
  recommendPerformance,
  REGRESSION_METRICS,
  regressionWindows,
} from './analysis';
import { CanaryMetricsReader } from '../deploys/types';
import { createCanaryMetricsReader } from './canaryMetrics';
import { LoadTestRunner } from './LoadTestRunner';
import { LoadTestStore } from './LoadTestStore';
import { MetricsProviderRegistry } from './MetricsProviderRegistry';
import {
  PerformanceFactsReader,
  RequestMetricsReader,
  RequestSeries,
} from '../security/types';
import { PerformanceSampleStore } from './PerformanceSampleStore';
import { PerformanceTargetStore } from './PerformanceTargetStore';
import { RequestMetricsStore } from './RequestMetricsStore';
import { PerformanceAnalysisSettings } from './settings';
import { InvalidTargetAnnotation, resolvePerformanceTargets } from './targets';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** How each window of the card is read: its length, and raw buckets or hourly roll-ups. */
export const WINDOW_READS: Record<
  PerformanceWindow,
  { lengthMs: number; resolution: 'raw' | 'hourly'; bucketMs: number }
> = {
  '1h': { lengthMs: HOUR_MS, resolution: 'raw', bucketMs: MINUTE_MS },
  // 144 pre-computed 10-minute roll-ups, current to the last tick.
  '24h': { lengthMs: DAY_MS, resolution: 'raw', bucketMs: 10 * MINUTE_MS },
  '7d': { lengthMs: 7 * DAY_MS, resolution: 'hourly', bucketMs: HOUR_MS },
  // 120 pre-computed points of 6 hours (four a day): what a card-wide trend needs.
  '30d': { lengthMs: 30 * DAY_MS, resolution: 'hourly', bucketMs: 6 * HOUR_MS },
};

/** Load test runs listed in the summary. */
const SUMMARY_LOAD_TESTS = 5;
/** Target changes listed with the targets. */
const TARGET_HISTORY = 50;

/**
 * The environments the entity declares a load-test endpoint for, with their URLs; empty when the
 * annotation is absent or invalid (`error` says why).
 */
export function declaredLoadTestUrls(entity: Entity): {
  urls: Map<string, string>;
  error?: string;
} {
  const raw = entity.metadata.annotations?.[DEVOPS_LOAD_TEST_URL_ANNOTATION];
  if (raw === undefined) return { urls: new Map() };
  try {
    return { urls: parseEnvironmentUrls(raw) };
  } catch (e) {
    return { urls: new Map(), error: (e as Error).message };
  }
}

/** `production` when present, else the first of the (sorted) environments. */
export function defaultEnvironment(environments: string[]): string | null {
  if (environments.includes('production')) return 'production';
  return environments[0] ?? null;
}

/**
 * The performance area's domain logic: the card's summary, the effective targets and their
 * changes, and load tests against the endpoints an entity declares. The security area reads
 * request metrics (threat detectors) and collection facts (compliance) through it.
 */
export class PerformanceService
  implements RequestMetricsReader, PerformanceFactsReader
{
  private readonly samples: PerformanceSampleStore;
  private readonly requests: RequestMetricsStore;
  private readonly staleAfterMs: number;
  private readonly targetStore: PerformanceTargetStore;
  private readonly loadTestStore: LoadTestStore;
  private readonly runner: LoadTestRunner;
  private readonly registry: MetricsProviderRegistry;
  private readonly settings: PerformanceAnalysisSettings;
  private readonly now: () => Date;
  private readonly canaryReader: CanaryMetricsReader;

  constructor(deps: {
    samples: PerformanceSampleStore;
    requests: RequestMetricsStore;
    /** An entity whose newest sample is older than this is stale (a few collection ticks). */
    staleAfterMs: number;
    targets: PerformanceTargetStore;
    loadTests: LoadTestStore;
    runner: LoadTestRunner;
    registry: MetricsProviderRegistry;
    settings: PerformanceAnalysisSettings;
    now?: () => Date;
    /** Given to metrics providers sampling for the canary analysis. */
    logger?: LoggerService;
  }) {
    this.samples = deps.samples;
    this.requests = deps.requests;
    this.staleAfterMs = deps.staleAfterMs;
    this.targetStore = deps.targets;
    this.loadTestStore = deps.loadTests;
    this.runner = deps.runner;
    this.registry = deps.registry;
    this.settings = deps.settings;
    this.now = deps.now ?? (() => new Date());
    this.canaryReader = createCanaryMetricsReader({
      registry: deps.registry,
      samples: deps.samples,
      logger: deps.logger,
    });
  }

  /**
   * What the deploys area's canary analysis reads: canary and baseline samples through the
   * entity's metrics provider, and the stored samples of an environment.
   */
  canaryMetrics(): CanaryMetricsReader {
    return this.canaryReader;
  }

  /** Raw request samples of the entities in `[since, until)`: one query for all of them. */
  recentRequests(
    entityRefs: string[],
    since: Date,
    until: Date,
  ): Promise<RequestSeries[]> {
    return this.requests.readRequestSeries({
      resolution: 'raw',
      entityRefs,
      from: since,
      to: until,
    });
  }

  /** Hourly roll-ups (means) of the entities in `[since, until)`: one query for all of them. */
  hourlyRequests(
    entityRefs: string[],
    since: Date,
    until: Date,
  ): Promise<RequestSeries[]> {
    return this.requests.readRequestSeries({
      resolution: 'hourly',
      entityRefs,
      from: since,
      to: until,
    });
  }

  /**
   * Every entity's newest sample and whether its data is stale: the latest collection failed,
   * nothing was ever collected, or the newest sample is older than the staleness limit. Two
   * queries for all the entities.
   */
  async performanceFacts(
    entityRefs: string[],
    now: Date,
  ): Promise<Map<string, { lastSampleAt: Date | null; stale: boolean }>> {
    const facts = await this.requests.readCollectionFacts(entityRefs);
    return new Map(
      entityRefs.map(ref => {
        const known = facts.get(ref);
        const lastSampleAt = known?.lastSampleAt ?? null;
        const stale =
          !known ||
          known.staleSince !== null ||
          lastSampleAt === null ||
          now.getTime() - lastSampleAt.getTime() > this.staleAfterMs;
        return [ref, { lastSampleAt, stale }];
      }),
    );
  }

  /** The load-test limits, for the request schema. */
  get loadTestSettings() {
    return this.settings.loadTests;
  }

  /** Records a targets change (with its history) and answers the targets now in force. */
  async changeTargets(
    entity: Entity,
    request: PerformanceTargetsChangeRequest,
    actor: string,
  ): Promise<{
    targets: EffectivePerformanceTargets;
    change: PerformanceTargetChange;
  }> {
    const change = await this.targetStore.applyTargetChange({
      entityRef: stringifyEntityRef(entity),
      changes: request.changes,
      actor,
      comment: request.comment ?? null,
    });
    const { invalid: _invalid, ...targets } = await this.getTargets(entity);
    return { targets, change };
  }

  listLoadTests(entity: Entity, options: { limit: number }) {
    return this.loadTestStore.listLoadTests(
      stringifyEntityRef(entity),
      options,
    );
  }

  async getLoadTest(entity: Entity, id: string): Promise<LoadTestRun> {
    const entityRef = stringifyEntityRef(entity);
    const run = await this.loadTestStore.getLoadTest(entityRef, id);
    if (!run) {
      throw new NotFoundError(
        `Load test '${id}' of '${entityRef}' was not found`,
      );
    }
    return run;
  }

  /**
   * Starts a load test against the endpoint the entity declares for the environment
   * (`production`, else the first declared, when none is asked for), if its host is allowed.
   */
  async startLoadTest(
    entity: Entity,
    request: {
      environment?: string;
      durationSeconds: number;
      connections: number;
    },
    actor: string,
  ): Promise<LoadTestRun> {
    const entityRef = stringifyEntityRef(entity);
    const declared = declaredLoadTestUrls(entity);
    if (declared.error) {
      throw new InputError(
        `The annotation ${DEVOPS_LOAD_TEST_URL_ANNOTATION} of '${entityRef}' is invalid: ${declared.error}`,
      );
    }
    const environment =
      request.environment ?? defaultEnvironment([...declared.urls.keys()]);
    const url = environment ? declared.urls.get(environment) : undefined;
    if (!environment || !url) {
      const declaredFor =
        environment && declared.urls.size > 0
          ? ` for the environment '${environment}' (declared: ${[
              ...declared.urls.keys(),
            ].join(', ')})`
          : '';
      throw new InputError(
        `'${entityRef}' declares no load-test endpoint${declaredFor}: set the annotation ${DEVOPS_LOAD_TEST_URL_ANNOTATION}`,
      );
    }
    try {
      // The runner checks the host against devops.allowedHosts, resolves and pins it.
      return await this.runner.start({
        entityRef,
        environment,
        url,
        startedBy: actor,
        durationSeconds: request.durationSeconds,
        connections: request.connections,
      });
    } catch (error) {
      if (isError(error) && error.name === 'InputError') {
        throw new InputError(
          `The load-test endpoint of '${entityRef}' for '${environment}' (${url}) may not be loaded: ${error.message}`,
        );
      }
      throw error;
    }
  }

  async getTargets(
    entity: Entity,
  ): Promise<
    EffectivePerformanceTargets & { invalid: InvalidTargetAnnotation[] }
  > {
    const overrides = await this.targetStore.getOverrides(
      stringifyEntityRef(entity),
    );
    return resolvePerformanceTargets({
      entity,
      configured: this.settings.targets,
      overrides,
    });
  }

  async getTargetsWithHistory(entity: Entity) {
    const [resolved, history] = await Promise.all([
      this.getTargets(entity),
      this.targetStore.listTargetChanges(stringifyEntityRef(entity), {
        limit: TARGET_HISTORY,
      }),
    ]);
    const { invalid: _invalid, ...targets } = resolved;
    return { targets, history };
  }

  /**
   * The window's series: raw samples bucketed in the database (1 h), or the pre-computed
   * 10-minute (24 h), hourly (7 d) or 6-hour (30 d) roll-ups.
   */
  private readSeries(
    read: (typeof WINDOW_READS)[PerformanceWindow],
    where: { entityRef: string; environment: string; from: Date; to: Date },
  ): Promise<PerformancePoint[]> {
    switch (read.bucketMs) {
      case 10 * MINUTE_MS:
        return this.samples.readTenMinuteSeries(where);
      case HOUR_MS:
        return this.samples.readHourlySeries(where);
      case 6 * HOUR_MS:
        return this.samples.readSixHourSeries(where);
      default:
        return this.samples.readRawSeries({
          ...where,
          bucketMs: read.bucketMs,
        });
    }
  }

  async getSummary(
    entity: Entity,
    options: { window: PerformanceWindow; environment?: string },
  ): Promise<PerformanceSummary> {
    const entityRef = stringifyEntityRef(entity);
    const now = this.now();
    const [environments, stale, resolved, loadTests] = await Promise.all([
      this.samples.listEnvironments(entityRef),
      this.samples.getStaleness(entityRef),
      this.getTargets(entity),
      this.loadTestStore.listLoadTests(entityRef, {
        limit: SUMMARY_LOAD_TESTS,
      }),
    ]);
    const { invalid, ...targets } = resolved;
    const environment = options.environment ?? defaultEnvironment(environments);
    const read = WINDOW_READS[options.window];
    const from = new Date(now.getTime() - read.lengthMs);
    const windows = regressionWindows(now, this.settings.regression.windowMs);

    let latest: PerformancePoint | null = null;
    let series: PerformancePoint[] = [];
    let regressionInputs: ReturnType<typeof regressionInputsOf> = [];
    if (environment) {
      const [recent, points] = await Promise.all([
        // The raw samples of both regression windows in one read, split in memory.
        this.samples.readRawPoints({
          entityRef,
          environment,
          from: windows.baseline.from,
          to: windows.current.to,
        }),
        this.readSeries(read, { entityRef, environment, from, to: now }),
      ]);
      series = points;
      regressionInputs = regressionInputsOf(recent, windows);
      // The newest recent sample is the current one; only an entity without recent samples (a
      // stale one) needs another query.
      latest =
        recent[recent.length - 1] ??
        (await this.samples.getLatestSample(entityRef, environment)) ??
        null;
    }

    const breaches = detectBreaches(latest, targets);
    const regressions = detectRegressions(
      regressionInputs,
      this.settings.regression,
      windows,
    );
    const loadTestEnvironments = [...declaredLoadTestUrls(entity).urls.keys()];
    const recommendations = recommendPerformance({
      environment,
      current: latest,
      targets,
      invalidTargetAnnotations: invalid,
      breaches,
      regressions,
      stale,
      loadTestEnvironments,
      loadTests,
    });

    return {
      entityRef,
      environment,
      environments,
      window: options.window,
      resolution: read.resolution,
      bucketMinutes: read.bucketMs / MINUTE_MS,
      current: latest,
      targets,
      breaches,
      regressions,
      series,
      stale,
      source: this.registry.select(entity)?.id ?? null,
      recommendations,
      loadTestEnvironments,
      loadTests,
    };
  }
}

/** The non-null values of each regression metric in the baseline and current windows. */
function regressionInputsOf(
  points: PerformancePoint[],
  windows: ReturnType<typeof regressionWindows>,
) {
  const currentFrom = windows.current.from.getTime();
  return REGRESSION_METRICS.map(metric => {
    const baseline: number[] = [];
    const current: number[] = [];
    for (const point of points) {
      const value = point[metric];
      if (value === null) continue;
      (Date.parse(point.at) < currentFrom ? baseline : current).push(value);
    }
    return { metric, baseline, current };
  });
}
