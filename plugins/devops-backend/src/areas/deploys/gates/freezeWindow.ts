import { DeployGateResult } from '@devops-growth/backstage-plugin-devops-common';
import { FreezeWindow } from '../types';
import { describeError, gateResult } from './result';
import { localTime, zonedToUtc } from './zonedTime';

const DAY = 1440;
const WEEK = 7 * DAY;
const WEEKDAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** An open freeze window and when it closes. */
export interface OpenFreezeWindow {
  name: string;
  endsAt: Date;
  /** How the end reads in the window's own terms ("Mon 00:00 Europe/Berlin"), weekly windows only. */
  localEnd: string | null;
}

function minutesOf(hhmm: string): number {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  if (!match) {
    throw new Error(`'${hhmm}' is not a time of day (HH:MM)`);
  }
  return Number(match[1]) * 60 + Number(match[2]);
}

/**
 * The stretches a weekly window covers, in minutes from Monday 00:00 of the zone's week. `to` is
 * where the window closes (exclusive); `23:59` closes it at the end of the day (24:00), so
 * "00:00 to 23:59" covers whole days; a `to` before `from` runs past midnight into the next
 * day; `from` equal to `to` covers 24 hours.
 */
export function weeklyStretches(
  window: Extract<FreezeWindow, { days: number[] }>,
): Array<[number, number]> {
  const from = minutesOf(window.from);
  const rawTo = minutesOf(window.to);
  const to = rawTo === DAY - 1 ? DAY : rawTo;
  const length = to > from ? to - from : DAY - from + to;
  return window.days.map(day => {
    const start = (day - 1) * DAY + from;
    return [start, start + length] as [number, number];
  });
}

/**
 * When the weekly window containing `now` closes, in minutes from now (stretches that follow one
 * another without a gap count as one: Saturday and Sunday all day close on Monday), or
 * `undefined` when `now` is outside it. `Infinity` when it never closes (every day, all day).
 */
function minutesUntilClosed(
  stretches: Array<[number, number]>,
  nowInWeek: number,
): number | undefined {
  const relative: Array<[number, number]> = [];
  for (const k of [-1, 0, 1, 2]) {
    for (const [s, e] of stretches) {
      relative.push([s + k * WEEK - nowInWeek, e + k * WEEK - nowInWeek]);
    }
  }
  let end: number | undefined;
  for (const [s, e] of relative) {
    if (s <= 0 && e > 0) end = Math.max(end ?? 0, e);
  }
  if (end === undefined) return undefined;
  for (let extended = true; extended && end < WEEK; ) {
    extended = false;
    for (const [s, e] of relative) {
      if (s <= end && e > end) {
        end = e;
        extended = true;
      }
    }
  }
  return end >= WEEK ? Infinity : end;
}

/** The window if it is open at `now`; throws an `Error` for a malformed window or unknown zone. */
export function openWindow(
  window: FreezeWindow,
  now: Date,
): OpenFreezeWindow | undefined {
  if ('start' in window) {
    return window.start.getTime() <= now.getTime() &&
      now.getTime() < window.end.getTime()
      ? { name: window.name, endsAt: window.end, localEnd: null }
      : undefined;
  }
  const local = localTime(now, window.timeZone);
  const nowInWeek = (local.weekday - 1) * DAY + local.minuteOfDay;
  const minutes = minutesUntilClosed(weeklyStretches(window), nowInWeek);
  if (minutes === undefined) return undefined;
  if (minutes === Infinity) {
    return {
      name: window.name,
      endsAt: new Date(8.64e15),
      localEnd: `never (every day, all day, ${window.timeZone})`,
    };
  }
  const endMinute = local.minuteOfDay + minutes;
  const endsAt = zonedToUtc(
    {
      year: local.year,
      month: local.month,
      day: local.day,
      minuteOfDay: endMinute,
    },
    window.timeZone,
  );
  const endDay = (local.weekday - 1 + Math.floor(endMinute / DAY)) % 7;
  const endClock = endMinute % DAY;
  const hh = String(Math.floor(endClock / 60)).padStart(2, '0');
  const mm = String(endClock % 60).padStart(2, '0');
  return {
    name: window.name,
    endsAt,
    localEnd: `${WEEKDAY_NAMES[endDay]} ${hh}:${mm} ${window.timeZone}`,
  };
}

function describeEnd(open: OpenFreezeWindow): string {
  if (open.localEnd?.startsWith('never')) {
    return `is always open (${open.localEnd})`;
  }
  const iso = open.endsAt.toISOString();
  return open.localEnd
    ? `is open until ${open.localEnd} (${iso})`
    : `is open until ${iso}`;
}

/**
 * The freeze-window gate: fails while a configured window (fixed, or weekly in its time zone) is
 * open, naming each open window and when it ends. A window that cannot be read (bad time, unknown
 * time zone) fails the gate too, naming it: the settings should have refused it.
 */
export function judgeFreezeWindows(input: {
  environment: string;
  windows: FreezeWindow[];
  now: Date;
}): DeployGateResult {
  const { environment, windows, now } = input;
  if (windows.length === 0) {
    return gateResult(
      'freeze-window',
      'skipped',
      `No freeze window is configured for ${environment}`,
      { windows: 0 },
    );
  }
  const open: OpenFreezeWindow[] = [];
  const broken: string[] = [];
  for (const window of windows) {
    try {
      const o = openWindow(window, now);
      if (o) open.push(o);
    } catch (error) {
      broken.push(
        `Freeze window '${window.name}' cannot be judged: ${describeError(
          error,
        )}`,
      );
    }
  }
  if (open.length === 0 && broken.length === 0) {
    return gateResult(
      'freeze-window',
      'passed',
      `No freeze window is open for ${environment}`,
      { windows: windows.length, openWindows: 0, checkedAt: now.toISOString() },
    );
  }
  const lastEnd = open.reduce<Date | null>(
    (latest, o) => (!latest || o.endsAt > latest ? o.endsAt : latest),
    null,
  );
  const messages = [
    ...open.map(o => `Freeze window '${o.name}' ${describeEnd(o)}`),
    ...broken,
  ];
  return gateResult('freeze-window', 'failed', messages.join('; '), {
    windows: windows.length,
    openWindows: open.length,
    window: open.map(o => o.name).join(', ') || null,
    endsAt:
      lastEnd && lastEnd.getTime() < 8.64e15 ? lastEnd.toISOString() : null,
    checkedAt: now.toISOString(),
  });
}
