import {
  CoverageTotals,
  FileCoverage,
} from '@devops-growth/backstage-plugin-devops-common';
import {
  ParsedCoverageReport,
  ReportParser,
} from '@devops-growth/backstage-plugin-devops-node';
import {
  FileSummaries,
  detach,
  parseCount,
  pathProblem,
  reportError,
} from './common';
import { XmlHandler, XmlScanner, scanXml } from './xml/XmlScanner';
import { lineCountAttr, lineNumberAttr } from './xml/lineAttributes';

const LABEL = 'Clover XML';

/** Clover `<metrics>` attribute pairs (total, covered) -> our metric. */
const PAIRS = [
  ['statements', 'statements', 'coveredstatements'],
  ['branches', 'conditionals', 'coveredconditionals'],
  ['functions', 'methods', 'coveredmethods'],
] as const;

/** `statements` is read (and checked) but not reported, see the parser's rules. */
type CloverMetrics = Pick<
  CoverageTotals,
  'statements' | 'branches' | 'functions'
>;

/** Reads the metrics Clover writes on `<project>`, `<package>`, `<file>` and `<class>`. */
function readMetrics(s: XmlScanner): CloverMetrics {
  const out: CloverMetrics = {
    statements: null,
    branches: null,
    functions: null,
  };
  for (const [metric, totalName, coveredName] of PAIRS) {
    const totalAttr = s.attr(totalName);
    const coveredAttr = s.attr(coveredName);
    if (totalAttr === undefined && coveredAttr === undefined) continue;
    const total = parseCount(totalAttr);
    const covered = parseCount(coveredAttr);
    if (total < 0 || covered < 0 || covered > total) {
      throw s.error(
        `<metrics> needs whole numbers ${coveredName} <= ${totalName} (${coveredName}="${
          coveredAttr ?? ''
        }" ${totalName}="${totalAttr ?? ''}")`,
      );
    }
    out[metric] = { covered, total };
  }
  return out;
}

interface CloverFile {
  path: string;
  /** Source line -> covered (1) or not (0), for `stmt` and `cond` lines. */
  lines: Map<number, number>;
  metrics: CloverMetrics | undefined;
}

class CloverHandler implements XmlHandler {
  private readonly summaries = new FileSummaries();
  private project: CloverMetrics | undefined;
  private sawProject = false;
  /** Inside `<testproject>` (OpenClover's test sources): not counted. */
  private inTests = false;
  private file: CloverFile | undefined;

  open(s: XmlScanner, name: string): void {
    if (
      s.depth() === 1 &&
      name !== 'project' &&
      name !== 'testproject' &&
      !this.sawProject
    ) {
      throw s.error(
        `<coverage> holds <${name}> where Clover writes <project>: not a Clover report (a Cobertura report has a <coverage> root too: send it as format=cobertura)`,
      );
    }
    switch (name) {
      case 'line':
        if (this.inTests) return;
        if (!this.file) throw s.error('<line> outside <file>');
        this.line(s, this.file);
        return;
      case 'metrics': {
        if (this.inTests) return;
        const parent = s.parent();
        if (parent === 'file' && this.file) {
          if (this.file.metrics) throw s.error('a second <metrics> in <file>');
          this.file.metrics = readMetrics(s);
        } else if (parent === 'project') {
          if (this.project) throw s.error('a second <metrics> in <project>');
          this.project = readMetrics(s);
        }
        return;
      }
      case 'file': {
        if (this.inTests) return;
        if (this.file) throw s.error('<file> nested in <file>');
        // Istanbul and OpenClover: `name` is the base name, `path` the path; PHPUnit: `name`.
        const path = s.attr('path') ?? s.attr('name');
        if (path === undefined)
          throw s.error('<file> without a path or name attribute');
        const problem = pathProblem(path);
        if (problem) throw s.error(problem);
        this.file = {
          path: detach(path),
          lines: new Map(),
          metrics: undefined,
        };
        return;
      }
      case 'project':
        if (s.depth() !== 1) throw s.error('<project> outside <coverage>');
        this.sawProject = true;
        return;
      case 'testproject':
        this.inTests = true;
        return;
      default:
        return;
    }
  }

  close(s: XmlScanner, name: string): void {
    if (name === 'testproject') {
      this.inTests = false;
    } else if (name === 'file' && this.file) {
      this.finishFile(s, this.file);
      this.file = undefined;
    }
  }

  private line(s: XmlScanner, file: CloverFile): void {
    const num = lineNumberAttr(s, 'num');
    const count = lineCountAttr(s, 'count', num, 'num');
    const type = s.attr('type');
    if (type === 'method') return; // a declaration, not an executable line
    if (type !== 'stmt' && type !== 'cond') {
      throw s.error(
        `<line num="${num}"> has type="${
          type ?? ''
        }" (stmt, cond or method expected)`,
      );
    }
    if (count > 0) file.lines.set(num, 1);
    else if (!file.lines.has(num)) file.lines.set(num, 0);
  }

  private finishFile(s: XmlScanner, file: CloverFile): void {
    if (!file.metrics) {
      throw s.error(
        `<file> "${file.path}" has no <metrics> (Clover writes statements, conditionals and methods there)`,
      );
    }
    let covered = 0;
    for (const v of file.lines.values()) covered += v;
    const summary: FileCoverage = {
      path: file.path,
      lines: { covered, total: file.lines.size },
      branches: file.metrics.branches,
      functions: file.metrics.functions,
      statements: null,
    };
    this.summaries.add(summary);
  }

  finish(): ParsedCoverageReport {
    if (!this.sawProject) {
      throw reportError(LABEL, undefined, 'the report has no <project>');
    }
    const files = this.summaries.files;
    if (files.length === 0) {
      throw reportError(
        LABEL,
        undefined,
        'the report has no <file> elements (no files)',
      );
    }
    const sums = this.summaries.sum();
    const project = this.project;
    const totals: CoverageTotals = project
      ? {
          lines: sums.lines,
          branches: project.branches,
          functions: project.functions,
          statements: null,
        }
      : sums;
    return { kind: 'coverage', totals, files };
  }
}

/**
 * Clover XML (Istanbul/jest/nyc/c8 `clover`, PHPUnit `--coverage-clover`, OpenClover, Kover).
 *
 * Rules:
 * - Files are the `<file>` elements (their `path` attribute, else `name`, as written), wherever
 *   they sit under `<project>` (directly or in `<package>`). `<testproject>` (OpenClover's test
 *   sources) is not counted.
 * - Lines: the distinct `num`s of a file's `<line type="stmt|cond">` elements, covered when
 *   `count > 0`; `type="method"` lines are declarations, not lines. Clover has no line totals;
 *   report totals are the sum of the files.
 * - Branches (`conditionals`/`coveredconditionals`) and functions (`methods`/`coveredmethods`):
 *   per file from the file's own `<metrics>` (before or after its lines, as PHPUnit writes it),
 *   report totals from the project-level `<metrics>`: the producer's own integers. Only without
 *   project metrics are they summed from the files.
 * - Statements: `null`. Clover's `statements` are executable lines to Istanbul and PHPUnit
 *   (jest's clover says 25 statements where its own summary says 31 statements and 25 lines) and
 *   statements to OpenClover, so the figure is not reported under either name; the lines above
 *   are the same count for the first two. `truecount`/`falsecount` are not used either: Istanbul
 *   and OpenClover give them different meanings (see FORMATS.md).
 * - A file without `<metrics>`, a `<line>` of another type, counts that are not whole numbers or
 *   `covered > total` in any metrics pair are refused with the line.
 */
export class CloverParser implements ReportParser {
  readonly format = 'clover';
  readonly kind = 'coverage' as const;

  async parse(input: AsyncIterable<Buffer>): Promise<ParsedCoverageReport> {
    const handler = new CloverHandler();
    await scanXml(input, LABEL, ['coverage'], handler);
    return handler.finish();
  }
}
