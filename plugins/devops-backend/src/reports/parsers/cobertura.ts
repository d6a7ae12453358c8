import {
  CoverageCounter,
  FileCoverage,
} from '@devops-growth/backstage-plugin-devops-common';
import {
  ParsedCoverageReport,
  ReportParser,
} from '@devops-growth/backstage-plugin-devops-node';
import {
  FileSummaries,
  counter,
  detach,
  parseCount,
  pathProblem,
  reportError,
} from './common';
import { XmlHandler, XmlScanner, scanXml } from './xml/XmlScanner';
import { lineCountAttr, lineNumberAttr } from './xml/lineAttributes';

const LABEL = 'Cobertura XML';

/** Per-line state of the file being read: bit 0 = covered; branch counts above it. */
const BRANCH_COVERED_UNIT = 2;
const BRANCH_TOTAL_UNIT = 2 ** 23;
const MAX_CONDITIONS = 2 ** 22 - 1;

/** `condition-coverage="50% (1/2)"` -> [1, 2]. */
function parseConditionCoverage(s: string): [number, number] | undefined {
  const open = s.indexOf('(');
  const slash = s.indexOf('/', open);
  const close = s.indexOf(')', slash);
  if (open === -1 || slash === -1 || close === -1) return undefined;
  const covered = parseCount(s.slice(open + 1, slash).trim());
  const total = parseCount(s.slice(slash + 1, close).trim());
  if (covered < 0 || total < 0 || covered > total || total > MAX_CONDITIONS)
    return undefined;
  return [covered, total];
}

class CoberturaHandler implements XmlHandler {
  private readonly summaries = new FileSummaries();
  private sawMethod = false;
  private sawClass = false;

  // The file being read: all consecutive <class> elements with the same filename.
  private path: string | undefined;
  private lines = new Map<number, number>();
  private fnTotal = 0;
  private fnCovered = 0;
  private fileHasMethods = false;

  private inClass = false;
  private inMethod = false;
  private methodHits = -1;
  private methodLineHit = false;

  /** The root's `lines-valid`/`lines-covered` and `branches-valid`/`branches-covered`. */
  private rootLines: CoverageCounter | undefined;
  private rootBranches: CoverageCounter | undefined;

  open(s: XmlScanner, name: string): void {
    switch (name) {
      case 'line':
        this.line(s);
        return;
      case 'coverage':
        if (s.depth() === 0) {
          this.rootLines = rootTotal(s, 'lines');
          this.rootBranches = rootTotal(s, 'branches');
        }
        return;
      case 'class': {
        if (this.inClass) throw s.error('<class> nested in <class>');
        const filename = s.attr('filename');
        if (filename === undefined)
          throw s.error('<class> without a filename attribute');
        const problem = pathProblem(filename);
        if (problem) throw s.error(problem);
        if (filename !== this.path) {
          this.flush();
          this.path = detach(filename);
        }
        this.inClass = true;
        this.sawClass = true;
        return;
      }
      case 'method': {
        if (!this.inClass) throw s.error('<method> outside <class>');
        if (this.inMethod) throw s.error('<method> nested in <method>');
        const hits = s.attr('hits');
        this.methodHits = hits === undefined ? -1 : Number(hits);
        if (hits !== undefined && !(this.methodHits >= 0)) {
          throw s.error(`invalid hits="${hits}" on <method>`);
        }
        this.inMethod = true;
        this.methodLineHit = false;
        this.fileHasMethods = true;
        this.sawMethod = true;
        return;
      }
      default:
        return;
    }
  }

  close(_s: XmlScanner, name: string): void {
    if (name === 'method') {
      this.fnTotal++;
      if (this.methodHits > 0 || (this.methodHits < 0 && this.methodLineHit))
        this.fnCovered++;
      this.inMethod = false;
    } else if (name === 'class') {
      this.inClass = false;
    }
  }

  private line(s: XmlScanner): void {
    if (!this.inClass) throw s.error('<line> outside <class>');
    const number = lineNumberAttr(s, 'number');
    const hits = lineCountAttr(s, 'hits', number, 'number');
    let value = hits > 0 ? 1 : 0;
    if (s.attr('branch') === 'true') {
      const cc = s.attr('condition-coverage');
      if (cc !== undefined) {
        const parsed = parseConditionCoverage(cc);
        if (!parsed)
          throw s.error(`invalid condition-coverage="${cc}" on line ${number}`);
        value +=
          parsed[0] * BRANCH_COVERED_UNIT + parsed[1] * BRANCH_TOTAL_UNIT;
      }
    }
    if (this.inMethod) {
      // Method lines only decide whether the method ran; the class's own <lines> are the file's
      // lines (Istanbul writes declaration lines here that are not executable lines).
      if (hits > 0) this.methodLineHit = true;
      return;
    }
    const lines = this.lines;
    const previous = lines.get(number);
    if (previous === undefined) {
      lines.set(number, value);
    } else if (previous !== value) {
      lines.set(number, mergeLine(previous, value));
    }
  }

  /** Summarises the file being read and forgets its lines. */
  flush(): void {
    const path = this.path;
    if (path === undefined) return;
    let covered = 0;
    let brCovered = 0;
    let brTotal = 0;
    for (const v of this.lines.values()) {
      covered += v & 1;
      if (v >= BRANCH_COVERED_UNIT) {
        const total = Math.floor(v / BRANCH_TOTAL_UNIT);
        brTotal += total;
        brCovered += Math.floor(
          (v - total * BRANCH_TOTAL_UNIT) / BRANCH_COVERED_UNIT,
        );
      }
    }
    const summary: FileCoverage = {
      path,
      lines: { covered, total: this.lines.size },
      branches: { covered: brCovered, total: brTotal },
      functions: this.fileHasMethods
        ? { covered: this.fnCovered, total: this.fnTotal }
        : null,
      statements: null,
    };
    this.summaries.add(summary);
    this.path = undefined;
    this.lines = new Map();
    this.fnTotal = 0;
    this.fnCovered = 0;
    this.fileHasMethods = false;
  }

  finish(): ParsedCoverageReport {
    this.flush();
    if (!this.sawClass) {
      throw reportError(
        LABEL,
        undefined,
        'the report has no <class> elements (no files)',
      );
    }
    const files = this.summaries.files;
    // With any <method> in the report, a file without one has 0 of 0 functions.
    if (this.sawMethod) for (const f of files) f.functions ??= counter();
    const totals = this.summaries.sum();
    // The producer's own totals win over the sums of the per-line data (see the parser's doc).
    if (this.rootLines) totals.lines = this.rootLines;
    if (this.rootBranches) totals.branches = this.rootBranches;
    return { kind: 'coverage', totals, files };
  }
}

/** `<coverage lines-valid="25" lines-covered="22">` -> { covered: 22, total: 25 }. */
function rootTotal(
  s: XmlScanner,
  metric: 'lines' | 'branches',
): CoverageCounter | undefined {
  const validAttr = s.attr(`${metric}-valid`);
  const coveredAttr = s.attr(`${metric}-covered`);
  if (validAttr === undefined || coveredAttr === undefined) return undefined;
  const total = parseCount(validAttr);
  const covered = parseCount(coveredAttr);
  if (total < 0 || covered < 0 || covered > total) {
    throw s.error(
      `<coverage> needs whole numbers ${metric}-covered <= ${metric}-valid (${metric}-covered="${coveredAttr}" ${metric}-valid="${validAttr}")`,
    );
  }
  return { covered, total };
}

/** Two records of one line: covered if either is; branches from the one with more conditions. */
function mergeLine(a: number, b: number): number {
  const hit = (a & 1) | (b & 1);
  const aTotal = Math.floor(a / BRANCH_TOTAL_UNIT);
  const bTotal = Math.floor(b / BRANCH_TOTAL_UNIT);
  const aCov = Math.floor(
    (a - aTotal * BRANCH_TOTAL_UNIT) / BRANCH_COVERED_UNIT,
  );
  const bCov = Math.floor(
    (b - bTotal * BRANCH_TOTAL_UNIT) / BRANCH_COVERED_UNIT,
  );
  let total = aTotal;
  let cov = aCov;
  if (bTotal > aTotal) {
    total = bTotal;
    cov = bCov;
  } else if (bTotal === aTotal) {
    cov = Math.max(aCov, bCov);
  }
  return hit + cov * BRANCH_COVERED_UNIT + total * BRANCH_TOTAL_UNIT;
}

/**
 * Cobertura XML (Cobertura, Istanbul/c8/nyc `cobertura`, coverage.py, gcovr, coverlet...).
 *
 * Rules:
 * - Files are the `filename` attributes of `<class>` elements, as written. Consecutive classes with
 *   the same filename (inner classes, compiler-generated classes; every known producer writes the
 *   classes of one file together) are merged line by line: a line is counted once, covered if any
 *   of its records has `hits > 0`. Only that file's lines are held; they are dropped when the next
 *   file starts. If a filename shows up again after other files, its counters are added to the
 *   earlier summary (lines shared by the two groups would then count twice).
 * - Lines and branches come from the class's own `<lines>`. The `<line>`s under a `<method>` only
 *   decide whether that method ran: Java Cobertura repeats class lines there, while Istanbul/c8
 *   write the function's declaration line, which is not an executable line (counting it would
 *   disagree with the producer's own `lines-valid`).
 * - Branches: `condition-coverage="50% (1/2)"` on lines with `branch="true"` (covered/total
 *   conditions); a line recorded twice keeps the record with more conditions.
 * - Functions: one per `<method>`; covered when its `hits` attribute is > 0 or, without that
 *   attribute (Java Cobertura), when any of its lines has hits. `null` when the report has no
 *   `<method>` at all (coverage.py, gcovr do not write them).
 * - Totals: the root's `lines-valid`/`lines-covered` and `branches-valid`/`branches-covered`, the
 *   producer's own integers, when it writes them (Istanbul, c8, Java Cobertura, coverage.py,
 *   gcovr all do); else summed from the per-line data. Never the rounded `line-rate`. The sum of
 *   the files can be lower than the totals: Istanbul leaves branches on lines without a
 *   statement (default parameters) out of the per-line data but counts them at the root, so the
 *   root agrees with the LCOV and json-summary of the same run. Functions are always summed.
 * - Statements: `null` (Cobertura has no statement counts).
 */
export class CoberturaParser implements ReportParser {
  readonly format = 'cobertura';
  readonly kind = 'coverage' as const;

  async parse(input: AsyncIterable<Buffer>): Promise<ParsedCoverageReport> {
    const handler = new CoberturaHandler();
    await scanXml(input, LABEL, ['coverage'], handler);
    return handler.finish();
  }
}
