import {
  CoverageCounter,
  FileCoverage,
} from '@devops-growth/backstage-plugin-devops-common';
import {
  ParsedCoverageReport,
  ReportParser,
} from '@devops-growth/backstage-plugin-devops-node';
import {
  byteOrderMark,
  charName,
  excerpt,
  hash53Bytes,
  pathProblem,
  reportError,
  toBuffer,
} from './common';

const LABEL = 'LCOV';
const MAX_LINE_LENGTH = 1 << 20;
/** Highest source line number accepted (line flags are kept in a byte array per file). */
const MAX_SOURCE_LINE = 1 << 24;

const LINE_INSTRUMENTED = 1;
const LINE_COVERED = 2;

/**
 * Branches and functions of a file: identity keys (integers below 2^51) with a covered flag,
 * appended as records arrive and de-duplicated once, at the end (sorted `key * 2 + flag`).
 */
class KeyFlags {
  private values = new Float64Array(64);
  private count = 0;
  /** Keys arrived in strictly increasing order so far: no duplicates, nothing to sort. */
  private increasing = true;
  private lastKey = -1;

  add(key: number, flag: 0 | 1): void {
    if (key > this.lastKey) {
      this.lastKey = key;
    } else {
      this.increasing = false;
    }
    if (this.count === this.values.length) {
      // Full: with keys out of order, drop duplicates first (a file repeated in many records
      // stays at its distinct keys); grow only when that does not free enough room.
      if (!this.increasing) this.compact();
      if (this.count * 2 > this.values.length) {
        const grown = new Float64Array(this.values.length * 2);
        grown.set(this.values.subarray(0, this.count));
        this.values = grown;
      }
    }
    this.values[this.count++] = key * 2 + flag;
  }

  /** Sorts and keeps one entry per key, the covered one when there is one. */
  private compact(): void {
    const v = this.values.subarray(0, this.count).sort();
    let out = 0;
    for (let i = 0; i < v.length; i++) {
      const key = Math.floor(v[i] / 2);
      if (out > 0 && Math.floor(v[out - 1] / 2) === key) {
        v[out - 1] = v[i]; // sorted: key * 2 + 1 comes after key * 2
      } else {
        v[out++] = v[i];
      }
    }
    this.count = out;
    this.increasing = true;
    this.lastKey = out > 0 ? Math.floor(v[out - 1] / 2) : -1;
  }

  /** Distinct keys, and how many of them have the flag in any of their entries. */
  summarise(): CoverageCounter {
    if (!this.increasing) this.compact();
    let covered = 0;
    for (let i = 0; i < this.count; i++) covered += this.values[i] % 2;
    return { covered, total: this.count };
  }
}

const KEY_RANGE = 2 ** 51;
const EXACT_KEY_BASE = 2 ** 30;
const HASH_KEY_BASE = 2 ** 50;

/** What is kept per source file until the end of the report (records of one file are merged). */
interface LcovFileState {
  path: string;
  /** Per source line: 0 not instrumented, 1 instrumented, 2 covered. Flags, not hit counts. */
  lines: Uint8Array;
  linesTotal: number;
  linesCovered: number;
  hasLineData: boolean;
  branches: KeyFlags;
  hasBranchData: boolean;
  functions: KeyFlags;
  hasFunctionData: boolean;
  // Summary records, used only when the detail records are absent.
  lf: number;
  lh: number;
  brf: number;
  brh: number;
  fnf: number;
  fnh: number;
}

const COMMA = 44;
const COLON = 58;
const DASH = 45;

/** Reads LCOV records straight from the bytes: only paths and messages are decoded to strings. */
class LcovReader {
  private readonly files = new Map<string, LcovFileState>();
  private lineNo = 0;
  private current: LcovFileState | undefined;
  /** Occurrences of each function name (by hash) in the current record: FN and FNDA paired by order. */
  private fnSeen = new Map<number, number>();
  private fndaSeen = new Map<number, number>();
  /** lcov 2.x FNL index -> function identity, for the current record. */
  private fnlKeys = new Map<number, number>();
  private sawRecord = false;
  /** A line other than blanks was seen. */
  sawContent = false;
  // Result of the last readInt call.
  private next = 0;

  fail(problem: string): Error {
    return reportError(LABEL, this.lineNo, problem);
  }

  /** Processes the complete lines of `b` from `start`; returns the offset of the unconsumed rest. */
  lines(b: Buffer, from: number): number {
    let start = from;
    // Only lines ending before the last newline of the chunk are read now.
    const stop = b.lastIndexOf(10);
    if (stop < start) return start;
    while (start <= stop) {
      this.lineNo++;
      // Fast path for the bulk of a tracefile, parsed in the same pass that finds the line end:
      // DA:<line>,<hits> with a current file and a plain line end.
      const f = this.current;
      if (
        f !== undefined &&
        b[start] === 68 &&
        b[start + 1] === 65 &&
        b[start + 2] === COLON
      ) {
        const line = this.readInt(b, start + 3, stop);
        let j = this.next;
        if (line >= 0 && line < MAX_SOURCE_LINE && b[j] === COMMA) {
          const hits = this.readInt(b, j + 1, stop);
          j = this.next;
          if (hits >= 0 && j > start + 4 && b[j - 1] !== COMMA) {
            if (b[j] === 13) j++;
            if (b[j] === 10) {
              this.setLine(f, line, hits);
              start = j + 1;
              continue;
            }
          }
        }
      }
      // A plain loop: Buffer#indexOf costs a native call per line, more than scanning a line.
      let nl = start;
      while (b[nl] !== 10) nl++;
      let end = nl;
      if (end > start && b[end - 1] === 13) end--;
      if (end > start) this.record(b, start, end);
      start = nl + 1;
    }
    return start;
  }

  private setLine(f: LcovFileState, line: number, hits: number): void {
    let lines = f.lines;
    if (line >= lines.length) {
      let size = lines.length * 2;
      while (size <= line) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(lines);
      lines = f.lines = grown;
    }
    const flag = hits > 0 ? LINE_COVERED : LINE_INSTRUMENTED;
    const previous = lines[line];
    if (previous < flag) {
      lines[line] = flag;
      if (previous === 0) f.linesTotal++;
      if (flag === LINE_COVERED) f.linesCovered++;
    }
    f.hasLineData = true;
    this.sawContent = true;
  }

  /** One line without its newline. */
  line(b: Buffer): void {
    this.lineNo++;
    let end = b.length;
    if (end > 0 && b[end - 1] === 13) end--;
    if (end > 0) this.record(b, 0, end);
  }

  private text(b: Buffer, s: number, e: number): string {
    return b.toString('utf8', s, e);
  }

  private readInt(b: Buffer, from: number, end: number): number {
    let n = 0;
    let i = from;
    for (; i < end; i++) {
      const d = b[i] - 48;
      if (d < 0 || d > 9) break;
      n = n * 10 + d;
    }
    this.next = i;
    return i === from || i - from > 15 ? -1 : n;
  }

  /** A count field: integer, or a decimal / exponent number some tools write; -1 if invalid. */
  private readCount(b: Buffer, i: number, end: number): number {
    const n = this.readInt(b, i, end);
    const after = this.next;
    if (n >= 0 && (after === end || b[after] === COMMA)) return n;
    let stop = i;
    while (stop < end && b[stop] !== COMMA) stop++;
    const v = Number(b.toString('latin1', i, stop));
    this.next = stop;
    return stop > i && v >= 0 ? v : -1;
  }

  /**
   * Refuses a raw control byte (C0 other than tab, DEL, or a UTF-8 encoded C1 control) in the
   * line `b[s..e)`. Every line but the plain `DA:<n>,<n>` ones of the fast path (digits and a
   * comma only) comes through here.
   */
  private refuseControlBytes(b: Buffer, s: number, e: number): void {
    for (let i = s; i < e; i++) {
      const c = b[i];
      if (c >= 0x20 && c !== 0x7f && c !== 0xc2) continue;
      let code = -1;
      if (c < 0x20 ? c !== 9 : c === 0x7f) code = c;
      else if (c === 0xc2 && b[i + 1] >= 0x80 && b[i + 1] <= 0x9f)
        code = b[i + 1];
      if (code !== -1) {
        this.sawContent = true;
        throw this.fail(
          `the control character ${charName(code)} in "${excerpt(
            this.text(b, s, Math.min(e, s + 60)),
            60,
          )}" (LCOV is text: a raw control byte means a corrupt or binary file)`,
        );
      }
    }
  }

  private record(b: Buffer, s: number, e: number): void {
    this.refuseControlBytes(b, s, e);
    const c0 = b[s];
    const c1 = b[s + 1];
    const c2 = b[s + 2];
    switch (c0) {
      case 68: // D
        if (c1 === 65 && c2 === COLON) {
          this.da(b, s + 3, e);
          return;
        }
        break;
      case 66: // B
        if (c1 === 82) {
          if (c2 === 68 && b[s + 3] === 65 && b[s + 4] === COLON) {
            this.brda(b, s + 5, e);
            return;
          }
          if (c2 === 70 && b[s + 3] === COLON) {
            this.summary(b, s + 4, e, 'brf');
            return;
          }
          if (c2 === 72 && b[s + 3] === COLON) {
            this.summary(b, s + 4, e, 'brh');
            return;
          }
        }
        break;
      case 70: // F
        if (c1 === 78) {
          if (c2 === COLON) {
            this.fn(b, s + 3, e);
            return;
          }
          const c3 = b[s + 3];
          if (c2 === 68 && c3 === 65 && b[s + 4] === COLON) {
            this.fnda(b, s + 5, e);
            return;
          }
          if (c3 === COLON) {
            if (c2 === 70) {
              this.summary(b, s + 4, e, 'fnf');
              return;
            }
            if (c2 === 72) {
              this.summary(b, s + 4, e, 'fnh');
              return;
            }
            if (c2 === 76) {
              this.fnl(b, s + 4, e);
              return;
            }
            if (c2 === 65) {
              this.fna(b, s + 4, e);
              return;
            }
          }
        }
        break;
      case 76: // L
        if (c2 === COLON && c1 === 70) {
          this.summary(b, s + 3, e, 'lf');
          return;
        }
        if (c2 === COLON && c1 === 72) {
          this.summary(b, s + 3, e, 'lh');
          return;
        }
        break;
      case 83: // S
        if (c1 === 70 && c2 === COLON) {
          this.sf(b, s + 3, e);
          return;
        }
        break;
      case 84: // T
        if (c1 === 78 && c2 === COLON) {
          this.sawContent = true;
          if (this.current)
            throw this.fail(
              'TN record inside a file record (missing end_of_record)',
            );
          return;
        }
        break;
      case 86: // V
        if (c1 === 69 && c2 === 82 && b[s + 3] === COLON) {
          this.sawContent = true;
          return; // lcov 2.x source version: not needed
        }
        break;
      case 101: // e
        if (e - s === 13 && b.toString('latin1', s, e) === 'end_of_record') {
          this.endOfRecord();
          return;
        }
        break;
      default:
    }
    if (!isBlank(b, s, e)) {
      this.sawContent = true;
      throw this.fail(
        `unknown record "${excerpt(this.text(b, s, Math.min(e, s + 60)))}"`,
      );
    }
  }

  private file(what: string): LcovFileState {
    this.sawContent = true;
    if (!this.current)
      throw this.fail(`${what} record outside a file record (no SF before it)`);
    return this.current;
  }

  private malformed(
    what: string,
    b: Buffer,
    s: number,
    e: number,
    expected: string,
  ): Error {
    return this.fail(
      `malformed ${what} record "${excerpt(
        this.text(b, s, e),
        60,
      )}" (expected ${expected})`,
    );
  }

  private sf(b: Buffer, s: number, e: number): void {
    this.sawContent = true;
    const rawPath = this.text(b, s, e);
    if (this.current) {
      throw this.fail(
        `SF record before the end_of_record of ${excerpt(
          this.current.path,
          80,
        )}`,
      );
    }
    const problem = pathProblem(rawPath);
    if (problem) throw this.fail(problem);
    let state = this.files.get(rawPath);
    if (!state) {
      state = {
        path: rawPath,
        lines: new Uint8Array(256),
        linesTotal: 0,
        linesCovered: 0,
        hasLineData: false,
        branches: new KeyFlags(),
        hasBranchData: false,
        functions: new KeyFlags(),
        hasFunctionData: false,
        lf: -1,
        lh: -1,
        brf: -1,
        brh: -1,
        fnf: -1,
        fnh: -1,
      };
      this.files.set(rawPath, state);
    }
    this.current = state;
    this.sawRecord = true;
    if (this.fnSeen.size > 0) this.fnSeen = new Map();
    if (this.fndaSeen.size > 0) this.fndaSeen = new Map();
    if (this.fnlKeys.size > 0) this.fnlKeys = new Map();
  }

  private endOfRecord(): void {
    this.file('end_of_record');
    this.current = undefined;
  }

  private da(b: Buffer, i: number, e: number): void {
    const f = this.file('DA');
    const line = this.readInt(b, i, e);
    if (line < 0 || this.next >= e || b[this.next] !== COMMA) {
      throw this.malformed('DA', b, i - 3, e, 'DA:<line>,<hits>');
    }
    const hits = this.readCount(b, this.next + 1, e);
    if (hits < 0 || (this.next !== e && b[this.next] !== COMMA)) {
      throw this.malformed('DA', b, i - 3, e, 'DA:<line>,<hits>');
    }
    if (line >= MAX_SOURCE_LINE)
      throw this.fail(`line number ${line} is too large`);
    this.setLine(f, line, hits);
  }

  private brda(b: Buffer, i: number, e: number): void {
    const f = this.file('BRDA');
    // Fast path, one pass: BRDA:<line>,<block>,<branch>,<taken> with small integers.
    const line = this.readInt(b, i, e);
    let j = this.next;
    if (line >= 0 && line < 32768 && b[j] === COMMA) {
      const block = this.readInt(b, j + 1, e);
      j = this.next;
      if (block >= 0 && block < 1024 && b[j] === COMMA) {
        const branch = this.readInt(b, j + 1, e);
        j = this.next;
        if (branch >= 0 && branch < 32 && b[j] === COMMA) {
          let taken: number;
          if (j + 2 === e && b[j + 1] === DASH) {
            taken = 0;
          } else {
            taken = this.readCount(b, j + 1, e);
            if (this.next !== e) taken = -1;
          }
          if (taken >= 0) {
            f.branches.add(
              (line << 15) | (block << 5) | branch,
              taken > 0 ? 1 : 0,
            );
            f.hasBranchData = true;
            return;
          }
        }
      }
    }
    this.brdaGeneral(f, b, i, e);
  }

  /** BRDA:<line>,[e]<block>,<branch>,<taken>, where <branch> may be an expression (lcov 2.x). */
  private brdaGeneral(f: LcovFileState, b: Buffer, i: number, e: number): void {
    const expected = 'BRDA:<line>,<block>,<branch>,<taken>';
    const c1 = b.indexOf(COMMA, i);
    const c2 = c1 === -1 ? -1 : b.indexOf(COMMA, c1 + 1);
    const last = b.lastIndexOf(COMMA, e - 1);
    if (c1 === -1 || c1 >= e || c2 === -1 || c2 >= last || last >= e) {
      throw this.malformed('BRDA', b, i - 5, e, expected);
    }
    const line = this.readInt(b, i, c1);
    const lineOk = this.next === c1;
    let taken: number;
    if (last + 2 === e && b[last + 1] === DASH) {
      taken = 0;
    } else {
      taken = this.readCount(b, last + 1, e);
      if (this.next !== e) taken = -1;
    }
    if (line < 0 || !lineOk || taken < 0)
      throw this.malformed('BRDA', b, i - 5, e, expected);
    const block = this.readInt(b, c1 + 1, c2);
    const blockEnd = this.next;
    const branch = this.readInt(b, c2 + 1, last);
    // Exact for integers (negative, away from the small-integer keys of the fast path); a 53-bit
    // hash of the text for exception blocks and branch expressions.
    const key =
      block >= 0 &&
      blockEnd === c2 &&
      branch >= 0 &&
      this.next === last &&
      line < MAX_SOURCE_LINE &&
      block < 4096 &&
      branch < 4096
        ? EXACT_KEY_BASE + line * 16777216 + block * 4096 + branch
        : HASH_KEY_BASE + (hash53Bytes(b, i, last) % HASH_KEY_BASE);
    f.branches.add(key, taken > 0 ? 1 : 0);
    f.hasBranchData = true;
  }

  private fn(b: Buffer, i: number, e: number): void {
    const f = this.file('FN');
    // FN:<line>,<name> (lcov 1.x) or FN:<start>,<end>,<name> (lcov 2.x)
    const start = this.readInt(b, i, e);
    if (start < 0 || this.next >= e || b[this.next] !== COMMA) {
      throw this.malformed('FN', b, i - 3, e, 'FN:<line>,<name>');
    }
    let nameStart = this.next + 1;
    const end = this.readInt(b, nameStart, e);
    if (end >= 0 && this.next < e && b[this.next] === COMMA)
      nameStart = this.next + 1;
    if (nameStart >= e) throw this.fail('FN record without a function name');
    const name = hash53Bytes(b, nameStart, e);
    const k = (this.fnSeen.get(name) ?? 0) + 1;
    this.fnSeen.set(name, k);
    const key = (k === 1 ? name : hash53Bytes(b, nameStart, e, k)) % KEY_RANGE;
    f.functions.add(key, 0);
    f.hasFunctionData = true;
  }

  private fnda(b: Buffer, i: number, e: number): void {
    const f = this.file('FNDA');
    const hits = this.readCount(b, i, e);
    if (hits < 0 || this.next >= e - 1 || b[this.next] !== COMMA) {
      throw this.malformed('FNDA', b, i - 5, e, 'FNDA:<hits>,<name>');
    }
    const nameStart = this.next + 1;
    const name = hash53Bytes(b, nameStart, e);
    const k = (this.fndaSeen.get(name) ?? 0) + 1;
    this.fndaSeen.set(name, k);
    // The k-th FNDA of a name belongs to the k-th FN of that name; a name listed by fewer FN
    // records falls back to its last function.
    const declared = this.fnSeen.get(name) ?? 0;
    const n = declared > 0 ? Math.min(k, declared) : k;
    const key = (n === 1 ? name : hash53Bytes(b, nameStart, e, n)) % KEY_RANGE;
    f.functions.add(key, hits > 0 ? 1 : 0);
    f.hasFunctionData = true;
  }

  private fnl(b: Buffer, i: number, e: number): void {
    const f = this.file('FNL');
    // FNL:<index>,<start>[,<end>]
    const index = this.readInt(b, i, e);
    const comma = this.next;
    if (index < 0 || b[comma] !== COMMA || this.readInt(b, comma + 1, e) < 0) {
      throw this.malformed('FNL', b, i - 4, e, 'FNL:<index>,<start>[,<end>]');
    }
    // A function is identified by its location.
    const key = hash53Bytes(b, comma + 1, e, 7) % KEY_RANGE;
    this.fnlKeys.set(index, key);
    f.functions.add(key, 0);
    f.hasFunctionData = true;
  }

  private fna(b: Buffer, i: number, e: number): void {
    const f = this.file('FNA');
    // FNA:<index>,<hits>,<alias name>
    const index = this.readInt(b, i, e);
    const hits =
      index < 0 || b[this.next] !== COMMA
        ? -1
        : this.readCount(b, this.next + 1, e);
    if (hits < 0 || this.next >= e || b[this.next] !== COMMA) {
      throw this.malformed('FNA', b, i - 4, e, 'FNA:<index>,<hits>,<name>');
    }
    const key = this.fnlKeys.get(index);
    if (key === undefined)
      throw this.fail(
        `FNA record for function index ${index} without an FNL record`,
      );
    if (hits > 0) f.functions.add(key, 1);
    f.hasFunctionData = true;
  }

  private summary(
    b: Buffer,
    i: number,
    e: number,
    field: 'lf' | 'lh' | 'brf' | 'brh' | 'fnf' | 'fnh',
  ): void {
    const f = this.file(field.toUpperCase());
    const n = this.readInt(b, i, e);
    if (n < 0 || this.next !== e) {
      throw this.fail(
        `malformed ${field.toUpperCase()} record "${excerpt(
          this.text(b, i, e),
        )}" (expected a count)`,
      );
    }
    // Several records of one file: the largest value (records are merged, not added).
    if (n > f[field]) f[field] = n;
  }

  finish(): ParsedCoverageReport {
    if (!this.sawContent) {
      throw reportError(LABEL, undefined, 'the report is empty');
    }
    if (this.current) {
      throw reportError(
        LABEL,
        this.lineNo,
        `unexpected end of input: the record of ${excerpt(
          this.current.path,
          80,
        )} has no end_of_record`,
      );
    }
    if (!this.sawRecord) {
      throw reportError(
        LABEL,
        undefined,
        'the report has no SF records (no files)',
      );
    }
    const files: FileCoverage[] = [];
    const totals = {
      lines: { covered: 0, total: 0 },
      branches: { covered: 0, total: 0 },
      functions: { covered: 0, total: 0 },
      statements: null,
    };
    for (const f of this.files.values()) {
      const lines = f.hasLineData
        ? { covered: f.linesCovered, total: f.linesTotal }
        : fromSummary(f.lh, f.lf);
      const branches = f.hasBranchData
        ? f.branches.summarise()
        : fromSummary(f.brh, f.brf);
      const functions = f.hasFunctionData
        ? f.functions.summarise()
        : fromSummary(f.fnh, f.fnf);
      files.push({
        path: f.path,
        lines,
        branches,
        functions,
        statements: null,
      });
      add(totals.lines, lines);
      add(totals.branches, branches);
      add(totals.functions, functions);
    }
    return { kind: 'coverage', totals, files };
  }
}

function isBlank(b: Buffer, s: number, e: number): boolean {
  for (let i = s; i < e; i++) {
    const c = b[i];
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}

function add(into: CoverageCounter, c: CoverageCounter): void {
  into.covered += c.covered;
  into.total += c.total;
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
 *   keeps a byte per source line (a flag, not the hit count) and an 8-byte key per distinct branch
 *   and function (a number: exact for integer ids, a 53-bit hash of names and lcov 2.x branch
 *   expressions) until the end of the report; nothing else per line is kept. The report is read
 *   as bytes: only file paths and error excerpts are decoded.
 * - Totals come from the detail records (DA, BRDA, FN/FNDA or FNL/FNA), per file and per metric;
 *   when a file has no detail record for a metric, its LF/LH, BRF/BRH or FNF/FNH summary is used
 *   (the largest value when the file has several records). Totals are the sum of the files.
 * - Functions with the same name in one file (accessors, overloads) are NOT merged: like Istanbul
 *   (which writes most LCOV files) and unlike `lcov --summary`, each FN record is a function, and
 *   the k-th FNDA of a name is paired with the k-th FN of that name. The figures then match the
 *   FNF/FNH the producer wrote.
 * - Statements: `null` (LCOV carries none).
 * - A raw control byte (C0 other than tab, DEL, C1) anywhere in a line fails the report with the
 *   line number: LCOV is text, and the store takes no control characters.
 */
export class LcovParser implements ReportParser {
  readonly format = 'lcov';
  readonly kind = 'coverage' as const;

  async parse(input: AsyncIterable<Buffer>): Promise<ParsedCoverageReport> {
    const reader = new LcovReader();
    // Bytes of an unfinished line carried over to the next chunk.
    let carry: Buffer | undefined;
    let first = true;
    for await (const raw of input) {
      let chunk = toBuffer(raw);
      if (chunk.length === 0) continue;
      if (carry) {
        const nl = chunk.indexOf(10);
        if (nl === -1) {
          carry = Buffer.concat([carry, chunk]);
          if (carry.length > MAX_LINE_LENGTH)
            throw reader.fail(`a line longer than ${MAX_LINE_LENGTH} bytes`);
          continue;
        }
        const joined = Buffer.concat([carry, chunk.subarray(0, nl)]);
        carry = undefined;
        if (first) {
          // The first line: skip a UTF-8 byte order mark.
          first = false;
          reader.line(joined.subarray(byteOrderMark(joined, LABEL)));
        } else {
          reader.line(joined);
        }
        chunk = chunk.subarray(nl + 1);
      } else if (first) {
        if (chunk.length < 4 && chunk.indexOf(10) === -1) {
          carry = chunk;
          continue;
        }
        first = false;
        chunk = chunk.subarray(byteOrderMark(chunk, LABEL));
      }
      const used = reader.lines(chunk, 0);
      if (used < chunk.length) {
        carry = Buffer.from(chunk.subarray(used)); // a copy: the chunk itself is not kept
        if (carry.length > MAX_LINE_LENGTH)
          throw reader.fail(`a line longer than ${MAX_LINE_LENGTH} bytes`);
      }
    }
    if (carry)
      reader.line(first ? carry.subarray(byteOrderMark(carry, LABEL)) : carry);
    return reader.finish();
  }
}
