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
 *
 * What a parser returns is checked by the backend before anything is stored, for built-in and
 * module parsers alike, and a report breaking these rules gets a 400 naming the file or test case
 * and the field:
 * - `kind` is the parser's own `kind`;
 * - no text (file paths, suites, test names, messages) holds a control character other than tab
 *   and line feed: no NUL (PostgreSQL's text columns cannot hold it), no carriage return
 *   (normalise line ends to `\n`), no other C0 control, DEL or C1 control;
 * - every coverage counter is `null` or whole numbers with `0 <= covered <= total`;
 * - outcomes are `passed`, `failed`, `errored` or `skipped`; durations are `null` or `>= 0`.
 * Refuse such input early where the format allows, with the line: the check is the last line of
 * defence, and it cannot say where in the file the character was.
 *
 * Totals: when the format carries the producer's own integer totals (Cobertura's
 * `lines-valid`/`branches-valid`, JaCoCo's report-level counters, Clover's project metrics),
 * `totals` are those; `files` come from the per-file or per-line data, so their sum may differ.
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
 * Clover, Istanbul json-summary, JUnit) are registered through this extension point too; registering a
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
