import { parseCount } from '../common';
import { XmlScanner } from './XmlScanner';

/**
 * The source line number of a `<line>` element (`number` in Cobertura, `num` in Clover): a
 * non-negative integer, else an error at the element.
 */
export function lineNumberAttr(s: XmlScanner, name: string): number {
  const attr = s.attr(name);
  const n = parseCount(attr);
  if (n < 0) {
    throw s.error(
      attr === undefined
        ? `<line> without a ${name} attribute`
        : `invalid line ${name}="${attr}"`,
    );
  }
  return n;
}

/**
 * The execution count of a `<line>` element (`hits` in Cobertura, `count` in Clover): a
 * non-negative number; some producers write large counts in exponent or decimal notation.
 */
export function lineCountAttr(
  s: XmlScanner,
  name: string,
  lineNumber: number,
  numberName: string,
): number {
  const attr = s.attr(name);
  const n = parseCount(attr);
  if (n >= 0) return n;
  const v = Number(attr);
  if (attr === undefined || attr.trim() === '' || !(v >= 0)) {
    throw s.error(
      attr === undefined
        ? `<line ${numberName}="${lineNumber}"> without a ${name} attribute`
        : `invalid ${name}="${attr}" on line ${lineNumber}`,
    );
  }
  return v;
}
