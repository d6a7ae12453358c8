import {
  COVERAGE_METRICS,
  CoverageCounter,
  CoverageMetric,
  CoverageTotals,
  FileCoverage,
  CoverageReportKind,
  ReportSummary,
  TestCaseResult,
  TestOutcome,
  TestTotals,
} from '@devops-growth/backstage-plugin-devops-common';
import {
  ParsedCoverageReport,
  ParsedTestReport,
} from '@devops-growth/backstage-plugin-devops-node';
import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import { chunks, IN_CHUNK, INSERT_CHUNK, toIso } from '../../database/helpers';
import {
  NewReportMetadata,
  ReportSeriesKey,
  ReportStore,
  TestCaseOccurrence,
} from './ReportStore';

/** Longest failure message kept per test case. */
const MAX_MESSAGE_LENGTH = 2000;

type ReportRow = {
  id: string;
  entity_ref: string;
  kind: CoverageReportKind;
  format: string;
  name: string;
  commit_sha: string;
  branch: string;
  created_at: Date | string | number;
  item_count: number | string;
  size_bytes: number | string;
  tests_total: number | null;
  tests_passed: number | null;
  tests_failed: number | null;
  tests_errored: number | null;
  tests_skipped: number | null;
  tests_duration_ms: number | string | null;
} & Record<`${CoverageMetric}_${'covered' | 'total'}`, number | null>;

function counterColumns(
  prefix: CoverageMetric,
  counter: CoverageCounter | null,
): Record<string, number | null> {
  return {
    [`${prefix}_covered`]: counter ? counter.covered : null,
    [`${prefix}_total`]: counter ? counter.total : null,
  };
}

function readCounter(
  row: Record<string, unknown>,
  metric: CoverageMetric,
): CoverageCounter | null {
  const covered = row[`${metric}_covered`];
  const total = row[`${metric}_total`];
  if (
    covered === null ||
    covered === undefined ||
    total === null ||
    total === undefined
  ) {
    return null;
  }
  return { covered: Number(covered), total: Number(total) };
}

function rowToSummary(row: ReportRow): ReportSummary {
  const summary: ReportSummary = {
    id: row.id,
    entityRef: row.entity_ref,
    kind: row.kind,
    format: row.format,
    name: row.name,
    commitSha: row.commit_sha,
    branch: row.branch,
    createdAt: toIso(row.created_at),
    itemCount: Number(row.item_count),
  };
  if (row.kind === 'coverage') {
    const coverage = Object.fromEntries(
      COVERAGE_METRICS.map(m => [m, readCounter(row, m)]),
    ) as CoverageTotals;
    summary.coverage = coverage;
    summary.absentMetrics = COVERAGE_METRICS.filter(m => coverage[m] === null);
  } else {
    summary.tests = {
      total: Number(row.tests_total ?? 0),
      passed: Number(row.tests_passed ?? 0),
      failed: Number(row.tests_failed ?? 0),
      errored: Number(row.tests_errored ?? 0),
      skipped: Number(row.tests_skipped ?? 0),
      durationMs: Number(row.tests_duration_ms ?? 0),
    };
  }
  return summary;
}

/** Totals of a test run, counted from its test cases (never from a report's count attributes). */
export function countTestOutcomes(cases: TestCaseResult[]): TestTotals {
  const totals: TestTotals = {
    total: cases.length,
    passed: 0,
    failed: 0,
    errored: 0,
    skipped: 0,
    durationMs: 0,
  };
  for (const c of cases) {
    totals[c.outcome] += 1;
    totals.durationMs += c.durationMs ?? 0;
  }
  totals.durationMs = Math.round(totals.durationMs);
  return totals;
}

/** Knex implementation of {@link DevopsStore}, for SQLite and PostgreSQL. */
/** Knex implementation of {@link ReportStore}, for SQLite and PostgreSQL. */
export class DatabaseReportStore implements ReportStore {
  constructor(private readonly db: Knex) {}

  async insertCoverageReport(
    meta: NewReportMetadata,
    report: ParsedCoverageReport,
  ): Promise<ReportSummary> {
    const id = randomUUID();
    const row = {
      ...this.baseRow(id, meta, 'coverage', report.files.length),
      ...Object.assign(
        {},
        ...COVERAGE_METRICS.map(m => counterColumns(m, report.totals[m])),
      ),
    };
    await this.db.transaction(async trx => {
      await trx('devops_reports').insert(row);
      for (const files of chunks(report.files, INSERT_CHUNK)) {
        await trx('devops_coverage_files').insert(
          files.map((f: FileCoverage) => ({
            report_id: id,
            path: f.path,
            ...Object.assign(
              {},
              ...COVERAGE_METRICS.map(m => counterColumns(m, f[m])),
            ),
          })),
        );
      }
    });
    return rowToSummary(row as ReportRow);
  }

  async insertTestReport(
    meta: NewReportMetadata,
    report: ParsedTestReport,
  ): Promise<ReportSummary> {
    const id = randomUUID();
    const totals = countTestOutcomes(report.cases);
    const row = {
      ...this.baseRow(id, meta, 'tests', report.cases.length),
      tests_total: totals.total,
      tests_passed: totals.passed,
      tests_failed: totals.failed,
      tests_errored: totals.errored,
      tests_skipped: totals.skipped,
      tests_duration_ms: totals.durationMs,
    };
    await this.db.transaction(async trx => {
      await trx('devops_reports').insert(row);
      for (const cases of chunks(report.cases, INSERT_CHUNK)) {
        await trx('devops_test_cases').insert(
          cases.map(c => ({
            report_id: id,
            suite: c.suite,
            name: c.name,
            outcome: c.outcome,
            duration_ms:
              c.durationMs === null ? null : Math.round(c.durationMs),
            message: c.message ? c.message.slice(0, MAX_MESSAGE_LENGTH) : null,
          })),
        );
      }
    });
    return rowToSummary(row as unknown as ReportRow);
  }

  async getReport(id: string): Promise<ReportSummary | undefined> {
    const row = await this.db<ReportRow>('devops_reports')
      .where({ id })
      .first();
    return row ? rowToSummary(row) : undefined;
  }

  async listReports(options: {
    entityRef: string;
    kind?: CoverageReportKind;
    name?: string;
    branch?: string;
    limit: number;
  }): Promise<ReportSummary[]> {
    const query = this.db<ReportRow>('devops_reports').where({
      entity_ref: options.entityRef,
    });
    if (options.kind) query.andWhere({ kind: options.kind });
    if (options.name !== undefined) query.andWhere({ name: options.name });
    if (options.branch !== undefined)
      query.andWhere({ branch: options.branch });
    const rows = await query
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(options.limit);
    return rows.map(rowToSummary);
  }

  async latestCoverageReports(
    entityRefs: string[],
  ): Promise<Map<string, ReportSummary>> {
    const latest = new Map<string, ReportSummary>();
    for (const refs of chunks([...new Set(entityRefs)], IN_CHUNK)) {
      const ranked = this.db('devops_reports')
        .whereIn('entity_ref', refs)
        .andWhere({ kind: 'coverage' })
        .select(
          '*',
          this.db.raw(
            'ROW_NUMBER() OVER (PARTITION BY entity_ref ' +
              'ORDER BY created_at DESC, id DESC) AS rn',
          ),
        )
        .as('ranked');
      const rows: ReportRow[] = await this.db.from(ranked).where('rn', 1);
      for (const row of rows) {
        latest.set(row.entity_ref, rowToSummary(row));
      }
    }
    return latest;
  }

  async listSeries(
    entityRef: string,
  ): Promise<Array<ReportSeriesKey & { latestAt: string }>> {
    const rows: Array<{
      kind: CoverageReportKind;
      name: string;
      branch: string;
      latest_at: Date | string | number;
    }> = (await this.db('devops_reports')
      .where({ entity_ref: entityRef })
      .groupBy('kind', 'name', 'branch')
      .select('kind', 'name', 'branch')
      .max({ latest_at: 'created_at' })
      .orderBy('latest_at', 'desc')) as any;
    return rows.map(r => ({
      entityRef,
      kind: r.kind,
      name: r.name,
      branch: r.branch,
      latestAt: toIso(r.latest_at),
    }));
  }

  async listCoverageFiles(
    reportId: string,
    options: { limit: number; offset?: number },
  ): Promise<FileCoverage[]> {
    const rows = await this.db('devops_coverage_files')
      .where({ report_id: reportId })
      .select('*')
      // Least covered first: files without line data sort last.
      .orderByRaw(
        'CASE WHEN lines_total IS NULL OR lines_total = 0 THEN 1 ELSE 0 END, ' +
          'CAST(lines_covered AS REAL) / NULLIF(lines_total, 0), lines_total DESC, path',
      )
      .limit(options.limit)
      .offset(options.offset ?? 0);
    return rows.map(r => ({
      path: r.path,
      lines: readCounter(r, 'lines'),
      branches: readCounter(r, 'branches'),
      functions: readCounter(r, 'functions'),
      statements: readCounter(r, 'statements'),
    }));
  }

  async listSlowestTests(
    reportId: string,
    limit: number,
  ): Promise<Array<TestCaseResult & { durationMs: number }>> {
    const rows = await this.db('devops_test_cases')
      .where({ report_id: reportId })
      .whereNotNull('duration_ms')
      .orderBy([
        { column: 'duration_ms', order: 'desc' },
        { column: 'suite' },
        { column: 'name' },
      ])
      .limit(limit)
      .select('suite', 'name', 'outcome', 'duration_ms');
    return rows.map(r => ({
      suite: r.suite,
      name: r.name,
      outcome: r.outcome as TestOutcome,
      durationMs: Number(r.duration_ms),
    }));
  }

  async listOccurrencesOfFailingTests(
    reportIds: string[],
  ): Promise<TestCaseOccurrence[]> {
    if (reportIds.length === 0) return [];
    const failing = this.db('devops_test_cases as f')
      .whereIn('f.report_id', reportIds)
      .whereIn('f.outcome', ['failed', 'errored'])
      .whereRaw('f.suite = c.suite')
      .whereRaw('f.name = c.name')
      .select(this.db.raw('1'));
    const rows = await this.db('devops_test_cases as c')
      .join('devops_reports as r', 'r.id', 'c.report_id')
      .whereIn('c.report_id', reportIds)
      .whereExists(failing)
      .select(
        'c.report_id',
        'r.commit_sha',
        'r.created_at',
        'c.suite',
        'c.name',
        'c.outcome',
      );
    return rows.map(r => ({
      reportId: r.report_id,
      commitSha: r.commit_sha,
      createdAt: toIso(r.created_at),
      suite: r.suite,
      name: r.name,
      outcome: r.outcome,
    }));
  }

  async pruneReports(options: {
    olderThan: Date;
    keepPerSeries: number;
    batchSize: number;
  }): Promise<number> {
    const expired = await this.db('devops_reports')
      .where('created_at', '<', options.olderThan)
      .limit(options.batchSize)
      .pluck('id');
    let ids: string[] = expired;
    if (ids.length < options.batchSize) {
      const ranked = this.db('devops_reports')
        .select(
          'id',
          this.db.raw(
            'ROW_NUMBER() OVER (PARTITION BY entity_ref, kind, name, branch ' +
              'ORDER BY created_at DESC, id DESC) AS rn',
          ),
        )
        .as('ranked');
      const surplus: string[] = await this.db
        .from(ranked)
        .where('rn', '>', options.keepPerSeries)
        .limit(options.batchSize - ids.length)
        .pluck('id');
      ids = [...new Set([...ids, ...surplus])];
    }
    if (ids.length === 0) return 0;
    await this.db.transaction(async trx => {
      // Children first: SQLite does not enforce ON DELETE CASCADE unless foreign keys are on.
      await trx('devops_coverage_files').whereIn('report_id', ids).delete();
      await trx('devops_test_cases').whereIn('report_id', ids).delete();
      await trx('devops_reports').whereIn('id', ids).delete();
    });
    return ids.length;
  }

  private baseRow(
    id: string,
    meta: NewReportMetadata,
    kind: CoverageReportKind,
    itemCount: number,
  ) {
    return {
      id,
      entity_ref: meta.entityRef,
      kind,
      format: meta.format,
      name: meta.name,
      commit_sha: meta.commitSha,
      branch: meta.branch,
      created_at: meta.createdAt ?? new Date(),
      item_count: itemCount,
      size_bytes: meta.sizeBytes,
    };
  }
}
