import { CoverageCounter, FileCoverage } from '@devops-growth/backstage-plugin-devops-common';
import { ParsedCoverageReport, ReportParser } from '@devops-growth/backstage-plugin-devops-node';
import { decodeChunks, detach, excerpt, hash53, pathProblem, reportError } from './common';

const LABEL = 'LCOV';
const MAX_LINE_LENGTH = 1 << 20;
/** Highest source line number accepted (line flags are kept in a byte array per file). */
const MAX_SOURCE_LINE = 1 << 24;

const LINE_INSTRUMENTED = 1;
const LINE_COVERED = 2;

/** What is kept per source file until the end of the report (records of one file are merged). */
interface LcovFileState {
  path: string;
  /** Per source line: 0 not instrumented, 1 instrumented, 2 covered. Flags, not hit counts. */
  lines: Uint8Array;
  hasLineData: boolean;
  /** Branch identity hash -> 1 when taken. */
  branches: Map<number, number>;
  hasBranchData: boolean;
  /** Function identity hash -> 1 when called. */
  functions: Map<number, number>;
  hasFunctionData: boolean;
  // Summary records, used only when the detail records are absent.
  lf: number;
  lh: number;
  brf: number;
  brh: number;
  fnf: number;
  fnh: number;
}

class LcovReader {
  private readonly files = new Map<string, LcovFileState>();
  private lineNo = 0;
  private current: LcovFileState | undefined;
  /** Occurrences of each function name in the current record (FN and FNDA paired by order). */
  private fnSeen = new Map<string, number>();
  private fndaSeen = new Map<string, number>();
  /** lcov 2.x FNL index -> function identity, for the current record. */
  private fnlKeys = new Map<string, number>();
  private sawRecord = false;
  // Result of the last readInt call.
  private next = 0;

  fail(problem: string): Error {
    return reportError(LABEL, this.lineNo, problem);
  }

  /** Processes the complete lines of `buf`; returns the offset of the unconsumed rest. */
  lines(buf: string): number {
    let start = 0;
    const len = buf.length;
    for (;;) {
      const nl = buf.indexOf('\n', start);
      if (nl === -1) break;
      this.lineNo++;
      let end = nl;
      if (end > start && buf.charCodeAt(end - 1) === 13) end--;
      if (end > start) this.record(buf, start, end);
      start = nl + 1;
    }
    if (len - start > MAX_LINE_LENGTH) {
      this.lineNo++;
      throw this.fail(`line longer than ${MAX_LINE_LENGTH} characters`);
    }
    return start;
  }

  /** The last line, without a newline. */
  last(buf: string): void {
    this.lineNo++;
    let end = buf.length;
    if (end > 0 && buf.charCodeAt(end - 1) === 13) end--;
    if (end > 0) this.record(buf, 0, end);
  }

  private readInt(buf: string, i: number, end: number): number {
    let n = 0;
    const from = i;
    for (; i < end; i++) {
      const d = buf.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      n = n * 10 + d;
    }
    this.next = i;
    return i === from || i - from > 15 ? -1 : n;
  }

  /** A count field: integer, or a decimal / exponent number some tools write; -1 if invalid. */
  private readCount(buf: string, i: number, end: number): number {
    const n = this.readInt(buf, i, end);
    const after = this.next;
    if (n >= 0 && (after === end || buf.charCodeAt(after) === 44)) return n;
    const comma = buf.indexOf(',', i);
    const stop = comma === -1 || comma > end ? end : comma;
    const v = Number(buf.slice(i, stop));
    this.next = stop;
    return stop > i && v >= 0 ? v : -1;
  }

  private record(buf: string, s: number, e: number): void {
    const c = buf.charCodeAt(s);
    switch (c) {
      case 68: // D
        if (buf.charCodeAt(s + 1) === 65 && buf.charCodeAt(s + 2) === 58) return this.da(buf, s + 3, e);
        break;
      case 66: // B
        if (buf.charCodeAt(s + 1) === 82 && buf.charCodeAt(s + 2) === 68 && buf.startsWith('DA:', s + 2)) {
          return this.brda(buf, s + 5, e);
        }
        if (buf.startsWith('BRF:', s)) return this.summary(buf, s + 4, e, 'brf');
        if (buf.startsWith('BRH:', s)) return this.summary(buf, s + 4, e, 'brh');
        break;
      case 70: // F
        if (buf.startsWith('FNDA:', s)) return this.fnda(buf, s + 5, e);
        if (buf.startsWith('FN:', s)) return this.fn(buf, s + 3, e);
        if (buf.startsWith('FNF:', s)) return this.summary(buf, s + 4, e, 'fnf');
        if (buf.startsWith('FNH:', s)) return this.summary(buf, s + 4, e, 'fnh');
        if (buf.startsWith('FNL:', s)) return this.fnl(buf, s + 4, e);
        if (buf.startsWith('FNA:', s)) return this.fna(buf, s + 4, e);
        break;
      case 76: // L
        if (buf.startsWith('LF:', s)) return this.summary(buf, s + 3, e, 'lf');
        if (buf.startsWith('LH:', s)) return this.summary(buf, s + 3, e, 'lh');
        break;
      case 83: // S
        if (buf.startsWith('SF:', s)) return this.sf(buf.slice(s + 3, e));
        break;
      case 84: // T
        if (buf.startsWith('TN:', s)) {
          if (this.current) throw this.fail('TN record inside a file record (missing end_of_record)');
          return;
        }
        break;
      case 86: // V
        if (buf.startsWith('VER:', s)) return; // lcov 2.x source version: not needed
        break;
      case 101: // e
        if (e - s === 13 && buf.startsWith('end_of_record', s)) return this.endOfRecord();
        break;
      default:
        if (isBlank(buf, s, e)) return;
    }
    if (isBlank(buf, s, e)) return;
    throw this.fail(`unknown record "${excerpt(buf.slice(s, Math.min(e, s + 60)))}"`);
  }

  private file(what: string): LcovFileState {
    if (!this.current) throw this.fail(`${what} record outside a file record (no SF before it)`);
    return this.current;
  }

  private sf(rawPath: string): void {
    if (this.current) {
      throw this.fail(`SF record before the end_of_record of ${excerpt(this.current.path, 80)}`);
    }
    const problem = pathProblem(rawPath);
    if (problem) throw this.fail(problem);
    let state = this.files.get(rawPath);
    if (!state) {
      const path = detach(rawPath);
      state = {
        path,
        lines: new Uint8Array(64),
        hasLineData: false,
        branches: new Map(),
        hasBranchData: false,
        functions: new Map(),
        hasFunctionData: false,
        lf: -1,
        lh: -1,
        brf: -1,
        brh: -1,
        fnf: -1,
        fnh: -1,
      };
      this.files.set(path, state);
    }
    this.current = state;
    this.sawRecord = true;
    this.fnSeen = new Map();
    this.fndaSeen = new Map();
    this.fnlKeys = new Map();
  }

  private endOfRecord(): void {
    this.file('end_of_record');
    this.current = undefined;
  }

  private da(buf: string, i: number, e: number): void {
    const f = this.file('DA');
    const line = this.readInt(buf, i, e);
    if (line < 0 || this.next >= e || buf.charCodeAt(this.next) !== 44) {
      throw this.fail(`malformed DA record "${excerpt(buf.slice(i - 3, e))}" (expected DA:<line>,<hits>)`);
    }
    const hits = this.readCount(buf, this.next + 1, e);
    if (hits < 0 || (this.next !== e && buf.charCodeAt(this.next) !== 44)) {
      throw this.fail(`malformed DA record "${excerpt(buf.slice(i - 3, e))}" (expected DA:<line>,<hits>)`);
    }
    if (line >= MAX_SOURCE_LINE) throw this.fail(`line number ${line} is too large`);
    let lines = f.lines;
    if (line >= lines.length) {
      let size = lines.length * 2;
      while (size <= line) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(lines);
      lines = f.lines = grown;
    }
    const flag = hits > 0 ? LINE_COVERED : LINE_INSTRUMENTED;
    if (lines[line] < flag) lines[line] = flag;
    f.hasLineData = true;
  }

  private brda(buf: string, i: number, e: number): void {
    const f = this.file('BRDA');
    // BRDA:<line>,[e]<block>,<branch>,<taken>  (<branch> may be an expression in lcov 2.x)
    const c1 = buf.indexOf(',', i);
    const last = buf.lastIndexOf(',', e - 1);
    const c2 = c1 === -1 ? -1 : buf.indexOf(',', c1 + 1);
    if (c1 === -1 || c2 === -1 || c2 >= last || last >= e || c1 >= e) {
      throw this.fail(
        `malformed BRDA record "${excerpt(buf.slice(i - 5, e))}" (expected BRDA:<line>,<block>,<branch>,<taken>)`,
      );
    }
    const line = this.readInt(buf, i, c1);
    const lineOk = this.next === c1;
    let taken: number;
    if (last + 2 === e && buf.charCodeAt(last + 1) === 45 /* - */) {
      taken = 0;
    } else {
      taken = this.readCount(buf, last + 1, e);
      if (this.next !== e) taken = -1;
    }
    if (line < 0 || !lineOk || taken < 0) {
      throw this.fail(
        `malformed BRDA record "${excerpt(buf.slice(i - 5, e))}" (expected BRDA:<line>,<block>,<branch>,<taken>)`,
      );
    }
    const block = this.readInt(buf, c1 + 1, c2);
    const blockEnd = this.next;
    const branch = this.readInt(buf, c2 + 1, last);
    // Branch identity (line, block, branch) as a number: a small integer (fast map key) when the
    // parts are small, else a negative number: exact for integers, a 53-bit hash for the
    // expressions lcov 2.x can write.
    let key: number;
    const numeric = block >= 0 && blockEnd === c2 && branch >= 0 && this.next === last;
    if (numeric && line < 32768 && block < 1024 && branch < 32) {
      key = (line << 15) | (block << 5) | branch;
    } else if (numeric && line < MAX_SOURCE_LINE && block < 16384 && branch < 16384) {
      key = -1 - (line * 268435456 + block * 16384 + branch);
    } else {
      key = -(2 ** 52) - hash53(buf.slice(i, last));
    }
    const previous = f.branches.get(key);
    if (previous !== 1) f.branches.set(key, taken > 0 ? 1 : 0);
    f.hasBranchData = true;
  }

  private fn(buf: string, i: number, e: number): void {
    const f = this.file('FN');
    // FN:<line>,<name> (lcov 1.x) or FN:<start>,<end>,<name> (lcov 2.x)
    const start = this.readInt(buf, i, e);
    if (start < 0 || this.next >= e || buf.charCodeAt(this.next) !== 44) {
      throw this.fail(`malformed FN record "${excerpt(buf.slice(i - 3, e))}" (expected FN:<line>,<name>)`);
    }
    let nameStart = this.next + 1;
    const end = this.readInt(buf, nameStart, e);
    if (end >= 0 && this.next < e && buf.charCodeAt(this.next) === 44) nameStart = this.next + 1;
    if (nameStart >= e) throw this.fail(`FN record without a function name`);
    const name = buf.slice(nameStart, e);
    const k = (this.fnSeen.get(name) ?? 0) + 1;
    this.fnSeen.set(name, k);
    const key = hash53(name, k);
    if (!f.functions.has(key)) f.functions.set(key, 0);
    f.hasFunctionData = true;
  }

  private fnda(buf: string, i: number, e: number): void {
    const f = this.file('FNDA');
    const hits = this.readCount(buf, i, e);
    if (hits < 0 || this.next >= e - 1 || buf.charCodeAt(this.next) !== 44) {
      throw this.fail(`malformed FNDA record "${excerpt(buf.slice(i - 5, e))}" (expected FNDA:<hits>,<name>)`);
    }
    const name = buf.slice(this.next + 1, e);
    const k = (this.fndaSeen.get(name) ?? 0) + 1;
    this.fndaSeen.set(name, k);
    // The k-th FNDA of a name belongs to the k-th FN of that name; a name listed by fewer FN
    // records (lcov --summary style merged data) falls back to its last function.
    const declared = this.fnSeen.get(name) ?? 0;
    const key = hash53(name, declared > 0 ? Math.min(k, declared) : k);
    if (hits > 0) f.functions.set(key, 1);
    else if (!f.functions.has(key)) f.functions.set(key, 0);
    f.hasFunctionData = true;
  }

  private fnl(buf: string, i: number, e: number): void {
    const f = this.file('FNL');
    // FNL:<index>,<start>[,<end>]
    const comma = buf.indexOf(',', i);
    if (comma === -1 || comma >= e || this.readInt(buf, i, comma) < 0 || this.readInt(buf, comma + 1, e) < 0) {
      throw this.fail(`malformed FNL record "${excerpt(buf.slice(i - 4, e))}" (expected FNL:<index>,<start>[,<end>])`);
    }
    const key = -1 - hash53(buf.slice(comma + 1, e), 7);
    this.fnlKeys.set(buf.slice(i, comma), key);
    if (!f.functions.has(key)) f.functions.set(key, 0);
    f.hasFunctionData = true;
  }

  private fna(buf: string, i: number, e: number): void {
    const f = this.file('FNA');
    // FNA:<index>,<hits>,<alias name>
    const c1 = buf.indexOf(',', i);
    const hits = c1 === -1 || c1 >= e ? -1 : this.readCount(buf, c1 + 1, e);
    if (hits < 0 || this.next >= e || buf.charCodeAt(this.next) !== 44) {
      throw this.fail(`malformed FNA record "${excerpt(buf.slice(i - 4, e))}" (expected FNA:<index>,<hits>,<name>)`);
    }
    const key = this.fnlKeys.get(buf.slice(i, c1));
    if (key === undefined) throw this.fail(`FNA record for function index ${excerpt(buf.slice(i, c1))} without an FNL record`);
    if (hits > 0) f.functions.set(key, 1);
    f.hasFunctionData = true;
  }

  private summary(
    buf: string,
    i: number,
    e: number,
    field: 'lf' | 'lh' | 'brf' | 'brh' | 'fnf' | 'fnh',
  ): void {
    const f = this.file(field.toUpperCase());
    const n = this.readInt(buf, i, e);
    if (n < 0 || this.next !== e) {
      throw this.fail(`malformed ${field.toUpperCase()} record "${excerpt(buf.slice(i, e))}" (expected a count)`);
    }
    // Several records of one file: the largest value (records are merged, not added).
    if (n > f[field]) f[field] = n;
  }

  finish(): ParsedCoverageReport {
    if (this.current) {
      throw reportError(
        LABEL,
        this.lineNo,
        `unexpected end of input: the record of ${excerpt(this.current.path, 80)} has no end_of_record`,
      );
    }
    if (!this.sawRecord) {
      throw reportError(LABEL, undefined, 'the report has no SF records (no files)');
    }
    const files: FileCoverage[] = [];
    const totals = {
      lines: { covered: 0, total: 0 },
      branches: { covered: 0, total: 0 },
      functions: { covered: 0, total: 0 },
      statements: null,
    };
    for (const f of this.files.values()) {
      const lines = f.hasLineData ? countLines(f.lines) : fromSummary(f.lh, f.lf);
      const branches = f.hasBranchData ? countMap(f.branches) : fromSummary(f.brh, f.brf);
      const functions = f.hasFunctionData ? countMap(f.functions) : fromSummary(f.fnh, f.fnf);
      files.push({ path: f.path, lines, branches, functions, statements: null });
      add(totals.lines, lines);
      add(totals.branches, branches);
      add(totals.functions, functions);
    }
    return { kind: 'coverage', totals, files };
  }
}

function isBlank(buf: string, s: number, e: number): boolean {
  for (let i = s; i < e; i++) {
    const c = buf.charCodeAt(i);
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}

function add(into: CoverageCounter, c: CoverageCounter): void {
  into.covered += c.covered;
  into.total += c.total;
}

function countLines(lines: Uint8Array): CoverageCounter {
  let covered = 0;
  let total = 0;
  for (let i = 0; i < lines.length; i++) {
    const v = lines[i];
    if (v !== 0) {
      total++;
      if (v === LINE_COVERED) covered++;
    }
  }
  return { covered, total };
}

function countMap(m: Map<number, number>): CoverageCounter {
  let covered = 0;
  for (const v of m.values()) covered += v;
  return { covered, total: m.size };
}

function fromSummary(hit: number, found: number): CoverageCounter {
  return { covered: Math.max(hit, 0), total: Math.max(found, hit, 0) };
}

/**
 * LCOV tracefiles (`lcov`/geninfo, Istanbul/jest/nyc/c8 `lcov`, Node's `--test-reporter=lcov`,
 * grcov, ...).
 *
 * Rules:
 * - Records: TN, SF, FN, FNDA, FNF, FNH, DA, BRDA, BRF, BRH, LF, LH, end_of_record, and lcov 2.x's
 *   VER (ignored), FNL and FNA. Blank lines are skipped; any other line fails the report with its
 *   line number. A record must end with end_of_record (a missing one means a truncated report).
 * - A file listed in several records (several TN sections, concatenated tracefiles) is merged:
 *   a line counts once and is covered if any record has hits for it; a branch (line, block,
 *   branch) counts once, covered if taken in any record; functions likewise. To merge, each file
 *   keeps a byte per source line (a flag, not the hit count) and one entry per branch and function
 *   until the end of the report; nothing else per line is kept.
 * - Totals come from the detail records (DA, BRDA, FN/FNDA or FNL/FNA), per file and per metric;
 *   when a file has no detail record for a metric, its LF/LH, BRF/BRH or FNF/FNH summary is used
 *   (the largest value when the file has several records). Totals are the sum of the files.
 * - Functions with the same name in one file (accessors, overloads) are NOT merged: like Istanbul
 *   (which writes most LCOV files) and unlike `lcov --summary`, each FN record is a function, and
 *   the k-th FNDA of a name is paired with the k-th FN of that name. The figures then match the
 *   FNF/FNH the producer wrote.
 * - Statements: `null` (LCOV carries none).
 */
export class LcovParser implements ReportParser {
  readonly format = 'lcov';
  readonly kind = 'coverage' as const;

  async parse(input: AsyncIterable<Buffer>): Promise<ParsedCoverageReport> {
    const reader = new LcovReader();
    let rest = '';
    for await (const text of decodeChunks(input, LABEL)) {
      // join() builds a flat string (a `+` rope would be walked on every access).
      const buf = rest.length > 0 ? [rest, text].join('') : text;
      const used = reader.lines(buf);
      rest = used === buf.length ? '' : buf.slice(used);
    }
    if (rest.length > 0) reader.last(rest);
    return reader.finish();
  }
}
