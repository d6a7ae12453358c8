import { RequestPoint } from '../types';
import { BaselineSettings, SurgeRule } from './settings';

/**
 * The robust statistics the metric detectors share: an entity's normal level from its own
 * hourly roll-ups (median and MAD of the same hour of day over the past days), and a surge test
 * of a current value against it.
 *
 * Method: the modified z-score of Iglewicz and Hoaglin ("How to Detect and Handle Outliers",
 * ASQC Basic References in Quality Control vol. 16, 1993), (x - median) / (1.4826 MAD), where
 * 1.4826 = 1 / Φ⁻¹(3/4) makes the MAD a consistent estimator of the standard deviation of
 * normal data (Rousseeuw and Croux, "Alternatives to the Median Absolute Deviation", JASA 88,
 * 1993; Leys et al., "Detecting outliers: Do not use standard deviation around the mean, use
 * absolute deviation around the median", J. Exp. Soc. Psychol. 49, 2013). The seasonality is
 * handled as in Twitter's Seasonal Hybrid ESD (Hochenbaum, Vallis and Kejariwal, "Automatic
 * Anomaly Detection in the Cloud via Statistical Learning", arXiv:1704.07706, 2017), which
 * also takes the median and MAD instead of mean and deviation after removing the daily
 * period: here the period is removed by comparing with the same hour of day only.
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** 1 / Φ⁻¹(3/4): scales the MAD to the standard deviation of normal data. */
export const MAD_SCALE = 1.4826;

/** The median of `values` (not modified); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? sorted[mid]
    : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The median absolute deviation around `center` (the median by default), unscaled. */
export function medianAbsoluteDeviation(
  values: readonly number[],
  center: number = median(values),
): number {
  return median(values.map(v => Math.abs(v - center)));
}

/** What a rate detector reads from a point. */
export type RateMetric = 'throughput' | 'authFailureRps' | 'authFailureShare';

/** The metric of a point, `null` when the source did not report it. */
export function metricValue(
  point: RequestPoint,
  metric: RateMetric,
): number | null {
  if (metric === 'authFailureShare') {
    const f = point.authFailureRps;
    const t = point.throughput;
    if (f === null || t === null || !(t > 0)) return null;
    return f / t;
  }
  const v = point[metric];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** How a baseline was taken, the surest first. */
export const BASELINE_METHODS = [
  'same-weekday-hour',
  'same-hour',
  'neighbour-hours',
] as const;
export type BaselineMethod = (typeof BASELINE_METHODS)[number];

/** An entity's normal level of a metric at one hour. */
export interface Baseline {
  median: number;
  /** Median absolute deviation, unscaled. */
  mad: number;
  /** Hourly points it was computed from. */
  points: number;
  /**
   * `same-weekday-hour`: the same hour of the same weekday of past weeks; `same-hour`: the same
   * hour of day of past days; `neighbour-hours`: that hour of day ± a few.
   */
  method: BaselineMethod;
  /** Days of history the window held, rounded up. */
  days: number;
}

/** A baseline, or why there is none yet. */
export type BaselineResult = Baseline | { missing: string };

export function isBaseline(result: BaselineResult): result is Baseline {
  return (result as Baseline).median !== undefined;
}

/** The start of the hour holding `ms`. */
export function hourStart(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS;
}

/** The UTC hour of day (0..23) of an instant. */
function hourOfDay(ms: number): number {
  return ((Math.floor(ms / HOUR_MS) % 24) + 24) % 24;
}

/** Hours since the epoch modulo a week: equal for the same hour of the same weekday. */
function hourOfWeek(ms: number): number {
  return ((Math.floor(ms / HOUR_MS) % 168) + 168) % 168;
}

/**
 * The baseline of `metric` for the hour starting at `hourStartMs`, from hourly roll-ups (any
 * order) of the `settings.days` days before it, the first of:
 * - the median and MAD of the same hour of the same weekday, when at least
 *   `minSameWeekdayPoints` weeks have it (weekly cycles: a Saturday is judged against
 *   Saturdays, whatever the entity's time zone);
 * - of the same hour of day, when at least `minSameHourPoints` days have it;
 * - of that hour ± `neighbourHours` (a young entity: with daily cycles, all hours of the day
 *   would set a peak hour against the night's traffic).
 * Fewer than `minHours` hourly points in the window: no baseline, with the reason.
 */
export function hourlyBaseline(
  hourly: readonly RequestPoint[],
  metric: RateMetric,
  hourStartMs: number,
  settings: BaselineSettings,
): BaselineResult {
  const from = hourStartMs - settings.days * DAY_MS;
  const hour = hourOfDay(hourStartMs);
  const weekHour = hourOfWeek(hourStartMs);
  const weekday: number[] = [];
  const same: number[] = [];
  const near: number[] = [];
  let total = 0;
  let earliest = hourStartMs;
  for (const point of hourly) {
    const at = point.at.getTime();
    if (at < from || at >= hourStartMs) continue;
    const value = metricValue(point, metric);
    if (value === null) continue;
    total += 1;
    earliest = Math.min(earliest, at);
    const distance = Math.abs(hourOfDay(at) - hour);
    const circular = Math.min(distance, 24 - distance);
    if (circular === 0) {
      same.push(value);
      if (hourOfWeek(at) === weekHour) weekday.push(value);
    }
    if (circular <= settings.neighbourHours) near.push(value);
  }
  if (total < settings.minHours) {
    return {
      missing: `the baseline needs ${settings.minHours} hours of history; ${total} so far`,
    };
  }
  let method: BaselineMethod = 'neighbour-hours';
  let values = near;
  if (weekday.length >= settings.minSameWeekdayPoints) {
    method = 'same-weekday-hour';
    values = weekday;
  } else if (same.length >= settings.minSameHourPoints) {
    method = 'same-hour';
    values = same;
  }
  let center = median(values);
  // Fewer weeks than needed for weekdays alone: the same hour of the past days mixes weekdays
  // and weekends, so a quiet day (a Saturday) would be judged against busier days. The same
  // hour of the last week(s), when lower, is taken instead (never higher: a flood then must
  // be larger to show).
  if (method !== 'same-weekday-hour' && weekday.length > 0) {
    const mad = medianAbsoluteDeviation(values, center);
    center = Math.min(center, median(weekday));
    return {
      median: center,
      mad,
      points: values.length,
      method,
      days: Math.ceil((hourStartMs - earliest) / DAY_MS),
    };
  }
  return {
    median: center,
    mad: medianAbsoluteDeviation(values, center),
    points: values.length,
    method,
    days: Math.ceil((hourStartMs - earliest) / DAY_MS),
  };
}

/** The lookup of a metric's baseline for the hour starting at `hourStartMs`. */
export type BaselineLookup = (
  metric: RateMetric,
  hourStartMs: number,
) => BaselineResult;

/**
 * The baseline at an instant: hourly roll-ups are means over the hour, so each hour's baseline
 * stands for its middle; between two middles the median and MAD are interpolated linearly (at
 * 10:50, two thirds of 10:00's and one third of 11:00's). Without it, a point late in an hour
 * of rising traffic (the morning ramp) is judged against the hour's mean, lower than what is
 * normal at that minute. When one of the two hours has no baseline, the other one is used.
 */
export function baselineAt(
  lookup: BaselineLookup,
  metric: RateMetric,
  atMs: number,
): BaselineResult {
  const centred = atMs - HOUR_MS / 2;
  const before = hourStart(centred);
  const weight = (centred - before) / HOUR_MS;
  const a = lookup(metric, before);
  const b = lookup(metric, before + HOUR_MS);
  if (!isBaseline(a)) return isBaseline(b) ? b : a;
  if (!isBaseline(b) || weight === 0) return a;
  return {
    median: (1 - weight) * a.median + weight * b.median,
    mad: (1 - weight) * a.mad + weight * b.mad,
    points: Math.min(a.points, b.points),
    method:
      BASELINE_METHODS.indexOf(a.method) >= BASELINE_METHODS.indexOf(b.method)
        ? a.method
        : b.method,
    days: Math.min(a.days, b.days),
  };
}

/** How far a value stands above its baseline. */
export interface SurgeJudgement {
  flagged: boolean;
  /** value / median (the median floored at `madFloorRps`, so that a zero baseline stays finite). */
  ratio: number;
  /** Robust z-score: (value - median) / max(1.4826 MAD, floors). */
  z: number;
}

/**
 * A value is a surge when it is at least `minRps`, `minRatio` times the median, and `minZScore`
 * robust deviations above it. The deviation is floored at `madFloorShare` of the median and at
 * `madFloorRps`, so that an entity whose hourly rates barely vary does not flag on noise.
 */
export function judgeSurge(
  value: number,
  baseline: Baseline,
  rule: SurgeRule,
): SurgeJudgement {
  // A baseline from the neighbouring hours of a few days is less sure (a young entity, whose
  // days may not yet include a weekday and a weekend): the ratio asked is half as high again.
  const minRatio =
    baseline.method === 'neighbour-hours' ? rule.minRatio * 1.5 : rule.minRatio;
  const scale = Math.max(
    MAD_SCALE * baseline.mad,
    rule.madFloorShare * baseline.median,
    rule.madFloorRps,
  );
  const z = (value - baseline.median) / scale;
  const ratio = value / Math.max(baseline.median, rule.madFloorRps);
  return {
    flagged: value >= rule.minRps && ratio >= minRatio && z >= rule.minZScore,
    ratio,
    z,
  };
}

/** A recent point after judgement. */
export interface JudgedPoint {
  at: Date;
  value: number;
  flagged: boolean;
  ratio: number;
  z: number;
  /** `null` when judged without a baseline (an entity's first day; brute force only). */
  baseline: Baseline | null;
}

/** Where the condition stands after the latest points. */
export type ConditionState<P extends JudgedPoint = JudgedPoint> =
  /** The last `k` points are flagged; `since` is the first of the trailing flagged run. */
  | { state: 'firing'; since: Date; last: P; peak: P }
  /** The last `k` points are not flagged; `since` is the first of that trailing quiet run. */
  | { state: 'quiet'; since: Date }
  /** Neither: a run shorter than `k` (or fewer than `k` points). */
  | { state: 'unsettled' };

/** The condition over judged points (oldest first), with `k` consecutive points to decide. */
export function conditionOf<P extends JudgedPoint>(
  points: readonly P[],
  k: number,
  /**
   * When given, a run of `k` flagged points fires only if all of them are at least this many
   * times the baseline; a weaker surge must last one tick more (short natural bursts, such as
   * clients retrying after a deploy on top of a busy hour, last a tick or two).
   */
  strongRatio?: number,
): ConditionState<P> {
  const n = points.length;
  if (n < k) return { state: 'unsettled' };
  const lastFlagged = points[n - 1].flagged;
  let start = n - 1;
  while (start > 0 && points[start - 1].flagged === lastFlagged) start -= 1;
  if (n - start < k) return { state: 'unsettled' };
  if (!lastFlagged) return { state: 'quiet', since: points[start].at };
  if (
    strongRatio !== undefined &&
    n - start === k &&
    points.slice(n - k).some(p => p.ratio < strongRatio)
  ) {
    return { state: 'unsettled' };
  }
  let peak = points[start];
  for (let i = start + 1; i < n; i++) {
    if (points[i].ratio > peak.ratio) peak = points[i];
  }
  return {
    state: 'firing',
    since: points[start].at,
    last: points[n - 1],
    peak,
  };
}

export { HOUR_MS, DAY_MS };
