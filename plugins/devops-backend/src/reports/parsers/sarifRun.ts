import {
  ParsedFinding,
  ParsedFindingsRun,
} from '@devops-growth/backstage-plugin-devops-node';
import {
  asIndex,
  asString,
  at,
  Interner,
  keptText,
  MAX_NAME,
  member,
  Node,
} from './findingsCommon';
import { JsonTokenizer } from './json/JsonTokenizer';
import { relativePaths, resultFinding, RuleInfo } from './sarifResult';

// One SARIF run while it is read (see `SarifParser` in sarif.ts).

/** A result read before its run's rules or artifacts. */
interface PendingResult {
  result: Node;
  ordinal: number;
}

/** What is known of one run while it is read. */
export class RunState {
  toolName: string | undefined;
  toolVersion: string | null = null;
  automationId: string | undefined;
  driverRules: RuleInfo[] = [];
  extensionRules: RuleInfo[][] = [];
  rulesById: Map<string, RuleInfo> | undefined;
  toolClosed = false;
  artifactsClosed = false;
  sawResults = false;
  artifacts: Node[] = [];
  baseIds = new Map<string, string>();
  findings: ParsedFinding[] = [];
  pending: PendingResult[] = [];
  toolErrors: string[] = [];
  resultCount = 0;
  suppressed = 0;
  /** Extension being read (index into extensionRules), or -1 for the driver. */
  component = -1;
  extensionCount = 0;

  constructor(readonly index: number) {}

  /** The run as parsed: pending results resolved, paths made relative, the category read. */
  finish(t: JsonTokenizer, strings: Interner): ParsedFindingsRun {
    if (!this.toolName) {
      throw t.error(
        `run ${
          this.index + 1
        } has no "tool.driver.name" (the tool that wrote it): a SARIF run is {"tool": {"driver": {"name": ...}}, "results": [...]}`,
      );
    }
    this.toolClosed = true;
    this.artifactsClosed = true;
    for (const p of this.pending) {
      this.findings.push(this.finding(t, p.result, p.ordinal, strings));
    }
    this.pending = [];
    relativePaths(this.findings, this.baseIds, strings);
    if (!this.sawResults) {
      this.toolErrors.push(
        'the run has no "results" array (SARIF: the tool did not compute results)',
      );
    }
    const id = this.automationId ?? '';
    const slash = id.lastIndexOf('/');
    return {
      tool: {
        name: keptText(t, `run ${this.index + 1}`, this.toolName, MAX_NAME),
        version:
          this.toolVersion === null
            ? null
            : keptText(t, `run ${this.index + 1}`, this.toolVersion, MAX_NAME),
      },
      category: keptText(
        t,
        `run ${this.index + 1}, automationDetails.id`,
        slash === -1 ? id : id.slice(0, slash),
        MAX_NAME,
      ),
      findings: this.findings,
      toolErrors: this.toolErrors,
    };
  }

  /** The rule of a result: by `rule.index`/`ruleIndex` (and `rule.toolComponent.index`), else by id. */
  rule(result: Node): RuleInfo | undefined {
    const ref = member(result, 'rule');
    const index =
      asIndex(member(ref, 'index')) ?? asIndex(member(result, 'ruleIndex'));
    const component = asIndex(at(ref, 'toolComponent', 'index'));
    if (index !== undefined) {
      const rules =
        component === undefined
          ? this.driverRules
          : this.extensionRules[component] ?? [];
      if (rules[index]) return rules[index];
    }
    const id =
      asString(member(result, 'ruleId')) ?? asString(member(ref, 'id'));
    if (id === undefined) return undefined;
    if (!this.rulesById) {
      this.rulesById = new Map();
      for (const rules of [this.driverRules, ...this.extensionRules]) {
        for (const r of rules ?? []) {
          if (r.id !== undefined && !this.rulesById.has(r.id))
            this.rulesById.set(r.id, r);
        }
      }
    }
    // `ruleId` may be hierarchical ("CA2000/1"): the rule is its first component.
    return this.rulesById.get(id) ?? this.rulesById.get(id.split('/')[0] ?? id);
  }

  /** The finding of a result of this this. */
  finding(
    t: JsonTokenizer,
    result: Node,
    ordinal: number,
    strings: Interner,
  ): ParsedFinding {
    return resultFinding(t, result, this.rule(result), {
      where: `run ${this.index + 1}, result ${ordinal}`,
      toolName: this.toolName ?? '',
      artifacts: this.artifacts,
      strings,
    });
  }
}
