import {
  FileCoverage,
  CoverageReportKind,
  ReportSummary,
  TestCaseResult,
  TestOutcome,
} from '@devops-growth/backstage-plugin-devops-common';
import {
  ParsedCoverageReport,
  ParsedTestReport,
} from '@devops-growth/backstage-plugin-devops-node';

/** What identifies a report besides its content. */
export interface NewReportMetadata {
  entityRef: string;
  format: string;
  name: string;
  commitSha: string;
  branch: string;
  sizeBytes: number;
  /** Defaults to now. */
  createdAt?: Date;
}

/** A series is every report of one entity, kind, report name and branch. */
export interface ReportSeriesKey {
  entityRef: string;
  kind: CoverageReportKind;
  name: string;
  branch: string;
}

/** A test case of one of several runs, for flaky-test analysis. */
export interface TestCaseOccurrence {
  reportId: string;
  commitSha: string;
  createdAt: string;
  suite: string;
  name: string;
  outcome: TestOutcome;
}

/** Storage of the DevOps plugin. Dialect differences stay inside implementations. */
export interface ReportStore {
  /** Stores a coverage report, its totals and per-file summaries in one transaction. */
  insertCoverageReport(
    meta: NewReportMetadata,
    report: ParsedCoverageReport,
  ): Promise<ReportSummary>;

  /** Stores a test report and its test cases in one transaction. */
  insertTestReport(
    meta: NewReportMetadata,
    report: ParsedTestReport,
  ): Promise<ReportSummary>;

  getReport(id: string): Promise<ReportSummary | undefined>;

  /** Reports of an entity, newest first, optionally narrowed to one series. */
  listReports(options: {
    entityRef: string;
    kind?: CoverageReportKind;
    name?: string;
    branch?: string;
    limit: number;
  }): Promise<ReportSummary[]>;

  /**
   * The newest coverage report of each entity (any report name and branch), for the entities
   * that have one; one query per chunk of entities.
   */
  latestCoverageReports(
    entityRefs: string[],
  ): Promise<Map<string, ReportSummary>>;

  /** The series of an entity with their latest report time, newest first. */
  listSeries(
    entityRef: string,
  ): Promise<Array<ReportSeriesKey & { latestAt: string }>>;

  /** Per-file summaries of a coverage report, least covered lines first. */
  listCoverageFiles(
    reportId: string,
    options: { limit: number; offset?: number },
  ): Promise<FileCoverage[]>;

  /** The slowest test cases of a test report. */
  listSlowestTests(
    reportId: string,
    limit: number,
  ): Promise<Array<TestCaseResult & { durationMs: number }>>;

  /**
   * Every occurrence, in the given runs, of the tests that failed or errored at least once in
   * those runs (tests that always passed are not returned).
   */
  listOccurrencesOfFailingTests(
    reportIds: string[],
  ): Promise<TestCaseOccurrence[]>;

  /**
   * Deletes reports older than `olderThan` and reports beyond the newest `keepPerSeries` of each
   * series, at most `batchSize` reports per call. Returns how many were deleted; callers loop
   * until it returns 0, so no single statement holds locks for long.
   */
  pruneReports(options: {
    olderThan: Date;
    keepPerSeries: number;
    batchSize: number;
  }): Promise<number>;
}
