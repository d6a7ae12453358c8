import { FreezeWindow } from './types';

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;

function isTimeZone(zone: string): boolean {
  try {
    return Boolean(new Intl.DateTimeFormat('en', { timeZone: zone }));
  } catch {
    return false;
  }
}

/** One freeze window: `{ name, start, end }` or `{ name, days, from, to, timeZone? }`. */
export function readFreezeWindow(raw: unknown, key: string): FreezeWindow {
  const fail = (problem: string): never => {
    throw new Error(`Invalid config at ${key}: ${problem}`);
  };
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    return fail(`expected a freeze window object, got ${JSON.stringify(raw)}`);
  }
  const w = raw as Record<string, unknown>;
  if (typeof w.name !== 'string' || !w.name.trim()) {
    fail('name must be a non-empty string');
  }
  const name = (w.name as string).trim();
  if (w.start !== undefined || w.end !== undefined) {
    const date = (field: 'start' | 'end') => {
      const value = w[field];
      const parsed =
        typeof value === 'string' &&
        /T.*(Z|[+-]\d\d:?\d\d)$/.test(value) &&
        new Date(value);
      if (!parsed || Number.isNaN(parsed.getTime())) {
        return fail(
          `${field} must be an ISO 8601 time with a time zone, such as 2026-12-24T00:00:00Z, got ${JSON.stringify(
            value,
          )}`,
        );
      }
      return parsed;
    };
    const start = date('start');
    const end = date('end');
    if (end.getTime() <= start.getTime()) {
      fail(`end ${w.end} must be after start ${w.start}`);
    }
    return { name, start, end };
  }
  const days = w.days;
  if (
    !Array.isArray(days) ||
    days.length === 0 ||
    days.some(d => !Number.isInteger(d) || d < 1 || d > 7)
  ) {
    fail(
      `days must be a list of ISO weekdays from 1 (Monday) to 7 (Sunday), got ${JSON.stringify(
        days,
      )}; or give start and end for a fixed window`,
    );
  }
  for (const field of ['from', 'to'] as const) {
    if (typeof w[field] !== 'string' || !HH_MM.test(w[field] as string)) {
      fail(`${field} must be a time HH:MM, got ${JSON.stringify(w[field])}`);
    }
  }
  const timeZone = w.timeZone ?? 'UTC';
  if (typeof timeZone !== 'string' || !isTimeZone(timeZone)) {
    fail(
      `timeZone must be an IANA time zone such as Europe/Berlin, got ${JSON.stringify(
        timeZone,
      )}`,
    );
  }
  return {
    name,
    days: [...new Set(days as number[])].sort((a, b) => a - b),
    from: w.from as string,
    to: w.to as string,
    timeZone: timeZone as string,
  };
}
