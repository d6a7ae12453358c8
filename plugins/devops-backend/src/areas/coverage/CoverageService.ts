import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  CoverageSummary,
  ReportSummary,
  coveragePct,
  isDevopsAreaEnabled,
  passRateOf,
} from '@devops-growth/backstage-plugin-devops-common';
import { RequestBody } from '../../reports/body';
import { parseUpload } from '../../reports/parseUpload';
import { commitOf, ReportUpload } from '../../reports/ReportSink';
import {
  coverageDeltas,
  coverageTrend,
  detectFlakyTests,
  evaluateGate,
  recommend,
  resolveGateThreshold,
} from './analysis';
import { normalizeCoveragePaths } from './paths';
import { ReportStore } from './ReportStore';
import { CoverageSettings } from './settings';
import { CoverageFactsReader } from '../security/types';

/** Name used for reports uploaded without one. */
export const DEFAULT_REPORT_NAME = 'default';

/**
 * The coverage area's domain logic: reading uploaded reports into the store, and the coverage &
 * tests summary of an entity built from stored report summaries.
 */
export class CoverageService implements CoverageFactsReader {
  constructor(
    private readonly store: ReportStore,
    private readonly settings: CoverageSettings,
  ) {}

  /**
   * Parses an uploaded report as it streams in and stores it in one transaction; nothing is
   * stored when the body is empty or the report is malformed.
   */
  async ingest(upload: ReportUpload, body: RequestBody): Promise<ReportSummary> {
    const { entity } = upload;
    const parsed = await parseUpload(upload, body);
    const meta = {
      // The catalog's spelling of the ref, whatever case the caller used.
      entityRef: stringifyEntityRef(entity),
      format: upload.parser.format,
      name: upload.name ?? DEFAULT_REPORT_NAME,
      ...commitOf(upload),
      sizeBytes: body.state.bytes,
    };
    if (parsed.kind === 'coverage') {
      return this.store.insertCoverageReport(meta, {
        ...parsed,
        files: normalizeCoveragePaths(parsed.files),
      });
    }
    if (parsed.kind === 'tests') {
      return this.store.insertTestReport(meta, parsed);
    }
    throw new InputError(
      `The ${upload.parser.format} report holds ${parsed.kind}, not coverage or test results`,
    );
  }

  listReports(options: Parameters<ReportStore['listReports']>[0]) {
    return this.store.listReports(options);
  }

  getReport(id: string): Promise<ReportSummary | undefined> {
    return this.store.getReport(id);
  }

  /** The files of a coverage report, least covered first. */
  async listCoverageFiles(
    report: ReportSummary,
    options: { limit: number; offset: number },
  ) {
    if (report.kind !== 'coverage') {
      throw new InputError(
        `Report '${report.id}' is a test report; it has no files`,
      );
    }
    return this.store.listCoverageFiles(report.id, options);
  }

  async getSummary(
    entity: Entity,
    options: { report?: string; branch?: string },
  ): Promise<CoverageSummary> {
    const entityRef = stringifyEntityRef(entity);
    const series = await this.store.listSeries(entityRef);
    // Without an explicit report name: the name of the entity's newest report.
    const reportName = options.report ?? series[0]?.name ?? DEFAULT_REPORT_NAME;
    const named = series.filter(s => s.name === reportName);
    // Without an explicit branch: the branch of the newest report of that name.
    const branch = options.branch ?? named[0]?.branch ?? null;

    const gateSetting = resolveGateThreshold(entity, this.settings.gateLines);
    const [coverageReports, testRuns] =
      branch === null
        ? [[], []]
        : await Promise.all([
            this.store.listReports({
              entityRef,
              kind: 'coverage',
              name: reportName,
              branch,
              limit: this.settings.trendLength,
            }),
            this.store.listReports({
              entityRef,
              kind: 'tests',
              name: reportName,
              branch,
              limit: Math.max(
                this.settings.trendLength,
                this.settings.flakyWindow,
              ),
            }),
          ]);

    const latestCoverage = coverageReports[0] ?? null;
    const previousCoverage = coverageReports[1] ?? null;
    const latestTests = testRuns[0] ?? null;
    const flakyRuns = testRuns.slice(0, this.settings.flakyWindow);

    const [files, slowest, occurrences] = await Promise.all([
      latestCoverage
        ? this.store.listCoverageFiles(latestCoverage.id, { limit: 10 })
        : Promise.resolve([]),
      latestTests
        ? this.store.listSlowestTests(
            latestTests.id,
            this.settings.slowestCount,
          )
        : Promise.resolve([]),
      this.store.listOccurrencesOfFailingTests(flakyRuns.map(r => r.id)),
    ]);

    const gate = evaluateGate(latestCoverage, gateSetting);
    const flaky = detectFlakyTests(flakyRuns, occurrences);
    const leastCoveredFiles = files.map(f => ({
      path: f.path,
      lines: coveragePct(f.lines),
      linesTotal: f.lines?.total ?? 0,
    }));

    return {
      entityRef,
      reportName,
      branch,
      available: {
        reportNames: [...new Set(series.map(s => s.name))].sort(),
        branches: [...new Set(named.map(s => s.branch))],
      },
      coverage: {
        latest: latestCoverage,
        deltas: coverageDeltas(latestCoverage, previousCoverage),
        previousReportId: previousCoverage?.id ?? null,
        trend: coverageTrend(coverageReports),
        gate,
        leastCoveredFiles,
      },
      tests: {
        latest: latestTests,
        passRate: passRateOf(latestTests?.tests),
        trend: [...testRuns].reverse().map((r: ReportSummary) => ({
          reportId: r.id,
          createdAt: r.createdAt,
          commitSha: r.commitSha,
          passRate: passRateOf(r.tests),
          total: r.tests?.total ?? 0,
        })),
        flaky,
        slowest,
        runsExamined: flakyRuns.length,
      },
      recommendations: recommend({
        gate,
        coverageNewestFirst: coverageReports,
        latestTests,
        flaky,
        runsExamined: flakyRuns.length,
        slowest,
        slowTestThresholdMs: this.settings.slowTestThresholdMs,
        uncoveredFiles: leastCoveredFiles.filter(
          f => f.lines === 0 && f.linesTotal > 0,
        ),
      }),
    };
  }

  /**
   * What compliance checks read of the coverage-enabled ones of `entities`: the gate's verdict
   * (the entity's threshold: annotation, config, default) on its newest coverage report of any
   * name and branch, and that report's time. `unknown` with no time when there is no report.
   * Entities without coverage enabled are left out. One query per 500 entities.
   */
  async coverageFacts(
    entities: Entity[],
  ): ReturnType<CoverageFactsReader['coverageFacts']> {
    const enabled = new Map<string, Entity>();
    for (const entity of entities) {
      if (isDevopsAreaEnabled(entity, 'coverage')) {
        enabled.set(stringifyEntityRef(entity), entity);
      }
    }
    const latest = await this.store.latestCoverageReports([...enabled.keys()]);
    const facts: Awaited<ReturnType<CoverageFactsReader['coverageFacts']>> =
      new Map();
    for (const [entityRef, entity] of enabled) {
      const report = latest.get(entityRef) ?? null;
      const gate = evaluateGate(
        report,
        resolveGateThreshold(entity, this.settings.gateLines),
      );
      facts.set(entityRef, {
        gate: gate.status,
        lastReportAt: report ? new Date(report.createdAt) : null,
      });
    }
    return facts;
  }
}
