import { Config, readDurationFromConfig } from '@backstage/config';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { durationToMilliseconds, HumanDuration } from '@backstage/types';
import {
  QualitySummary,
  ReportSummary,
  coveragePct,
  passRateOf,
} from '@devops-growth/backstage-plugin-devops-common';
import { DevopsStore } from '../database';
import {
  coverageDeltas,
  coverageTrend,
  detectFlakyTests,
  evaluateGate,
  recommend,
  resolveGateThreshold,
} from './analysis';

/** Name used for reports uploaded without one. */
export const DEFAULT_REPORT_NAME = 'default';

function readOptionalDuration(
  config: Config,
  key: string,
  fallback: HumanDuration,
) {
  return config.has(key) ? readDurationFromConfig(config, { key }) : fallback;
}

/** Settings of the quality analysis, read once from `devops.coverage` / `devops.tests`. */
export interface QualitySettings {
  gateLines: number | undefined;
  trendLength: number;
  flakyWindow: number;
  slowestCount: number;
  slowTestThresholdMs: number;
}

export function readQualitySettings(config: Config): QualitySettings {
  const positive = (key: string, fallback: number) => {
    const value = config.getOptionalNumber(key);
    if (value === undefined) return fallback;
    if (!Number.isInteger(value) || value < 1) {
      throw new Error(
        `Invalid config at ${key}: expected a whole number of at least 1, got ${value}`,
      );
    }
    return value;
  };
  const gateLines = config.getOptionalNumber('devops.coverage.gate.lines');
  if (gateLines !== undefined && !(gateLines >= 0 && gateLines <= 100)) {
    throw new Error(
      `Invalid config at devops.coverage.gate.lines: expected a percentage from 0 to 100, got ${gateLines}`,
    );
  }
  return {
    gateLines,
    trendLength: positive('devops.coverage.trendLength', 30),
    flakyWindow: positive('devops.tests.flakyWindow', 10),
    slowestCount: positive('devops.tests.slowestCount', 5),
    slowTestThresholdMs: durationToMilliseconds(
      readOptionalDuration(config, 'devops.tests.slowTestThreshold', {
        seconds: 10,
      }),
    ),
  };
}

/** Builds the coverage & tests summary of an entity from stored report summaries. */
export class QualityService {
  constructor(
    private readonly store: DevopsStore,
    private readonly settings: QualitySettings,
  ) {}

  async getSummary(
    entity: Entity,
    options: { report?: string; branch?: string },
  ): Promise<QualitySummary> {
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
}
