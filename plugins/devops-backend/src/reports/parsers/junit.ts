import {
  TestCaseResult,
  TestOutcome,
} from '@devops-growth/backstage-plugin-devops-common';
import {
  ParsedTestReport,
  ReportParser,
} from '@devops-growth/backstage-plugin-devops-node';
import { detach } from './common';
import { XmlHandler, XmlScanner, scanXml } from './xml/XmlScanner';

const LABEL = 'JUnit XML';
/** Longest message kept for a failed or errored test case. */
export const MAX_MESSAGE_LENGTH = 500;

/** `time="1.5"` (seconds) -> 1500 (ms); null when absent or not a number. */
export function parseDurationMs(time: string | undefined): number | null {
  if (time === undefined) return null;
  let t = time.trim();
  // Older Surefire releases formatted large values with grouping separators: "1,234.567".
  if (/^\d{1,3}(,\d{3})+(\.\d+)?$/.test(t)) t = t.replace(/,/g, '');
  if (!/^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return null;
  const seconds = Number(t);
  if (!Number.isFinite(seconds)) return null;
  return Math.round(seconds * 1e6) / 1e3;
}

/**
 * Line ends as XML processors deliver them (`\r\n` and a lone `\r` become `\n`), for the
 * character references that carry them past the scanner too (`&#13;&#10;` in Surefire's
 * messages): what is stored holds no control character other than tab and line feed.
 */
function normalizeLineEnds(s: string): string {
  return s.indexOf('\r') === -1 ? s : s.replace(/\r\n?/g, '\n');
}

function clip(s: string): string {
  const t = normalizeLineEnds(s).trim();
  return t.length > MAX_MESSAGE_LENGTH ? t.slice(0, MAX_MESSAGE_LENGTH) : t;
}

class JunitHandler implements XmlHandler {
  readonly cases: TestCaseResult[] = [];
  private readonly suites: string[] = [];
  private readonly interned = new Map<string, string>();
  private rootName = '';

  private inCase = false;
  private caseName = '';
  private caseSuite = '';
  private caseDuration: number | null = null;
  private failure = false;
  private error = false;
  private skipped = false;
  private failureMessage: string | undefined;
  private errorMessage: string | undefined;
  /** Which outcome element's text is being collected. */
  private collecting: 'failure' | 'error' | undefined;
  private collected = '';

  open(s: XmlScanner, name: string): void {
    switch (name) {
      case 'testsuites':
        if (s.depth() === 0) this.rootName = s.attr('name') ?? '';
        return;
      case 'testsuite':
        if (this.inCase) throw s.error('<testsuite> inside <testcase>');
        this.suites.push(s.attr('name') ?? '');
        return;
      case 'testcase': {
        if (this.inCase) throw s.error('<testcase> nested in <testcase>');
        const caseName = s.attr('name');
        if (caseName === undefined)
          throw s.error('<testcase> without a name attribute');
        const classname = s.attr('classname');
        let suite =
          this.suites.length > 0
            ? this.suites[this.suites.length - 1]
            : this.rootName;
        if (classname !== undefined && classname !== '') suite = classname;
        this.inCase = true;
        this.caseName = detach(normalizeLineEnds(caseName));
        this.caseSuite = this.intern(suite);
        this.caseDuration = parseDurationMs(s.attr('time'));
        this.failure = false;
        this.error = false;
        this.skipped = false;
        this.failureMessage = undefined;
        this.errorMessage = undefined;
        return;
      }
      case 'failure':
      case 'error':
      case 'skipped': {
        if (!this.inCase || s.parent() !== 'testcase') return;
        if (name === 'skipped') {
          this.skipped = true;
          return;
        }
        const message = s.attr('message');
        let text: string | undefined;
        if (message !== undefined && message.trim() !== '') {
          text = clip(message);
        } else {
          // No message attribute: the first part of the element's text, else its type.
          this.collecting = name;
          this.collected = '';
          s.wantText = true;
          const type = s.attr('type');
          text =
            type !== undefined && type.trim() !== '' ? clip(type) : undefined;
        }
        if (name === 'failure') {
          this.failure = true;
          this.failureMessage ??= text;
        } else {
          this.error = true;
          this.errorMessage ??= text;
        }
        return;
      }
      default:
        return;
    }
  }

  text(_s: XmlScanner, text: string): void {
    if (this.collected.length < MAX_MESSAGE_LENGTH * 2) {
      this.collected += text.slice(0, MAX_MESSAGE_LENGTH * 2);
    }
  }

  close(s: XmlScanner, name: string): void {
    switch (name) {
      case 'failure':
      case 'error':
        if (this.collecting === name && s.parent() === 'testcase') {
          s.wantText = false;
          this.collecting = undefined;
          const text = this.collected.trim();
          this.collected = '';
          if (text !== '') {
            if (name === 'failure') this.failureMessage = clip(text);
            else this.errorMessage = clip(text);
          }
        }
        return;
      case 'testsuite':
        this.suites.pop();
        return;
      case 'testcase': {
        this.inCase = false;
        let outcome: TestOutcome = 'passed';
        let message: string | undefined;
        if (this.error) {
          outcome = 'errored';
          message = this.errorMessage ?? this.failureMessage;
        } else if (this.failure) {
          outcome = 'failed';
          message = this.failureMessage;
        } else if (this.skipped) {
          outcome = 'skipped';
        }
        const result: TestCaseResult = {
          suite: this.caseSuite,
          name: this.caseName,
          outcome,
          durationMs: this.caseDuration,
        };
        if (message !== undefined) result.message = detach(message);
        this.cases.push(result);
        return;
      }
      default:
        return;
    }
  }

  private intern(s: string): string {
    let v = this.interned.get(s);
    if (v === undefined) {
      v = detach(normalizeLineEnds(s));
      this.interned.set(v, v);
    }
    return v;
  }
}

/**
 * JUnit XML test results (Surefire/Gradle, JUnit 5 console launcher, jest-junit, mocha reporters,
 * pytest `--junitxml`, Node's `--test-reporter=junit`, ...).
 *
 * Rules:
 * - Only `<testcase>` elements count; the `tests`/`failures`/`errors`/`skipped` attributes are
 *   ignored (several producers get them wrong or write them in comments only).
 * - Outcome: `errored` when the test case holds an `<error>`, else `failed` with a `<failure>`,
 *   else `skipped` with a `<skipped>`, else `passed`. A test case with both an error and a failure
 *   (jest-junit's test file that failed to load) is `errored`: the test could not run to an
 *   assertion. Surefire's `<rerunFailure>`/`<flakyFailure>` (a flaky test that passed on a rerun)
 *   do not change the outcome.
 * - Suite: the test case's `classname` when present and not empty, else the enclosing
 *   `<testsuite>`'s name (else the root `<testsuites>`'s name).
 * - Duration: `time` in seconds, converted to milliseconds; `null` when absent or not a number.
 * - Message: the `message` attribute of the deciding `<error>`/`<failure>`, else the first
 *   500 characters of its text, else its `type`. Line ends in messages, names and suites are
 *   normalised to `\n` (Windows tools write `\r\n`, as text or as `&#13;&#10;`).
 * - Characters: XML's own rules (no NUL or other C0 control except tab, LF, CR; not even as
 *   `&#0;`); what reaches the store holds no control character other than tab and line feed.
 * - Root: `<testsuites>` or `<testsuite>`. A well-formed report without any test case (JUnit 5 and
 *   Surefire write such files for classes without tests) is accepted as a run of 0 tests; an empty
 *   body is refused.
 */
export class JunitParser implements ReportParser {
  readonly format = 'junit';
  readonly kind = 'tests' as const;

  async parse(input: AsyncIterable<Buffer>): Promise<ParsedTestReport> {
    const handler = new JunitHandler();
    await scanXml(input, LABEL, ['testsuites', 'testsuite'], handler);
    return { kind: 'tests', cases: handler.cases };
  }
}
