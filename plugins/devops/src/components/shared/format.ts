/*
 * Formatters shared by every card: percentages, commits, dates, times and durations. Area-specific
 * units (latencies, throughput, bytes) live beside their card.
 */
import { parseEntityRef } from '@backstage/catalog-model';

/** A percentage with one decimal, for example `85.3%`. */
export function formatPercent(value: number): string {
  return `${(Math.round(value * 10) / 10).toFixed(1)}%`;
}

/** The first seven characters of a commit sha, as git shows it. */
export function shortSha(sha: string): string {
  return sha.slice(0, 7);
}

/** A date and time in the user's locale; the input unchanged when it is not a valid date. */
export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) {
    return iso;
  }
  return date.toLocaleString(undefined, {
    dateStyle: 'medium',
    timeStyle: 'short',
  });
}

/** A date and time from epoch milliseconds, as {@link formatDateTime} writes it. */
export function formatEpochDateTime(epochMs: number): string {
  return formatDateTime(new Date(epochMs).toISOString());
}

/** A short date for chart ticks, from epoch milliseconds: `Dec 2`. */
export function formatShortDate(epochMs: number): string {
  return new Date(epochMs).toLocaleDateString(undefined, {
    month: 'short',
    day: 'numeric',
  });
}

/** A time of day from epoch milliseconds: `05:56`, `5:56 AM`, as the locale writes it. */
export function formatTimeOfDay(epochMs: number): string {
  return new Date(epochMs).toLocaleTimeString(undefined, {
    hour: '2-digit',
    minute: '2-digit',
  });
}

/**
 * The tick formatter for a time axis spanning `spanMs`: dates for spans of two days or more, the
 * time of day under a day, and both in between, where the same time can occur on two days.
 */
export function timeTickFormatter(spanMs: number): (epochMs: number) => string {
  if (spanMs >= 2 * 24 * 3600_000) {
    return formatShortDate;
  }
  if (spanMs < 24 * 3600_000) {
    return formatTimeOfDay;
  }
  return (epochMs: number) =>
    `${formatShortDate(epochMs)} ${formatTimeOfDay(epochMs)}`;
}

/** A test duration: `850 ms`, `12.4 s` or `2 min 5 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) {
    return `${Math.round(ms)} ms`;
  }
  if (ms < 60_000) {
    return `${(ms / 1000).toFixed(1)} s`;
  }
  const totalSeconds = Math.round(ms / 1000);
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  return seconds ? `${minutes} min ${seconds} s` : `${minutes} min`;
}

/**
 * A span of time in its largest whole unit, rounded down: `18 d`, `5 h`, `40 min` (at least
 * `1 min`). For ages ("5 h ago") and countdowns ("expires in 2 d").
 */
export function formatSpan(ms: number): string {
  const hour = 3600_000;
  const day = 24 * hour;
  const span = Math.max(0, ms);
  if (span >= day) {
    return `${Math.floor(span / day)} d`;
  }
  if (span >= hour) {
    return `${Math.floor(span / hour)} h`;
  }
  return `${Math.max(1, Math.floor(span / 60_000))} min`;
}

/** Picker values: the available ones in the backend's order, plus the current one if missing. */
export function toPickerOptions(
  available: string[],
  current: string | null,
): string[] {
  const values = [...new Set(available)];
  if (current && !values.includes(current)) {
    values.unshift(current);
  }
  return values;
}

/** `jane.doe` for `user:default/jane.doe`; other refs as given. */
export function formatActor(ref: string): string {
  try {
    const parsed = parseEntityRef(ref, { defaultKind: 'user' });
    if (parsed.kind.toLowerCase() === 'user') {
      return parsed.namespace === 'default'
        ? parsed.name
        : `${parsed.namespace}/${parsed.name}`;
    }
  } catch {
    // not an entity ref: show it as it is
  }
  return ref;
}
