/*
 * The current figures of the "Performance" card against their targets.
 */
import {
  PERFORMANCE_METRICS,
  PerformanceMetric,
  PerformanceSummary,
  PerformanceTargetKey,
} from '@devops-growth/backstage-plugin-devops-common';
import {
  formatMetric,
  formatTarget,
  PERFORMANCE_METRIC_LABELS,
  TARGET_SOURCE_LABELS,
} from './format';

/** The target each metric is held against; metrics without one are left out. */
const TARGET_OF_METRIC: Partial<
  Record<PerformanceMetric, PerformanceTargetKey>
> = {
  p95Ms: 'p95Ms',
  p99Ms: 'p99Ms',
  errorRate: 'errorRate',
  throughput: 'minThroughput',
};

/** How a figure compares with its target. */
export type FigureStatus = 'pass' | 'breach' | 'no-target' | 'no-data';

/** One of the current figures of the card. */
export interface PerformanceFigure {
  metric: PerformanceMetric;
  label: string;
  /** The formatted value, `null` when the source has none. */
  value: string | null;
  status: FigureStatus;
  /** For example `at most 300 ms`; `null` without a target. */
  target: string | null;
  /** For example `Target: at most 300 ms, from app-config.yaml`; `null` without a target. */
  targetDetail: string | null;
}

/**
 * The current figures against their targets. Latencies, throughput and error rate are always
 * listed (with "no data" when the source has none); CPU and memory only when the source has them.
 * A figure is in breach when the backend lists a breach of its target.
 */
export function toPerformanceFigures(
  summary: Pick<PerformanceSummary, 'current' | 'targets' | 'breaches'>,
): PerformanceFigure[] {
  const { current, targets, breaches } = summary;
  const breached = new Set(breaches.map(b => b.target));
  return PERFORMANCE_METRICS.flatMap(metric => {
    const raw = current?.[metric] ?? null;
    if (raw === null && (metric === 'cpuCores' || metric === 'memoryBytes')) {
      return [];
    }
    const key = TARGET_OF_METRIC[metric];
    const limit = key ? targets.targets[key] : null;
    let target: string | null = null;
    let targetDetail: string | null = null;
    if (key && limit !== null) {
      target = `${
        key === 'minThroughput' ? 'at least' : 'at most'
      } ${formatTarget(key, limit)}`;
      targetDetail = `Target: ${target}, from ${
        TARGET_SOURCE_LABELS[targets.sources[key]]
      }`;
    }
    let status: FigureStatus;
    if (!key || limit === null) {
      status = 'no-target';
    } else if (raw === null) {
      status = 'no-data';
    } else {
      status = breached.has(key) ? 'breach' : 'pass';
    }
    return [
      {
        metric,
        label: PERFORMANCE_METRIC_LABELS[metric],
        value: raw === null ? null : formatMetric(metric, raw),
        status,
        target,
        targetDetail,
      },
    ];
  });
}
