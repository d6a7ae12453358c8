import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import {
  EffectivePerformanceTargets,
  LoadTestRun,
  PerformancePoint,
} from '@devops-growth/backstage-plugin-devops-common';
import { readPerformanceAnalysisSettings } from './settings';
import {
  detectBreaches,
  detectRegressions,
  recommendPerformance,
  regressionWindows,
} from './analysis';
import { resolvePerformanceTargets } from './targets';

const entity = (annotations: Record<string, string> = {}): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', annotations },
  spec: {},
});

const defaults = readPerformanceAnalysisSettings(new ConfigReader({}));

describe('performance targets', () => {
  it('layers defaults, config, annotations and API overrides, naming each source', () => {
    const settings = readPerformanceAnalysisSettings(
      new ConfigReader({
        devops: {
          performance: { targets: { p99Ms: 800, errorRatePercent: 2 } },
        },
      }),
    );
    const resolved = resolvePerformanceTargets({
      entity: entity({
        'devops-growth.io/target-p99-ms': '600',
        'devops-growth.io/target-min-throughput-rps': '50',
      }),
      configured: settings.targets,
      overrides: { minThroughput: 75 },
    });
    expect(resolved.targets).toEqual({
      p95Ms: 500,
      p99Ms: 600,
      errorRate: 0.02,
      minThroughput: 75,
    });
    expect(resolved.sources).toEqual({
      p95Ms: 'default',
      p99Ms: 'annotation',
      errorRate: 'config',
      minThroughput: 'api',
    });
    expect(resolved.invalid).toEqual([]);
  });

  it('ignores an invalid annotation for its key only and reports it', () => {
    const resolved = resolvePerformanceTargets({
      entity: entity({
        'devops-growth.io/target-p95-ms': 'fast',
        'devops-growth.io/target-error-rate-percent': '0.5%',
        'devops-growth.io/target-p99-ms': '-3',
      }),
      configured: { p95Ms: 300 },
      overrides: {},
    });
    expect(resolved.targets.p95Ms).toBe(300);
    expect(resolved.sources.p95Ms).toBe('config');
    expect(resolved.targets.p99Ms).toBe(1000);
    expect(resolved.targets.errorRate).toBeCloseTo(0.005, 10);
    expect(resolved.sources.errorRate).toBe('annotation');
    expect(resolved.invalid.map(i => i.annotation)).toEqual([
      'devops-growth.io/target-p95-ms',
      'devops-growth.io/target-p99-ms',
    ]);
    const recs = recommendPerformance({
      environment: 'production',
      current: null,
      targets: resolved,
      invalidTargetAnnotations: resolved.invalid,
      breaches: [],
      regressions: [],
      stale: null,
      loadTestEnvironments: [],
      loadTests: [],
    });
    expect(recs.map(r => r.id)).toEqual([
      'performance.invalid-target-annotation',
      'performance.invalid-target-annotation',
    ]);
    expect(recs[0].description).toContain("'fast'");
    expect(recs[0].description).toContain('comes from config');
  });

  it('refuses invalid config naming the key', () => {
    expect(() =>
      readPerformanceAnalysisSettings(
        new ConfigReader({
          devops: { performance: { targets: { errorRatePercent: 150 } } },
        }),
      ),
    ).toThrow('devops.performance.targets.errorRatePercent');
    expect(() =>
      readPerformanceAnalysisSettings(
        new ConfigReader({
          devops: {
            performance: {
              loadTests: { defaultDuration: '1m', maxDuration: '30s' },
            },
          },
        }),
      ),
    ).toThrow('devops.performance.loadTests.defaultDuration');
    expect(() =>
      readPerformanceAnalysisSettings(
        new ConfigReader({
          devops: { performance: { regression: { maxPValue: 1 } } },
        }),
      ),
    ).toThrow('devops.performance.regression.maxPValue');
  });

  it('has the documented defaults', () => {
    expect(defaults.regression).toEqual({
      windowMs: 3_600_000,
      maxPValue: 0.01,
      minChangePercent: 10,
      minSamples: 10,
    });
    expect(defaults.loadTests).toEqual({
      defaultDurationSeconds: 10,
      maxDurationSeconds: 30,
      defaultConnections: 2,
      maxConnections: 10,
      maxConcurrent: 2,
    });
  });
});

const point = (over: Partial<PerformancePoint>): PerformancePoint => ({
  at: '2026-11-26T10:00:00.000Z',
  p50Ms: 50,
  p95Ms: 200,
  p99Ms: 400,
  throughput: 20,
  errorRate: 0.001,
  cpuCores: null,
  memoryBytes: null,
  authFailureRps: null,
  rateLimitedRps: null,
  ...over,
});

const effective: EffectivePerformanceTargets = {
  targets: { p95Ms: 500, p99Ms: 1000, errorRate: 0.01, minThroughput: 10 },
  sources: {
    p95Ms: 'default',
    p99Ms: 'default',
    errorRate: 'default',
    minThroughput: 'config',
  },
};

describe('detectBreaches', () => {
  it('flags latencies and error rate above, throughput below the targets', () => {
    expect(detectBreaches(point({}), effective)).toEqual([]);
    expect(
      detectBreaches(
        point({ p95Ms: 650, p99Ms: 1000, errorRate: 0.03, throughput: 4 }),
        effective,
      ),
    ).toEqual([
      { target: 'p95Ms', limit: 500, actual: 650, source: 'default' },
      { target: 'errorRate', limit: 0.01, actual: 0.03, source: 'default' },
      { target: 'minThroughput', limit: 10, actual: 4, source: 'config' },
    ]);
    // Missing values and missing targets breach nothing.
    expect(
      detectBreaches(point({ p95Ms: null, throughput: null }), {
        ...effective,
        targets: { ...effective.targets, minThroughput: null },
      }),
    ).toEqual([]);
    expect(detectBreaches(null, effective)).toEqual([]);
  });
});

/** Deterministic noise around a mean: spread ±amplitude. */
const series = (n: number, mean: number, amplitude: number) =>
  Array.from({ length: n }, (_, i) => mean + amplitude * Math.sin(i * 1.7));

describe('detectRegressions', () => {
  const windows = regressionWindows(
    new Date('2026-11-26T12:00:00Z'),
    defaults.regression.windowMs,
  );
  const detect = (
    metric: 'p95Ms' | 'p99Ms' | 'errorRate',
    baseline: number[],
    current: number[],
  ) =>
    detectRegressions(
      [{ metric, baseline, current }],
      defaults.regression,
      windows,
    );

  it('flags a significant, large enough worsening with its figures', () => {
    const [r] = detect('p95Ms', series(30, 200, 10), series(30, 260, 10));
    expect(r).toMatchObject({
      metric: 'p95Ms',
      window: {
        from: '2026-11-26T11:00:00.000Z',
        to: '2026-11-26T12:00:00.000Z',
        samples: 30,
      },
      baselineWindow: {
        from: '2026-11-26T10:00:00.000Z',
        to: '2026-11-26T11:00:00.000Z',
        samples: 30,
      },
    });
    expect(r.baseline).toBeCloseTo(200, 0);
    expect(r.current).toBeCloseTo(260, 0);
    expect(r.changePercent).toBeCloseTo(30, 0);
    expect(r.pValue).toBeLessThan(1e-10);
  });

  it('does not flag small, insignificant, improving or under-sampled changes', () => {
    // +4 %: significant but under minChangePercent
    expect(detect('p95Ms', series(30, 200, 2), series(30, 208, 2))).toEqual([]);
    // +15 % on the means, but noise so large that p is well above 0.01
    expect(detect('p95Ms', series(12, 200, 150), series(12, 230, 150))).toEqual(
      [],
    );
    // better, not worse
    expect(detect('p99Ms', series(30, 400, 10), series(30, 200, 10))).toEqual(
      [],
    );
    // 9 samples in the current window
    expect(detect('p95Ms', series(30, 200, 10), series(9, 400, 10))).toEqual(
      [],
    );
  });

  it('needs 0.5 percentage points more errors before flagging the error rate', () => {
    expect(detect('errorRate', series(20, 0, 0), series(20, 0.001, 0))).toEqual(
      [],
    );
    const [r] = detect('errorRate', series(20, 0, 0), series(20, 0.02, 0.001));
    expect(r.metric).toBe('errorRate');
    expect(r.changePercent).toBe(10_000);
  });
});

const run = (over: Partial<LoadTestRun> = {}): LoadTestRun => ({
  id: 'r1',
  entityRef: 'component:default/checkout',
  environment: 'production',
  url: 'http://localhost/',
  status: 'succeeded',
  startedBy: 'user:default/me',
  startedAt: '2026-11-26T10:00:00.000Z',
  finishedAt: '2026-11-26T10:00:10.000Z',
  durationSeconds: 10,
  connections: 2,
  requests: 100,
  throughput: 10,
  p50Ms: 1,
  p95Ms: 2,
  p99Ms: 3,
  errors: 0,
  error: null,
  ...over,
});

describe('recommendPerformance', () => {
  const base = {
    environment: 'production',
    current: point({}),
    targets: effective,
    invalidTargetAnnotations: [],
    breaches: [],
    regressions: [],
    stale: null,
    loadTestEnvironments: [],
    loadTests: [],
  };

  it('recommends nothing when every figure is fine', () => {
    expect(recommendPerformance(base)).toEqual([]);
    expect(
      recommendPerformance({
        ...base,
        loadTestEnvironments: ['production'],
        loadTests: [run()],
      }),
    ).toEqual([]);
  });

  it('turns breaches, regressions, staleness and a missing load test into evidence-backed recommendations, highest priority first', () => {
    const current = point({ p95Ms: 812, errorRate: 0.025, throughput: 4 });
    const breaches = detectBreaches(current, effective);
    const windows = regressionWindows(
      new Date('2026-11-26T12:00:00Z'),
      3_600_000,
    );
    const regressions = detectRegressions(
      [
        {
          metric: 'p99Ms',
          baseline: series(20, 400, 5),
          current: series(20, 480, 5),
        },
      ],
      defaults.regression,
      windows,
    );
    const recs = recommendPerformance({
      ...base,
      current,
      breaches,
      regressions,
      stale: {
        since: '2026-11-26T11:50:00.000Z',
        error: 'GET http://checkout/metrics: timed out after 5s',
        source: 'scrape',
        lastSuccessAt: '2026-11-26T11:49:00.000Z',
      },
      loadTestEnvironments: ['production'],
    });
    expect(recs.map(r => [r.id, r.priority])).toEqual([
      ['performance.p95-above-target', 'high'],
      ['performance.error-rate-above-target', 'high'],
      ['performance.stale-data', 'high'],
      ['performance.throughput-below-target', 'medium'],
      ['performance.p99-regression', 'medium'],
      ['performance.no-load-test', 'low'],
    ]);
    expect(recs[0].evidence).toEqual([
      { label: 'Environment', value: 'production' },
      { label: 'Current P95 latency', value: '812 ms' },
      { label: 'Target (from default)', value: '500 ms' },
    ]);
    expect(recs[1].evidence[1]).toEqual({
      label: 'Current error rate',
      value: '2.5 %',
    });
    expect(recs[3].evidence[2]).toEqual({
      label: 'Target (from config)',
      value: '10 req/s',
    });
    expect(recs[4].evidence).toEqual(
      expect.arrayContaining([
        { label: 'Baseline mean', value: '400 ms (20 samples)' },
        { label: 'Current mean', value: '480 ms (20 samples)' },
      ]),
    );
    expect(recs[2].evidence[2].value).toContain('timed out');
  });
});
