import {
  SecuritySeverity,
  severityFromLabel,
  severityFromScore,
} from '@devops-growth/backstage-plugin-devops-common';
import {
  ParsedFinding,
  ParsedFindingsReport,
  ReportParser,
} from '@devops-growth/backstage-plugin-devops-node';
import { excerpt, reportError } from './common';
import {
  asArray,
  asNumber,
  asString,
  FrameHandler,
  isRecord,
  keptText,
  MAX_MESSAGE,
  MAX_NAME,
  MAX_TITLE,
  member,
  Node,
  readJson,
  SKIP,
} from './findingsCommon';
import { JsonScalar, JsonTokenizer } from './json/JsonTokenizer';

const LABEL = 'npm audit JSON';
const SHAPE =
  'npm 7 and later write {"auditReportVersion": 2, "vulnerabilities": {"<package>": {"severity", "via": [...], "fixAvailable", ...}}, "metadata": {...}}';

const ROOT = 0;
const VULNERABILITIES = 1;
const ERROR = 2;

const ENTRY_KEYS = new Set(['name', 'severity', 'via', 'fixAvailable']);

interface Advisory {
  id: string;
  title: string;
  url: string | null;
  severity: string;
  range: string;
  cvssScore: number | null;
  /** The package the advisory is against. */
  dependency: string;
}

interface Entry {
  name: string;
  severity: string;
  advisories: Advisory[];
  viaNames: string[];
  fixAvailable: Node;
}

class AuditHandler extends FrameHandler {
  readonly entries: Entry[] = [];
  version: JsonScalar | undefined;
  sawVulnerabilities = false;
  /** Scalars of the root and of `error`: what npm prints when the registry fails. */
  errorFields = new Map<string, string>();

  protected child(
    t: JsonTokenizer,
    frame: number | undefined,
    key: string | undefined,
    isObject: boolean,
  ): number {
    switch (frame) {
      case undefined:
        if (!isObject)
          throw t.error(`the document is not a JSON object: ${SHAPE}`);
        return ROOT;
      case ROOT:
        if (key === 'advisories') {
          throw t.error(
            'this is the npm 6 audit format ("advisories"): run `npm audit --json` with npm 7 or later',
          );
        }
        if (key === 'vulnerabilities') {
          if (!isObject)
            throw t.error(`"vulnerabilities" must be an object: ${SHAPE}`);
          this.sawVulnerabilities = true;
          return VULNERABILITIES;
        }
        return key === 'error' && isObject ? ERROR : SKIP;
      case VULNERABILITIES:
        if (!isObject) {
          throw t.error(
            `"vulnerabilities"."${excerpt(key ?? '', 80)}" must be an object`,
          );
        }
        return this.capture(0, (d, k) => d > 1 || ENTRY_KEYS.has(k), 1000);
      default:
        return SKIP;
    }
  }

  protected scalar(
    t: JsonTokenizer,
    frame: number | undefined,
    key: string | undefined,
    value: JsonScalar,
  ): void {
    if (frame === undefined) {
      throw t.error(`the document is not a JSON object: ${SHAPE}`);
    }
    if (frame === VULNERABILITIES) {
      throw t.error(
        `"vulnerabilities"."${excerpt(key ?? '', 80)}" must be an object`,
      );
    }
    if (frame === ROOT && key === 'auditReportVersion') {
      this.version = value;
      if (value !== 2) {
        throw t.error(
          `auditReportVersion ${excerpt(
            String(value),
          )} is not supported (2, written by npm 7 and later, expected)`,
        );
      }
    } else if (frame === ROOT && key === 'vulnerabilities') {
      throw t.error(`"vulnerabilities" must be an object: ${SHAPE}`);
    } else if (
      (frame === ROOT || frame === ERROR) &&
      key !== undefined &&
      (typeof value === 'string' || typeof value === 'number')
    ) {
      this.errorFields.set(key, String(value));
    }
  }

  protected captured(t: JsonTokenizer, _kind: number, node: Node): void {
    const name = asString(member(node, 'name'));
    const severity = asString(member(node, 'severity'));
    if (!name || !severity) {
      throw t.error(
        `a "vulnerabilities" entry has no "name" or "severity": ${SHAPE}`,
      );
    }
    // Texts are checked here, where the error can name the entry's line.
    const where = `"vulnerabilities"."${excerpt(name, 80)}"`;
    const text = (field: string, value: string, max = MAX_NAME) =>
      keptText(t, where, value, max, field);
    const entry: Entry = {
      name: text('name', name),
      severity: text('severity', severity),
      advisories: [],
      viaNames: [],
      fixAvailable: member(node, 'fixAvailable') ?? null,
    };
    for (const via of asArray(member(node, 'via'))) {
      if (typeof via === 'string') entry.viaNames.push(text('via', via));
      else if (isRecord(via)) {
        const a = advisory(via, name);
        entry.advisories.push({
          ...a,
          id: text('advisory id', a.id),
          title: text('title', a.title, MAX_TITLE),
          url: a.url && text('URL', a.url),
          severity: text('severity', a.severity),
          range: text('range', a.range),
          dependency: text('dependency', a.dependency),
        });
      }
    }
    const fix = entry.fixAvailable;
    if (isRecord(fix)) {
      text(
        'fixAvailable',
        `${asString(member(fix, 'name')) ?? ''} ${
          asString(member(fix, 'version')) ?? ''
        }`,
      );
    }
    this.entries.push(entry);
  }
}

function advisory(via: Node, packageName: string): Advisory {
  const url = asString(member(via, 'url')) ?? null;
  const source = member(via, 'source') ?? member(via, 'id');
  const ghsa = url ? /GHSA(-[0-9a-z]{4}){3}/i.exec(url) : null;
  const title = asString(member(via, 'title')) ?? '';
  const score = asNumber(member(member(via, 'cvss'), 'score'));
  let id: string;
  if (ghsa) id = ghsa[0];
  else if (typeof source === 'number' || typeof source === 'string')
    id = `npm-advisory-${source}`;
  else id = url ?? title;
  return {
    id,
    title,
    url,
    severity: asString(member(via, 'severity')) ?? '',
    range:
      asString(member(via, 'range')) ??
      asString(member(via, 'vulnerable_versions')) ??
      '',
    // A score of 0 is what npm writes when the advisory has none.
    cvssScore: score !== undefined && score > 0 && score <= 10 ? score : null,
    dependency:
      asString(member(via, 'dependency')) ??
      asString(member(via, 'name')) ??
      packageName,
  };
}

/** The advisories a package is affected by through its `via` names, followed to the end. */
function rootAdvisories(entry: Entry, byName: Map<string, Entry>): Advisory[] {
  const seen = new Set<string>([entry.name]);
  const own = new Set(entry.advisories.map(a => a.id));
  const found = new Map<string, Advisory>();
  const queue = [...entry.viaNames];
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const via = byName.get(name);
    if (!via) continue;
    for (const a of via.advisories) {
      if (!own.has(a.id) && !found.has(a.id)) found.set(a.id, a);
    }
    queue.push(...via.viaNames);
  }
  return [...found.values()];
}

function fixText(entry: Entry): { text: string; fixedVersion: string | null } {
  const fix = entry.fixAvailable;
  if (fix === true)
    return {
      text: 'Fix available through `npm audit fix`.',
      fixedVersion: null,
    };
  if (isRecord(fix)) {
    const name = asString(member(fix, 'name')) ?? '';
    const version = asString(member(fix, 'version')) ?? '';
    const major =
      member(fix, 'isSemVerMajor') === true ? ' (semver-major)' : '';
    return {
      text: `Fix: update ${name} to ${version}${major}.`,
      fixedVersion: name === entry.name && version ? version : null,
    };
  }
  return { text: 'No fix available.', fixedVersion: null };
}

function severityOf(
  t: JsonTokenizer,
  label: string,
  score: number | null,
  where: string,
): SecuritySeverity {
  const severity = severityFromScore(score) ?? severityFromLabel(label);
  if (!severity) {
    throw t.error(
      `${where} has the severity "${excerpt(
        label,
      )}" (info, low, moderate, high or critical expected)`,
    );
  }
  return severity;
}

function findings(t: JsonTokenizer, entries: Entry[]): ParsedFinding[] {
  const byName = new Map(entries.map(e => [e.name, e]));
  const out: ParsedFinding[] = [];
  for (const entry of entries) {
    const where = `"vulnerabilities"."${excerpt(entry.name, 80)}"`;
    // Names, titles and URLs were checked when the entry was read; messages are bounded here.
    const message = (value: string) =>
      keptText(t, `${where}: its message`, value, MAX_MESSAGE);
    const fix = fixText(entry);
    const add = (a: Advisory, text: string) => {
      out.push({
        ruleId: a.id,
        title: a.title || a.id,
        message: message(text),
        category: 'dependency',
        severity: severityOf(t, a.severity, a.cvssScore, where),
        toolSeverity: a.severity || entry.severity,
        location: null,
        package: {
          name: entry.name,
          version: null,
          fixedVersion: fix.fixedVersion,
        },
        advisory: { id: a.id, url: a.url, cvssScore: a.cvssScore },
        helpUri: a.url,
      });
    };
    for (const a of entry.advisories) {
      add(a, `${a.title} in ${entry.name} ${a.range}. ${fix.text}`);
    }
    const roots = rootAdvisories(entry, byName);
    for (const a of roots) {
      add(
        a,
        `${entry.name} depends on a vulnerable ${a.dependency} (${a.range}): ${a.title}. ${fix.text}`,
      );
    }
    if (entry.advisories.length === 0 && roots.length === 0) {
      // Listed as vulnerable through packages the report does not hold.
      out.push({
        ruleId: `npm-audit/${entry.name}`,
        title: `${entry.name} is vulnerable`,
        message: message(
          `${entry.name} is vulnerable through ${entry.viaNames.join(', ')}. ${
            fix.text
          }`,
        ),
        category: 'dependency',
        severity: severityOf(t, entry.severity, null, where),
        toolSeverity: entry.severity,
        location: null,
        package: { name: entry.name, version: null, fixedVersion: null },
        helpUri: null,
      });
    }
  }
  return out;
}

function errorReport(fields: Map<string, string>): string | undefined {
  const message = fields.get('message') ?? fields.get('summary');
  const code = fields.get('code') ?? fields.get('statusCode');
  if (message === undefined && code === undefined) return undefined;
  const detail = fields.get('detail');
  return `npm audit printed an error instead of a report (the registry's audit endpoint failed?): ${excerpt(
    [code, message, detail].filter(Boolean).join(': '),
    300,
  )}`;
}

/**
 * `npm audit --json` of npm 7 and later (`format=npm-audit`). One run (tool `npm audit`,
 * category '') with one finding per (package, advisory):
 * - each advisory object in a package's `via` is a finding of that package;
 * - packages are also affected by the advisories of the packages their `via` names lead to
 *   (followed to the end, cycles cut): each such root advisory is one finding of the package,
 *   its message naming the vulnerable dependency. A transitive-only package (`mkdirp` via
 *   `minimist`) thus has one finding per root advisory, with that advisory's id and severity.
 *
 * Rule and advisory id: the GHSA id in the advisory URL, else `npm-advisory-<source>`.
 * Severity: the advisory's CVSS score when it has one above 0, else its label (`moderate` is
 * medium, `info` low). `fixAvailable` naming the package itself gives `fixedVersion`; a fix
 * through another package (`{name: "nyc", version: "15.1.0"}`) is written in the message.
 * No location (npm names no file), no installed version (npm writes only ranges).
 *
 * Refused: npm 6's format (`advisories`), the error object npm prints when the audit endpoint
 * fails, other `auditReportVersion`s, documents without `vulnerabilities`, malformed JSON.
 */
export class NpmAuditParser implements ReportParser {
  readonly format = 'npm-audit';
  readonly kind = 'findings' as const;

  async parse(input: AsyncIterable<Buffer>): Promise<ParsedFindingsReport> {
    const handler = new AuditHandler();
    const tokenizer = await readJson(input, LABEL, handler);
    if (!handler.sawVulnerabilities) {
      throw reportError(
        LABEL,
        undefined,
        errorReport(handler.errorFields) ??
          `not an npm audit report, no "vulnerabilities": ${SHAPE}`,
      );
    }
    return {
      kind: 'findings',
      runs: [
        {
          tool: { name: 'npm audit', version: null },
          category: '',
          findings: findings(tokenizer, handler.entries),
          toolErrors: [],
        },
      ],
    };
  }
}

/** The npm audit parser, as registered. */
export const npmAuditParser: ReportParser = new NpmAuditParser();
