import {
  FindingCategory,
  severityFromLabel,
} from '@devops-growth/backstage-plugin-devops-common';
import {
  ParsedFinding,
  ParsedFindingsReport,
  ReportParser,
} from '@devops-growth/backstage-plugin-devops-node';
import { excerpt, reportError } from './common';
import {
  asIndex,
  asNumber,
  asString,
  at,
  FrameHandler,
  Interner,
  keptText,
  MAX_MESSAGE,
  MAX_NAME,
  MAX_SNIPPET,
  MAX_TITLE,
  member,
  Node,
  readJson,
  SKIP,
} from './findingsCommon';
import { JsonScalar, JsonTokenizer } from './json/JsonTokenizer';

const LABEL = 'Trivy JSON';
const SHAPE =
  'Trivy writes {"SchemaVersion": 2, "ArtifactType": ..., "Results": [{"Target": ..., "Class": ..., "Vulnerabilities": [...], "Misconfigurations": [...], "Secrets": [...], "Licenses": [...]}]} (before v0.20: a bare array of results)';

const ROOT = 0;
const RESULTS = 1;
const RESULT = 2;
const ITEMS = 3;
const TRIVY = 4;

/** What each list of a result holds, the members kept of its items. */
const LISTS: Record<
  string,
  { category: FindingCategory; keys: Set<string>; id: string }
> = {
  Vulnerabilities: {
    category: 'dependency',
    id: 'VulnerabilityID',
    keys: new Set([
      'VulnerabilityID',
      'PkgName',
      'PkgPath',
      'InstalledVersion',
      'FixedVersion',
      'Severity',
      'SeveritySource',
      'Title',
      'Description',
      'PrimaryURL',
      'CVSS',
    ]),
  },
  Misconfigurations: {
    category: 'config',
    id: 'ID',
    keys: new Set([
      'ID',
      'AVDID',
      'Title',
      'Description',
      'Message',
      'Severity',
      'PrimaryURL',
      'Status',
      'CauseMetadata',
    ]),
  },
  Secrets: {
    category: 'secret',
    id: 'RuleID',
    keys: new Set([
      'RuleID',
      'Category',
      'Severity',
      'Title',
      'StartLine',
      'Match',
    ]),
  },
  Licenses: {
    category: 'license',
    id: 'Name',
    keys: new Set([
      'Severity',
      'Category',
      'PkgName',
      'FilePath',
      'Name',
      'Link',
    ]),
  },
};

/** A finding waiting for its result's `Target` (which may come after the lists). */
interface Pending {
  finding: ParsedFinding;
  /** A file of its own (a license's `FilePath`), else the target. */
  path: string | undefined;
  pkgPath: string | undefined;
  line: number | null;
}

class TrivyHandler extends FrameHandler {
  schemaVersion: JsonScalar | undefined;
  legacy = false;
  artifactType = '';
  version: string | null = null;
  readonly findings: ParsedFinding[] = [];
  private resultIndex = -1;
  private target: string | undefined;
  private pending: Pending[] = [];
  private list = '';
  private itemIndex = 0;
  private readonly strings = new Interner();

  protected child(
    t: JsonTokenizer,
    frame: number | undefined,
    key: string | undefined,
    isObject: boolean,
  ): number {
    switch (frame) {
      case undefined:
        if (isObject) return ROOT;
        this.legacy = true;
        return RESULTS;
      case ROOT:
        if (key === 'Results') {
          if (isObject) throw t.error(`"Results" must be an array: ${SHAPE}`);
          return RESULTS;
        }
        return key === 'Trivy' && isObject ? TRIVY : SKIP;
      case RESULTS:
        if (!isObject) {
          throw t.error(
            `Results[${this.resultIndex + 1}] must be an object: ${SHAPE}`,
          );
        }
        this.resultIndex++;
        this.target = undefined;
        this.pending = [];
        return RESULT;
      case RESULT:
        if (key !== undefined && LISTS[key]) {
          if (isObject) throw t.error(`"${key}" must be an array: ${SHAPE}`);
          this.list = key;
          this.itemIndex = 0;
          return ITEMS;
        }
        return SKIP;
      case ITEMS: {
        const where = `Results[${this.resultIndex}].${this.list}[${this.itemIndex}]`;
        if (!isObject) throw t.error(`${where} must be an object: ${SHAPE}`);
        const keys = LISTS[this.list].keys;
        // CauseMetadata: only its line numbers (not the code it quotes).
        const list = this.list;
        // Used at once: its strings need not be copied out of the chunk (kept texts are).
        return this.capture(
          0,
          (d, k) =>
            d === 1
              ? keys.has(k)
              : d > 2 || k !== 'Code' || list !== 'Misconfigurations',
          undefined,
          false,
        );
      }
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
    switch (frame) {
      case undefined:
        throw t.error(`not a Trivy JSON report: ${SHAPE}`);
      case ROOT:
        if (key === 'SchemaVersion') {
          this.schemaVersion = value;
          if (value !== 2) {
            throw t.error(
              `Trivy SchemaVersion ${excerpt(
                String(value),
              )} is not supported (2 expected)`,
            );
          }
        } else if (key === 'ArtifactType' && typeof value === 'string') {
          this.artifactType = value;
        } else if (key === 'Results') {
          if (value !== null)
            throw t.error(`"Results" must be an array: ${SHAPE}`);
        }
        return;
      case TRIVY:
        if (key === 'Version' && typeof value === 'string')
          this.version = value;
        return;
      case RESULTS:
        throw t.error(
          `Results[${this.resultIndex + 1}] must be an object: ${SHAPE}`,
        );
      case RESULT:
        if (key === 'Target') {
          if (typeof value !== 'string')
            throw t.error(
              `Results[${this.resultIndex}].Target must be a string`,
            );
          this.target = value;
        } else if (key !== undefined && LISTS[key] && value !== null) {
          throw t.error(`"${key}" must be an array: ${SHAPE}`);
        }
        return;
      case ITEMS:
        throw t.error(
          `Results[${this.resultIndex}].${this.list}[${this.itemIndex}] must be an object: ${SHAPE}`,
        );
      default:
        return;
    }
  }

  protected closed(t: JsonTokenizer, frame: number | undefined): void {
    if (frame !== RESULT) return;
    const where = `Results[${this.resultIndex}]`;
    if (this.target === undefined) {
      throw t.error(`${where} has no "Target": ${SHAPE}`);
    }
    for (const p of this.pending) {
      let path = p.path || this.target!;
      if (p.pkgPath) path = path ? `${path} > ${p.pkgPath}` : p.pkgPath;
      if (path) {
        p.finding.location = {
          path: this.strings.text(t, where, path, MAX_NAME, 'Target'),
          line: p.line,
        };
      }
      this.findings.push(p.finding);
    }
    this.pending = [];
  }

  protected captured(t: JsonTokenizer, _kind: number, node: Node): void {
    const where = `Results[${this.resultIndex}].${this.list}[${this
      .itemIndex++}]`;
    const text = (field: string, value: string, max: number) =>
      keptText(t, where, value, max, field);
    const str = (key: string) => {
      const v = member(node, key);
      if (v !== undefined && v !== null && typeof v !== 'string')
        throw t.error(`${where}.${key} must be a string`);
      return v || undefined;
    };
    const required = (key: string, alt?: string) => {
      const v = str(key) ?? (alt ? str(alt) : undefined);
      if (!v) throw t.error(`${where} has no ${key}: ${SHAPE}`);
      return v;
    };
    const idKey = LISTS[this.list].id;
    required(idKey, idKey === 'ID' ? 'AVDID' : undefined);
    const label = required('Severity');
    const severity = severityFromLabel(label);
    if (!severity) {
      throw t.error(
        `${where} has the Severity "${excerpt(
          label,
        )}" (CRITICAL, HIGH, MEDIUM, LOW or UNKNOWN expected)`,
      );
    }
    const { category } = LISTS[this.list];
    const base = {
      category,
      severity,
      toolSeverity: this.strings.text(t, where, label, MAX_NAME, 'Severity'),
      location: null,
    };
    const pending: Pending = {
      finding: undefined as unknown as ParsedFinding,
      path: undefined,
      pkgPath: undefined,
      line: null,
    };
    const url = str('PrimaryURL');
    const helpUri = url
      ? this.strings.text(t, where, url, MAX_NAME, 'PrimaryURL')
      : null;

    switch (this.list) {
      case 'Vulnerabilities': {
        const id = text(
          'VulnerabilityID',
          required('VulnerabilityID'),
          MAX_NAME,
        );
        const name = required('PkgName');
        const title = str('Title');
        const score = cvssScore(node);
        pending.pkgPath = str('PkgPath');
        pending.finding = {
          ...base,
          ruleId: this.strings.get(id),
          title: this.strings.text(t, where, title ?? id, MAX_TITLE, 'Title'),
          message: text(
            'Description',
            str('Description') ?? title ?? id,
            MAX_MESSAGE,
          ),
          package: {
            name: this.strings.text(t, where, name, MAX_NAME, 'PkgName'),
            version: nullable(
              text,
              'InstalledVersion',
              str('InstalledVersion'),
            ),
            fixedVersion: nullable(text, 'FixedVersion', str('FixedVersion')),
          },
          advisory: {
            id: this.strings.get(id),
            url: helpUri,
            cvssScore: score,
          },
          helpUri,
        };
        break;
      }
      case 'Misconfigurations': {
        const status = str('Status');
        // --include-non-failures lists passed checks too.
        if (status !== undefined && status !== 'FAIL') return;
        const id = required('ID', 'AVDID');
        const title = str('Title') ?? id;
        pending.line = asIndex(at(node, 'CauseMetadata', 'StartLine')) || null;
        pending.finding = {
          ...base,
          ruleId: this.strings.text(t, where, id, MAX_NAME, 'ID'),
          title: this.strings.text(t, where, title, MAX_TITLE, 'Title'),
          message: text(
            'Message',
            str('Message') ?? str('Description') ?? title,
            MAX_MESSAGE,
          ),
          helpUri,
        };
        break;
      }
      case 'Secrets': {
        const id = required('RuleID');
        const title = str('Title') ?? id;
        pending.line = asIndex(member(node, 'StartLine')) || null;
        pending.finding = {
          ...base,
          ruleId: this.strings.text(t, where, id, MAX_NAME, 'RuleID'),
          title: this.strings.text(t, where, title, MAX_TITLE, 'Title'),
          message: text(
            'Title',
            `${title}${str('Category') ? ` (${str('Category')})` : ''}`,
            MAX_MESSAGE,
          ),
          helpUri: null,
        };
        // Trivy masks the secret in Match.
        const match = str('Match');
        if (match) pending.finding.snippet = text('Match', match, MAX_SNIPPET);
        break;
      }
      default: {
        const name = required('Name');
        const pkg = str('PkgName');
        const kind = str('Category');
        const link = str('Link');
        pending.path = str('FilePath');
        pending.finding = {
          ...base,
          ruleId: this.strings.text(t, where, name, MAX_NAME, 'Name'),
          title: this.strings.text(
            t,
            where,
            `${name} license${kind ? ` (${kind})` : ''}`,
            MAX_TITLE,
            'Name',
          ),
          message: text(
            'Name',
            `${pkg ?? pending.path ?? 'A file'} is under the ${name} license${
              kind ? `, classified ${kind}` : ''
            }`,
            MAX_MESSAGE,
          ),
          helpUri: link ? text('Link', link, MAX_NAME) : null,
        };
        if (pkg) {
          pending.finding.package = {
            name: this.strings.text(t, where, pkg, MAX_NAME, 'PkgName'),
            version: null,
            fixedVersion: null,
          };
        }
      }
    }
    this.pending.push(pending);
  }
}

function nullable(
  text: (field: string, value: string, max: number) => string,
  field: string,
  value: string | undefined,
): string | null {
  return value ? text(field, value, MAX_NAME) : null;
}

/** `CVSS.nvd.V3Score`, else the V3 score of the vendor named in `SeveritySource`. */
function cvssScore(node: Node): number | null {
  const cvss = member(node, 'CVSS');
  const source = asString(member(node, 'SeveritySource'));
  for (const vendor of ['nvd', source]) {
    if (!vendor) continue;
    const score = asNumber(at(cvss, vendor, 'V3Score'));
    if (score !== undefined && score >= 0 && score <= 10) return score;
  }
  return null;
}

/**
 * Trivy's JSON report (`trivy image|fs|repo --format json`, `format=trivy`): the
 * `SchemaVersion: 2` object of v0.20 and later, and the bare array of results written before.
 * A missing, `null` or empty `Results` or list is no findings. One run (tool `Trivy` with the
 * report's `Trivy.Version` when written, category the `ArtifactType`, '' for the old array).
 *
 * - `Vulnerabilities`: category dependency, rule and advisory id `VulnerabilityID`, package
 *   `PkgName` / `InstalledVersion` / `FixedVersion`, CVSS from `CVSS.nvd.V3Score` else the
 *   vendor named in `SeveritySource`; location the `Target` (and `PkgPath`, as
 *   `Target > PkgPath`), no line.
 * - `Misconfigurations` (config): failed checks only (`Status` FAIL or absent), rule `ID`,
 *   line `CauseMetadata.StartLine`.
 * - `Secrets` (secret): rule `RuleID`, line `StartLine`, the masked `Match` as snippet.
 * - `Licenses` (license): rule the license `Name`, the package or `FilePath`.
 * Severity from `Severity` (`UNKNOWN` is low: Trivy writes it when no source rated the issue).
 *
 * Refused: another `SchemaVersion`, an entry without its id or `Severity`, an unknown severity
 * word, lists that are not arrays, malformed JSON.
 */
export class TrivyParser implements ReportParser {
  readonly format = 'trivy';
  readonly kind = 'findings' as const;

  async parse(input: AsyncIterable<Buffer>): Promise<ParsedFindingsReport> {
    const handler = new TrivyHandler();
    const tokenizer = await readJson(input, LABEL, handler);
    if (handler.schemaVersion === undefined && !handler.legacy) {
      throw reportError(
        LABEL,
        undefined,
        `not a Trivy JSON report (no "SchemaVersion"): ${SHAPE}`,
      );
    }
    const version = handler.version;
    return {
      kind: 'findings',
      runs: [
        {
          tool: {
            name: 'Trivy',
            version:
              version &&
              keptText(tokenizer, 'Trivy.Version', version, MAX_NAME),
          },
          category: keptText(
            tokenizer,
            'ArtifactType',
            handler.artifactType,
            MAX_NAME,
          ),
          findings: handler.findings,
          toolErrors: [],
        },
      ],
    };
  }
}

/** The Trivy JSON parser, as registered. */
export const trivyParser: ReportParser = new TrivyParser();
