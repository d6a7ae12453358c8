/*
 * Pure helpers of the chart kit: tick positions of time axes and the labels of report axes.
 */
import { formatShortDate, formatTimeOfDay, shortSha } from './format';

/** `count` evenly spaced tick values from `min` to `max` (one tick when they are equal). */
export function timeTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) {
    return [min];
  }
  const step = (max - min) / (count - 1);
  return Array.from({ length: count }, (_, i) => Math.round(min + i * step));
}

/** Points with a readable time (epoch ms), oldest first. */
export function sortedByTime<T extends { time: number }>(points: T[]): T[] {
  return points
    .filter(point => Number.isFinite(point.time))
    .sort((a, b) => a.time - b.time);
}

/** A point of a chart drawn per report (coverage, pass rate). */
export interface ReportPoint {
  /** Epoch milliseconds of the upload. */
  time: number;
  commitSha: string;
}

function sameDay(a: number, b: number): boolean {
  return new Date(a).toDateString() === new Date(b).toDateString();
}

/**
 * One axis label per report, oldest first: the short commit and the time of the upload, with the
 * date when the reports span more than one day (`abc1234 05:56`, `abc1234 Dec 2 05:56`). Labels
 * never repeat: two uploads of one commit in the same minute are numbered (`abc1234 05:56 (2)`).
 */
export function reportLabels(points: ReportPoint[]): string[] {
  if (points.length === 0) {
    return [];
  }
  const oneDay = points.every(p => sameDay(p.time, points[0].time));
  const seen = new Map<string, number>();
  return points.map(point => {
    const when = oneDay
      ? formatTimeOfDay(point.time)
      : `${formatShortDate(point.time)} ${formatTimeOfDay(point.time)}`;
    const base = `${shortSha(point.commitSha)} ${when}`;
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    return count === 1 ? base : `${base} (${count})`;
  });
}
