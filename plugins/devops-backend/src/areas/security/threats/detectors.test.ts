import { RequestPoint } from '../types';
import {
  conditionOf,
  hourlyBaseline,
  isBaseline,
  JudgedPoint,
  judgeSurge,
  MAD_SCALE,
  median,
  medianAbsoluteDeviation,
} from './detectors';
import { DEFAULT_BASELINE, DEFAULT_TRAFFIC_FLOOD } from './settings';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.parse('2026-12-01T00:00:00Z');

function point(
  atMs: number,
  throughput: number | null,
  auth: number | null = null,
): RequestPoint {
  return {
    at: new Date(atMs),
    throughput,
    authFailureRps: auth,
    rateLimitedRps: null,
    errorRate: null,
  };
}

/** Hourly roll-ups with a daily cycle: 100 req/s at night to 500 at 14:00, + `noise(day, hour)`. */
function diurnal(
  days: number,
  end: number,
  noise = (_d: number, _h: number) => 0,
) {
  const out: RequestPoint[] = [];
  for (let t = end - days * DAY; t < end; t += HOUR) {
    const h = new Date(t).getUTCHours();
    const d = Math.floor((t - (end - days * DAY)) / DAY);
    const level = 100 + 400 * Math.max(0, Math.sin(((h - 8) / 12) * Math.PI));
    out.push(point(t, level + noise(d, h)));
  }
  return out;
}

describe('median and MAD', () => {
  it('match the worked example of the MAD', () => {
    // Wikipedia, "Median absolute deviation", Example: (1, 1, 2, 2, 4, 6, 9) has median 2, the
    // absolute deviations (1, 1, 0, 0, 2, 4, 7) have median 1, so the MAD is 1.
    expect(median([1, 1, 2, 2, 4, 6, 9])).toBe(2);
    expect(medianAbsoluteDeviation([1, 1, 2, 2, 4, 6, 9])).toBe(1);
  });

  it('match Python statistics.median on an even-length series with outliers', () => {
    // python3 -c "import statistics as s; y=[...]; m=s.median(y);
    //   print(m, s.median([abs(v-m) for v in y]))"  ->  102.125 5.5
    const y = [
      120.5, 98.25, 143.0, 101.75, 99.5, 250.0, 104.0, 97.0, 110.25, 102.5,
      95.75, 108.0, 100.0, 3.0,
    ];
    expect(median(y)).toBe(102.125);
    expect(medianAbsoluteDeviation(y)).toBe(5.5);
    expect(y[0]).toBe(120.5); // not sorted in place
  });

  it('are NaN for no values', () => {
    expect(median([])).toBeNaN();
  });
});

describe('hourlyBaseline', () => {
  const now = T0 + 14 * DAY + 14 * HOUR; // 14:00 on day 14

  it('takes the same hour of the past 14 days, lowered to the same weekday when that is lower', () => {
    // Day d adds d req/s at 14:00: the last 14 values are 506..519, median 512.5, MAD 3.5.
    // Two of them (days 6 and 13) are of the same weekday: with three weeks asked, too few to
    // judge against those alone, but their median 509.5 is lower and taken.
    const hourly = diurnal(20, now, (d, h) => (h === 14 ? d : 0));
    const result = hourlyBaseline(hourly, 'throughput', now, {
      ...DEFAULT_BASELINE,
      days: 14,
      minSameWeekdayPoints: 3,
    });
    expect(result).toEqual({
      median: 509.5,
      mad: 3.5,
      points: 14,
      method: 'same-hour',
      days: 14,
    });
    // Two weeks are enough by default: the median of 506 and 513.
    expect(
      hourlyBaseline(hourly, 'throughput', now, {
        ...DEFAULT_BASELINE,
        days: 14,
      }),
    ).toEqual({
      median: 509.5,
      mad: 3.5,
      points: 2,
      method: 'same-weekday-hour',
      days: 14,
    });
  });

  it('takes the same hour of the same weekday when weeks have it', () => {
    // Saturdays and Sundays at 40% of a weekday; `now` + 4 days is a Saturday, 14:00.
    const saturday = now + 4 * DAY;
    expect(new Date(saturday).getUTCDay()).toBe(6);
    const hourly = diurnal(28, saturday).map(p => {
      const day = p.at.getUTCDay();
      const factor = day === 0 || day === 6 ? 0.4 : 1;
      return { ...p, throughput: (p.throughput ?? 0) * factor };
    });
    expect(
      hourlyBaseline(hourly, 'throughput', saturday, DEFAULT_BASELINE),
    ).toEqual({
      median: 200,
      mad: 0,
      points: 4,
      method: 'same-weekday-hour',
      days: 28,
    });
    // The same hour of any day says 500 (a Saturday flood of x2.5 would hide): with fewer
    // weeks than asked, the lower Saturdays are taken instead.
    expect(
      hourlyBaseline(hourly, 'throughput', saturday, {
        ...DEFAULT_BASELINE,
        minSameWeekdayPoints: 5,
      }),
    ).toMatchObject({ median: 200, method: 'same-hour', points: 28 });
  });

  it('falls back to the neighbouring hours when fewer than 5 days have the hour', () => {
    const hourly = diurnal(2, now);
    const result = hourlyBaseline(hourly, 'throughput', now, DEFAULT_BASELINE);
    if (!isBaseline(result)) throw new Error(result.missing);
    expect(result.method).toBe('neighbour-hours');
    // 11:00..17:00 of two days: 14 points; on a symmetric peak the median is the middle level.
    expect(result.points).toBe(14);
    const around = [11, 12, 13, 14, 15, 16, 17].map(
      h => 100 + 400 * Math.max(0, Math.sin(((h - 8) / 12) * Math.PI)),
    );
    expect(result.median).toBeCloseTo(median([...around, ...around]), 9);
  });

  it('says why there is no baseline with less than a day of history', () => {
    const hourly = diurnal(1, now).slice(-5);
    expect(hourlyBaseline(hourly, 'throughput', now, DEFAULT_BASELINE)).toEqual(
      {
        missing: 'the baseline needs 24 hours of history; 5 so far',
      },
    );
  });

  it('ignores hours without the metric and hours at or after the judged one', () => {
    const hourly: RequestPoint[] = diurnal(14, now).map(p => ({
      ...p,
      throughput: null,
    }));
    hourly.push(point(now, 1000), point(now + HOUR, 1000));
    const result = hourlyBaseline(hourly, 'throughput', now, DEFAULT_BASELINE);
    expect(result).toEqual({
      missing: 'the baseline needs 24 hours of history; 0 so far',
    });
  });

  it('reads the share of requests failing authentication', () => {
    const hourly = diurnal(10, now).map(p => ({
      ...p,
      authFailureRps: (p.throughput ?? 0) * 0.01,
    }));
    const result = hourlyBaseline(
      hourly,
      'authFailureShare',
      now,
      DEFAULT_BASELINE,
    );
    if (!isBaseline(result)) throw new Error(result.missing);
    expect(result.median).toBeCloseTo(0.01, 12);
    expect(result.mad).toBeCloseTo(0, 12);
  });
});

describe('judgeSurge', () => {
  const rule = DEFAULT_TRAFFIC_FLOOD;
  const flat = {
    median: 200,
    mad: 0,
    points: 14,
    method: 'same-hour' as const,
    days: 14,
  };

  it('does not flag noise on a flat service (the MAD is floored)', () => {
    // MAD 0: the deviation is 10% of the median, 20 req/s; 260 is z = 3, ratio 1.3.
    expect(judgeSurge(260, flat, rule)).toEqual({
      flagged: false,
      ratio: 1.3,
      z: 3,
    });
  });

  it('flags a value above both the ratio and the robust z-score', () => {
    // (1000 - 200) / max(1.4826 * 0, 0.1 * 200, 0.2) = 40
    expect(judgeSurge(1000, flat, rule)).toEqual({
      flagged: true,
      ratio: 5,
      z: 40,
    });
  });

  it('does not flag twice the median when the hour varies that much from day to day', () => {
    const noisy = { ...flat, mad: 60 }; // 1.4826 * 60 = 88.956 req/s
    const j = judgeSurge(420, noisy, rule);
    expect(j.z).toBeCloseTo(220 / (MAD_SCALE * 60), 12);
    expect(j.flagged).toBe(false);
    expect(judgeSurge(800, noisy, rule).flagged).toBe(true); // z = 6.74
  });

  it('keeps the absolute floor: a near-idle service going from 0.1 to 0.9 req/s is no flood', () => {
    const idle = { ...flat, median: 0.1 };
    const j = judgeSurge(0.9, idle, rule);
    expect(j.ratio).toBeCloseTo(4.5, 12); // against the floor of 0.2 req/s
    expect(j.flagged).toBe(false);
    expect(judgeSurge(3, idle, rule).flagged).toBe(true);
  });
});

describe('conditionOf', () => {
  const base = {
    median: 1,
    mad: 0,
    points: 5,
    method: 'same-hour' as const,
    days: 5,
  };
  const judged = (flags: boolean[]): JudgedPoint[] =>
    flags.map((flagged, i) => ({
      at: new Date(T0 + i * 60_000),
      value: flagged ? 10 + i : 1,
      flagged,
      ratio: flagged ? 10 + i : 1,
      z: 0,
      baseline: base,
    }));

  it('fires after k flagged points in a row, from the first of the run', () => {
    const c = conditionOf(judged([false, true, true, true]), 2);
    expect(c.state).toBe('firing');
    if (c.state !== 'firing') return;
    expect(c.since.toISOString()).toBe('2026-12-01T00:01:00.000Z');
    expect(c.peak.ratio).toBe(13);
  });

  it('asks one tick more of a surge under the strong ratio', () => {
    const points = judged([false, true, true]); // ratios 11 and 12
    expect(conditionOf(points, 2, 3).state).toBe('firing');
    expect(conditionOf(points, 2, 11.5).state).toBe('unsettled');
    expect(conditionOf(judged([true, true, true]), 2, 11.5).state).toBe(
      'firing',
    );
  });

  it('is unsettled on a shorter run, and quiet after k unflagged points', () => {
    expect(conditionOf(judged([false, false, true]), 2).state).toBe(
      'unsettled',
    );
    expect(conditionOf(judged([true, true, false]), 2).state).toBe('unsettled');
    expect(conditionOf(judged([true, false, false]), 2)).toEqual({
      state: 'quiet',
      since: new Date(T0 + 60_000),
    });
    expect(conditionOf(judged([true]), 2).state).toBe('unsettled');
  });
});
