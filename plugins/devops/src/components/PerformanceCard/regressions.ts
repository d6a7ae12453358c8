/*
 * Regressions found by the backend, in words.
 */
import { PerformanceRegression } from '@devops-growth/backstage-plugin-devops-common';
import { formatMetric, PERFORMANCE_METRIC_LABELS } from './format';

/** A regression, ready to show. */
export interface RegressionView {
  key: string;
  /** For example `P99 latency 35.2% worse`. */
  title: string;
  /** For example `330 ms → 446 ms`. */
  change: string;
  /** For example `p = 0.003; 288 samples against 288 in the preceding window`. */
  evidence: string;
}

/** Describes the regressions found by the backend. */
export function toRegressionViews(
  regressions: PerformanceRegression[],
): RegressionView[] {
  return regressions.map(r => ({
    key: `${r.metric}:${r.window.from}`,
    title: `${PERFORMANCE_METRIC_LABELS[r.metric]} ${Math.abs(
      r.changePercent,
    ).toFixed(1)}% worse`,
    change: `${formatMetric(r.metric, r.baseline)} → ${formatMetric(
      r.metric,
      r.current,
    )}`,
    evidence: `p = ${formatPValue(r.pValue)}; ${
      r.window.samples
    } samples against ${r.baselineWindow.samples} in the preceding window`,
  }));
}

function formatPValue(p: number): string {
  return p < 0.001 ? '< 0.001' : String(Number(p.toPrecision(2)));
}
