import {
  CoverageCounter,
  CoverageMetric,
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

const LABEL = 'JaCoCo XML';

/** JaCoCo counter type -> our metric. COMPLEXITY and CLASS are not used. */
const METRIC_OF_COUNTER: Record<string, CoverageMetric | undefined> = {
  LINE: 'lines',
  BRANCH: 'branches',
  METHOD: 'functions',
  INSTRUCTION: 'statements',
};
const KNOWN_COUNTERS = new Set([
  'INSTRUCTION',
  'BRANCH',
  'LINE',
  'COMPLEXITY',
  'METHOD',
  'CLASS',
]);

function zeroTotals(): CoverageTotals {
  return {
    lines: { covered: 0, total: 0 },
    branches: { covered: 0, total: 0 },
    functions: { covered: 0, total: 0 },
    statements: { covered: 0, total: 0 },
  };
}

class JacocoHandler implements XmlHandler {
  private readonly summaries = new FileSummaries();
  private readonly totals = zeroTotals();
  private sawReportCounter = false;
  private packageName: string | undefined;
  private file: FileCoverage | undefined;

  open(s: XmlScanner, name: string): void {
    switch (name) {
      case 'counter': {
        const parent = s.parent();
        if (parent === 'sourcefile') {
          if (this.file) this.count(s, this.file);
        } else if (parent === 'report') {
          this.sawReportCounter = true;
          this.count(s, this.totals);
        }
        return;
      }
      case 'package': {
        if (this.packageName !== undefined)
          throw s.error('<package> nested in <package>');
        const pkg = s.attr('name');
        if (pkg === undefined)
          throw s.error('<package> without a name attribute');
        this.packageName = pkg;
        return;
      }
      case 'sourcefile': {
        if (this.packageName === undefined)
          throw s.error('<sourcefile> outside <package>');
        const file = s.attr('name');
        if (file === undefined)
          throw s.error('<sourcefile> without a name attribute');
        const path =
          this.packageName === '' ? file : `${this.packageName}/${file}`;
        const problem = pathProblem(path);
        if (problem) throw s.error(problem);
        this.file = { path: detach(path), ...zeroTotals() };
        return;
      }
      default:
        return;
    }
  }

  close(_s: XmlScanner, name: string): void {
    if (name === 'package') {
      this.packageName = undefined;
    } else if (name === 'sourcefile' && this.file) {
      const file = this.file;
      this.file = undefined;
      // The same package in several groups (modules): counters are added.
      this.summaries.add(file);
    }
  }

  private count(s: XmlScanner, into: CoverageTotals): void {
    const type = s.attr('type');
    if (type === undefined || !KNOWN_COUNTERS.has(type)) {
      throw s.error(`<counter> with unknown type "${type ?? ''}"`);
    }
    const missedAttr = s.attr('missed');
    const coveredAttr = s.attr('covered');
    const missed = parseCount(missedAttr);
    const covered = parseCount(coveredAttr);
    if (missed < 0 || covered < 0) {
      throw s.error(
        `<counter type="${type}"> needs non-negative integer missed and covered attributes (missed="${
          missedAttr ?? ''
        }" covered="${coveredAttr ?? ''}")`,
      );
    }
    const metric = METRIC_OF_COUNTER[type];
    if (metric) {
      const c = into[metric] as CoverageCounter;
      c.covered += covered;
      c.total += covered + missed;
    }
  }

  finish(): ParsedCoverageReport {
    const files = this.summaries.files;
    if (files.length === 0) {
      throw reportError(
        LABEL,
        undefined,
        'the report has no <sourcefile> elements (no files)',
      );
    }
    const totals = this.sawReportCounter ? this.totals : this.summaries.sum();
    return { kind: 'coverage', totals, files };
  }
}

/**
 * JaCoCo XML report (`jacoco:report`, Gradle `jacocoTestReport`, the JaCoCo CLI `report --xml`).
 *
 * Mapping of JaCoCo counters to our metrics:
 * - `LINE` -> lines, `BRANCH` -> branches, `METHOD` -> functions,
 * - `INSTRUCTION` -> statements (bytecode instructions are JaCoCo's finest unit of executable
 *   code, the closest to a statement count),
 * - `COMPLEXITY` and `CLASS` are not used.
 *
 * Totals are the report-level `<counter>` elements (direct children of `<report>`); only when a
 * report has none are they summed from the files. Files are the `<sourcefile>` elements, with the
 * path `<package name>/<sourcefile name>` (just the name in the default package), counters from
 * the `<counter>` children of `<sourcefile>`. JaCoCo leaves out counters whose total is 0, so a
 * missing counter is `{ covered: 0, total: 0 }`. The per-line `<line>` elements are not needed.
 * The same path in several `<group>`s has its counters added.
 */
export class JacocoParser implements ReportParser {
  readonly format = 'jacoco';
  readonly kind = 'coverage' as const;

  async parse(input: AsyncIterable<Buffer>): Promise<ParsedCoverageReport> {
    const handler = new JacocoHandler();
    await scanXml(input, LABEL, ['report'], handler);
    return handler.finish();
  }
}
