import {
  COVERAGE_METRICS,
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
  decodeChunks,
  detach,
  excerpt,
  pathProblem,
  reportError,
} from './common';
import { JsonHandler, JsonScalar, JsonTokenizer } from './json/JsonTokenizer';

const LABEL = 'Istanbul coverage-summary JSON';
const SHAPE =
  'expected {"total": {...}, "<file>": {"lines": {"total", "covered", "skipped", "pct"}, "statements": ..., "functions": ..., "branches": ...}}';

function isMetric(key: string): key is CoverageMetric {
  return (COVERAGE_METRICS as readonly string[]).includes(key);
}

class SummaryHandler implements JsonHandler {
  readonly files: FileCoverage[] = [];
  totals: CoverageTotals | undefined;
  private readonly seen = new Set<string>();
  /** Depth of containers being skipped (unknown members). */
  private skip = 0;
  private entryKey: string | undefined;
  private entry: Partial<Record<CoverageMetric, CoverageCounter>> = {};
  private metric: CoverageMetric | undefined;
  private field: string | undefined;
  private total = -1;
  private covered = -1;

  startObject(t: JsonTokenizer): void {
    if (this.skip > 0) {
      this.skip++;
      return;
    }
    const depth = t.depth();
    if (depth === 0) return;
    if (depth === 1) {
      this.entry = {};
      return;
    }
    if (depth === 2) {
      if (this.metric === undefined) this.skip = 1;
      this.total = -1;
      this.covered = -1;
      return;
    }
    // Objects inside a metric are not part of the shape: skip them.
    this.skip = 1;
  }

  endObject(t: JsonTokenizer): void {
    if (this.skip > 0) {
      this.skip--;
      return;
    }
    const depth = t.depth();
    if (depth === 2 && this.metric) {
      if (this.total < 0 || this.covered < 0) {
        throw t.error(
          `"${excerpt(this.entryKey!, 80)}".${
            this.metric
          } needs numeric "total" and "covered"`,
        );
      }
      if (this.covered > this.total) {
        throw t.error(
          `"${excerpt(this.entryKey!, 80)}".${this.metric}: covered ${
            this.covered
          } is more than total ${this.total}`,
        );
      }
      this.entry[this.metric] = { covered: this.covered, total: this.total };
      this.metric = undefined;
    } else if (depth === 1) {
      const key = this.entryKey!;
      const missing = COVERAGE_METRICS.filter(m => !this.entry[m]);
      if (missing.length > 0) {
        throw t.error(
          `"${excerpt(key, 80)}" has no ${missing.join(', ')} (${SHAPE})`,
        );
      }
      const e = this.entry as Record<CoverageMetric, CoverageCounter>;
      if (key === 'total') {
        this.totals = e;
      } else {
        this.files.push({
          path: detach(key),
          lines: e.lines,
          branches: e.branches,
          functions: e.functions,
          statements: e.statements,
        });
      }
      this.entryKey = undefined;
    }
  }

  startArray(t: JsonTokenizer): void {
    if (this.skip > 0) {
      this.skip++;
      return;
    }
    const depth = t.depth();
    if (depth <= 1) throw t.error(`found an array, ${SHAPE}`);
    if (depth === 2 && this.metric) {
      throw t.error(
        `"${excerpt(this.entryKey!, 80)}".${
          this.metric
        } must be an object, ${SHAPE}`,
      );
    }
    if (depth === 3 && this.isCountField()) {
      throw t.error(
        `"${excerpt(this.entryKey!, 80)}".${this.metric}.${
          this.field
        } must be a number`,
      );
    }
    this.skip = 1;
  }

  endArray(): void {
    if (this.skip > 0) this.skip--;
  }

  key(t: JsonTokenizer, key: string): void {
    if (this.skip > 0) return;
    const depth = t.depth();
    if (depth === 1) {
      if (this.seen.has(key))
        throw t.error(`duplicate key "${excerpt(key, 80)}"`);
      if (key !== 'total') {
        const problem = pathProblem(key);
        if (problem) throw t.error(problem);
      }
      this.seen.add(key);
      this.entryKey = key;
    } else if (depth === 2) {
      this.metric = isMetric(key) ? key : undefined;
      if (this.metric && this.entry[this.metric]) {
        throw t.error(
          `duplicate key "${key}" in "${excerpt(this.entryKey!, 80)}"`,
        );
      }
    } else if (depth === 3) {
      this.field = key;
    }
  }

  private isCountField(): boolean {
    return (
      this.field === 'total' ||
      this.field === 'covered' ||
      this.field === 'skipped'
    );
  }

  value(t: JsonTokenizer, value: JsonScalar): void {
    if (this.skip > 0) return;
    const depth = t.depth();
    if (depth === 0)
      throw t.error(`the document is not a JSON object, ${SHAPE}`);
    if (depth === 1) {
      throw t.error(
        `"${excerpt(
          this.entryKey!,
          80,
        )}" must be an object of metrics, ${SHAPE}`,
      );
    }
    if (depth === 2) {
      if (this.metric) {
        throw t.error(
          `"${excerpt(this.entryKey!, 80)}".${
            this.metric
          } must be an object, ${SHAPE}`,
        );
      }
      return;
    }
    if (depth === 3 && this.metric) {
      const where = `"${excerpt(this.entryKey!, 80)}".${this.metric}.${
        this.field
      }`;
      if (this.isCountField()) {
        if (
          typeof value !== 'number' ||
          !Number.isSafeInteger(value) ||
          value < 0
        ) {
          throw t.error(
            `${where} must be a non-negative integer, found ${JSON.stringify(
              value,
            )}`,
          );
        }
        if (this.field === 'total') this.total = value;
        else if (this.field === 'covered') this.covered = value;
      } else if (this.field === 'pct') {
        if (typeof value !== 'number' && value !== 'Unknown') {
          throw t.error(
            `${where} must be a number or "Unknown", found ${excerpt(
              JSON.stringify(value),
            )}`,
          );
        }
      }
    }
  }
}

/**
 * Istanbul's `coverage-summary.json` (`json-summary` reporter of jest, nyc, c8, vitest).
 *
 * Rules: `total` gives the totals, every other key is a file path (as written) with its four
 * metrics. Each metric needs integer `total` and `covered` (`covered <= total`); `skipped` must be
 * an integer when present, `pct` a number or the string "Unknown" (it is not used: percentages are
 * recomputed from the counts). Unknown members (such as `branchesTrue`) are ignored. A missing
 * `total`, a missing metric, an array or scalar in place of an object, duplicate keys or malformed
 * JSON are refused; so is a summary without any file. The document is read with a streaming
 * tokenizer; only the file summaries are kept.
 */
export class IstanbulSummaryParser implements ReportParser {
  readonly format = 'istanbul-summary';
  readonly kind = 'coverage' as const;

  async parse(input: AsyncIterable<Buffer>): Promise<ParsedCoverageReport> {
    const handler = new SummaryHandler();
    const tokenizer = new JsonTokenizer(LABEL, handler);
    for await (const text of decodeChunks(input, LABEL)) {
      tokenizer.write(text);
    }
    tokenizer.end();
    if (!handler.totals) {
      throw reportError(LABEL, undefined, `no "total" entry, ${SHAPE}`);
    }
    if (handler.files.length === 0) {
      throw reportError(LABEL, undefined, 'the summary lists no files');
    }
    return { kind: 'coverage', totals: handler.totals, files: handler.files };
  }
}
