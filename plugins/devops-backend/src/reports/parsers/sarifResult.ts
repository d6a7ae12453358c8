import {
  FindingCategory,
  severityFromLabel,
  severityFromSarifLevel,
  severityFromScore,
} from '@devops-growth/backstage-plugin-devops-common';
import { ParsedFinding } from '@devops-growth/backstage-plugin-devops-node';
import { excerpt } from './common';
import {
  asArray,
  asIndex,
  asString,
  at,
  firstLine,
  Interner,
  isRecord,
  keptText,
  MAX_MESSAGE,
  MAX_NAME,
  MAX_SNIPPET,
  MAX_TITLE,
  member,
  Node,
} from './findingsCommon';
import { JsonTokenizer } from './json/JsonTokenizer';

// How a SARIF result becomes a finding (see `SarifParser` in sarif.ts).

const LEVELS = new Set(['none', 'note', 'warning', 'error']);
const TRIVY_LABELS = new Set(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN']);
const MAX_FINGERPRINTS = 20;

/** What a finding needs from its rule. */
export interface RuleInfo {
  id: string | undefined;
  name: string | undefined;
  title: string | undefined;
  helpUri: string | null;
  securitySeverity: string | undefined;
  tags: string[];
  defaultLevel: string | undefined;
  messageStrings: Node | undefined;
  /** Checked texts and the category of the rule's findings, once known. */
  cache?: RuleCache;
}

interface RuleCache {
  ruleId?: string;
  title?: string;
  helpUri?: string | null;
  category?: FindingCategory;
}

/** Where a result is and what of its run it needs. */
export interface FindingContext {
  /** `run 1, result 3`, for error messages. */
  where: string;
  toolName: string;
  /** The run's `artifacts[].location`, for results that name their file by index. */
  artifacts: Node[];
  strings: Interner;
}

/** The finding of a result, with its rule when the run has it. */
export function resultFinding(
  t: JsonTokenizer,
  result: Node,
  rule: RuleInfo | undefined,
  context: FindingContext,
): ParsedFinding {
  const { where, toolName, strings } = context;
  const text = (field: string, value: string, max: number) =>
    keptText(t, where, value, max, field);
  const rawId =
    asString(member(result, 'ruleId')) ??
    asString(at(result, 'rule', 'id')) ??
    rule?.id;
  if (rawId === undefined || rawId === '') {
    throw t.error(`${where} names no rule (no "ruleId")`);
  }
  // What depends on the rule alone is worked out once per rule.
  const cache: RuleCache | undefined =
    rule && rawId === rule.id ? (rule.cache ??= {}) : undefined;
  const ruleId =
    (cache ? cache.ruleId : undefined) ??
    strings.text(t, where, rawId, MAX_NAME, 'rule id');
  const level =
    asString(member(result, 'level')) ?? rule?.defaultLevel ?? 'warning';
  if (!LEVELS.has(level)) {
    throw t.error(
      `${where} has the level "${excerpt(
        level,
      )}" (none, note, warning or error expected)`,
    );
  }
  const category = cache?.category ?? categoryOf(toolName, rule, ruleId);

  // Severity: security-severity of the rule, Trivy's label tag, else the SARIF level.
  let severity = severityFromScore(rule?.securitySeverity);
  let toolSeverity = severity ? rule!.securitySeverity! : level;
  if (!severity && /trivy/i.test(toolName)) {
    const label = rule?.tags.find(tag => TRIVY_LABELS.has(tag));
    if (label) {
      severity = severityFromLabel(label);
      toolSeverity = label;
    }
  }
  severity ??= severityFromSarifLevel(level);

  const message = text('message', messageOf(result, rule), MAX_MESSAGE);
  const title =
    cache?.title ??
    strings.text(
      t,
      where,
      rule?.title || firstLine(message) || ruleId,
      MAX_TITLE,
      'title',
    );
  let helpUri = cache?.helpUri;
  if (helpUri === undefined) {
    helpUri = rule?.helpUri
      ? strings.text(t, where, rule.helpUri, MAX_NAME, 'help URI')
      : null;
  }
  if (cache) {
    cache.ruleId = ruleId;
    cache.category = category;
    cache.helpUri = helpUri;
    if (rule?.title) cache.title = title;
  }
  const finding: ParsedFinding = {
    ruleId,
    title,
    message: message || title,
    category,
    severity,
    toolSeverity: strings.text(t, where, toolSeverity, MAX_NAME, 'severity'),
    location: null,
    helpUri,
  };

  const physical = at(
    asArray(member(result, 'locations'))[0],
    'physicalLocation',
  );
  const artifact = member(physical, 'artifactLocation');
  let uri = asString(member(artifact, 'uri'));
  const artifactIndex = asIndex(member(artifact, 'index'));
  if (uri === undefined && artifactIndex !== undefined) {
    uri = asString(at(context.artifacts[artifactIndex], 'uri'));
  }
  if (uri) {
    const path = artifactPath(uri);
    const line = asIndex(at(physical, 'region', 'startLine'));
    finding.location = {
      path: strings.text(t, where, path, MAX_NAME, 'path'),
      // Trivy writes a dummy region 1:1 for packages.
      line: category === 'dependency' || !line ? null : line,
    };
  }
  const snippet = asString(at(physical, 'region', 'snippet', 'text'));
  if (snippet) finding.snippet = text('snippet', snippet, MAX_SNIPPET);

  const prints = member(result, 'partialFingerprints');
  if (isRecord(prints)) {
    const kept: Record<string, string> = {};
    let n = 0;
    for (const [name, value] of Object.entries(prints)) {
      if (typeof value !== 'string' || n++ >= MAX_FINGERPRINTS) continue;
      kept[text('fingerprint name', name, MAX_NAME)] = text(
        'fingerprint',
        value,
        MAX_NAME,
      );
    }
    if (n > 0) finding.partialFingerprints = kept;
  }

  if (category === 'dependency') {
    const score = severityFromScore(rule?.securitySeverity)
      ? Number(rule!.securitySeverity)
      : null;
    finding.advisory = {
      id: ruleId,
      url: finding.helpUri ?? null,
      cvssScore: score,
    };
    const pkg = /^Package: (.+)$/m.exec(message);
    if (pkg) {
      const installed = /^Installed Version: (.+)$/m.exec(message);
      const fixed = /^Fixed Version: (.+)$/m.exec(message);
      finding.package = {
        name: pkg[1].trim(),
        version: installed ? installed[1].trim() : null,
        fixedVersion: fixed ? fixed[1].trim() : null,
      };
    }
  }
  return finding;
}

export function ruleInfo(node: Node): RuleInfo {
  const props = member(node, 'properties');
  const ss = member(props, 'security-severity');
  const helpUri = asString(member(node, 'helpUri'));
  return {
    id: asString(member(node, 'id')),
    name: asString(member(node, 'name')),
    title: asString(at(node, 'shortDescription', 'text')),
    // ESLint's formatter writes "Please see details in message" for rules without docs.
    helpUri: helpUri && /^https?:\/\//i.test(helpUri) ? helpUri : null,
    securitySeverity:
      typeof ss === 'string' || typeof ss === 'number' ? String(ss) : undefined,
    tags: asArray(member(props, 'tags')).filter(
      (tag): tag is string => typeof tag === 'string',
    ),
    defaultLevel: asString(at(node, 'defaultConfiguration', 'level')),
    messageStrings: member(node, 'messageStrings'),
  };
}

/**
 * A result is suppressed when it has a suppression whose status is absent or `accepted`
 * (`underReview` and `rejected` suppressions leave it open). An empty array means "not
 * suppressed" (ESLint writes `[]` on every result once one message is suppressed).
 */
export function isSuppressed(result: Node): boolean {
  return asArray(member(result, 'suppressions')).some(s => {
    const status = asString(member(s, 'status'));
    return isRecord(s) && (status === undefined || status === 'accepted');
  });
}

/** `message.text`, else the rule's message string `message.id` with its `{n}` arguments. */
function messageOf(result: Node, rule: RuleInfo | undefined): string {
  const message = member(result, 'message');
  const text = asString(member(message, 'text'));
  if (text !== undefined) return text;
  const id = asString(member(message, 'id'));
  const template =
    id !== undefined
      ? asString(at(rule?.messageStrings, id, 'text'))
      : undefined;
  if (template !== undefined) {
    const args = asArray(member(message, 'arguments'));
    return template.replace(/\{(\d+)\}/g, (all, n: string) => {
      const arg = args[Number(n)];
      return arg === undefined ? all : String(arg);
    });
  }
  return asString(member(message, 'markdown')) ?? '';
}

/**
 * Recognisable categories: package vulnerabilities (Trivy's `vulnerability` tag and
 * `*PackageVulnerability` rules, CVE and GHSA rule ids), secrets (a `secret` tag, Trivy's
 * `Secret` rules, secret scanners, rule ids naming secrets), misconfigurations (Trivy's tag and
 * IaC scanners), licenses (a `license` tag); everything else is code.
 */
function categoryOf(
  toolName: string,
  rule: RuleInfo | undefined,
  ruleId: string,
): FindingCategory {
  const tags = new Set((rule?.tags ?? []).map(tag => tag.toLowerCase()));
  const name = rule?.name ?? '';
  if (
    tags.has('vulnerability') ||
    /PackageVulnerability$/.test(name) ||
    /^(CVE-\d{4}-\d{4,}|GHSA(-[0-9a-z]{4}){3})$/i.test(ruleId)
  ) {
    return 'dependency';
  }
  if (
    tags.has('secret') ||
    name === 'Secret' ||
    /gitleaks|trufflehog|detect-secrets/i.test(toolName) ||
    /(^|[^a-z])secrets?([^a-z]|$)/i.test(ruleId)
  ) {
    return 'secret';
  }
  if (
    tags.has('misconfiguration') ||
    name === 'Misconfiguration' ||
    /checkov|tfsec|kics|hadolint|terrascan/i.test(toolName)
  ) {
    return 'config';
  }
  if (tags.has('license')) return 'license';
  return 'code';
}

/**
 * The path of an artifact as the tool wrote it: `file:` URIs decoded to paths, relative
 * references percent-decoded, other URIs kept. (Paths under one of the run's
 * `originalUriBaseIds` are made relative to it when the run ends, see `relativePaths`.)
 */
export function artifactPath(uri: string): string {
  if (/^file:/i.test(uri)) {
    let path = decode(uri.replace(/^file:(\/\/[^/]*)?/i, ''));
    if (/^\/[A-Za-z]:\//.test(path)) path = path.slice(1);
    return path;
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(uri)) return uri;
  return decode(uri);
}

/**
 * Absolute `file:` paths under one of the run's `originalUriBaseIds` (a directory URI ending
 * in `/`) become relative to it; relative paths stay as written, whether or not their
 * `uriBaseId` is defined.
 */
export function relativePaths(
  findings: ParsedFinding[],
  baseIds: Map<string, string>,
  strings: Interner,
): void {
  const bases = [...baseIds.values()]
    .filter(base => /^file:/i.test(base) && base.endsWith('/'))
    .map(artifactPath);
  if (bases.length === 0) return;
  for (const f of findings) {
    const path = f.location?.path;
    const base = path && bases.find(b => path.startsWith(b));
    if (base) f.location!.path = strings.get(path.slice(base.length));
  }
}

function decode(s: string): string {
  if (s.indexOf('%') === -1) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
