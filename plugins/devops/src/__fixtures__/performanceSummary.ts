import {
  LoadTestRun,
  PerformancePoint,
  PerformanceSummary,
} from '@devops-growth/backstage-plugin-devops-common';

/** Test data for the "Performance" card. */

const START = Date.parse('2025-03-03T10:00:00Z');
const MINUTE = 60_000;

/** A point of the series `minutes` after 10:00 UTC on 2025-03-03. */
export function makePerformancePoint(
  minutes: number,
  overrides: Partial<PerformancePoint> = {},
): PerformancePoint {
  return {
    at: new Date(START + minutes * MINUTE).toISOString(),
    p50Ms: 40 + (minutes % 5),
    p95Ms: 170 + (minutes % 7),
    p99Ms: 430 + (minutes % 11),
    throughput: 120,
    errorRate: 0.01,
    cpuCores: 0.3,
    memoryBytes: 250 * 1024 * 1024,
    authFailureRps: 0.05,
    rateLimitedRps: 0,
    ...overrides,
  };
}

export function makeLoadTestRun(
  overrides: Partial<LoadTestRun> = {},
): LoadTestRun {
  return {
    id: 'lt-1',
    entityRef: 'component:default/payments',
    environment: 'staging',
    url: 'https://payments.staging.example.com/health',
    status: 'succeeded',
    startedBy: 'user:default/jane.doe',
    startedAt: '2025-03-03T09:00:00Z',
    finishedAt: '2025-03-03T09:00:30Z',
    durationSeconds: 30,
    connections: 10,
    requests: 36_000,
    throughput: 1200,
    p50Ms: 7,
    p95Ms: 21,
    p99Ms: 35,
    errors: 3,
    error: null,
    ...overrides,
  };
}

/**
 * A summary for `component:default/payments` in production over 24 hours: P95 and throughput meet
 * their targets, P99 and the error rate breach theirs, P50, CPU and memory have no target.
 */
export function makePerformanceSummary(
  overrides: Partial<PerformanceSummary> = {},
): PerformanceSummary {
  const series = Array.from({ length: 12 }, (_, i) =>
    makePerformancePoint(i * 5),
  );
  return {
    entityRef: 'component:default/payments',
    environment: 'production',
    environments: ['production', 'staging'],
    window: '24h',
    resolution: 'raw',
    bucketMinutes: 5,
    current: {
      at: '2025-03-03T11:00:00Z',
      p50Ms: 42.4,
      p95Ms: 180.2,
      p99Ms: 450.7,
      throughput: 120.54,
      errorRate: 0.0123,
      cpuCores: 0.35,
      memoryBytes: 256 * 1024 * 1024,
      authFailureRps: 0.05,
      rateLimitedRps: 0,
    },
    targets: {
      targets: { p95Ms: 300, p99Ms: 400, errorRate: 0.01, minThroughput: 50 },
      sources: {
        p95Ms: 'config',
        p99Ms: 'annotation',
        errorRate: 'default',
        minThroughput: 'api',
      },
    },
    breaches: [
      { target: 'p99Ms', limit: 400, actual: 450.7, source: 'annotation' },
      { target: 'errorRate', limit: 0.01, actual: 0.0123, source: 'default' },
    ],
    regressions: [
      {
        metric: 'p99Ms',
        baseline: 330,
        current: 446,
        changePercent: 35.2,
        pValue: 0.0031,
        window: {
          from: '2025-03-02T11:00:00Z',
          to: '2025-03-03T11:00:00Z',
          samples: 288,
        },
        baselineWindow: {
          from: '2025-03-01T11:00:00Z',
          to: '2025-03-02T11:00:00Z',
          samples: 288,
        },
      },
    ],
    series,
    stale: null,
    source: 'scrape',
    recommendations: [
      {
        id: 'performance.p99',
        area: 'performance',
        priority: 'high',
        title: 'Bring P99 latency under its target',
        description: 'The slowest requests take longer than the target allows.',
        evidence: [{ label: 'P99', value: '451 ms (target 400 ms)' }],
      },
    ],
    loadTestEnvironments: ['staging'],
    loadTests: [makeLoadTestRun()],
    ...overrides,
  };
}

/** A summary of an entity with no samples yet. */
export function makeEmptyPerformanceSummary(
  overrides: Partial<PerformanceSummary> = {},
): PerformanceSummary {
  return makePerformanceSummary({
    environment: null,
    environments: [],
    current: null,
    breaches: [],
    regressions: [],
    series: [],
    recommendations: [],
    loadTestEnvironments: [],
    loadTests: [],
    ...overrides,
  });
}
