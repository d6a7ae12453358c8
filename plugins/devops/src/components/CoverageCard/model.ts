/*
 * Pure data shaping for the "Coverage & tests" card: everything the components render is computed
 * here, so that the JSX only lays it out and this file can be tested without rendering.
 */
import {
  COVERAGE_METRICS,
  CoverageGate,
  CoverageMetric,
  CoverageTrendPoint,
  FlakyTest,
  GateSource,
  CoverageSummary,
  ReportFormat,
  TestOutcome,
  TestTrendPoint,
  coveragePct,
  passRateOf,
} from '@devops-growth/backstage-plugin-devops-common';
import {
  formatEpochDateTime,
  formatPercent,
  reportLabels,
  shortSha,
  sortedByTime,
} from '../shared';

/** Display names of the coverage metrics. */
export const COVERAGE_METRIC_LABELS: Record<CoverageMetric, string> = {
  lines: 'Lines',
  branches: 'Branches',
  functions: 'Functions',
  statements: 'Statements',
};

/** Where the gate threshold comes from, as named in the UI. */
export const GATE_SOURCE_LABELS: Record<GateSource, string> = {
  default: 'default',
  config: 'app-config',
  annotation: 'annotation',
};

/** True when at least one coverage or test report exists for the selected series. */
export function hasAnyReport(summary: CoverageSummary): boolean {
  return summary.coverage.latest !== null || summary.tests.latest !== null;
}

/** How a change against the previous report is shown. */
export type DeltaView =
  | { kind: 'up' | 'down' | 'unchanged'; label: string }
  | { kind: 'none'; label: string };

/**
 * Describes a percentage-point change. Without a previous report there is nothing to compare
 * with; with one, a `null` delta means one of the two reports does not carry the metric.
 */
export function describeDelta(
  delta: number | null,
  hasPreviousReport: boolean,
): DeltaView {
  if (!hasPreviousReport) {
    return { kind: 'none', label: 'no previous report' };
  }
  if (delta === null) {
    return { kind: 'none', label: 'no previous value' };
  }
  const rounded = Math.round(delta * 10) / 10;
  if (rounded === 0) {
    return { kind: 'unchanged', label: 'unchanged' };
  }
  const sign = rounded > 0 ? '+' : '-';
  return {
    kind: rounded > 0 ? 'up' : 'down',
    label: `${sign}${Math.abs(rounded).toFixed(1)} pp`,
  };
}

/** One of the four coverage figures of the latest report. */
export type CoverageFigure = {
  metric: CoverageMetric;
  label: string;
  delta: DeltaView;
} & (
  | {
      /** The report's format does not carry this metric. */
      state: 'not-in-report';
    }
  | {
      /** The format carries the metric but the code has nothing to count (0 of 0). */
      state: 'nothing-to-cover';
    }
  | { state: 'measured'; percent: number; covered: number; total: number }
);

/** The four coverage figures of the latest report, in a fixed order; empty without a report. */
export function toCoverageFigures(
  coverage: CoverageSummary['coverage'],
): CoverageFigure[] {
  const latest = coverage.latest;
  if (!latest) {
    return [];
  }
  const hasPrevious = coverage.previousReportId !== null;
  return COVERAGE_METRICS.map(metric => {
    const base = {
      metric,
      label: COVERAGE_METRIC_LABELS[metric],
      delta: describeDelta(coverage.deltas[metric] ?? null, hasPrevious),
    };
    const counter = latest.coverage?.[metric] ?? null;
    if (counter === null || latest.absentMetrics?.includes(metric)) {
      return { ...base, state: 'not-in-report' };
    }
    const percent = coveragePct(counter);
    if (percent === null) {
      return { ...base, state: 'nothing-to-cover' };
    }
    return {
      ...base,
      state: 'measured',
      percent,
      covered: counter.covered,
      total: counter.total,
    };
  });
}

/**
 * One point of the coverage chart: one report on the x axis (its `label`: short commit and time),
 * percentages on the y axis; `detail` is the tooltip's title.
 */
export type CoverageChartPoint = {
  time: number;
  commitSha: string;
  label: string;
  detail: string;
} & Record<CoverageMetric, number | null>;

/** What the coverage trend chart draws. */
export interface CoverageChartData {
  /** Oldest first. */
  points: CoverageChartPoint[];
  /** Metrics with at least one value; the others get no line. */
  metrics: CoverageMetric[];
}

/** Commit and full date of a report, for a chart tooltip. */
function reportDetail(commitSha: string, time: number): string {
  return `Commit ${shortSha(commitSha)}, ${formatEpochDateTime(time)}`;
}

/**
 * Orders the trend by time, labels each report by its commit and time (no two labels alike) and
 * keeps only the metrics that have data.
 */
export function toCoverageChartData(
  trend: CoverageTrendPoint[],
): CoverageChartData {
  const sorted = sortedByTime(
    trend.map(point => ({
      time: Date.parse(point.createdAt),
      commitSha: point.commitSha,
      lines: point.lines,
      branches: point.branches,
      functions: point.functions,
      statements: point.statements,
    })),
  );
  const labels = reportLabels(sorted);
  const points = sorted.map((point, index) => ({
    ...point,
    label: labels[index],
    detail: reportDetail(point.commitSha, point.time),
  }));
  const metrics = COVERAGE_METRICS.filter(metric =>
    points.some(point => point[metric] !== null),
  );
  return { points, metrics };
}

/** How the quality gate is shown. */
export interface GateView {
  status: CoverageGate['status'];
  label: string;
  /** For example `lines ≥ 80.0% (app-config)`. */
  rule: string;
  /** For example `actual 72.5%`; `null` when there is no figure to compare. */
  actual: string | null;
}

/** Describes the quality gate and its verdict. */
export function describeGate(gate: CoverageGate): GateView {
  const labels: Record<CoverageGate['status'], string> = {
    passed: 'Gate passed',
    failed: 'Gate failed',
    unknown: 'Gate unknown',
  };
  return {
    status: gate.status,
    label: labels[gate.status],
    rule: `${gate.metric} ≥ ${formatPercent(gate.threshold)} (${
      GATE_SOURCE_LABELS[gate.source]
    })`,
    actual:
      gate.actual === null ? null : `actual ${formatPercent(gate.actual)}`,
  };
}

/** The latest test run, ready to show. */
export interface TestRunView {
  passRate: number | null;
  counts: Array<{
    outcome: TestOutcome | 'total';
    label: string;
    count: number;
  }>;
  commit: string;
  branch: string;
  createdAt: string;
  durationMs: number;
}

/** The latest test run, or `null` when no test report exists. */
export function toTestRunView(
  tests: CoverageSummary['tests'],
): TestRunView | null {
  const latest = tests.latest;
  if (!latest?.tests) {
    return null;
  }
  const totals = latest.tests;
  return {
    passRate: tests.passRate ?? passRateOf(totals),
    counts: [
      { outcome: 'total', label: 'Total', count: totals.total },
      { outcome: 'passed', label: 'Passed', count: totals.passed },
      { outcome: 'failed', label: 'Failed', count: totals.failed },
      { outcome: 'errored', label: 'Errored', count: totals.errored },
      { outcome: 'skipped', label: 'Skipped', count: totals.skipped },
    ],
    commit: shortSha(latest.commitSha),
    branch: latest.branch,
    createdAt: latest.createdAt,
    durationMs: totals.durationMs,
  };
}

/** A flaky test, ready to show. */
export interface FlakyTestView {
  key: string;
  suite: string;
  name: string;
  /** `same commit` or `flipping`. */
  reason: string;
  /** Why the reason matters, for a tooltip. */
  reasonDetail: string;
  runs: string;
}

/** Flaky tests with their reason and counts spelled out. */
export function toFlakyTestViews(flaky: FlakyTest[]): FlakyTestView[] {
  return flaky.map(test => ({
    key: `${test.suite}\u0000${test.name}`,
    suite: test.suite,
    name: test.name,
    reason: test.reason === 'same-commit' ? 'same commit' : 'flipping',
    reasonDetail:
      test.reason === 'same-commit'
        ? 'Passed and failed on the same commit'
        : 'Outcome changed between consecutive runs',
    runs: `${test.failedRuns} failed / ${test.passedRuns} passed, ${
      test.flips
    } ${test.flips === 1 ? 'flip' : 'flips'}`,
  }));
}

const CONTENT_TYPES: Record<ReportFormat, string> = {
  lcov: 'text/plain',
  'istanbul-summary': 'application/json',
  cobertura: 'application/xml',
  jacoco: 'application/xml',
  clover: 'application/xml',
  junit: 'application/xml',
};

/** A `curl` command that uploads a report from CI. */
export function buildUploadCommand(options: {
  /** The devops backend's base URL, for example `https://backstage.example.com/api/devops`. */
  baseUrl: string;
  entityRef: string;
  format: ReportFormat;
  /** Path of the report file in the CI workspace. */
  file: string;
  /** Report name, for example `unit`. */
  name: string;
}): string {
  // ':' and '/' are valid in a query string; keeping them makes the ref readable.
  const entity = encodeURIComponent(options.entityRef)
    .replace(/%3A/gi, ':')
    .replace(/%2F/gi, '/');
  // Inside double quotes a backslash-newline is removed by the shell: one URL, three lines.
  return [
    'curl --fail-with-body -X POST \\',
    '  -H "Authorization: Bearer $BACKSTAGE_TOKEN" \\',
    `  -H "Content-Type: ${CONTENT_TYPES[options.format]}" \\`,
    `  --data-binary @${options.file} \\`,
    `  "${options.baseUrl}/reports?format=${encodeURIComponent(
      options.format,
    )}&name=${encodeURIComponent(options.name)}\\`,
    `&entity=${entity}\\`,
    '&commit=$GIT_COMMIT&branch=$GIT_BRANCH"',
  ].join('\n');
}

/** One run of the pass-rate chart, labelled like the coverage chart's reports. */
export interface PassRateChartPoint {
  time: number;
  commitSha: string;
  label: string;
  detail: string;
  passRate: number;
}

/** Runs with a pass rate, oldest first, each labelled by its commit and time. */
export function toPassRateChartData(
  trend: TestTrendPoint[],
): PassRateChartPoint[] {
  const sorted = sortedByTime(
    trend.flatMap(p =>
      p.passRate === null
        ? []
        : [
            {
              time: Date.parse(p.createdAt),
              commitSha: p.commitSha,
              passRate: p.passRate,
            },
          ],
    ),
  );
  const labels = reportLabels(sorted);
  return sorted.map((point, index) => ({
    ...point,
    label: labels[index],
    detail: reportDetail(point.commitSha, point.time),
  }));
}
