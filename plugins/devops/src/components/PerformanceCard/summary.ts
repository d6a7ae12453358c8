/*
 * The performance area's row on the DevOps summary card.
 */
import {
  PerformanceSummary,
  PerformanceTargetKey,
} from '@devops-growth/backstage-plugin-devops-common';
import { AreaSummary, sortRecommendations, SummaryArea } from '../shared';
import { toPerformanceFigures } from './figures';
import { formatTarget } from './format';
import { toRegressionViews } from './regressions';

const TARGET_LABELS: Record<PerformanceTargetKey, string> = {
  p95Ms: 'P95 latency',
  p99Ms: 'P99 latency',
  errorRate: 'Error rate',
  minThroughput: 'Throughput',
};

/**
 * The performance area: targets breached or met, the P95 latency, and the worst of: a breached
 * target, a regression, a failing collection, a recommendation.
 */
export function summarizePerformance(summary: PerformanceSummary): AreaSummary {
  const p95 = toPerformanceFigures(summary).find(f => f.metric === 'p95Ms');
  const figure = p95?.value ? `P95 ${p95.value}` : null;
  const [breach] = summary.breaches;
  const [regression] = toRegressionViews(summary.regressions);
  const [worst] = sortRecommendations(summary.recommendations);
  let problem: string | null = null;
  if (breach) {
    problem = `${TARGET_LABELS[breach.target]} ${formatTarget(
      breach.target,
      breach.actual,
    )}, target ${
      breach.target === 'minThroughput' ? 'at least' : 'at most'
    } ${formatTarget(breach.target, breach.limit)}`;
  } else if (regression) {
    problem = regression.title;
  } else if (summary.stale) {
    problem = `Collection failing: ${summary.stale.error}`;
  } else if (worst) {
    problem = worst.title;
  }

  if (summary.current === null && summary.series.length === 0) {
    return {
      state: summary.stale ? 'Collection failing' : 'No samples yet',
      tone: summary.stale ? 'warning' : 'neutral',
      figure: null,
      problem,
    };
  }
  const breaches = summary.breaches.length;
  if (breaches > 0) {
    return {
      state: `${breaches} ${breaches === 1 ? 'target' : 'targets'} breached`,
      tone: 'error',
      figure,
      problem,
    };
  }
  if (summary.stale) {
    return { state: 'Collection failing', tone: 'warning', figure, problem };
  }
  return { state: 'Meets targets', tone: 'ok', figure, problem };
}

/** The performance area on the summary card: the last hour's summary (current figures, breaches). */
export const performanceSummaryArea: SummaryArea<PerformanceSummary> = {
  area: 'performance',
  title: 'Performance',
  load: (api, entityRef) =>
    api.getPerformanceSummary(entityRef, { window: '1h' }),
  summarize: summarizePerformance,
};
