import { InputError } from '@backstage/errors';
import {
  charName,
  countNewlines,
  excerpt,
  isRefusedControl,
  reportError,
} from '../common';

/** A JSON scalar. */
export type JsonScalar = string | number | boolean | null;

/** Receives JSON events. `key` precedes each member's value. */
export interface JsonHandler {
  startObject(t: JsonTokenizer): void;
  endObject(t: JsonTokenizer): void;
  startArray(t: JsonTokenizer): void;
  endArray(t: JsonTokenizer): void;
  key(t: JsonTokenizer, key: string): void;
  value(t: JsonTokenizer, value: JsonScalar): void;
}

const MAX_TOKEN = 1 << 20;
const MAX_DEPTH = 256;

// What the grammar allows next.
const EXPECT_VALUE = 0; // a value (top level, after ':' or after ',' in an array)
const EXPECT_VALUE_OR_END = 1; // just after '['
const EXPECT_KEY_OR_END = 2; // just after '{'
const EXPECT_KEY = 3; // after ',' in an object
const EXPECT_COLON = 4;
const EXPECT_COMMA_OR_END = 5; // after a value inside a container
const EXPECT_EOF = 6; // after the top-level value

const NUMBER_RE = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/** Options of a `JsonTokenizer`. */
export interface JsonTokenizerOptions {
  /**
   * Let escapes such as `\u0000`, `\b` or `\r` put control characters into strings. Off by
   * default: reports feed a store that takes no control characters other than tab and line feed,
   * so such strings are refused where they are read, with the line.
   */
  allowControlChars?: boolean;
}

/**
 * A streaming JSON tokenizer: strict RFC 8259 grammar, one top-level value, bounded token length
 * and nesting depth. Keeps only the unconsumed tail of the input and the container stack.
 */
export class JsonTokenizer {
  private buf = '';
  private pos = 0;
  private lineBase = 1;
  private tokenStart = 0;
  private expect = EXPECT_VALUE;
  /** Open containers: true for objects. */
  private readonly stack: boolean[] = [];
  private sawValue = false;
  /** Whether the string `stringEnd` last found holds a backslash. */
  private escaped = false;

  private readonly allowControlChars: boolean;

  constructor(
    private readonly label: string,
    private readonly handler: JsonHandler,
    options: JsonTokenizerOptions = {},
  ) {
    this.allowControlChars = options.allowControlChars ?? false;
  }

  write(chunk: string): void {
    if (this.pos > 0) this.lineBase += countNewlines(this.buf, 0, this.pos);
    const rest = this.pos < this.buf.length ? this.buf.slice(this.pos) : '';
    this.buf = rest.length > 0 ? [rest, chunk].join('') : chunk;
    this.pos = 0;
    this.run(false);
  }

  end(): void {
    this.run(true);
    if (this.stack.length > 0) {
      throw this.errorAt(
        this.buf.length,
        `unexpected end of JSON inside an ${
          this.stack[this.stack.length - 1] ? 'object' : 'array'
        }`,
      );
    }
    if (!this.sawValue) throw this.errorAt(this.buf.length, 'no JSON value');
  }

  /** Nesting depth of the token being reported (the top-level value is at depth 0). */
  depth(): number {
    return this.stack.length;
  }

  line(): number {
    return this.lineAt(this.tokenStart);
  }

  error(problem: string): InputError {
    return reportError(this.label, this.line(), problem);
  }

  private lineAt(offset: number): number {
    return (
      this.lineBase +
      countNewlines(this.buf, 0, Math.min(offset, this.buf.length))
    );
  }

  private errorAt(offset: number, problem: string): InputError {
    return reportError(this.label, this.lineAt(offset), problem);
  }

  private unexpected(offset: number, what: string): InputError {
    const wanted = [
      'a value',
      'a value or "]"',
      'a string key or "}"',
      'a string key',
      '":"',
      '"," or the end of the container',
      'the end of the document',
    ][this.expect];
    return this.errorAt(
      offset,
      `invalid JSON: expected ${wanted}, found ${what}`,
    );
  }

  private afterValue(): void {
    this.sawValue = true;
    this.expect = this.stack.length === 0 ? EXPECT_EOF : EXPECT_COMMA_OR_END;
  }

  private run(final: boolean): void {
    const buf = this.buf;
    const len = buf.length;
    let pos = this.pos;
    while (pos < len) {
      const c = buf.charCodeAt(pos);
      if (c === 32 || c === 10 || c === 13 || c === 9) {
        pos++;
        continue;
      }
      this.tokenStart = pos;
      const expect = this.expect;
      switch (c) {
        case 123: // {
        case 91: {
          // [
          if (expect !== EXPECT_VALUE && expect !== EXPECT_VALUE_OR_END) {
            throw this.unexpected(pos, `"${String.fromCharCode(c)}"`);
          }
          if (this.stack.length >= MAX_DEPTH)
            throw this.errorAt(pos, `JSON nested deeper than ${MAX_DEPTH}`);
          const isObject = c === 123;
          if (isObject) this.handler.startObject(this);
          else this.handler.startArray(this);
          this.stack.push(isObject);
          this.expect = isObject ? EXPECT_KEY_OR_END : EXPECT_VALUE_OR_END;
          pos++;
          continue;
        }
        case 125: // }
        case 93: {
          // ]
          const isObject = c === 125;
          const top = this.stack[this.stack.length - 1];
          const ok =
            top === isObject &&
            (expect === EXPECT_COMMA_OR_END ||
              (isObject
                ? expect === EXPECT_KEY_OR_END
                : expect === EXPECT_VALUE_OR_END));
          if (!ok) throw this.unexpected(pos, `"${String.fromCharCode(c)}"`);
          this.stack.pop();
          if (isObject) this.handler.endObject(this);
          else this.handler.endArray(this);
          this.afterValue();
          pos++;
          continue;
        }
        case 44: // ,
          if (expect !== EXPECT_COMMA_OR_END) throw this.unexpected(pos, '","');
          this.expect = this.stack[this.stack.length - 1]
            ? EXPECT_KEY
            : EXPECT_VALUE;
          pos++;
          continue;
        case 58: // :
          if (expect !== EXPECT_COLON) throw this.unexpected(pos, '":"');
          this.expect = EXPECT_VALUE;
          pos++;
          continue;
        case 34: {
          // "
          const end = this.stringEnd(pos + 1, len);
          if (end < 0) break;
          const s = this.unescape(pos + 1, end);
          if (expect === EXPECT_KEY || expect === EXPECT_KEY_OR_END) {
            this.handler.key(this, s);
            this.expect = EXPECT_COLON;
          } else if (
            expect === EXPECT_VALUE ||
            expect === EXPECT_VALUE_OR_END
          ) {
            this.handler.value(this, s);
            this.afterValue();
          } else {
            throw this.unexpected(pos, 'a string');
          }
          pos = end + 1;
          continue;
        }
        default: {
          // number, true, false, null
          let end = pos;
          while (end < len) {
            const d = buf.charCodeAt(end);
            if (
              d === 44 ||
              d === 125 ||
              d === 93 ||
              d === 32 ||
              d === 10 ||
              d === 13 ||
              d === 9 ||
              d === 58 ||
              d === 34 ||
              d === 123 ||
              d === 91
            )
              break;
            end++;
          }
          if (end === len && !final) break;
          const word = buf.slice(pos, end);
          let v: JsonScalar;
          if (word === 'true') v = true;
          else if (word === 'false') v = false;
          else if (word === 'null') v = null;
          else if (NUMBER_RE.test(word)) v = Number(word);
          else {
            throw this.errorAt(
              pos,
              this.sawValue || this.stack.length > 0
                ? `invalid JSON: unexpected "${excerpt(word, 20)}"`
                : `not a JSON document (it starts with "${excerpt(word, 20)}")`,
            );
          }
          if (expect !== EXPECT_VALUE && expect !== EXPECT_VALUE_OR_END) {
            throw this.unexpected(pos, `"${excerpt(word, 20)}"`);
          }
          this.handler.value(this, v);
          this.afterValue();
          pos = end;
          continue;
        }
      }
      // Incomplete token: wait for more input.
      if (final)
        throw this.errorAt(pos, 'unexpected end of JSON inside a string');
      if (len - pos > MAX_TOKEN)
        throw this.errorAt(
          pos,
          `JSON token longer than ${MAX_TOKEN} characters`,
        );
      break;
    }
    this.pos = pos;
  }

  /** Offset of the closing quote of a string starting at `from`, or -1 if not in the buffer. */
  private stringEnd(from: number, len: number): number {
    const buf = this.buf;
    this.escaped = false;
    for (let i = from; i < len; i++) {
      const c = buf.charCodeAt(i);
      if (c === 34) return i;
      if (c === 92) {
        this.escaped = true;
        i++;
      } else if (c < 0x20)
        throw this.errorAt(
          i,
          `invalid JSON: control character ${charName(
            c,
          )} in a string (JSON requires it escaped)`,
        );
      else if (c >= 0x7f && c <= 0x9f && !this.allowControlChars)
        throw this.errorAt(
          i,
          `control character ${charName(
            c,
          )} in a string, which reports must not contain`,
        );
    }
    return -1;
  }

  /** The character `code` written as the escape `escape` at `offset`, unless it is refused. */
  private control(offset: number, code: number, escape: string): string {
    if (!this.allowControlChars && isRefusedControl(code)) {
      throw this.errorAt(
        offset,
        `the escape "${escape}" stands for the control character ${charName(
          code,
        )}, which reports must not contain`,
      );
    }
    return String.fromCharCode(code);
  }

  private unescape(from: number, to: number): string {
    const buf = this.buf;
    // stringEnd saw every character: without an escape, no search for one (which would run to
    // the next backslash of the buffer, often its end).
    if (!this.escaped) return buf.slice(from, to);
    const bs = buf.indexOf('\\', from);
    if (bs === -1 || bs >= to) return buf.slice(from, to);
    let out = '';
    let last = from;
    for (let i = bs; i < to; i++) {
      if (buf.charCodeAt(i) !== 92) continue;
      out += buf.slice(last, i);
      const e = buf[i + 1];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out += e;
          break;
        case 'b':
          out += this.control(i, 8, '\\b');
          break;
        case 'f':
          out += this.control(i, 12, '\\f');
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += this.control(i, 13, '\\r');
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          const hex = buf.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex))
            throw this.errorAt(i, 'invalid JSON: bad \\u escape');
          out += this.control(i, parseInt(hex, 16), `\\u${hex}`);
          i += 4;
          break;
        }
        default:
          throw this.errorAt(
            i,
            `invalid JSON: bad escape "\\${excerpt(e ?? '')}"`,
          );
      }
      i++;
      last = i + 1;
    }
    return out + buf.slice(last, to);
  }
}
