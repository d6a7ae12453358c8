import {
  charName,
  decodeChunks,
  detach,
  excerpt,
  isRefusedControl,
} from './common';
import { JsonHandler, JsonScalar, JsonTokenizer } from './json/JsonTokenizer';

/** Bounds of the texts a finding keeps (see `ParsedFinding`). */
export const MAX_MESSAGE = 4000;
export const MAX_SNIPPET = 2000;
export const MAX_TITLE = 500;
/** Rule ids, paths, package names, versions, URLs, fingerprints. */
export const MAX_NAME = 2000;

/** A captured JSON value: scalars, arrays and null-prototype objects. */
export type Node = JsonScalar | Node[] | { [key: string]: Node };

/** The member `key` of `node` when `node` is an object. */
export function member(node: Node | undefined, key: string): Node | undefined {
  return node !== null && typeof node === 'object' && !Array.isArray(node)
    ? node[key]
    : undefined;
}

/** Follows a path of object keys. */
export function at(
  node: Node | undefined,
  ...keys: string[]
): Node | undefined {
  let n = node;
  for (const k of keys) {
    n = member(n, k);
    if (n === undefined) return undefined;
  }
  return n;
}

export function asString(node: Node | undefined): string | undefined {
  return typeof node === 'string' ? node : undefined;
}

export function asNumber(node: Node | undefined): number | undefined {
  return typeof node === 'number' ? node : undefined;
}

export function asArray(node: Node | undefined): Node[] {
  return Array.isArray(node) ? node : [];
}

export function isRecord(
  node: Node | undefined,
): node is { [key: string]: Node } {
  return node !== null && typeof node === 'object' && !Array.isArray(node);
}

/** A non-negative whole number, else undefined. */
export function asIndex(node: Node | undefined): number | undefined {
  return typeof node === 'number' && Number.isSafeInteger(node) && node >= 0
    ? node
    : undefined;
}

const CAPTURE_DEPTH = 12;
const CAPTURE_ITEMS = 50;

/**
 * Builds a small JSON value from tokenizer events: one result, rule or package entry of a
 * report, never the whole document. Members whose key `keep(depth, key)` refuses (depth 1 is a
 * member of the captured object itself) are skipped unread, as are arrays items past the 50th
 * (or `maxItems`) and anything nested deeper than 12, so a hostile entry stays small. Objects have no
 * prototype (a `__proto__` key is an ordinary member). Strings are copied out of the chunk
 * they were read from unless `detachStrings` is false (for entries used at once and dropped:
 * what they keep goes through `keptText`, which copies).
 */
export class Capture {
  root: Node = null;
  private readonly containers: (Node[] | { [key: string]: Node })[] = [];
  private pendingKey: string | undefined;
  private skip = 0;

  constructor(
    private readonly keep: (depth: number, key: string) => boolean = () => true,
    private readonly maxItems = CAPTURE_ITEMS,
    private readonly detachStrings = true,
  ) {}

  /** Starts a container; returns nothing. */
  open(isObject: boolean): void {
    if (this.skip > 0) {
      this.skip++;
      return;
    }
    const container: Node[] | { [key: string]: Node } = isObject
      ? (Object.create(null) as { [key: string]: Node })
      : [];
    if (this.containers.length === 0) {
      this.root = container;
      this.containers.push(container);
      return;
    }
    if (!this.attach(container)) {
      this.skip = 1;
      return;
    }
    this.containers.push(container);
  }

  /** Ends a container; true when the captured value is complete. */
  close(): boolean {
    if (this.skip > 0) {
      this.skip--;
      return false;
    }
    this.containers.pop();
    this.pendingKey = undefined;
    return this.containers.length === 0;
  }

  key(key: string): void {
    if (this.skip === 0) this.pendingKey = key;
  }

  scalar(value: JsonScalar): void {
    if (this.skip === 0) {
      this.attach(
        typeof value === 'string' && this.detachStrings ? detach(value) : value,
      );
    }
  }

  private attach(value: Node): boolean {
    const depth = this.containers.length;
    const parent = this.containers[depth - 1];
    if (depth > CAPTURE_DEPTH) return false;
    if (Array.isArray(parent)) {
      if (parent.length >= this.maxItems) return false;
      parent.push(value);
      return true;
    }
    const key = this.pendingKey;
    this.pendingKey = undefined;
    if (key === undefined || !this.keep(depth, key)) return false;
    parent[key] = value;
    return true;
  }
}

/**
 * Checks and bounds a text a finding keeps: line ends are normalised to `\n`, the text is cut
 * to `max` characters (with `…`), and a control character other than tab and line feed is
 * refused with the tokenizer's current line and the place named (`<where>: its <field>`, built
 * only then). The text returned holds no
 * reference to the chunk it was read from (see `detach`).
 */
export function keptText(
  t: JsonTokenizer,
  where: string,
  value: string,
  max: number,
  field?: string,
): string {
  let s = value.indexOf('\r') === -1 ? value : value.replace(/\r\n?/g, '\n');
  if (s.length > max) {
    let cut = max - 1;
    const c = s.charCodeAt(cut - 1);
    if (c >= 0xd800 && c <= 0xdbff) cut--;
    s = `${s.slice(0, cut)}…`;
  }
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
      if (isRefusedControl(c)) {
        throw t.error(
          `${
            field ? `${where}: its ${field}` : where
          } holds the control character ${charName(c)} ("${excerpt(
            s,
            80,
          )}"); reports must not contain control characters other than tab and line feed`,
        );
      }
    }
  }
  return detach(s);
}

/** The first non-empty line of `s`. */
export function firstLine(s: string): string {
  for (const line of s.split('\n')) {
    const trimmed = line.trim();
    if (trimmed) return trimmed;
  }
  return s.trim();
}

/**
 * Keeps one copy of repeated strings (rule ids, titles, paths): thousands of findings of one
 * rule in one file share their strings instead of holding a copy each. Bounded: past 50,000
 * distinct strings new ones are no longer remembered.
 */
export class Interner {
  private readonly seen = new Map<string, string>();

  /** `s` (already checked), or the copy of it seen first. */
  get(s: string): string {
    const known = this.seen.get(s);
    if (known !== undefined) return known;
    if (this.seen.size < 50_000) this.seen.set(s, s);
    return s;
  }

  /** `keptText(t, where, value, max, field)`, checked once per distinct value. */
  text(
    t: JsonTokenizer,
    where: string,
    value: string,
    max: number,
    field?: string,
  ): string {
    const known = this.seen.get(value);
    if (known !== undefined) return known;
    const s = keptText(t, where, value, max, field);
    if (this.seen.size < 50_000)
      this.seen.set(s === value ? s : detach(value), s);
    return s;
  }
}

/** `FrameHandler.child`: skip the container unread. */
export const SKIP = -1;
const CAPTURED = -2;

/**
 * The walk shared by the findings parsers: a stack of frame kinds (numbers each parser
 * defines) for the containers on the way to what is kept, skipped subtrees counted rather than
 * read, and `Capture`s for the small entries (a result, a rule, a package) handed whole to
 * `captured`.
 */
export abstract class FrameHandler implements JsonHandler {
  protected readonly frames: number[] = [];
  private member: string | undefined;
  private skip = 0;
  private cap: Capture | undefined;
  private capKind = 0;

  /** The frame of a container opening in `frame` under `key`: a frame kind, `SKIP`, or `this.capture(...)`. */
  protected abstract child(
    t: JsonTokenizer,
    frame: number | undefined,
    key: string | undefined,
    isObject: boolean,
  ): number;

  /** A scalar member or item of `frame` (outside skipped and captured containers). */
  protected abstract scalar(
    t: JsonTokenizer,
    frame: number | undefined,
    key: string | undefined,
    value: JsonScalar,
  ): void;

  /** A captured entry, complete. */
  protected abstract captured(t: JsonTokenizer, kind: number, node: Node): void;

  /** A frame has closed. */
  protected closed(_t: JsonTokenizer, _frame: number | undefined): void {}

  /** Captures the container being opened as a `kind` entry. */
  protected capture(
    kind: number,
    keep?: (depth: number, key: string) => boolean,
    maxItems?: number,
    detachStrings?: boolean,
  ): number {
    this.capKind = kind;
    this.cap = new Capture(keep, maxItems, detachStrings);
    return CAPTURED;
  }

  startObject(t: JsonTokenizer): void {
    this.open(t, true);
  }

  startArray(t: JsonTokenizer): void {
    this.open(t, false);
  }

  endObject(t: JsonTokenizer): void {
    this.close(t);
  }

  endArray(t: JsonTokenizer): void {
    this.close(t);
  }

  key(_t: JsonTokenizer, key: string): void {
    if (this.cap) this.cap.key(key);
    else if (this.skip === 0) this.member = key;
  }

  value(t: JsonTokenizer, value: JsonScalar): void {
    if (this.cap) {
      this.cap.scalar(value);
    } else if (this.skip === 0) {
      this.scalar(t, this.frames[this.frames.length - 1], this.member, value);
    }
  }

  private open(t: JsonTokenizer, isObject: boolean): void {
    if (this.cap) {
      this.cap.open(isObject);
      return;
    }
    if (this.skip > 0) {
      this.skip++;
      return;
    }
    const key = this.member;
    this.member = undefined;
    const next = this.child(
      t,
      this.frames[this.frames.length - 1],
      key,
      isObject,
    );
    if (next === SKIP) this.skip = 1;
    else if (next === CAPTURED) this.cap!.open(isObject);
    else this.frames.push(next);
  }

  private close(t: JsonTokenizer): void {
    if (this.cap) {
      if (this.cap.close()) {
        const node = this.cap.root;
        this.cap = undefined;
        this.captured(t, this.capKind, node);
      }
      return;
    }
    if (this.skip > 0) {
      this.skip--;
      return;
    }
    this.closed(t, this.frames.pop());
  }
}

/**
 * Reads a JSON report through `handler` with the streaming tokenizer. Control characters are
 * let through the tokenizer (a `\r\n` in a rule's help text is no reason to refuse a report)
 * and checked in the texts that are kept (`keptText`). Returns the tokenizer, for errors
 * raised after the end.
 */
export async function readJson(
  input: AsyncIterable<Buffer>,
  label: string,
  handler: JsonHandler,
): Promise<JsonTokenizer> {
  const tokenizer = new JsonTokenizer(label, handler, {
    allowControlChars: true,
  });
  for await (const text of decodeChunks(input, label)) {
    tokenizer.write(text);
  }
  tokenizer.end();
  return tokenizer;
}
