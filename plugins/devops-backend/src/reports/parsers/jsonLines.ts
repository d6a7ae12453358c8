import {
  ParsedSecurityEvent,
  describeByteSize,
} from '@devops-growth/backstage-plugin-devops-node';
import { z } from 'zod';
import {
  byteOrderMark,
  charName,
  excerpt,
  isRefusedControl,
  reportError,
  toBuffer,
} from './common';

/** Limits of a JSON-lines report. */
export interface JsonLinesLimits {
  /** Longest line accepted, in bytes (the line end excluded). */
  maxLineBytes: number;
  /** Deepest nesting of objects and arrays accepted in one line. */
  maxDepth: number;
}

/** One JSON value read from one line. */
export interface JsonLine {
  /** 1-based line number in the report. */
  line: number;
  value: unknown;
}

/** Events kept per security-event report; a longer log is refused (send it in parts). */
export const MAX_EVENTS_PER_REPORT = 100_000;

const NEWLINE = 0x0a;
const CR = 0x0d;
const decoder = new TextDecoder('utf-8');
const SKIP = Symbol('blank line');

/**
 * Reads a JSON-lines report (one JSON value per line) from its byte chunks, line by line.
 *
 * - Lines are cut on `\n` wherever the chunks end, so a line or a multi-byte UTF-8 character
 *   split across chunks is joined before it is decoded; a `\r` before the `\n` is dropped.
 * - A line longer than `maxLineBytes` is refused as soon as it passes the limit (nothing longer
 *   is buffered); so is a line nesting deeper than `maxDepth` (checked on the bytes, before
 *   `JSON.parse`).
 * - Blank lines are skipped; a line that is not JSON is refused with its number (a truncated
 *   last line reads as not JSON).
 * - A UTF-8 byte order mark is dropped, UTF-16/32 refused; an input without any line is refused
 *   as empty.
 */
export async function* readJsonLines(
  input: AsyncIterable<Buffer | Uint8Array | string>,
  label: string,
  limits: JsonLinesLimits,
): AsyncGenerator<JsonLine> {
  let parts: Buffer[] = [];
  let pendingBytes = 0;
  let lineNo = 0;
  let first = true;
  let sawLine = false;

  const take = (rest: Buffer): Buffer => {
    const all =
      parts.length === 0
        ? rest
        : Buffer.concat([...parts, rest], pendingBytes + rest.length);
    parts = [];
    pendingBytes = 0;
    return all;
  };

  const tooLong = () =>
    reportError(
      label,
      lineNo + 1,
      `the line is longer than ${describeByteSize(limits.maxLineBytes)}`,
    );

  /** Yields the complete lines of `chunk`; keeps the rest for the next chunk. */
  function* consume(chunk: Buffer): Generator<JsonLine> {
    let start = 0;
    let nl = chunk.indexOf(NEWLINE, start);
    while (nl !== -1) {
      if (pendingBytes + (nl - start) > limits.maxLineBytes + 1)
        throw tooLong();
      const line = take(chunk.subarray(start, nl));
      lineNo++;
      const value = parseLine(line, lineNo, label, limits);
      if (value !== SKIP) {
        sawLine = true;
        yield { line: lineNo, value };
      }
      start = nl + 1;
      nl = chunk.indexOf(NEWLINE, start);
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      if (pendingBytes + rest.length > limits.maxLineBytes + 1) throw tooLong();
      // Copied: the caller may reuse its chunk buffers.
      parts.push(Buffer.from(rest));
      pendingBytes += rest.length;
    }
  }

  for await (const raw of input) {
    let chunk = toBuffer(raw);
    if (chunk.length === 0) continue;
    if (first) {
      if (pendingBytes + chunk.length < 4) {
        // Too short to tell a byte order mark yet.
        parts.push(Buffer.from(chunk));
        pendingBytes += chunk.length;
        continue;
      }
      chunk = take(chunk);
      chunk = chunk.subarray(byteOrderMark(chunk, label));
      first = false;
    }
    yield* consume(chunk);
  }
  if (first && pendingBytes > 0) {
    const chunk = take(Buffer.alloc(0));
    yield* consume(chunk.subarray(byteOrderMark(chunk, label)));
  }
  if (pendingBytes > 0) {
    // The last line, without a line end.
    lineNo++;
    const value = parseLine(take(Buffer.alloc(0)), lineNo, label, limits, true);
    if (value !== SKIP) {
      sawLine = true;
      yield { line: lineNo, value };
    }
  }
  if (!sawLine) {
    throw reportError(label, undefined, 'the report is empty');
  }
}

function parseLine(
  bytes: Buffer,
  lineNo: number,
  label: string,
  limits: JsonLinesLimits,
  unterminated = false,
): unknown {
  let end = bytes.length;
  if (end > 0 && bytes[end - 1] === CR) end--;
  if (end > limits.maxLineBytes) {
    throw reportError(
      label,
      lineNo,
      `the line is longer than ${describeByteSize(limits.maxLineBytes)}`,
    );
  }
  const body = bytes.subarray(0, end);
  if (isBlank(body)) return SKIP;
  checkDepth(body, lineNo, label, limits.maxDepth);
  // Invalid UTF-8 (raw request bytes some producers copy into their logs) decodes to U+FFFD.
  const text = decoder.decode(body);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw reportError(
      label,
      lineNo,
      `not a JSON value (${excerpt(
        (e as Error).message,
        120,
      )}); each line must hold one JSON object: "${excerpt(text, 60)}"${
        unterminated
          ? ' (the last line has no line end: is the report cut short?)'
          : ''
      }`,
    );
  }
}

function isBlank(b: Buffer): boolean {
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (c !== 0x20 && c !== 0x09 && c !== CR) return false;
  }
  return true;
}

/** Refuses nesting deeper than `max`, counting brackets outside strings. */
function checkDepth(b: Buffer, lineNo: number, label: string, max: number) {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) {
        throw reportError(
          label,
          lineNo,
          `objects and arrays nested deeper than ${max} levels`,
        );
      }
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
}

/**
 * Names the first control character of `s` that the store refuses (other than tab and line
 * feed), or returns undefined.
 */
export function controlProblem(s: string): string | undefined {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isRefusedControl(c)) {
      return `contains the control character ${charName(c)}`;
    }
  }
  return undefined;
}

/**
 * Reads the events of a JSON-lines report: `toEvent` turns each line's value into an event, or
 * returns undefined for a record that is no event. More than `MAX_EVENTS_PER_REPORT` events are
 * refused at the line that passes the limit.
 */
export async function readEventLines(
  input: AsyncIterable<Buffer>,
  label: string,
  limits: JsonLinesLimits,
  toEvent: (value: unknown, line: number) => ParsedSecurityEvent | undefined,
): Promise<ParsedSecurityEvent[]> {
  const events: ParsedSecurityEvent[] = [];
  for await (const { line, value } of readJsonLines(input, label, limits)) {
    const event = toEvent(value, line);
    if (!event) continue;
    if (events.length === MAX_EVENTS_PER_REPORT) {
      throw reportError(
        label,
        line,
        `more than ${MAX_EVENTS_PER_REPORT} events in one report; send them in parts`,
      );
    }
    events.push(event);
  }
  return events;
}

/** `field.path: problem` for the first zod issue, `<whole>: problem` for the value itself. */
export function describeZodIssue(error: z.ZodError, whole: string): string {
  const issue = error.issues[0];
  const path = issue.path.map(String).join('.');
  return `${path || whole}: ${issue.message}`;
}
