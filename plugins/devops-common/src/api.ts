import {
  CoverageMetric,
  CoverageTotals,
  ReportFormat,
  CoverageReportKind,
  TestOutcome,
  TestTotals,
} from './coverage';

/** A stored report, as returned by the API. @public */
export interface ReportSummary {
  id: string;
  entityRef: string;
  kind: CoverageReportKind;
  /** A built-in {@link ReportFormat} or one added by a parser module. */
  format: string;
  /** Report name, so that one entity can hold several (for example `unit`, `e2e`). */
  name: string;
  commitSha: string;
  branch: string;
  /** ISO 8601. */
  createdAt: string;
  /** Coverage reports only. */
  coverage?: CoverageTotals;
  /** Metrics the format does not carry (their totals are `null`). Coverage reports only. */
  absentMetrics?: CoverageMetric[];
  /** Test reports only. */
  tests?: TestTotals;
  /** Number of per-file summaries (coverage) or test cases (tests). */
  itemCount: number;
}

/** Response of `POST /api/devops/reports`. @public */
export interface ReportUploadResponse {
  report: ReportSummary;
}

/** Priority of a recommendation. @public */
export type RecommendationPriority = 'high' | 'medium' | 'low';

/** One recommendation, with the evidence that triggered it. @public */
export interface Recommendation {
  /** Stable identifier of the rule, for example `coverage.below-gate`. */
  id: string;
  area: 'coverage' | 'tests' | 'performance' | 'security' | 'deploy';
  priority: RecommendationPriority;
  title: string;
  description: string;
  /** The figures the rule looked at. */
  evidence: Array<{ label: string; value: string }>;
}

/** Where the effective quality gate comes from. @public */
export type GateSource = 'default' | 'config' | 'annotation';

/** The coverage quality gate and its verdict on the latest report. @public */
export interface CoverageGate {
  metric: 'lines';
  /** Minimum percentage. */
  threshold: number;
  source: GateSource;
  /** `unknown` when there is no report, or the report carries no line coverage. */
  status: 'passed' | 'failed' | 'unknown';
  actual: number | null;
}

/** One point of the coverage trend. @public */
export interface CoverageTrendPoint {
  reportId: string;
  createdAt: string;
  commitSha: string;
  lines: number | null;
  branches: number | null;
  functions: number | null;
  statements: number | null;
}

/** A test that is both passing and failing. @public */
export interface FlakyTest {
  suite: string;
  name: string;
  /** Why it is considered flaky. */
  reason: 'same-commit' | 'flipping';
  /** Runs (among those examined) in which it failed or errored / passed. */
  failedRuns: number;
  passedRuns: number;
  /** Number of outcome changes between consecutive runs. */
  flips: number;
}

/** A slow test of the latest run. @public */
export interface SlowTest {
  suite: string;
  name: string;
  durationMs: number;
  outcome: TestOutcome;
}

/** One point of the pass-rate trend. @public */
export interface TestTrendPoint {
  reportId: string;
  createdAt: string;
  commitSha: string;
  passRate: number | null;
  total: number;
}

/**
 * Everything the "Coverage & tests" card shows, for one report name and branch
 * (`GET /api/devops/entities/:kind/:namespace/:name/coverage`).
 * @public
 */
export interface CoverageSummary {
  entityRef: string;
  reportName: string;
  branch: string | null;
  /** Report names and branches with data, for pickers. */
  available: { reportNames: string[]; branches: string[] };
  coverage: {
    latest: ReportSummary | null;
    /** Percentage-point change per metric against the previous report of the same name and branch. */
    deltas: Record<CoverageMetric, number | null>;
    previousReportId: string | null;
    trend: CoverageTrendPoint[];
    gate: CoverageGate;
    /** The least covered files of the latest report (by line coverage). */
    leastCoveredFiles: Array<{
      path: string;
      lines: number | null;
      linesTotal: number;
    }>;
  };
  tests: {
    latest: ReportSummary | null;
    /** Passed / (total - skipped) of the latest run, in percent. */
    passRate: number | null;
    trend: TestTrendPoint[];
    flaky: FlakyTest[];
    slowest: SlowTest[];
    /** Number of runs examined for flaky tests. */
    runsExamined: number;
  };
  recommendations: Recommendation[];
}

/** Pass rate in percent: passed over non-skipped. @public */
export function passRateOf(t: TestTotals | undefined | null): number | null {
  if (!t) return null;
  const executed = t.total - t.skipped;
  if (executed <= 0) return null;
  return Math.round((t.passed / executed) * 10000) / 100;
}
