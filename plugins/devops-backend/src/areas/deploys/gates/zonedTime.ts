/**
 * Wall-clock time in an IANA time zone with the platform's `Intl` data only (no dependency):
 * what a weekly freeze window needs to know where "now" falls in the zone's week, and when a
 * window ends as an instant.
 */

/** A wall-clock time in a zone: date, ISO weekday 1 (Monday) .. 7 (Sunday), minute of the day. */
export interface LocalTime {
  year: number;
  month: number;
  day: number;
  weekday: number;
  minuteOfDay: number;
}

const WEEKDAYS: Record<string, number> = {
  Mon: 1,
  Tue: 2,
  Wed: 3,
  Thu: 4,
  Fri: 5,
  Sat: 6,
  Sun: 7,
};

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Throws a `RangeError` for an unknown time zone. */
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall-clock time of `at` in `timeZone`. */
export function localTime(at: Date, timeZone: string): LocalTime {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(at)) {
    parts[p.type] = p.value;
  }
  // Some ICU versions answer 24 for midnight even with h23.
  const hour = Number(parts.hour) % 24;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    weekday: WEEKDAYS[parts.weekday],
    minuteOfDay: hour * 60 + Number(parts.minute),
  };
}

/**
 * The instant at which the zone's clock shows the given date and minute (`minuteOfDay` may run
 * past 1440 or below 0: the date rolls over). Two correction passes settle the zone's offset; a
 * wall time skipped by a daylight-saving jump comes out one offset step later.
 */
export function zonedToUtc(
  local: Pick<LocalTime, 'year' | 'month' | 'day' | 'minuteOfDay'>,
  timeZone: string,
): Date {
  const wanted = Date.UTC(
    local.year,
    local.month - 1,
    local.day,
    0,
    local.minuteOfDay,
  );
  let guess = wanted;
  for (let pass = 0; pass < 2; pass++) {
    const shown = localTime(new Date(guess), timeZone);
    const shownMs = Date.UTC(
      shown.year,
      shown.month - 1,
      shown.day,
      0,
      shown.minuteOfDay,
    );
    guess += wanted - shownMs;
  }
  return new Date(guess);
}
