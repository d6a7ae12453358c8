import { InputError } from '@backstage/errors';
import {
  COVERAGE_METRICS,
  CoverageCounter,
  CoverageMetric,
  FINDING_CATEGORIES,
  SECURITY_SEVERITIES,
} from '@devops-growth/backstage-plugin-devops-common';
import {
  ParsedFindingsReport,
  ParsedReport,
  ParsedSecurityEventsReport,
  ReportParser,
  SECURITY_EVENT_TYPES,
} from '@devops-growth/backstage-plugin-devops-node';
import { charName, excerpt, isRefusedControl } from './parsers/common';

const OUTCOMES = new Set(['passed', 'failed', 'errored', 'skipped']);
const SEVERITIES = new Set<string>(SECURITY_SEVERITIES);
const CATEGORIES = new Set<string>(FINDING_CATEGORIES);
const EVENT_TYPES = new Set<string>(SECURITY_EVENT_TYPES);

/** The report formats known to the backend, built-in and added by modules alike. */
export class ReportParserRegistry {
  private readonly parsers = new Map<string, ReportParser>();

  add(...parsers: ReportParser[]) {
    for (const parser of parsers) {
      if (!/^[a-z0-9][a-z0-9-]*$/.test(parser.format)) {
        throw new Error(
          `Invalid report format name '${parser.format}': use lower-case letters, digits and dashes`,
        );
      }
      if (this.parsers.has(parser.format)) {
        throw new Error(
          `A parser for report format '${parser.format}' is already registered`,
        );
      }
      this.parsers.set(parser.format, checkedParser(parser));
    }
  }

  /**
   * The parser of a format. What it returns has been checked (see `checkParsedReport`), whoever
   * wrote the parser: ingestion stores only checked reports.
   */
  get(format: string): ReportParser | undefined {
    return this.parsers.get(format);
  }

  formats(): string[] {
    return [...this.parsers.keys()].sort();
  }
}

function checkedParser(parser: ReportParser): ReportParser {
  return {
    format: parser.format,
    kind: parser.kind,
    async parse(input) {
      const report = await parser.parse(input);
      checkParsedReport(parser, report);
      return report;
    },
  };
}

/**
 * The rules every parsed report must follow before it reaches the store, built-in or from a
 * module: the kind the parser is registered for; no control characters other than tab and line
 * feed in any text (file paths, suites, test names, messages; PostgreSQL's text columns cannot
 * even hold NUL); counters of non-negative integers with `covered <= total`; known outcomes and
 * durations that are non-negative numbers or `null`. A report breaking them is refused with an
 * `InputError` (400) naming the file or test case and the field, and nothing is stored.
 */
export function checkParsedReport(
  parser: Pick<ReportParser, 'format' | 'kind'>,
  report: ParsedReport,
): void {
  const what = `The ${parser.format} report`;
  if (report?.kind !== parser.kind) {
    throw new InputError(
      `${what} was read as a '${String(
        report?.kind,
      )}' report, but the format is registered for '${parser.kind}'`,
    );
  }
  if (report.kind === 'coverage') {
    checkCounters(what, 'totals', report.totals);
    report.files.forEach((file, i) => {
      const where = `file ${i + 1}`;
      checkText(what, where, 'path', file.path);
      checkCounters(what, `${where} ("${excerpt(file.path, 80)}")`, file);
    });
    return;
  }
  if (report.kind === 'findings') {
    checkFindings(what, report);
    return;
  }
  if (report.kind === 'security-events') {
    checkSecurityEvents(what, report);
    return;
  }
  report.cases.forEach((c, i) => {
    const where = `test case ${i + 1}`;
    checkText(what, where, 'suite', c.suite);
    checkText(what, where, 'name', c.name);
    if (c.message !== undefined) {
      checkText(what, where, 'message', c.message);
    }
    if (!OUTCOMES.has(c.outcome)) {
      throw new InputError(
        `${what}: ${where} has the outcome '${excerpt(
          String(c.outcome),
        )}' (passed, failed, errored or skipped expected)`,
      );
    }
    if (
      c.durationMs !== null &&
      !(typeof c.durationMs === 'number' && c.durationMs >= 0)
    ) {
      throw new InputError(
        `${what}: ${where} has the duration ${String(
          c.durationMs,
        )} ms (a non-negative number or null expected)`,
      );
    }
  });
}

function checkFindings(what: string, report: ParsedFindingsReport) {
  if (!Array.isArray(report.runs)) {
    throw new InputError(`${what} has no list of runs`);
  }
  report.runs.forEach((run, r) => {
    const inRun = `run ${r + 1}`;
    checkText(what, inRun, 'tool name', run.tool?.name);
    if (!run.tool.name) {
      throw new InputError(`${what}: ${inRun} names no tool`);
    }
    checkOptionalText(what, inRun, 'tool version', run.tool.version);
    checkText(what, inRun, 'category', run.category);
    run.toolErrors.forEach(e => checkText(what, inRun, 'tool error', e));
    run.findings.forEach((f, i) => {
      const where = `${inRun}, finding ${i + 1}`;
      checkText(what, where, 'rule id', f.ruleId);
      checkText(what, where, 'title', f.title);
      checkText(what, where, 'message', f.message);
      checkText(what, where, 'tool severity', f.toolSeverity);
      if (!SEVERITIES.has(f.severity)) {
        throw new InputError(
          `${what}: ${where} has the severity '${excerpt(
            String(f.severity),
          )}' (critical, high, medium or low expected)`,
        );
      }
      if (!CATEGORIES.has(f.category)) {
        throw new InputError(
          `${what}: ${where} has the category '${excerpt(
            String(f.category),
          )}' (${FINDING_CATEGORIES.join(', ')} expected)`,
        );
      }
      if (f.location) {
        checkText(what, where, 'path', f.location.path);
        checkLine(what, where, f.location.line);
      }
      checkOptionalText(what, where, 'snippet', f.snippet);
      checkOptionalText(what, where, 'help URI', f.helpUri);
      for (const [key, value] of Object.entries(f.partialFingerprints ?? {})) {
        checkText(what, where, 'fingerprint name', key);
        checkText(what, where, `fingerprint ${excerpt(key, 40)}`, value);
      }
      if (f.package) {
        checkText(what, where, 'package name', f.package.name);
        checkOptionalText(what, where, 'package version', f.package.version);
        checkOptionalText(what, where, 'fixed version', f.package.fixedVersion);
      }
      if (f.advisory) {
        checkText(what, where, 'advisory id', f.advisory.id);
        checkOptionalText(what, where, 'advisory URL', f.advisory.url);
        const score = f.advisory.cvssScore;
        if (
          score !== null &&
          !(typeof score === 'number' && score >= 0 && score <= 10)
        ) {
          throw new InputError(
            `${what}: ${where} has the CVSS score ${String(
              score,
            )} (a number from 0 to 10, or null, expected)`,
          );
        }
      }
    });
  });
}

function checkSecurityEvents(what: string, report: ParsedSecurityEventsReport) {
  if (!Array.isArray(report.events)) {
    throw new InputError(`${what} has no list of events`);
  }
  report.events.forEach((e, i) => {
    const where = `event ${i + 1}`;
    if (!(e.at instanceof Date) || Number.isNaN(e.at.getTime())) {
      throw new InputError(`${what}: ${where} has no valid time`);
    }
    checkOptionalText(what, where, 'id', e.id);
    checkText(what, where, 'source', e.source);
    checkText(what, where, 'message', e.message);
    checkOptionalText(what, where, 'client IP', e.clientIp);
    checkOptionalText(what, where, 'request', e.request);
    checkOptionalText(what, where, 'environment', e.environment);
    e.ruleIds.forEach(id => checkText(what, where, 'rule id', id));
    if (!EVENT_TYPES.has(e.type)) {
      throw new InputError(
        `${what}: ${where} has the type '${excerpt(
          String(e.type),
        )}' (${SECURITY_EVENT_TYPES.join(', ')} expected)`,
      );
    }
    if (!SEVERITIES.has(e.severity)) {
      throw new InputError(
        `${what}: ${where} has the severity '${excerpt(
          String(e.severity),
        )}' (critical, high, medium or low expected)`,
      );
    }
  });
}

function checkLine(what: string, where: string, line: number | null) {
  if (line !== null && !(Number.isSafeInteger(line) && line >= 1)) {
    throw new InputError(
      `${what}: ${where} has the line ${String(
        line,
      )} (a whole number from 1, or null, expected)`,
    );
  }
}

function checkOptionalText(
  what: string,
  where: string,
  field: string,
  value: string | null | undefined,
) {
  if (value !== null && value !== undefined) {
    checkText(what, where, field, value);
  }
}

function checkText(what: string, where: string, field: string, value: string) {
  if (typeof value !== 'string') {
    throw new InputError(`${what}: ${where} has no text ${field}`);
  }
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (isRefusedControl(c)) {
      throw new InputError(
        `${what}: ${where} holds the control character ${charName(
          c,
        )} in its ${field} ("${excerpt(
          value,
          80,
        )}"); reports must not contain control characters other than tab and line feed`,
      );
    }
  }
}

function checkCounters(
  what: string,
  where: string,
  counters: Partial<Record<CoverageMetric, CoverageCounter | null>>,
) {
  for (const metric of COVERAGE_METRICS) {
    const c = counters[metric];
    if (c === null) continue;
    const valid =
      typeof c === 'object' &&
      Number.isSafeInteger(c.covered) &&
      Number.isSafeInteger(c.total) &&
      c.covered >= 0 &&
      c.covered <= c.total;
    if (!valid) {
      throw new InputError(
        `${what}: ${where} has ${metric} ${excerpt(
          JSON.stringify(c) ?? 'undefined',
          80,
        )} (whole numbers with 0 <= covered <= total, or null, expected)`,
      );
    }
  }
}
