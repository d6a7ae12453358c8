import { z } from 'zod';

/**
 * The one rule for control characters, shared by the request schemas, the report ingestion and
 * the card's forms: C0 control characters and DEL are refused; tab and line feed only where the
 * text may span lines (a comment, a test's failure message), never in a one-line value (a branch,
 * a name, a path).
 */

// eslint-disable-next-line no-control-regex
const ANY_CONTROL = /[\u0000-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_TAB_AND_LINE_FEED = /[\u0000-\u0008\u000b-\u001f\u007f]/;

/** How a control character is named in messages: `U+0000`. @public */
export function describeCharacter(char: string): string {
  return `U+${char
    .codePointAt(0)!
    .toString(16)
    .toUpperCase()
    .padStart(4, '0')}`;
}

/**
 * The first control character of `text` that the rule refuses, or `undefined`.
 * With `multiline`, tab and line feed are allowed.
 * @public
 */
export function findControlCharacter(
  text: string,
  options: { multiline?: boolean } = {},
): { index: number; char: string } | undefined {
  const pattern = options.multiline
    ? CONTROL_BUT_TAB_AND_LINE_FEED
    : ANY_CONTROL;
  const match = pattern.exec(text);
  return match ? { index: match.index, char: match[0] } : undefined;
}

/**
 * A reason a user gives for a change (accepting a risk, overriding a gate, rolling back): 1 to
 * 1000 characters after trimming, tab and line feed allowed, other control characters refused.
 * @public
 */
export const reasonSchema = z
  .string()
  .trim()
  .min(1, 'reason must not be empty')
  .max(1000, 'reason must be at most 1000 characters')
  .refine(
    s => !findControlCharacter(s, { multiline: true }),
    'reason must not contain control characters other than tab and line feed',
  );
