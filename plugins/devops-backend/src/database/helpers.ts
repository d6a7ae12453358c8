/**
 * Knex helpers shared by every store: chunking under the bind-parameter limits, time
 * conversions between the columns and the API, and the unique-violation test both databases need.
 */

/** Rows per INSERT statement: well under SQLite's and PostgreSQL's bind-parameter limits. */
export const INSERT_CHUNK = 500;
/** Values per `IN (...)` list. */
export const IN_CHUNK = 500;

/** `items` in consecutive slices of at most `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    out.push(items.slice(i, i + size));
  }
  return out;
}

/**
 * A timestamp column as ISO 8601: a Date (PostgreSQL), epoch milliseconds (bigint columns, which
 * PostgreSQL hands back as strings), or SQLite's 'YYYY-MM-DD HH:MM:SS' (UTC) text.
 */
export function toIso(value: Date | string | number): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number') return new Date(value).toISOString();
  if (/^\d+$/.test(value)) return new Date(Number(value)).toISOString();
  const normalized = /^\d{4}-\d{2}-\d{2} \d/.test(value)
    ? `${value.replace(' ', 'T')}${/Z|[+-]\d\d:?\d\d$/.test(value) ? '' : 'Z'}`
    : value;
  return new Date(normalized).toISOString();
}

/** An epoch-milliseconds column (bigint, a string on PostgreSQL) as ISO 8601, keeping null. */
export function msToIso(value: number | string | null): string | null {
  return value === null ? null : new Date(Number(value)).toISOString();
}

/** Whether a write failed on a unique constraint, on PostgreSQL or SQLite. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return (
    e?.code === '23505' ||
    e?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    /UNIQUE constraint failed/i.test(e?.message ?? '')
  );
}
