import { InputError } from '@backstage/errors';
import {
  charName,
  countNewlines,
  decodeChunks,
  excerpt,
  reportError,
} from '../common';

/** Receives the elements of a document as the scanner meets them. */
export interface XmlHandler {
  /**
   * A start tag (or an empty-element tag, followed at once by `close`). Attributes are read with
   * `scanner.attr(name)` during the call; `scanner.parent()` is the enclosing element.
   */
  open(scanner: XmlScanner, name: string): void;
  close(scanner: XmlScanner, name: string): void;
  /** Character data (entities decoded, CDATA included), delivered only while `scanner.wantText`. */
  text?(scanner: XmlScanner, text: string): void;
}

const LT = 60; // <
const GT = 62; // >
const SLASH = 47; // /
const BANG = 33; // !
const QMARK = 63; // ?
const EQ = 61; // =
const DQUOTE = 34; // "
const SQUOTE = 39; // '

const MODE_CONTENT = 0;
const MODE_COMMENT = 1;
const MODE_CDATA = 2;

/**
 * Longest markup token (tag, declaration, processing instruction) accepted: large enough for
 * the long `message` attributes some JUnit producers write, small enough to bound memory.
 */
const MAX_TOKEN = 4 << 20;
/** Deepest element nesting accepted. */
const MAX_DEPTH = 512;
/** Most attributes on one element. */
const MAX_ATTRS = 256;

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13;
}

function isNameStart(c: number): boolean {
  return (
    (c >= 97 && c <= 122) ||
    (c >= 65 && c <= 90) ||
    c === 95 ||
    c === 58 ||
    c >= 0xc0
  );
}

function isNameChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) ||
    (c >= 65 && c <= 90) ||
    (c >= 48 && c <= 57) ||
    c === 95 ||
    c === 58 ||
    c === 45 ||
    c === 46 ||
    c === 0xb7 ||
    c >= 0xc0
  );
}

/** Up to 30 characters of `buf` from `start`, stopping at a line break. */
function firstLine(buf: string, start: number, end: number): string {
  const s = buf.slice(start, Math.min(end, start + 30));
  const nl = s.search(/[\r\n]/);
  return nl === -1 ? s : s.slice(0, nl);
}

/**
 * Candidates for characters outside XML 1.0's `Char` production (#x9 | #xA | #xD |
 * [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]) as UTF-16: C0 controls other than tab,
 * LF and CR, U+FFFE, U+FFFF, and surrogates (legal only in pairs, checked one by one). A plain
 * character class without the `u` flag keeps the search on V8's fast path.
 */
const CHAR_CANDIDATE =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\ufffe\uffff]/g;

function isXmlChar(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

/**
 * A streaming, non-validating XML scanner specialised for report files.
 *
 * Safety: it never expands a user-defined entity and never reads anything outside the document.
 * A DOCTYPE is accepted (`SYSTEM`/`PUBLIC` identifiers are ignored, nothing is fetched) unless its
 * internal subset declares entities, which is refused (entity expansion, external entities). Only
 * the five predefined entities and numeric character references are decoded; any other entity
 * reference is an error. Tokens, nesting depth and attribute counts are bounded.
 *
 * Well-formedness: tag names must match, the document must hold exactly one root element of the
 * expected name, nothing but whitespace, comments and processing instructions may stand outside
 * it, and a truncated document is detected. Errors name the line.
 *
 * Memory: only the unconsumed tail of the last chunk and the stack of open element names are kept.
 */
export class XmlScanner {
  /** While true, character data inside the root is decoded and passed to `handler.text`. */
  wantText = false;

  private buf = '';
  private pos = 0;
  /** Line number of `buf[0]`. */
  private lineBase = 1;
  private tokenStart = 0;
  private mode = MODE_CONTENT;
  private readonly stack: string[] = [];
  private sawRoot = false;
  private sawDoctype = false;
  private sawAnything = false;
  // Attributes of the current start tag, as offsets into `buf`.
  private attrCount = 0;
  private readonly attrNameStart: number[] = [];
  private readonly attrNameEnd: number[] = [];
  private readonly attrValueStart: number[] = [];
  private readonly attrValueEnd: number[] = [];
  private readonly attrHasAmp: boolean[] = [];

  constructor(
    private readonly label: string,
    private readonly roots: readonly string[],
    private readonly handler: XmlHandler,
  ) {}

  /** Feeds the next piece of text. */
  write(chunk: string): void {
    if (this.pos > 0) this.lineBase += countNewlines(this.buf, 0, this.pos);
    const rest = this.pos < this.buf.length ? this.buf.slice(this.pos) : '';
    // join() builds a flat string; `rest + chunk` would be a rope that every access walks through.
    this.buf = rest.length > 0 ? [rest, chunk].join('') : chunk;
    this.pos = 0;
    this.ampCursor = -2;
    this.ltCursor = -2;
    this.checkChars(rest.length);
    this.run(false);
  }

  /** Signals the end of the document and checks that it is complete. */
  end(): void {
    if (this.pendingHighSurrogate) {
      throw this.errorAt(
        this.buf.length,
        'character U+D800-U+DBFF (an unpaired surrogate) is not allowed in XML',
      );
    }
    this.run(true);
    if (this.mode === MODE_COMMENT) {
      throw this.errorAt(
        this.buf.length,
        'unexpected end of document inside a comment',
      );
    }
    if (this.mode === MODE_CDATA) {
      throw this.errorAt(
        this.buf.length,
        'unexpected end of document inside a CDATA section',
      );
    }
    if (this.stack.length > 0) {
      throw this.errorAt(
        this.buf.length,
        `unexpected end of document inside <${
          this.stack[this.stack.length - 1]
        }>`,
      );
    }
    if (!this.sawRoot) {
      throw this.errorAt(
        this.buf.length,
        `no root element, expected <${this.roots.join('> or <')}>`,
      );
    }
  }

  // Positions of the next '&' and '<' in `buf` (-1: none up to its end), so that repeated
  // searches stay linear over the whole buffer.
  private ampCursor = -2;
  private ampFrom = 0;
  private ltCursor = -2;
  private ltFrom = 0;

  /** Offset of the first '&' at or after `from` in `buf`, or -1. */
  private nextAmp(from: number): number {
    if (
      this.ampCursor === -2 ||
      from < this.ampFrom ||
      (this.ampCursor !== -1 && this.ampCursor < from)
    ) {
      this.ampCursor = this.buf.indexOf('&', from);
      this.ampFrom = from;
    }
    return this.ampCursor;
  }

  /** Offset of the first '<' at or after `from` in `buf`, or -1. */
  private nextLt(from: number): number {
    if (
      this.ltCursor === -2 ||
      from < this.ltFrom ||
      (this.ltCursor !== -1 && this.ltCursor < from)
    ) {
      this.ltCursor = this.buf.indexOf('<', from);
      this.ltFrom = from;
    }
    return this.ltCursor;
  }

  /** The previous chunk ended with a high surrogate whose low half is in the next chunk. */
  private pendingHighSurrogate = false;

  /**
   * Refuses any character outside XML's `Char` production in the text added at `from` (names,
   * attribute values, text, CDATA, comments, declarations alike). The markup before it is scanned
   * first, so that the first problem in document order is the one reported, whatever the chunking.
   */
  private checkChars(from: number): void {
    const buf = this.buf;
    const re = CHAR_CANDIDATE;
    re.lastIndex = from;
    let bad = -1;
    let name = '';
    if (
      this.pendingHighSurrogate &&
      from < buf.length &&
      (buf.charCodeAt(from) & 0xfc00) !== 0xdc00
    ) {
      // The previous chunk ended with a high surrogate that nothing completes.
      bad = from;
      name = 'U+D800-U+DBFF (an unpaired surrogate)';
    }
    for (let m = bad === -1 ? re.exec(buf) : null; m; m = re.exec(buf)) {
      const i = m.index;
      const c = buf.charCodeAt(i);
      if ((c & 0xfc00) === 0xd800) {
        // A high surrogate: legal before a low one, or at the end, before the next chunk.
        if (i + 1 === buf.length) {
          this.pendingHighSurrogate = true;
          return;
        }
        if ((buf.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
          re.lastIndex = i + 2;
          continue;
        }
      } else if (
        (c & 0xfc00) === 0xdc00 &&
        i === from &&
        this.pendingHighSurrogate
      ) {
        // The low half of a pair split by the previous chunk.
        this.pendingHighSurrogate = false;
        continue;
      }
      bad = i;
      break;
    }
    this.pendingHighSurrogate = false;
    if (bad === -1) return;
    const line = this.lineAt(bad);
    name ||= charName(buf.codePointAt(bad) ?? 0);
    // Report earlier problems first: scan what precedes the character as if the input ended there.
    this.buf = buf.slice(0, bad);
    this.run(false);
    if (!this.sawAnything && !/\S/.test(this.buf)) {
      // Binary data (a gzip body sent without Content-Encoding, an image...).
      throw reportError(
        this.label,
        line,
        `not an XML document (it starts with "${excerpt(
          firstLine(buf, bad, buf.length),
        )}")`,
      );
    }
    throw reportError(
      this.label,
      line,
      `character ${name} is not allowed in XML (XML 1.0 allows tab, line feed, carriage return and characters from U+0020, except U+FFFE, U+FFFF and unpaired surrogates)`,
    );
  }

  /** Value of an attribute of the start tag being reported, entities decoded. */
  attr(name: string): string | undefined {
    const buf = this.buf;
    const len = name.length;
    for (let k = 0; k < this.attrCount; k++) {
      const s = this.attrNameStart[k];
      if (this.attrNameEnd[k] - s === len && buf.startsWith(name, s)) {
        const raw = buf.slice(this.attrValueStart[k], this.attrValueEnd[k]);
        return this.attrHasAmp[k]
          ? this.decode(raw, this.attrValueStart[k])
          : raw;
      }
    }
    return undefined;
  }

  /** The element enclosing the one being opened or closed. */
  parent(): string | undefined {
    return this.stack[this.stack.length - 1];
  }

  /** Current nesting depth (number of open elements, not counting the one being reported). */
  depth(): number {
    return this.stack.length;
  }

  /** Line number of the markup being reported. */
  line(): number {
    return this.lineAt(this.tokenStart);
  }

  /** An `InputError` located at the markup being reported. */
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

  /** The input has ended (set by `end()`): nothing more will arrive to complete a token. */
  private final = false;

  private run(final: boolean): void {
    this.final = final;
    const buf = this.buf;
    const len = buf.length;
    let pos = this.pos;
    while (pos < len) {
      if (this.mode !== MODE_CONTENT) {
        pos = this.runSection(pos, final);
        if (this.mode !== MODE_CONTENT) break;
        continue;
      }
      if (buf.charCodeAt(pos) !== LT) {
        const lt = buf.indexOf('<', pos);
        if (lt === -1) {
          if (!final && this.stack.length === 0 && this.excerptCut(pos, len)) {
            // Text outside the root: wait for the whole first line of it, so that the error
            // quotes the same text however the input is cut.
            break;
          }
          let end = len;
          if (!final && this.stack.length > 0) {
            // Hold back a possibly incomplete entity reference.
            const amp = buf.lastIndexOf('&', len - 1);
            if (amp >= pos && buf.indexOf(';', amp) === -1) {
              if (len - amp > 64) {
                throw this.errorAt(
                  amp,
                  `unterminated entity reference "${excerpt(
                    buf.slice(amp, amp + 12),
                  )}"`,
                );
              }
              end = amp;
            }
          }
          this.chars(pos, end);
          pos = end;
          break;
        }
        this.chars(pos, lt);
        pos = lt;
      }
      this.tokenStart = pos;
      if (pos + 1 >= len) {
        if (final)
          throw this.errorAt(pos, 'unexpected end of document inside a tag');
        break;
      }
      const c = buf.charCodeAt(pos + 1);
      let next: number;
      if (c === SLASH) {
        next = this.endTag(pos);
      } else if (c === BANG) {
        next = this.bang(pos, len);
      } else if (c === QMARK) {
        next = this.processingInstruction(pos);
      } else {
        next = this.startTag(pos, len);
      }
      if (next < 0) {
        if (final) {
          throw this.errorAt(
            pos,
            this.stack.length > 0
              ? `unexpected end of document inside <${
                  this.stack[this.stack.length - 1]
                }>`
              : 'unexpected end of document inside a tag',
          );
        }
        if (len - pos > MAX_TOKEN) {
          throw this.errorAt(pos, `markup longer than ${MAX_TOKEN} characters`);
        }
        break;
      }
      this.sawAnything = true;
      pos = next;
    }
    this.pos = pos;
  }

  /**
   * Whether the first non-space character in `buf[pos..len)` starts an excerpt (see `firstLine`)
   * that the end of the buffer cuts short.
   */
  private excerptCut(pos: number, len: number): boolean {
    const buf = this.buf;
    let i = pos;
    while (i < len && isSpace(buf.charCodeAt(i))) i++;
    if (i === len || i + 30 <= len) return false;
    return !/[\r\n]/.test(buf.slice(i, len));
  }

  /**
   * Whether an error quoting `buf[pos..pos+12)` must wait for more input to quote the same text
   * however the input is cut.
   */
  private shortOfExcerpt(pos: number, len: number): boolean {
    return !this.final && pos + 12 > len;
  }

  /** Comment or CDATA content, possibly spread over several chunks. */
  private runSection(pos: number, final: boolean): number {
    const buf = this.buf;
    const terminator = this.mode === MODE_COMMENT ? '-->' : ']]>';
    const end = buf.indexOf(terminator, pos);
    if (end === -1) {
      // Keep the last two characters: they may begin the terminator.
      const keep = final ? buf.length : Math.max(pos, buf.length - 2);
      if (this.mode === MODE_CDATA) this.deliver(buf.slice(pos, keep));
      return keep;
    }
    if (this.mode === MODE_CDATA) this.deliver(buf.slice(pos, end));
    this.mode = MODE_CONTENT;
    return end + 3;
  }

  private deliver(text: string): void {
    if (this.wantText && text.length > 0 && this.handler.text) {
      this.handler.text(this, text);
    }
  }

  /** Character data between `start` and `end`. */
  private chars(start: number, end: number): void {
    if (start >= end) return;
    const buf = this.buf;
    if (this.stack.length === 0) {
      for (let i = start; i < end; i++) {
        if (!isSpace(buf.charCodeAt(i))) {
          if (this.sawRoot) {
            throw this.errorAt(i, 'text after the root element');
          }
          throw this.errorAt(
            i,
            this.sawAnything
              ? `text before the root element: "${excerpt(
                  firstLine(buf, i, end),
                )}"`
              : `not an XML document (it starts with "${excerpt(
                  firstLine(buf, i, end),
                )}")`,
          );
        }
      }
      return;
    }
    let amp = this.nextAmp(start);
    if (amp >= end) amp = -1;
    const hasAmp = amp !== -1;
    if (this.wantText && this.handler.text) {
      const raw = buf.slice(start, end);
      this.handler.text(this, hasAmp ? this.decode(raw, start) : raw);
    } else if (hasAmp) {
      // Not needed, but still checked: unknown entities are refused everywhere.
      this.decode(buf.slice(amp, end), amp);
    }
  }

  /** Decodes the predefined entities and character references of `raw` (found at `offset`). */
  private decode(raw: string, offset: number): string {
    let out = '';
    let last = 0;
    let amp = raw.indexOf('&');
    while (amp !== -1) {
      const semi = raw.indexOf(';', amp + 1);
      if (semi === -1 || semi - amp > 12) {
        throw this.errorAt(
          offset + amp,
          `unterminated entity reference "${excerpt(
            raw.slice(amp, amp + 12),
          )}"`,
        );
      }
      const ref = raw.slice(amp + 1, semi);
      let rep: string;
      switch (ref) {
        case 'lt':
          rep = '<';
          break;
        case 'gt':
          rep = '>';
          break;
        case 'amp':
          rep = '&';
          break;
        case 'quot':
          rep = '"';
          break;
        case 'apos':
          rep = "'";
          break;
        default: {
          let cp = NaN;
          if (/^#[0-9]+$/.test(ref)) cp = parseInt(ref.slice(1), 10);
          else if (/^#x[0-9a-fA-F]+$/.test(ref))
            cp = parseInt(ref.slice(2), 16);
          else {
            throw this.errorAt(
              offset + amp,
              `unknown entity "&${excerpt(
                ref,
              )};" (only &lt; &gt; &amp; &quot; &apos; and character references are allowed)`,
            );
          }
          if (!isXmlChar(cp)) {
            throw this.errorAt(
              offset + amp,
              `character reference "&${excerpt(ref)};" (${
                Number.isFinite(cp) && cp <= 0x10ffff
                  ? charName(cp)
                  : 'out of range'
              }) is not a character XML allows`,
            );
          }
          rep = String.fromCodePoint(cp);
        }
      }
      out += raw.slice(last, amp) + rep;
      last = semi + 1;
      amp = raw.indexOf('&', last);
    }
    return out + raw.slice(last);
  }

  private readName(from: number, len: number): number {
    const buf = this.buf;
    let i = from;
    while (i < len && isNameChar(buf.charCodeAt(i))) i++;
    return i;
  }

  private startTag(pos: number, len: number): number {
    const buf = this.buf;
    if (!isNameStart(buf.charCodeAt(pos + 1))) {
      if (this.shortOfExcerpt(pos, len)) return -1;
      throw this.errorAt(
        pos,
        `invalid markup "${excerpt(buf.slice(pos, pos + 12))}"`,
      );
    }
    const nameEnd = this.readName(pos + 2, len);
    if (nameEnd >= len) return -1;
    let i = nameEnd;
    let selfClosing = false;
    this.attrCount = 0;
    for (;;) {
      const before = i;
      while (i < len && isSpace(buf.charCodeAt(i))) i++;
      if (i >= len) return -1;
      const c = buf.charCodeAt(i);
      if (c === GT) {
        i++;
        break;
      }
      if (c === SLASH) {
        if (i + 1 >= len) return -1;
        if (buf.charCodeAt(i + 1) !== GT) {
          throw this.errorAt(
            i,
            `expected "/>" in <${buf.slice(pos + 1, nameEnd)}>`,
          );
        }
        selfClosing = true;
        i += 2;
        break;
      }
      if (i === before || !isNameStart(c)) {
        if (!this.final && i + 20 > len) return -1;
        throw this.errorAt(
          i,
          `malformed attribute in <${buf.slice(
            pos + 1,
            nameEnd,
          )}> near "${excerpt(buf.slice(i, i + 20))}"`,
        );
      }
      const an = i;
      i = this.readName(i + 1, len);
      const anEnd = i;
      while (i < len && isSpace(buf.charCodeAt(i))) i++;
      if (i >= len) return -1;
      if (buf.charCodeAt(i) !== EQ) {
        throw this.errorAt(
          i,
          `expected "=" after attribute ${buf.slice(an, anEnd)} in <${buf.slice(
            pos + 1,
            nameEnd,
          )}>`,
        );
      }
      i++;
      while (i < len && isSpace(buf.charCodeAt(i))) i++;
      if (i >= len) return -1;
      const q = buf.charCodeAt(i);
      if (q !== DQUOTE && q !== SQUOTE) {
        throw this.errorAt(
          i,
          `attribute ${buf.slice(an, anEnd)} in <${buf.slice(
            pos + 1,
            nameEnd,
          )}> has no quoted value`,
        );
      }
      const vs = i + 1;
      // Native searches: a per-character loop costs several times more.
      const j = buf.indexOf(q === DQUOTE ? '"' : "'", vs);
      if (j === -1) return -1;
      const lt = this.nextLt(vs);
      if (lt !== -1 && lt < j) {
        throw this.errorAt(
          lt,
          `"<" in the value of attribute ${buf.slice(
            an,
            anEnd,
          )} (unterminated value?)`,
        );
      }
      const amp = this.nextAmp(vs);
      const hasAmp = amp !== -1 && amp < j;
      // Entity and character references are checked whether or not the value is read.
      if (hasAmp) this.decode(buf.slice(amp, j), amp);
      this.addAttribute(pos, an, anEnd, vs, j, hasAmp);
      i = j + 1;
    }
    const name = buf.slice(pos + 1, nameEnd);
    const stack = this.stack;
    if (stack.length === 0) {
      if (this.sawRoot) {
        throw this.errorAt(
          pos,
          `a second root element <${name}> after the end of the first`,
        );
      }
      if (!this.roots.includes(name)) {
        throw this.errorAt(
          pos,
          `expected <${this.roots.join(
            '> or <',
          )}> root element, found <${name}>`,
        );
      }
      this.sawRoot = true;
    } else if (stack.length >= MAX_DEPTH) {
      throw this.errorAt(pos, `elements nested deeper than ${MAX_DEPTH}`);
    }
    this.handler.open(this, name);
    if (selfClosing) {
      this.attrCount = 0;
      this.handler.close(this, name);
    } else {
      stack.push(name);
    }
    this.attrCount = 0;
    return i;
  }

  private addAttribute(
    tagStart: number,
    an: number,
    anEnd: number,
    vs: number,
    ve: number,
    hasAmp: boolean,
  ): void {
    const buf = this.buf;
    const k = this.attrCount;
    if (k >= MAX_ATTRS) {
      throw this.errorAt(
        tagStart,
        `more than ${MAX_ATTRS} attributes on one element`,
      );
    }
    const len = anEnd - an;
    for (let m = 0; m < k; m++) {
      const ms = this.attrNameStart[m];
      if (
        this.attrNameEnd[m] - ms === len &&
        buf.startsWith(buf.slice(an, anEnd), ms)
      ) {
        throw this.errorAt(an, `duplicate attribute ${buf.slice(an, anEnd)}`);
      }
    }
    this.attrNameStart[k] = an;
    this.attrNameEnd[k] = anEnd;
    this.attrValueStart[k] = vs;
    this.attrValueEnd[k] = ve;
    this.attrHasAmp[k] = hasAmp;
    this.attrCount = k + 1;
  }

  private endTag(pos: number): number {
    const buf = this.buf;
    const gt = buf.indexOf('>', pos + 2);
    if (gt === -1) return -1;
    let e = gt;
    while (e > pos + 2 && isSpace(buf.charCodeAt(e - 1))) e--;
    const top = this.stack.pop();
    // The usual case, compared in place: the name of the open element.
    if (
      top !== undefined &&
      e - pos - 2 === top.length &&
      buf.startsWith(top, pos + 2)
    ) {
      this.handler.close(this, top);
      return gt + 1;
    }
    const name = buf.slice(pos + 2, e);
    if (top === undefined) {
      throw this.errorAt(
        pos,
        `closing tag </${excerpt(name)}> without a matching start tag`,
      );
    }
    if (top !== name) {
      throw this.errorAt(
        pos,
        `mismatched tag: expected </${top}>, found </${excerpt(name)}>`,
      );
    }
    this.handler.close(this, name);
    return gt + 1;
  }

  private bang(pos: number, len: number): number {
    const buf = this.buf;
    if (buf.startsWith('<!--', pos)) {
      this.mode = MODE_COMMENT;
      return pos + 4;
    }
    if (buf.startsWith('<![CDATA[', pos)) {
      if (this.stack.length === 0) {
        throw this.errorAt(pos, 'CDATA section outside the root element');
      }
      this.mode = MODE_CDATA;
      return pos + 9;
    }
    if (buf.startsWith('<!DOCTYPE', pos)) {
      return this.doctype(pos, len);
    }
    const avail = buf.slice(pos, Math.min(len, pos + 9));
    if (
      avail.length < 9 &&
      ('<!--'.startsWith(avail) ||
        '<![CDATA['.startsWith(avail) ||
        '<!DOCTYPE'.startsWith(avail))
    ) {
      return -1;
    }
    if (this.shortOfExcerpt(pos, len)) return -1;
    if (/^<!ENTITY/i.test(buf.slice(pos, pos + 8))) {
      throw this.errorAt(
        pos,
        'entity declarations are refused (outside a DOCTYPE, too)',
      );
    }
    throw this.errorAt(
      pos,
      `invalid markup "${excerpt(buf.slice(pos, pos + 12))}"`,
    );
  }

  private doctype(pos: number, len: number): number {
    const buf = this.buf;
    if (this.sawRoot) {
      throw this.errorAt(pos, 'DOCTYPE after the root element');
    }
    if (this.sawDoctype) {
      throw this.errorAt(pos, 'a second DOCTYPE');
    }
    let quote = 0;
    let subsetStart = -1;
    let subsetEnd = -1;
    let end = -1;
    for (let i = pos + 9; i < len; i++) {
      const c = buf.charCodeAt(i);
      if (quote !== 0) {
        if (c === quote) quote = 0;
        continue;
      }
      if (c === DQUOTE || c === SQUOTE) {
        quote = c;
      } else if (subsetStart !== -1 && subsetEnd === -1) {
        if (c === 93 /* ] */) subsetEnd = i;
        else if (c === LT && buf.startsWith('<!--', i)) {
          const close = buf.indexOf('-->', i + 4);
          if (close === -1) return -1;
          i = close + 2;
        }
      } else if (c === 91 /* [ */) {
        subsetStart = i;
      } else if (c === GT) {
        end = i;
        break;
      }
    }
    if (end === -1) return -1;
    if (subsetStart !== -1) {
      const subset = buf.slice(
        subsetStart + 1,
        subsetEnd === -1 ? end : subsetEnd,
      );
      if (/<!ENTITY/i.test(subset)) {
        throw this.errorAt(
          pos,
          'the DOCTYPE declares entities (<!ENTITY ...>): entity declarations are refused to prevent entity-expansion ("billion laughs") and external-entity (XXE) attacks',
        );
      }
      if (/%[A-Za-z_:]/.test(subset)) {
        throw this.errorAt(
          pos,
          'the DOCTYPE uses parameter entities, which are refused',
        );
      }
    }
    this.sawDoctype = true;
    return end + 1;
  }

  private processingInstruction(pos: number): number {
    const buf = this.buf;
    const end = buf.indexOf('?>', pos + 2);
    if (end === -1) return -1;
    const target = /^[^\s?]*/.exec(
      buf.slice(pos + 2, Math.min(end, pos + 40)),
    )![0];
    if (target.toLowerCase() === 'xml') {
      if (this.sawAnything || this.lineBase !== 1 || pos !== 0) {
        // Only whitespace-free start is allowed, but be lenient about leading whitespace.
        if (this.sawAnything || /\S/.test(buf.slice(0, pos))) {
          throw this.errorAt(
            pos,
            'XML declaration not at the start of the document',
          );
        }
      }
    } else if (target.length === 0) {
      throw this.errorAt(pos, 'processing instruction without a target');
    }
    return end + 2;
  }
}

/**
 * Runs a scanner over a stream of report chunks. `label` prefixes error messages (for example
 * `Cobertura XML`), `roots` lists the accepted root element names.
 */
export async function scanXml(
  input: AsyncIterable<Buffer | Uint8Array | string>,
  label: string,
  roots: readonly string[],
  handler: XmlHandler,
): Promise<void> {
  const scanner = new XmlScanner(label, roots, handler);
  for await (const text of decodeChunks(input, label, {
    sniffXmlEncoding: true,
  })) {
    scanner.write(text);
  }
  scanner.end();
}
