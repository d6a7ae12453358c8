import { isAscii } from 'node:buffer';
import { InputError } from '@backstage/errors';
import {
  COVERAGE_METRICS,
  CoverageCounter,
  CoverageTotals,
  FileCoverage,
} from '@devops-growth/backstage-plugin-devops-common';

/** Builds the `InputError` every parser throws: `<label> line <n>: <problem>`. */
export function reportError(
  label: string,
  line: number | undefined,
  problem: string,
): InputError {
  return new InputError(
    line === undefined
      ? `${label}: ${problem}`
      : `${label} line ${line}: ${problem}`,
  );
}

/** Counts `\n` in `s` between `from` (inclusive) and `to` (exclusive). */
export function countNewlines(s: string, from: number, to: number): number {
  let n = 0;
  let i = s.indexOf('\n', from);
  while (i !== -1 && i < to) {
    n++;
    i = s.indexOf('\n', i + 1);
  }
  return n;
}

/**
 * Returns a copy of `s` that does not share memory with the chunk it was sliced from. V8 keeps
 * the whole parent string alive behind a slice; kept values (paths, test names) are detached so
 * that the parsed chunks can be collected and memory stays flat.
 */
export function detach(s: string): string {
  return s.length < 13 ? s : Buffer.from(s, 'utf8').toString('utf8');
}

/** `U+0000`: how error messages name a character. */
export function charName(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * A control character that reports must not hand to the store: C0 controls other than tab and
 * line feed, DEL and the C1 controls.
 */
export function isRefusedControl(c: number): boolean {
  return (c < 0x20 && c !== 9 && c !== 10) || (c >= 0x7f && c <= 0x9f);
}

/** Shortens `s` for an error message. */
export function excerpt(s: string, max = 40): string {
  let clean = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (c === 9) clean += '\\t';
    else if (c < 0x20 || (c >= 0x7f && c <= 0x9f))
      clean += `\\u${c.toString(16).padStart(4, '0')}`;
    else clean += ch;
  }
  return clean.length > max ? `${clean.slice(0, max)}...` : clean;
}

/**
 * File paths are kept as written by the tool (the caller validates and normalises them), but a
 * path holding NUL or another control character is refused.
 * Returns a problem description, or undefined when the path is acceptable.
 */
export function pathProblem(path: string): string | undefined {
  if (path.length === 0) {
    return 'empty file path';
  }
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
      return `file path "${excerpt(
        path,
        80,
      )}" contains the control character ${charName(c)}`;
    }
  }
  return undefined;
}

/**
 * The per-file summaries of a coverage report in the order files first appear. A path seen again
 * (the same file in two packages, groups or class runs) has its counters added to the first.
 */
export class FileSummaries {
  readonly files: FileCoverage[] = [];
  private readonly byPath = new Map<string, FileCoverage>();

  add(summary: FileCoverage): void {
    const existing = this.byPath.get(summary.path);
    if (!existing) {
      this.byPath.set(summary.path, summary);
      this.files.push(summary);
      return;
    }
    for (const m of COVERAGE_METRICS) {
      existing[m] = addCounters(existing[m], summary[m]);
    }
  }

  /** The sum of the files, per metric (`null` where no file carries the metric). */
  sum(): CoverageTotals {
    const totals: CoverageTotals = {
      lines: null,
      branches: null,
      functions: null,
      statements: null,
    };
    for (const f of this.files) {
      for (const m of COVERAGE_METRICS)
        totals[m] = addCounters(totals[m], f[m]);
    }
    return totals;
  }
}

/** A mutable covered/total pair. */
export function counter(covered = 0, total = 0): CoverageCounter {
  return { covered, total };
}

/** Adds `b` into `a`; `null` stays `null` only when both are `null`. */
export function addCounters(
  a: CoverageCounter | null,
  b: CoverageCounter | null,
): CoverageCounter | null {
  if (!a) {
    return b ? { covered: b.covered, total: b.total } : null;
  }
  if (!b) {
    return a;
  }
  return { covered: a.covered + b.covered, total: a.total + b.total };
}

/**
 * Parses a non-negative decimal integer written with ASCII digits only (no sign, no exponent).
 * Returns -1 when `s` is not such a number or is not a safe integer.
 */
export function parseCount(s: string | undefined): number {
  if (s === undefined) {
    return -1;
  }
  const len = s.length;
  if (len === 0 || len > 15) {
    return len > 15 && /^[0-9]+$/.test(s) && Number.isSafeInteger(Number(s))
      ? Number(s)
      : -1;
  }
  let n = 0;
  for (let i = 0; i < len; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) {
      return -1;
    }
    n = n * 10 + d;
  }
  return n;
}

/** A 53-bit string hash (cyrb53), used to key merge state without keeping the strings alive. */
export function hash53(s: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** cyrb53 over bytes `b[start..end)` (the same idea as `hash53`, without decoding to a string). */
export function hash53Bytes(
  b: Uint8Array,
  start: number,
  end: number,
  seed = 0,
): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = start; i < end; i++) {
    const ch = b[i];
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** Refuses UTF-16/UTF-32 byte order marks; returns how many bytes of UTF-8 BOM to skip. */
export function byteOrderMark(bytes: Uint8Array, label: string): number {
  if (
    bytes.length >= 3 &&
    bytes[0] === 0xef &&
    bytes[1] === 0xbb &&
    bytes[2] === 0xbf
  ) {
    return 3;
  }
  if (
    bytes.length >= 2 &&
    ((bytes[0] === 0xff && bytes[1] === 0xfe) ||
      (bytes[0] === 0xfe && bytes[1] === 0xff))
  ) {
    throw reportError(
      label,
      1,
      'UTF-16/UTF-32 encoded reports are not supported, send UTF-8',
    );
  }
  return 0;
}

/** A chunk as a Buffer (strings are UTF-8 encoded). */
export function toBuffer(raw: Buffer | Uint8Array | string): Buffer {
  if (typeof raw === 'string') return Buffer.from(raw, 'utf8');
  return Buffer.isBuffer(raw)
    ? raw
    : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
}

/**
 * Decodes the byte chunks of a report into text chunks, as they arrive.
 *
 * - A UTF-8 byte order mark is dropped; UTF-16/UTF-32 (recognised by their byte order marks) are
 *   refused, the formats handled here are written in UTF-8 by every known tool.
 * - `sniffXmlEncoding`: the XML declaration's `encoding` is read from the first bytes; UTF-8 and
 *   US-ASCII are decoded as UTF-8, ISO-8859-1 / Latin-1 as such, anything else is refused.
 * - An empty body (no bytes, or only whitespace) is refused.
 */
export async function* decodeChunks(
  input: AsyncIterable<Buffer | Uint8Array | string>,
  label: string,
  options: { sniffXmlEncoding?: boolean } = {},
): AsyncGenerator<string> {
  let decoder: TextDecoder | undefined;
  let utf8 = true;
  /** The decoder may hold the first bytes of a character split across chunks. */
  let pending = false;
  let head: Buffer | undefined;
  let sawContent = false;

  // ASCII chunks (most reports) are copied as Latin-1, several times faster than TextDecoder;
  // anything else goes through the streaming decoder.
  const decode = (bytes: Buffer): string => {
    if (utf8 && !pending && isAscii(bytes)) return bytes.toString('latin1');
    const text = decoder!.decode(bytes, { stream: true });
    pending = utf8 && bytes.length > 0 && bytes[bytes.length - 1] >= 0x80;
    return text;
  };

  const start = (bytes: Buffer): string => {
    const offset = byteOrderMark(bytes, label);
    let encoding = 'utf-8';
    if (options.sniffXmlEncoding) {
      const declared = sniffEncoding(bytes.subarray(offset, offset + 512));
      if (declared) {
        const norm = declared.toLowerCase();
        if (
          norm === 'utf-8' ||
          norm === 'utf8' ||
          norm === 'us-ascii' ||
          norm === 'ascii'
        ) {
          encoding = 'utf-8';
        } else if (
          norm === 'iso-8859-1' ||
          norm === 'latin1' ||
          norm === 'latin-1'
        ) {
          encoding = 'latin1';
        } else {
          throw reportError(
            label,
            1,
            `unsupported encoding "${excerpt(
              declared,
            )}" in the XML declaration (UTF-8 or ISO-8859-1 expected)`,
          );
        }
      }
    }
    decoder = new TextDecoder(encoding);
    utf8 = encoding === 'utf-8';
    return decode(bytes.subarray(offset));
  };

  for await (const raw of input) {
    if (typeof raw === 'string') {
      if (raw.length === 0) continue;
      if (!sawContent && /\S/.test(raw)) sawContent = true;
      yield raw;
      continue;
    }
    const chunk = Buffer.isBuffer(raw)
      ? raw
      : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    if (chunk.length === 0) continue;
    let text: string;
    if (!decoder) {
      // Wait for enough bytes to see the byte order mark and the XML declaration.
      head = head ? Buffer.concat([head, chunk]) : chunk;
      if (
        head.length < 512 &&
        !(options.sniffXmlEncoding ? hasDeclEnd(head) : head.length >= 4)
      ) {
        continue;
      }
      text = start(head);
      head = undefined;
    } else {
      text = decode(chunk);
    }
    if (text.length === 0) continue;
    if (!sawContent && /\S/.test(text)) sawContent = true;
    yield text;
  }
  let tail = '';
  if (!decoder && head) {
    tail = start(head);
  }
  if (decoder) {
    tail += decoder.decode();
  }
  if (tail.length > 0) {
    if (!sawContent && /\S/.test(tail)) sawContent = true;
    yield tail;
  }
  if (!sawContent) {
    throw reportError(label, undefined, 'the report is empty');
  }
}

function hasDeclEnd(bytes: Buffer): boolean {
  // '>' ends the XML declaration, or whatever comes first.
  return bytes.indexOf(0x3e) !== -1;
}

function sniffEncoding(bytes: Buffer): string | undefined {
  const head = bytes.toString('latin1');
  const m = /^\s*<\?xml\s[^>]*?encoding\s*=\s*(["'])([^"']*)\1/.exec(head);
  return m ? m[2] : undefined;
}
