import {
  ParsedFindingsReport,
  ParsedFindingsRun,
  ReportParser,
} from '@devops-growth/backstage-plugin-devops-node';
import { excerpt, reportError } from './common';
import {
  asArray,
  asIndex,
  asString,
  at,
  FrameHandler,
  Interner,
  keptText,
  MAX_MESSAGE,
  member,
  Node,
  readJson,
  SKIP,
} from './findingsCommon';
import { JsonScalar, JsonTokenizer } from './json/JsonTokenizer';
import { artifactPath, isSuppressed, ruleInfo } from './sarifResult';
import { RunState } from './sarifRun';

const LABEL = 'SARIF';
const SHAPE =
  'a SARIF 2.1.0 log is {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": ...}}, "results": [...]}]}';

// What the container being read is.
const ROOT = 0;
const RUNS = 1;
const RUN = 2;
const TOOL = 3;
const COMPONENT = 4;
const EXTENSIONS = 5;
const RULES = 6;
const RESULTS = 7;
const INVOCATIONS = 8;
const INVOCATION = 9;
const NOTIFICATIONS = 10;
const AUTOMATION = 11;
const BASE_IDS = 12;
const ARTIFACTS = 13;

// What a capture is.
const CAP_RULE = 0;
const CAP_RESULT = 1;
const CAP_NOTIFICATION = 2;
const CAP_BASE_ID = 3;
const CAP_ARTIFACT = 4;

const RULE_KEYS = new Set([
  'id',
  'name',
  'shortDescription',
  'helpUri',
  'properties',
  'defaultConfiguration',
  'messageStrings',
]);
const RESULT_KEYS = new Set([
  'ruleId',
  'ruleIndex',
  'rule',
  'kind',
  'level',
  'message',
  'locations',
  'partialFingerprints',
  'suppressions',
]);
const NOTIFICATION_KEYS = new Set(['level', 'message', 'locations']);

/** Keeps the members of a captured object named in `keys`, and everything below them. */
function keepKeys(keys: Set<string>) {
  return (depth: number, key: string) => depth > 1 || keys.has(key);
}

class SarifHandler extends FrameHandler {
  version: JsonScalar | undefined;
  sawRuns = false;
  readonly runs: ParsedFindingsRun[] = [];
  private run: RunState | undefined;
  private runCount = 0;
  private invocationFailed = false;
  private invocationErrors = 0;
  private baseIdName = '';
  private readonly strings = new Interner();

  protected scalar(
    t: JsonTokenizer,
    frame: number | undefined,
    key: string | undefined,
    value: JsonScalar,
  ): void {
    const run = this.run;
    switch (frame) {
      case undefined:
        throw t.error(`the document is not a JSON object: ${SHAPE}`);
      case ROOT:
        if (key === 'version') {
          this.version = value;
          if (value !== '2.1.0') {
            throw t.error(
              `SARIF version ${excerpt(
                String(value),
              )} is not supported (2.1.0 expected)`,
            );
          }
        } else if (key === 'runs' && value !== null) {
          throw t.error(`"runs" must be an array: ${SHAPE}`);
        } else if (key === 'runs') {
          this.sawRuns = true;
        }
        return;
      case RUNS:
        throw t.error(`runs[${this.runCount}] must be an object: ${SHAPE}`);
      case COMPONENT:
        if (run && run.component === -1 && typeof value === 'string') {
          if (key === 'name') run.toolName = value;
          else if (key === 'version') run.toolVersion = value;
          else if (key === 'semanticVersion' && run.toolVersion === null)
            run.toolVersion = value;
        }
        return;
      case AUTOMATION:
        if (run && key === 'id' && typeof value === 'string')
          run.automationId = value;
        return;
      case INVOCATION:
        if (key === 'executionSuccessful' && value === false)
          this.invocationFailed = true;
        return;
      case RULES:
      case RESULTS:
      case EXTENSIONS:
      case INVOCATIONS:
      case NOTIFICATIONS:
      case ARTIFACTS:
        if (value !== null) {
          throw t.error(
            `run ${run!.index + 1}: an item of an array of objects is ${excerpt(
              JSON.stringify(value),
            )}: ${SHAPE}`,
          );
        }
        return;
      default:
        return;
    }
  }

  protected child(
    t: JsonTokenizer,
    frame: number | undefined,
    key: string | undefined,
    isObject: boolean,
  ): number {
    const run = this.run;
    const expect = (want: boolean, what: string) => {
      if (isObject !== want)
        throw t.error(
          `${run ? `run ${run.index + 1}: ` : ''}${what} must be ${
            want ? 'an object' : 'an array'
          }: ${SHAPE}`,
        );
    };
    switch (frame) {
      case undefined:
        expect(true, 'the document');
        return ROOT;
      case ROOT:
        if (key === 'runs') {
          expect(false, '"runs"');
          this.sawRuns = true;
          return RUNS;
        }
        return SKIP;
      case RUNS:
        expect(true, `runs[${this.runCount}]`);
        this.run = new RunState(this.runCount++);
        return RUN;
      case RUN:
        switch (key) {
          case 'tool':
            expect(true, '"tool"');
            return TOOL;
          case 'results':
            expect(false, '"results"');
            run!.sawResults = true;
            return RESULTS;
          case 'invocations':
            expect(false, '"invocations"');
            return INVOCATIONS;
          case 'automationDetails':
            return isObject ? AUTOMATION : -1;
          case 'originalUriBaseIds':
            return isObject ? BASE_IDS : -1;
          case 'artifacts':
            return isObject ? -1 : ARTIFACTS;
          default:
            return SKIP;
        }
      case TOOL:
        if (key === 'driver') {
          expect(true, '"tool.driver"');
          run!.component = -1;
          return COMPONENT;
        }
        if (key === 'extensions') {
          expect(false, '"tool.extensions"');
          return EXTENSIONS;
        }
        return SKIP;
      case EXTENSIONS:
        expect(true, 'an item of "tool.extensions"');
        run!.component = run!.extensionCount++;
        run!.extensionRules[run!.component] = [];
        return COMPONENT;
      case COMPONENT:
        if (key === 'rules') {
          expect(false, '"rules"');
          return RULES;
        }
        return SKIP;
      case RULES:
        expect(true, 'an item of "rules"');
        return this.capture(CAP_RULE, keepKeys(RULE_KEYS));
      case RESULTS:
        expect(true, `results[${run!.resultCount}]`);
        // A result read after its run's rules becomes a finding at once: its strings need not be
        // copied out of the chunk (what the finding keeps is copied by keptText).
        return this.capture(
          CAP_RESULT,
          keepKeys(RESULT_KEYS),
          undefined,
          !run!.toolClosed,
        );
      case INVOCATIONS:
        if (!isObject) return SKIP;
        this.invocationFailed = false;
        this.invocationErrors = 0;
        return INVOCATION;
      case INVOCATION:
        return (key === 'toolExecutionNotifications' ||
          key === 'toolConfigurationNotifications') &&
          !isObject
          ? NOTIFICATIONS
          : -1;
      case NOTIFICATIONS:
        return isObject
          ? this.capture(CAP_NOTIFICATION, keepKeys(NOTIFICATION_KEYS))
          : -1;
      case BASE_IDS:
        if (!isObject || key === undefined) return SKIP;
        this.baseIdName = key;
        return this.capture(CAP_BASE_ID);
      case ARTIFACTS:
        return isObject ? this.capture(CAP_ARTIFACT) : -1;
      default:
        return SKIP;
    }
  }

  protected closed(t: JsonTokenizer, frame: number | undefined): void {
    const run = this.run;
    if (!run) return;
    switch (frame) {
      case TOOL:
        run.toolClosed = true;
        return;
      case ARTIFACTS:
        run.artifactsClosed = true;
        return;
      case INVOCATION:
        if (this.invocationFailed && this.invocationErrors === 0) {
          run.toolErrors.push(
            'the tool reports that its run did not complete (executionSuccessful: false)',
          );
        }
        return;
      case RUN:
        this.runs.push(run.finish(t, this.strings));
        this.run = undefined;
        return;
      default:
        return;
    }
  }

  protected captured(t: JsonTokenizer, kind: number, node: Node): void {
    const run = this.run!;
    switch (kind) {
      case CAP_RULE: {
        const rules =
          run.component === -1
            ? run.driverRules
            : run.extensionRules[run.component];
        rules.push(ruleInfo(node));
        return;
      }
      case CAP_RESULT: {
        const ordinal = ++run.resultCount;
        if (isSuppressed(node)) {
          run.suppressed++;
          return;
        }
        const resultKind = asString(member(node, 'kind'));
        if (resultKind === 'pass' || resultKind === 'notApplicable') return;
        const artifact = at(
          asArray(member(node, 'locations'))[0],
          'physicalLocation',
          'artifactLocation',
        );
        const needsArtifacts =
          member(artifact, 'uri') === undefined &&
          member(artifact, 'index') !== undefined;
        if (run.toolClosed && (run.artifactsClosed || !needsArtifacts)) {
          run.findings.push(run.finding(t, node, ordinal, this.strings));
        } else {
          run.pending.push({ result: node, ordinal });
        }
        return;
      }
      case CAP_NOTIFICATION: {
        if (asString(member(node, 'level')) !== 'error') return;
        this.invocationErrors++;
        const text =
          asString(at(node, 'message', 'text')) ?? 'tool execution error';
        const loc = at(
          asArray(member(node, 'locations'))[0],
          'physicalLocation',
        );
        const uri = asString(at(loc, 'artifactLocation', 'uri'));
        const line = asIndex(at(loc, 'region', 'startLine'));
        const where = uri
          ? `${artifactPath(uri)}${line ? `:${line}` : ''}: `
          : '';
        run.toolErrors.push(
          keptText(
            t,
            `run ${run.index + 1}, a tool notification`,
            `${where}${text}`,
            MAX_MESSAGE,
          ),
        );
        return;
      }
      case CAP_BASE_ID: {
        const uri = asString(member(node, 'uri'));
        if (uri !== undefined) run.baseIds.set(this.baseIdName, uri);
        return;
      }
      case CAP_ARTIFACT:
        run.artifacts.push(member(node, 'location') ?? null);
        return;
      default:
        return;
    }
  }
}

/**
 * SARIF 2.1.0 (`format=sarif`), from any tool: CodeQL, Semgrep, Trivy, ESLint's SARIF
 * formatter, Flawfinder and others. Read with the streaming tokenizer; only one result, rule
 * or notification is held as a small tree at a time, and results read before their run's
 * rules (SARIF allows any key order) wait as such trees until the run ends.
 *
 * Each run becomes one `ParsedFindingsRun`: the tool's `driver.name` and `version` (or
 * `semanticVersion`), and the category from `automationDetails.id` (the part before its last
 * `/`, or the whole id without one; '' when absent). Rules are read from `tool.driver.rules`
 * and `tool.extensions[].rules`, found by `rule.index`/`ruleIndex` (with
 * `rule.toolComponent.index`) or by id. Severity comes from the rule's `security-severity`
 * (string or number, `severityFromScore`), else Trivy's severity tag, else the result's
 * `level` (default: the rule's `defaultConfiguration.level`, else `warning`). Suppressed
 * results (a suppression with status absent or `accepted`) and results of kind `pass` or
 * `notApplicable` are not findings. Error-level `toolExecutionNotifications` and
 * `toolConfigurationNotifications` become `toolErrors`. `baselineState` is ignored.
 *
 * Refused: anything but version 2.1.0, a document that is not a SARIF log (no `version`, no
 * `runs`), a run without a tool name, a result without a rule id or with an unknown level,
 * control characters in kept texts, malformed or truncated JSON.
 */
export class SarifParser implements ReportParser {
  readonly format = 'sarif';
  readonly kind = 'findings' as const;

  async parse(input: AsyncIterable<Buffer>): Promise<ParsedFindingsReport> {
    const handler = new SarifHandler();
    await readJson(input, LABEL, handler);
    if (handler.version === undefined) {
      throw reportError(
        LABEL,
        undefined,
        handler.sawRuns
          ? `the log has no "version": ${SHAPE}`
          : `not a SARIF log (no "version", no "runs"): ${SHAPE}`,
      );
    }
    if (!handler.sawRuns) {
      throw reportError(LABEL, undefined, `the log has no "runs": ${SHAPE}`);
    }
    return { kind: 'findings', runs: handler.runs };
  }
}

/** The SARIF parser, as registered. */
export const sarifParser: ReportParser = new SarifParser();
