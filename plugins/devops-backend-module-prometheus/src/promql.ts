/**
 * The label that tags the series of an entity with a custom selector in the combined query. It
 * names no real label, so grouping by it when no environment label is configured groups
 * everything together.
 */
export const ENTITY_LABEL = 'devops_entity';

/** A valid Prometheus label name. */
export const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * The Prometheus duration syntax of a range (`5m`, `1h30m`, `90s`, `500ms`): units from largest
 * to smallest, each at most once.
 */
const DURATION =
  /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

/** True when the text is a positive Prometheus duration. */
export function isPromDuration(text: string): boolean {
  const match = DURATION.exec(text);
  return (
    !!match && text.length > 0 && match.slice(1).some(n => n && Number(n) > 0)
  );
}

/** A PromQL double-quoted string literal holding the text. */
export function promString(text: string): string {
  return `"${text
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')}"`;
}

/** Escapes the RE2 metacharacters of a literal. */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** One label matcher of a selector. */
export interface LabelMatcher {
  label: string;
  op: '=' | '!=' | '=~' | '!~';
  /** The literal as written, quotes included. */
  literal: string;
}

const MATCHER =
  /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`[^`]*`)\s*/y;

/**
 * Parses PromQL label matchers such as `app="checkout", namespace=~"shop|store"` (what goes
 * between a selector's braces). Throws an `Error` saying what is wrong.
 */
export function parseLabelMatchers(text: string): LabelMatcher[] {
  const matchers: LabelMatcher[] = [];
  let at = 0;
  const source = text.trim().replace(/^\{([\s\S]*)\}$/, '$1');
  while (at < source.length) {
    MATCHER.lastIndex = at;
    const match = MATCHER.exec(source);
    if (!match) {
      throw new Error(
        `expected a label matcher such as app="checkout" at '${source.slice(
          at,
          at + 30,
        )}'`,
      );
    }
    matchers.push({
      label: match[1],
      op: match[2] as LabelMatcher['op'],
      literal: match[3],
    });
    at = MATCHER.lastIndex;
    if (at < source.length) {
      if (source[at] !== ',') {
        throw new Error(
          `expected ',' between label matchers at '${source.slice(
            at,
            at + 30,
          )}'`,
        );
      }
      at++;
      if (!source.slice(at).trim()) {
        break;
      }
    }
  }
  if (matchers.length === 0) {
    throw new Error('no label matcher given');
  }
  return matchers;
}

/** Writes matchers back as the inside of a selector's braces. */
export function formatLabelMatchers(matchers: LabelMatcher[]): string {
  return matchers.map(m => `${m.label}${m.op}${m.literal}`).join(',');
}
