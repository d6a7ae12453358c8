import { Recommendation } from './api';

/**
 * The performance area: units are in the names (milliseconds, requests per second, a 0..1
 * fraction of requests answered with 5xx, CPU cores, bytes). `null` means the source has no
 * value for it (for example CPU when the service exports no process metrics).
 */

/** The values collected for one entity and environment at one instant. @public */
export interface PerformanceValues {
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  /** Requests per second. */
  throughput: number | null;
  /** Share of requests answered with a 5xx status, 0..1. */
  errorRate: number | null;
  /** CPU used, in cores (1 = one core fully busy). */
  cpuCores: number | null;
  /** Resident memory in bytes. */
  memoryBytes: number | null;
  /**
   * Responses with status 401 or 403 per second: what the threat detectors read for
   * authentication-failure surges. `null` when the source has no status codes.
   */
  authFailureRps: number | null;
  /** Responses with status 429 per second. `null` when the source has no status codes. */
  rateLimitedRps: number | null;
}

/**
 * The metrics the Performance card charts and holds against targets: every key of
 * {@link PerformanceValues} but the request-status rates. @public
 */
export const PERFORMANCE_METRICS = [
  'p50Ms',
  'p95Ms',
  'p99Ms',
  'throughput',
  'errorRate',
  'cpuCores',
  'memoryBytes',
] as const;

/** One performance metric. @public */
export type PerformanceMetric = (typeof PERFORMANCE_METRICS)[number];

/**
 * Rates of responses by status class, collected with the other metrics and read by the security
 * area's threat detectors; not charted by the Performance card. @public
 */
export const REQUEST_STATUS_METRICS = [
  'authFailureRps',
  'rateLimitedRps',
] as const;

/** One request-status rate. @public */
export type RequestStatusMetric = (typeof REQUEST_STATUS_METRICS)[number];

/** Every key of {@link PerformanceValues}: what providers collect and the samples store. @public */
export const COLLECTED_METRICS = [
  ...PERFORMANCE_METRICS,
  ...REQUEST_STATUS_METRICS,
] as const;

/** One collected metric. @public */
export type CollectedMetric = (typeof COLLECTED_METRICS)[number];

/** A point of a performance time series: raw samples, buckets of them, or hourly roll-ups. @public */
export interface PerformancePoint extends PerformanceValues {
  /** ISO 8601 start of the sample, bucket or hour. */
  at: string;
}

/** The windows the performance card offers. @public */
export const PERFORMANCE_WINDOWS = ['1h', '24h', '7d', '30d'] as const;

/** A window of the performance time series. @public */
export type PerformanceWindow = (typeof PERFORMANCE_WINDOWS)[number];

/**
 * Optimisation targets of an entity. `null` means no target for that figure.
 * @public
 */
export interface PerformanceTargets {
  /** Highest acceptable P95 latency in milliseconds. */
  p95Ms: number | null;
  /** Highest acceptable P99 latency in milliseconds. */
  p99Ms: number | null;
  /** Highest acceptable share of 5xx responses, 0..1. */
  errorRate: number | null;
  /** Lowest expected throughput in requests per second. */
  minThroughput: number | null;
}

/** Every key of {@link PerformanceTargets}. @public */
export const PERFORMANCE_TARGET_KEYS = [
  'p95Ms',
  'p99Ms',
  'errorRate',
  'minThroughput',
] as const;

/** One target. @public */
export type PerformanceTargetKey = (typeof PERFORMANCE_TARGET_KEYS)[number];

/**
 * Where a target's effective value comes from, lowest precedence first: built-in default,
 * `app-config.yaml`, the entity's annotations, a change made through the API.
 * @public
 */
export type PerformanceTargetSource =
  | 'default'
  | 'config'
  | 'annotation'
  | 'api';

/** The targets in force for an entity and where each comes from. @public */
export interface EffectivePerformanceTargets {
  targets: PerformanceTargets;
  sources: Record<PerformanceTargetKey, PerformanceTargetSource>;
}

/**
 * A change to an entity's targets made through the API. In `changes`, a number sets an override
 * and `null` removes it (the annotation, config or default applies again).
 * @public
 */
export interface PerformanceTargetChange {
  id: string;
  entityRef: string;
  changes: Partial<Record<PerformanceTargetKey, number | null>>;
  /** The user or service that made the change. */
  actor: string;
  comment: string | null;
  at: string;
}

/** A target the current figures miss. @public */
export interface PerformanceBreach {
  target: PerformanceTargetKey;
  /** The target's value. */
  limit: number;
  /** The measured value. */
  actual: number;
  source: PerformanceTargetSource;
}

/** A statistically significant worsening of a metric, window against preceding window. @public */
export interface PerformanceRegression {
  metric: PerformanceMetric;
  /** Mean of the metric over the baseline window. */
  baseline: number;
  /** Mean over the current window. */
  current: number;
  /** Relative change, in percent (positive = worse). */
  changePercent: number;
  /** Two-sided p-value of Welch's t-test between the windows' samples. */
  pValue: number;
  window: { from: string; to: string; samples: number };
  baselineWindow: { from: string; to: string; samples: number };
}

/** Collection for the entity is failing: the figures shown are as of `since`. @public */
export interface PerformanceStaleness {
  /** When the first failed collection of this outage happened. */
  since: string;
  /** The latest failure's message. */
  error: string;
  /** The provider that failed, for example `scrape` or `prometheus`. */
  source: string;
  /** When data was last collected successfully, if ever. */
  lastSuccessAt: string | null;
}

/** Status of a load test run. @public */
export type LoadTestStatus = 'running' | 'succeeded' | 'failed';

/** A bounded load test against an endpoint the entity declares. @public */
export interface LoadTestRun {
  id: string;
  entityRef: string;
  /** Environment whose declared endpoint was loaded. */
  environment: string;
  /** The declared URL that was loaded. */
  url: string;
  status: LoadTestStatus;
  /** The user or service that started it. */
  startedBy: string;
  startedAt: string;
  finishedAt: string | null;
  durationSeconds: number;
  connections: number;
  requests: number | null;
  throughput: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  /** Requests that failed (connection errors, timeouts, non-2xx/3xx responses). */
  errors: number | null;
  /** Why the run failed, when it did. */
  error: string | null;
}

/** What the Performance card shows, as served by `GET /entities/:kind/:namespace/:name/performance`. @public */
export interface PerformanceSummary {
  entityRef: string;
  /** The environment shown; `null` when nothing was collected yet. */
  environment: string | null;
  /** Every environment with data, sorted. */
  environments: string[];
  window: PerformanceWindow;
  /** `raw` for short windows (samples, possibly bucketed), `hourly` roll-ups for long ones. */
  resolution: 'raw' | 'hourly';
  /** The width of each point of `series`, in minutes: the mean of the samples or roll-ups in it. */
  bucketMinutes: number;
  /** The newest sample, `null` when there is none. */
  current: PerformancePoint | null;
  targets: EffectivePerformanceTargets;
  breaches: PerformanceBreach[];
  regressions: PerformanceRegression[];
  series: PerformancePoint[];
  stale: PerformanceStaleness | null;
  /** The provider collecting for this entity, `null` when none can. */
  source: string | null;
  recommendations: Recommendation[];
  /** Environments with a load-test endpoint declared by the entity. */
  loadTestEnvironments: string[];
  /** The most recent load test runs, newest first. */
  loadTests: LoadTestRun[];
}
