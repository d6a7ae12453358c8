import { createExtensionPoint } from '@backstage/backend-plugin-api';
import {
  CoverageTotals,
  FileCoverage,
  ReportKind,
  TestCaseResult,
} from '@devops-growth/backstage-plugin-devops-common';

/** What a coverage parser produces: totals and one summary per file, never per-line data. @public */
export interface ParsedCoverageReport {
  kind: 'coverage';
  totals: CoverageTotals;
  files: FileCoverage[];
}

/** What a test-result parser produces. @public */
export interface ParsedTestReport {
  kind: 'tests';
  cases: TestCaseResult[];
}

/** @public */
export type ParsedReport = ParsedCoverageReport | ParsedTestReport;

/**
 * Turns an uploaded report into summaries. Parsers read the body as a stream of chunks and must
 * keep memory flat as reports grow (no whole-document tree).
 *
 * A parser rejects malformed, truncated or hostile input by throwing `InputError` from
 * `@backstage/errors` with a message naming the problem (and, where it can, the line); the
 * ingestion API answers 400 and stores nothing.
 * @public
 */
export interface ReportParser {
  /** The value of the `format` parameter of `POST /api/devops/reports`, for example `lcov`. */
  readonly format: string;
  readonly kind: ReportKind;
  parse(input: AsyncIterable<Buffer>): Promise<ParsedReport>;
}

/**
 * Adds report formats to the DevOps backend. The built-in parsers (LCOV, Cobertura, JaCoCo,
 * Istanbul json-summary, JUnit) are registered through this extension point too; registering a
 * format twice fails at start-up.
 * @public
 */
export interface DevopsReportParsersExtensionPoint {
  addParser(...parsers: ReportParser[]): void;
}

/** @public */
export const devopsReportParsersExtensionPoint =
  createExtensionPoint<DevopsReportParsersExtensionPoint>({
    id: 'devops.report-parsers',
  });
