/** The report formats accepted by `POST /api/devops/reports`. @public */
export const COVERAGE_FORMATS = [
  'lcov',
  'cobertura',
  'jacoco',
  'clover',
  'istanbul-summary',
] as const;
/** @public */
export const TEST_FORMATS = ['junit'] as const;
/** @public */
export type CoverageFormat = (typeof COVERAGE_FORMATS)[number];
/** @public */
export type TestFormat = (typeof TEST_FORMATS)[number];
/** @public */
export type ReportFormat = CoverageFormat | TestFormat;
/**
 * What a report holds: coverage and test results (the coverage area), scanner findings and
 * security events (the security area).
 * @public
 */
export type ReportKind = 'coverage' | 'tests' | 'findings' | 'security-events';

/** The kinds of report the coverage area stores. @public */
export type CoverageReportKind = 'coverage' | 'tests';

/** The report kind a format belongs to. @public */
export function reportKindOf(format: ReportFormat): CoverageReportKind {
  return (TEST_FORMATS as readonly string[]).includes(format)
    ? 'tests'
    : 'coverage';
}

/** The four coverage figures. @public */
export const COVERAGE_METRICS = [
  'lines',
  'branches',
  'functions',
  'statements',
] as const;
/** @public */
export type CoverageMetric = (typeof COVERAGE_METRICS)[number];

/** Covered out of total for one metric. @public */
export interface CoverageCounter {
  covered: number;
  total: number;
}

/**
 * Coverage per metric. `null` means the report's format does not carry that metric (LCOV has no
 * statements, JaCoCo no statements, Cobertura no functions totals, ...), which is different from
 * `{ covered: 0, total: 0 }` (the format carries it, the code has none).
 * @public
 */
export type CoverageTotals = Record<CoverageMetric, CoverageCounter | null>;

/** Percentage of a counter, `null` when nothing is counted. @public */
export function coveragePct(
  counter: CoverageCounter | null | undefined,
): number | null {
  if (!counter || counter.total <= 0) {
    return null;
  }
  return Math.round((counter.covered / counter.total) * 10000) / 100;
}

/** Coverage of one source file, as summarised at ingestion. @public */
export interface FileCoverage {
  path: string;
  lines: CoverageCounter | null;
  branches: CoverageCounter | null;
  functions: CoverageCounter | null;
  statements: CoverageCounter | null;
}

/** Outcome of one test case. @public */
export type TestOutcome = 'passed' | 'failed' | 'errored' | 'skipped';

/** One executed test case. @public */
export interface TestCaseResult {
  /** Suite (JUnit `testsuite` name or `classname`). */
  suite: string;
  name: string;
  outcome: TestOutcome;
  /** Duration in milliseconds; `null` when the report does not say. */
  durationMs: number | null;
  /** First part of the failure or error message, when there is one. */
  message?: string;
}

/** Counts of test outcomes. @public */
export interface TestTotals {
  total: number;
  passed: number;
  failed: number;
  errored: number;
  skipped: number;
  /** Sum of the test case durations in milliseconds. */
  durationMs: number;
}
