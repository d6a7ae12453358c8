/*
 * The coverage area's row on the DevOps summary card.
 */
import { CoverageSummary } from '@devops-growth/backstage-plugin-devops-common';
import {
  AreaSummary,
  formatPercent,
  sortRecommendations,
  SummaryArea,
} from '../shared';

/** The coverage area: the quality gate, the gate's metric and the worst recommendation. */
export function summarizeCoverage(summary: CoverageSummary): AreaSummary {
  const { coverage, tests } = summary;
  const [worst] = sortRecommendations(summary.recommendations);
  const flaky = tests.flaky.length;
  let problem: string | null = worst?.title ?? null;
  if (!problem && flaky > 0) {
    problem = `${flaky} flaky ${flaky === 1 ? 'test' : 'tests'}`;
  }
  if (coverage.latest === null && tests.latest === null) {
    return {
      state: 'No reports yet',
      tone: 'neutral',
      figure: null,
      problem: null,
    };
  }
  const figures: string[] = [];
  if (coverage.gate.actual !== null) {
    const metric = coverage.gate.metric;
    figures.push(
      `${metric[0].toUpperCase()}${metric.slice(1)} ${formatPercent(
        coverage.gate.actual,
      )}`,
    );
  }
  if (tests.passRate !== null && tests.passRate !== undefined) {
    figures.push(`${formatPercent(tests.passRate)} of tests passed`);
  }
  const gate: Record<
    CoverageSummary['coverage']['gate']['status'],
    Pick<AreaSummary, 'state' | 'tone'>
  > = {
    passed: { state: 'Gate passed', tone: 'ok' },
    failed: { state: 'Gate failed', tone: 'error' },
    unknown: { state: 'No gate verdict', tone: 'neutral' },
  };
  if (coverage.gate.status === 'failed' && !worst) {
    problem = `${coverage.gate.metric} under ${formatPercent(
      coverage.gate.threshold,
    )}`;
  }
  return {
    ...gate[coverage.gate.status],
    figure: figures.length > 0 ? figures.join(', ') : null,
    problem,
  };
}

/** The coverage area on the summary card: the same coverage summary the card reads. */
export const coverageSummaryArea: SummaryArea<CoverageSummary> = {
  area: 'coverage',
  title: 'Coverage & tests',
  load: (api, entityRef) => api.getCoverageSummary(entityRef),
  summarize: summarizeCoverage,
};
