/**
 * A streaming parser of the Prometheus text exposition format 0.0.4, tolerant of OpenMetrics 1.0
 * text (`# UNIT`, `# EOF`, `_created` series, exemplars after ` # `, counter families declared
 * without their `_total` suffix).
 *
 * Only the metric families accepted by `keep` are stored; every other line is still checked for
 * syntax (so an HTML page or a truncated body fails) but leaves nothing behind. Timestamps and
 * exemplars are checked and dropped.
 */

import {
  ExpositionParserOptions,
  FLOAT,
  FULL_METRIC_NAME,
  LABEL_NAME,
  METRIC_NAME,
  METRIC_TYPES,
  MetricFamily,
  MetricType,
  parseSampleValue,
  SUFFIXES,
} from './expositionFormat';

export type {
  ExpositionParserOptions,
  ExpositionSample,
  MetricFamily,
  MetricType,
} from './expositionFormat';
export { parseSampleValue } from './expositionFormat';

function snippet(text: string) {
  const cut = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  return JSON.stringify(cut);
}

interface FamilyState {
  name: string;
  type: MetricType;
  kept: boolean;
  family?: MetricFamily;
}

/**
 * Feed it text with {@link ExpositionParser.push} as it arrives, then call
 * {@link ExpositionParser.end}. Every problem throws an `Error` whose message starts with
 * `line N:`.
 */
export class ExpositionParser {
  private readonly keep: (name: string) => boolean;
  private readonly maxLineLength: number;
  private readonly maxSamples: number;
  private readonly families = new Map<string, MetricFamily>();
  private current: FamilyState | undefined;
  private pending = '';
  private lineNumber = 0;
  private samples = 0;
  private sawEof = false;

  constructor(options: ExpositionParserOptions = {}) {
    this.keep = options.keep ?? (() => true);
    this.maxLineLength = options.maxLineLength ?? 65536;
    this.maxSamples = options.maxSamples ?? 100_000;
  }

  /** Parses every complete line of `chunk` (plus what an earlier chunk left unfinished). */
  push(chunk: string) {
    let text = this.pending + chunk;
    let start = 0;
    for (;;) {
      const newline = text.indexOf('\n', start);
      if (newline < 0) {
        break;
      }
      this.line(text.slice(start, newline));
      start = newline + 1;
    }
    text = text.slice(start);
    if (text.length > this.maxLineLength) {
      throw new Error(
        `line ${this.lineNumber + 1}: longer than ${
          this.maxLineLength
        } characters`,
      );
    }
    this.pending = text;
  }

  /** Parses the last line and returns the kept families, in order of first appearance. */
  end(): MetricFamily[] {
    if (this.pending.length > 0) {
      this.line(this.pending);
      this.pending = '';
    }
    return [...this.families.values()];
  }

  private fail(problem: string): never {
    throw new Error(`line ${this.lineNumber}: ${problem}`);
  }

  private line(raw: string) {
    this.lineNumber += 1;
    if (raw.length > this.maxLineLength) {
      this.fail(`longer than ${this.maxLineLength} characters`);
    }
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') {
      return;
    }
    if (this.sawEof) {
      this.fail(`content after '# EOF': ${snippet(line)}`);
    }
    if (line.startsWith('#')) {
      this.comment(line);
      return;
    }
    this.sample(line);
  }

  private comment(line: string) {
    const match = /^#\s+(HELP|TYPE|UNIT)\s+(\S+)(?:\s(.*))?$/.exec(line);
    if (!match) {
      if (/^#\s*EOF\s*$/.test(line)) {
        this.sawEof = true;
      }
      return;
    }
    const [, keyword, name, rest = ''] = match;
    if (!FULL_METRIC_NAME.test(name)) {
      this.fail(`invalid metric name ${snippet(name)} in # ${keyword}`);
    }
    const state = this.state(name);
    if (keyword === 'TYPE') {
      const type = rest.trim();
      if (!METRIC_TYPES.has(type)) {
        this.fail(`unknown metric type ${snippet(type)}`);
      }
      state.type = type as MetricType;
      if (state.family) {
        state.family.type = state.type;
      }
    } else if (keyword === 'HELP' && state.family) {
      state.family.help = rest.replace(/\\(\\|n)/g, (_, c) =>
        c === 'n' ? '\n' : '\\',
      );
    } else if (keyword === 'UNIT' && state.family) {
      state.family.unit = rest.trim();
    }
    this.current = state;
  }

  /** The state of the family `name`, created (and stored if kept) on first sight. */
  private state(name: string): FamilyState {
    if (this.current?.name === name) {
      return this.current;
    }
    const existing = this.families.get(name);
    if (existing) {
      return { name, type: existing.type, kept: true, family: existing };
    }
    const kept = this.keep(name);
    const state: FamilyState = { name, type: 'untyped', kept };
    if (kept) {
      state.family = { name, type: 'untyped', help: '', unit: '', samples: [] };
      this.families.set(name, state.family);
    }
    return state;
  }

  /** The family a sample named `name` belongs to: the current one if the name fits it. */
  private familyOf(name: string): FamilyState {
    const current = this.current;
    if (current) {
      if (name === current.name) {
        return current;
      }
      if (name.startsWith(current.name)) {
        const suffix = name.slice(current.name.length);
        if (SUFFIXES[current.type].includes(suffix)) {
          return current;
        }
      }
    }
    this.current = this.state(name);
    return this.current;
  }

  private sample(line: string) {
    METRIC_NAME.lastIndex = 0;
    if (!METRIC_NAME.test(line)) {
      this.fail(`expected a metric name, found ${snippet(line)}`);
    }
    const name = line.slice(0, METRIC_NAME.lastIndex);
    const state = this.familyOf(name);
    let pos = METRIC_NAME.lastIndex;
    let labels: Record<string, string> | undefined;
    let brace = pos;
    while (line[brace] === ' ' || line[brace] === '\t') brace += 1;
    if (line[brace] === '{') {
      [labels, pos] = this.labels(line, brace + 1, state.kept);
    }
    if (line[pos] !== ' ' && line[pos] !== '\t') {
      this.fail(
        pos >= line.length
          ? `sample ${snippet(name)} has no value`
          : `unexpected ${snippet(line[pos])} after ${snippet(
              line.slice(0, pos),
            )}`,
      );
    }
    const rest = line.slice(pos).trim();
    const exemplarAt = rest.indexOf('#');
    const fields = (exemplarAt >= 0 ? rest.slice(0, exemplarAt) : rest)
      .trim()
      .split(/[ \t]+/);
    if (fields.length > 2 || fields[0] === '') {
      this.fail(
        `expected a value and an optional timestamp, found ${snippet(rest)}`,
      );
    }
    const value = parseSampleValue(fields[0]);
    if (value === undefined) {
      this.fail(`invalid value ${snippet(fields[0])}`);
    }
    if (fields.length === 2 && !FLOAT.test(fields[1])) {
      this.fail(`invalid timestamp ${snippet(fields[1])}`);
    }
    if (exemplarAt >= 0 && !/^#\s*\{/.test(rest.slice(exemplarAt))) {
      this.fail(`invalid exemplar ${snippet(rest.slice(exemplarAt))}`);
    }
    if (state.family) {
      this.samples += 1;
      if (this.samples > this.maxSamples) {
        this.fail(
          `more than ${this.maxSamples} samples in the metric families read`,
        );
      }
      state.family.samples.push({
        name,
        labels: labels ?? Object.create(null),
        value,
      });
    }
  }

  /** Parses the label set after `{`; returns the labels (when kept) and the position after `}`. */
  private labels(
    line: string,
    start: number,
    kept: boolean,
  ): [Record<string, string> | undefined, number] {
    // No prototype: a label named `__proto__` stays a label.
    const labels: Record<string, string> | undefined = kept
      ? Object.create(null)
      : undefined;
    const seen = kept ? undefined : new Set<string>();
    let pos = start;
    const skipSpace = () => {
      while (line[pos] === ' ' || line[pos] === '\t') pos += 1;
    };
    for (;;) {
      skipSpace();
      if (line[pos] === '}') {
        return [labels, pos + 1];
      }
      LABEL_NAME.lastIndex = pos;
      if (!LABEL_NAME.test(line)) {
        this.fail(
          pos >= line.length
            ? 'unterminated label set'
            : `expected a label name at column ${pos + 1}, found ${snippet(
                line.slice(pos),
              )}`,
        );
      }
      const labelName = line.slice(pos, LABEL_NAME.lastIndex);
      pos = LABEL_NAME.lastIndex;
      skipSpace();
      if (line[pos] !== '=') {
        this.fail(`expected '=' after label ${snippet(labelName)}`);
      }
      pos += 1;
      skipSpace();
      if (line[pos] !== '"') {
        this.fail(
          `expected '"' to open the value of label ${snippet(labelName)}`,
        );
      }
      pos += 1;
      let value = '';
      let segment = pos;
      for (;;) {
        const c = line[pos];
        if (c === undefined) {
          this.fail(`unterminated value of label ${snippet(labelName)}`);
        }
        if (c === '"') {
          break;
        }
        if (c === '\\') {
          const next = line[pos + 1];
          let unescaped: string;
          if (next === '\\' || next === '"') {
            unescaped = next;
          } else if (next === 'n') {
            unescaped = '\n';
          } else {
            this.fail(
              next === undefined
                ? `unterminated value of label ${snippet(labelName)}`
                : `invalid escape sequence '\\${next}' in label ${snippet(
                    labelName,
                  )}`,
            );
          }
          if (labels) {
            value += line.slice(segment, pos) + unescaped;
          }
          pos += 2;
          segment = pos;
          continue;
        }
        pos += 1;
      }
      if (labels) {
        value += line.slice(segment, pos);
        if (Object.prototype.hasOwnProperty.call(labels, labelName)) {
          this.fail(`label ${snippet(labelName)} given twice`);
        }
        labels[labelName] = value;
      } else if (seen) {
        if (seen.has(labelName)) {
          this.fail(`label ${snippet(labelName)} given twice`);
        }
        seen.add(labelName);
      }
      pos += 1;
      skipSpace();
      if (line[pos] === ',') {
        pos += 1;
      } else if (line[pos] !== '}') {
        this.fail(
          pos >= line.length
            ? 'unterminated label set'
            : `expected ',' or '}' after the value of label ${snippet(
                labelName,
              )}`,
        );
      }
    }
  }
}

/** Parses a whole exposition text (see {@link ExpositionParser}). */
export function parseExposition(
  text: string,
  options?: ExpositionParserOptions,
): MetricFamily[] {
  const parser = new ExpositionParser(options);
  parser.push(text);
  return parser.end();
}
