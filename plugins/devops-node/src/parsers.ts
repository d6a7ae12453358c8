import { createExtensionPoint } from '@backstage/backend-plugin-api';
import {
  CoverageTotals,
  FileCoverage,
  FindingCategory,
  ReportKind,
  SecuritySeverity,
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

/**
 * One finding of a scanner, as read from its report. Texts are bounded by the parser (messages
 * to 4,000 characters, snippets to 2,000), so a 100 MB report stays a bounded set of findings.
 * @public
 */
export interface ParsedFinding {
  /** The rule, check or advisory id (`security/detect-eval-with-expression`, `CVE-2021-44228`). */
  ruleId: string;
  /** Short title: the rule's short description, else the message's first line. */
  title: string;
  message: string;
  category: FindingCategory;
  /** Mapped with `severityFromScore`, `severityFromSarifLevel` or `severityFromLabel` (-common). */
  severity: SecuritySeverity;
  /** The tool's own severity word or score, as written. */
  toolSeverity: string;
  /** Where in the code; `null` for findings with no file (a vulnerable package of an image). */
  location: { path: string; line: number | null } | null;
  /** The flagged source text, when the report carries it (SARIF `region.snippet.text`). */
  snippet?: string;
  /** SARIF `partialFingerprints`, as the tool wrote them. */
  partialFingerprints?: Record<string, string>;
  package?: {
    name: string;
    version: string | null;
    fixedVersion: string | null;
  };
  advisory?: { id: string; url: string | null; cvssScore: number | null };
  helpUri?: string | null;
}

/**
 * One run of one tool: SARIF `runs[]`, or the whole report of npm audit or Trivy. Findings of a
 * run only fix findings of earlier runs of the same tool and category (for the same entity and
 * branch).
 * @public
 */
export interface ParsedFindingsRun {
  tool: { name: string; version: string | null };
  /** SARIF `automationDetails.id` (its category part), or '' when the run names none. */
  category: string;
  findings: ParsedFinding[];
  /** Tool failures reported by the run (SARIF `toolExecutionNotifications` of level error). */
  toolErrors: string[];
}

/** What a scanner-report parser produces (SARIF, npm audit, Trivy). @public */
export interface ParsedFindingsReport {
  kind: 'findings';
  runs: ParsedFindingsRun[];
}

/** Attack classes of security events, from WAF rule ids and tags or the event's own type. @public */
export const SECURITY_EVENT_TYPES = [
  'sql-injection',
  'xss',
  'command-injection',
  'path-traversal',
  'file-inclusion',
  'code-injection',
  'protocol-violation',
  'scanner',
  'auth-failure',
  'other',
] as const;
/** @public */
export type SecurityEventType = (typeof SECURITY_EVENT_TYPES)[number];

/** One event of a WAF or IDS. @public */
export interface ParsedSecurityEvent {
  /** The producer's id (ModSecurity's `transaction_id`), for de-duplication; `null` when none. */
  id: string | null;
  at: Date;
  /** The producer, for example `modsecurity`. */
  source: string;
  type: SecurityEventType;
  severity: SecuritySeverity;
  /** True when the request was refused (intercepted, 403). */
  blocked: boolean;
  clientIp: string | null;
  /** Method and URI as received, bounded to 2,000 characters. */
  request: string | null;
  /** The rules that fired (attack rules, not the blocking verdict), deduplicated. */
  ruleIds: string[];
  /** The first rule message or the event's own message, bounded. */
  message: string;
  /** Environment the event names, when it names one. */
  environment?: string;
}

/** What a security-event parser produces (ModSecurity audit log, the DevOps event format). @public */
export interface ParsedSecurityEventsReport {
  kind: 'security-events';
  events: ParsedSecurityEvent[];
  /**
   * Formats whose records are not all events (a ModSecurity log holds every audited
   * transaction): the records read, those that are no event (no rule fired), and the 401
   * responses among those (failed logins: CRS has no rule for them).
   */
  records?: { read: number; notEvents: number; unauthorized: number };
}

/** @public */
export type ParsedReport =
  | ParsedCoverageReport
  | ParsedTestReport
  | ParsedFindingsReport
  | ParsedSecurityEventsReport;

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
