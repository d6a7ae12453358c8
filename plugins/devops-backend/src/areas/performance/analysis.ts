import {
  DEVOPS_LOAD_TEST_URL_ANNOTATION,
  EffectivePerformanceTargets,
  LoadTestRun,
  PerformanceBreach,
  PerformanceMetric,
  PerformancePoint,
  PerformanceRegression,
  PerformanceStaleness,
  Recommendation,
  RecommendationPriority,
} from '@devops-growth/backstage-plugin-devops-common';
import { RegressionSettings } from './settings';
import { welchTTest } from './regression';
import { InvalidTargetAnnotation } from './targets';

/** The metrics checked for regressions; for each of them a higher value is worse. */
export const REGRESSION_METRICS = ['p95Ms', 'p99Ms', 'errorRate'] as const;

/** Smallest absolute rise of the error rate reported as a regression: 0.5 percentage points. */
export const MIN_ERROR_RATE_INCREASE = 0.005;

/** Reported `changePercent` for a rise from a zero baseline (where the ratio is infinite). */
export const MAX_CHANGE_PERCENT = 10_000;

const round = (value: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

export const formatMs = (ms: number) =>
  `${ms >= 100 ? Math.round(ms) : round(ms, 1)} ms`;
export const formatRate = (rate: number) => `${round(rate * 100, 2)} %`;
export const formatRps = (rps: number) => `${round(rps, 2)} req/s`;

/** Targets the current figures miss: latencies and error rate above, throughput below. */
export function detectBreaches(
  current: PerformancePoint | null,
  effective: EffectivePerformanceTargets,
): PerformanceBreach[] {
  if (!current) return [];
  const { targets, sources } = effective;
  const breaches: PerformanceBreach[] = [];
  const above = (
    target: 'p95Ms' | 'p99Ms' | 'errorRate',
    actual: number | null,
  ) => {
    const limit = targets[target];
    if (limit !== null && actual !== null && actual > limit) {
      breaches.push({ target, limit, actual, source: sources[target] });
    }
  };
  above('p95Ms', current.p95Ms);
  above('p99Ms', current.p99Ms);
  above('errorRate', current.errorRate);
  const minThroughput = targets.minThroughput;
  if (
    minThroughput !== null &&
    current.throughput !== null &&
    current.throughput < minThroughput
  ) {
    breaches.push({
      target: 'minThroughput',
      limit: minThroughput,
      actual: current.throughput,
      source: sources.minThroughput,
    });
  }
  return breaches;
}

/** The raw values of one metric in the current window and the baseline window before it. */
export interface RegressionInput {
  metric: PerformanceMetric;
  baseline: number[];
  current: number[];
}

/**
 * The two windows compared: `[now - 2w, now - w)` as baseline and `[now - w, now)` as current,
 * with `w` = `devops.performance.regression.window`.
 *
 * Comparing against the last deploy (the window before it against the window after it) comes
 * with the deploy area, once deploys are recorded: it will reuse {@link detectRegressions} with
 * the deploy time as the boundary instead of `now - w`.
 */
export function regressionWindows(now: Date, windowMs: number) {
  const to = now.getTime();
  return {
    baseline: {
      from: new Date(to - 2 * windowMs),
      to: new Date(to - windowMs),
    },
    current: { from: new Date(to - windowMs), to: new Date(to) },
  };
}

/**
 * Statistically significant worsenings, window against preceding window. A metric is flagged
 * when each window has at least `minSamples` values, Welch's t-test gives p < `maxPValue`, the
 * mean rose by at least `minChangePercent` percent and, for the error rate, by at least 0.5
 * percentage points (so 0 → 0.1 % is not flagged).
 */
export function detectRegressions(
  inputs: RegressionInput[],
  settings: RegressionSettings,
  windows: ReturnType<typeof regressionWindows>,
): PerformanceRegression[] {
  const regressions: PerformanceRegression[] = [];
  for (const { metric, baseline, current } of inputs) {
    if (
      baseline.length < settings.minSamples ||
      current.length < settings.minSamples
    ) {
      continue;
    }
    const test = welchTTest(baseline, current);
    if (!test || !(test.pValue < settings.maxPValue)) continue;
    const increase = test.currentMean - test.baselineMean;
    if (!(increase > 0)) continue;
    const changePercent =
      test.baselineMean > 0
        ? Math.min(MAX_CHANGE_PERCENT, (increase / test.baselineMean) * 100)
        : MAX_CHANGE_PERCENT;
    if (changePercent < settings.minChangePercent) continue;
    if (metric === 'errorRate' && increase < MIN_ERROR_RATE_INCREASE) continue;
    regressions.push({
      metric,
      baseline: round(test.baselineMean, 6),
      current: round(test.currentMean, 6),
      changePercent: round(changePercent, 1),
      pValue: test.pValue,
      window: {
        from: windows.current.from.toISOString(),
        to: windows.current.to.toISOString(),
        samples: current.length,
      },
      baselineWindow: {
        from: windows.baseline.from.toISOString(),
        to: windows.baseline.to.toISOString(),
        samples: baseline.length,
      },
    });
  }
  return regressions;
}

const METRIC_LABELS: Partial<Record<PerformanceMetric, string>> = {
  p95Ms: 'P95 latency',
  p99Ms: 'P99 latency',
  errorRate: 'Error rate',
  throughput: 'Throughput',
};

function formatMetric(metric: PerformanceMetric, value: number): string {
  if (metric === 'errorRate') return formatRate(value);
  if (metric === 'throughput') return formatRps(value);
  return formatMs(value);
}

const PRIORITY_ORDER: Record<RecommendationPriority, number> = {
  high: 0,
  medium: 1,
  low: 2,
};

/** What the performance recommendations look at. */
export interface PerformanceRecommendationInput {
  environment: string | null;
  current: PerformancePoint | null;
  targets: EffectivePerformanceTargets;
  invalidTargetAnnotations: InvalidTargetAnnotation[];
  breaches: PerformanceBreach[];
  regressions: PerformanceRegression[];
  stale: PerformanceStaleness | null;
  loadTestEnvironments: string[];
  /** Load test runs of the entity, newest first (empty when it never ran one). */
  loadTests: LoadTestRun[];
}

/**
 * Recommendations of the performance area, highest priority first. Each appears only when its
 * evidence holds, and carries the figures it was derived from.
 */
export function recommendPerformance(
  input: PerformanceRecommendationInput,
): Recommendation[] {
  const out: Recommendation[] = [];
  const env = input.environment ?? 'unknown';
  const sourceLabel = (source: string) =>
    source === 'api' ? 'set through the API' : `from ${source}`;

  for (const breach of input.breaches) {
    const evidence = [
      { label: 'Environment', value: env },
      {
        label: `Current ${METRIC_LABELS[
          breach.target === 'minThroughput' ? 'throughput' : breach.target
        ]!.replace(/^(Error|Throughput)/, w => w.toLowerCase())}`,
        value: formatMetric(
          breach.target === 'minThroughput' ? 'throughput' : breach.target,
          breach.actual,
        ),
      },
      {
        label: `Target (${sourceLabel(breach.source)})`,
        value: formatMetric(
          breach.target === 'minThroughput' ? 'throughput' : breach.target,
          breach.limit,
        ),
      },
    ];
    if (breach.target === 'p95Ms' || breach.target === 'p99Ms') {
      const ratio = breach.actual / breach.limit;
      const quantile = breach.target === 'p95Ms' ? 'P95' : 'P99';
      out.push({
        id: `performance.${
          breach.target === 'p95Ms' ? 'p95' : 'p99'
        }-above-target`,
        area: 'performance',
        priority: breach.target === 'p95Ms' || ratio >= 2 ? 'high' : 'medium',
        title: `${quantile} latency is above its target`,
        description:
          `${quantile} latency in ${env} is ${formatMs(breach.actual)}, ` +
          `${round((ratio - 1) * 100, 0)} % above the ${formatMs(
            breach.limit,
          )} target. Profile the slowest endpoints and their downstream calls.`,
        evidence,
      });
    } else if (breach.target === 'errorRate') {
      out.push({
        id: 'performance.error-rate-above-target',
        area: 'performance',
        priority: 'high',
        title: 'Error rate is above its target',
        description:
          `${formatRate(
            breach.actual,
          )} of requests in ${env} end with a 5xx status ` +
          `(target ${formatRate(
            breach.limit,
          )}). Check the service's error logs.`,
        evidence,
      });
    } else {
      out.push({
        id: 'performance.throughput-below-target',
        area: 'performance',
        priority: 'medium',
        title: 'Throughput is below its target',
        description: `${env} serves ${formatRps(
          breach.actual,
        )}, under the expected ${formatRps(
          breach.limit,
        )}. Check whether traffic is routed to the service and whether it is saturated.`,
        evidence,
      });
    }
  }

  for (const r of input.regressions) {
    const label = METRIC_LABELS[r.metric] ?? r.metric;
    const breached = input.breaches.some(b => b.target === r.metric);
    out.push({
      id: `performance.${
        r.metric === 'errorRate' ? 'error-rate' : r.metric.replace('Ms', '')
      }-regression`,
      area: 'performance',
      priority: breached || r.metric === 'errorRate' ? 'high' : 'medium',
      title: `${label} got worse`,
      description:
        `${label} in ${env} rose from ${formatMetric(
          r.metric,
          r.baseline,
        )} to ` +
        `${formatMetric(r.metric, r.current)} (+${
          r.changePercent
        } %) compared with the ` +
        'preceding window. Look at what changed in between (deploys, configuration, traffic).',
      evidence: [
        { label: 'Environment', value: env },
        {
          label: 'Baseline mean',
          value: `${formatMetric(r.metric, r.baseline)} (${
            r.baselineWindow.samples
          } samples)`,
        },
        {
          label: 'Current mean',
          value: `${formatMetric(r.metric, r.current)} (${
            r.window.samples
          } samples)`,
        },
        { label: 'Change', value: `+${r.changePercent} %` },
        { label: "Welch's t-test p-value", value: r.pValue.toPrecision(2) },
      ],
    });
  }

  if (input.stale) {
    out.push({
      id: 'performance.stale-data',
      area: 'performance',
      priority: 'high',
      title: 'Performance data is stale',
      description:
        `Collection from ${input.stale.source} has been failing since ${input.stale.since}: ` +
        `${input.stale.error}. The figures shown are not current.`,
      evidence: [
        { label: 'Failing since', value: input.stale.since },
        {
          label: 'Last successful collection',
          value: input.stale.lastSuccessAt ?? 'never',
        },
        { label: 'Latest error', value: input.stale.error },
      ],
    });
  }

  if (input.loadTestEnvironments.length > 0 && input.loadTests.length === 0) {
    out.push({
      id: 'performance.no-load-test',
      area: 'performance',
      priority: 'low',
      title: 'No load test has been run yet',
      description:
        `The entity declares a load-test endpoint (${DEVOPS_LOAD_TEST_URL_ANNOTATION}) ` +
        'but no load test was ever run. Run one to know its latency and throughput under load.',
      evidence: [
        {
          label: 'Declared environments',
          value: input.loadTestEnvironments.join(', '),
        },
        { label: 'Load test runs', value: '0' },
      ],
    });
  }

  for (const bad of input.invalidTargetAnnotations) {
    out.push({
      id: 'performance.invalid-target-annotation',
      area: 'performance',
      priority: 'low',
      title: `The annotation ${bad.annotation} is ignored`,
      description:
        `Its value '${bad.value}' is not ${bad.expected}; the ${bad.target} target ` +
        `comes from ${input.targets.sources[bad.target]} instead.`,
      evidence: [
        { label: 'Annotation', value: bad.annotation },
        { label: 'Value', value: bad.value },
        { label: 'Expected', value: bad.expected },
      ],
    });
  }

  return out
    .map((r, i) => ({ r, i }))
    .sort(
      (a, b) =>
        PRIORITY_ORDER[a.r.priority] - PRIORITY_ORDER[b.r.priority] ||
        a.i - b.i,
    )
    .map(({ r }) => r);
}
