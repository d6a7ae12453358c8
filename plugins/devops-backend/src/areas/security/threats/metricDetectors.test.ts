import { RequestPoint } from '../types';
import { Baseline } from './detectors';
import { planMetricThreat } from './lifecycle';
import {
  evaluateBruteForce,
  evaluateTrafficFlood,
  EvaluationInput,
  formatRate,
} from './metricDetectors';
import { DEFAULT_BRUTE_FORCE, DEFAULT_TRAFFIC_FLOOD } from './settings';

const MIN = 60_000;
const NOW = Date.parse('2026-12-02T14:30:00Z');

const baseline = (median: number, mad = 0): Baseline => ({
  median,
  mad,
  points: 14,
  method: 'same-hour',
  days: 14,
});

/** One point a minute, the last one at NOW. */
function points(
  throughput: Array<number | null>,
  auth: Array<number | null> = throughput.map(() => null),
): RequestPoint[] {
  return throughput.map((t, i) => ({
    at: new Date(NOW - (throughput.length - 1 - i) * MIN),
    throughput: t,
    authFailureRps: auth[i],
    rateLimitedRps: null,
    errorRate: null,
  }));
}

function input(
  series: RequestPoint[],
  over: Partial<EvaluationInput> = {},
): EvaluationInput {
  return {
    environment: 'production',
    points: series,
    now: new Date(NOW),
    staleAfterMs: 10 * MIN,
    baselineFor: metric =>
      ({
        throughput: baseline(100, 3),
        authFailureRps: baseline(1, 0.1),
        authFailureShare: baseline(0.01, 0.001),
      }[metric]),
    ...over,
  };
}

describe('evaluateTrafficFlood', () => {
  it('fires on two flagged ticks, severity by the peak ratio', () => {
    const e = evaluateTrafficFlood(
      input(points([100, 98, 105, 620, 1100])),
      DEFAULT_TRAFFIC_FLOOD,
    );
    expect(e.monitoring).toEqual({
      state: 'monitored',
      detail:
        'request rate of production against the same hour of 14 past days (median 100 req/s)',
    });
    expect(e.condition).toMatchObject({
      state: 'firing',
      since: new Date(NOW - MIN),
    });
    expect(e.severity).toBe('critical'); // 1100 / 100 = 11x
    expect(e.evidence?.summary).toBe(
      'Request rate 1100 req/s, 11x the usual 100 req/s of this hour (robust z-score 100)',
    );
    expect(e.evidence?.figures).toContainEqual({
      label: 'Request rate',
      value: 1100,
      baseline: 100,
      unit: 'req/s',
    });
  });

  it('waits for the second tick, and does not fire below the ratio', () => {
    expect(
      evaluateTrafficFlood(
        input(points([100, 100, 600])),
        DEFAULT_TRAFFIC_FLOOD,
      ).condition.state,
    ).toBe('unsettled');
    expect(
      evaluateTrafficFlood(
        input(points([100, 190, 195])),
        DEFAULT_TRAFFIC_FLOOD,
      ).condition.state,
    ).toBe('quiet');
  });

  it('is not monitored without samples, with stale samples, or without a baseline', () => {
    expect(
      evaluateTrafficFlood(input(points([null, null])), DEFAULT_TRAFFIC_FLOOD)
        .monitoring,
    ).toEqual({
      state: 'not-monitored',
      detail: 'no request-rate samples in the last hour',
    });
    const old = points([100, 100]).map(p => ({
      ...p,
      at: new Date(p.at.getTime() - 30 * MIN),
    }));
    expect(
      evaluateTrafficFlood(input(old), DEFAULT_TRAFFIC_FLOOD).monitoring.detail,
    ).toBe(
      'the latest request-rate sample is from 2026-12-02T14:00:00.000Z, more than 10 minutes ago',
    );
    expect(
      evaluateTrafficFlood(
        input(points([100]), {
          baselineFor: () => ({
            missing: 'the baseline needs 24 hours of history; 3 so far',
          }),
        }),
        DEFAULT_TRAFFIC_FLOOD,
      ),
    ).toMatchObject({
      monitoring: {
        state: 'not-monitored',
        detail: 'the baseline needs 24 hours of history; 3 so far',
      },
      condition: { state: 'unknown' },
    });
  });
});

describe('evaluateBruteForce', () => {
  it('says the source has no 401/403 counts when only the request rate comes', () => {
    expect(
      evaluateBruteForce(input(points([100, 100])), DEFAULT_BRUTE_FORCE)
        .monitoring,
    ).toEqual({
      state: 'not-monitored',
      detail: 'the metrics source reports no 401/403 counts',
    });
    expect(
      evaluateBruteForce(input(points([null])), DEFAULT_BRUTE_FORCE).monitoring
        .detail,
    ).toBe('no request metrics in the last hour');
  });

  it('does not call a few failures per second a surge', () => {
    // 1.8 per second is 9x the usual 0.2 but under the floor of 2 per second.
    const e = evaluateBruteForce(
      input(points([100, 100, 100, 100], [1.8, 1.8, 1.8, 1.8]), {
        baselineFor: metric =>
          metric === 'authFailureRps' ? baseline(0.2) : baseline(0.002),
      }),
      DEFAULT_BRUTE_FORCE,
    );
    expect(e.condition.state).toBe('quiet');
  });

  it('fires on three ticks of a surge in rate, severity by size', () => {
    const e = evaluateBruteForce(
      input(points([100, 125, 130, 125], [1, 25, 30, 25])),
      DEFAULT_BRUTE_FORCE,
    );
    expect(e.condition.state).toBe('firing');
    // 30 per second at the peak: above highRps (20), 30x the baseline (under 50x).
    expect(e.severity).toBe('high');
    expect(e.evidence?.summary).toBe(
      '25 authentication failures (401/403) per second, 20% of requests, 25x the usual 1 per second of this hour',
    );
  });

  it('fires on the share of requests failing authentication when the rate baseline is noisy', () => {
    // The rate baseline varies so much (MAD 10) that 30 per second is no outlier, but 30% of
    // requests failing is 30 times the usual 1%.
    const e = evaluateBruteForce(
      input(points([100, 100, 100, 100], [1, 30, 30, 30]), {
        baselineFor: metric =>
          metric === 'authFailureRps' ? baseline(5, 10) : baseline(0.01),
      }),
      DEFAULT_BRUTE_FORCE,
    );
    expect(e.condition.state).toBe('firing');
  });
});

describe("evaluateBruteForce without a baseline (an entity's first day)", () => {
  const young = (series: RequestPoint[]) =>
    input(series, {
      baselineFor: () => ({
        missing: 'the baseline needs 24 hours of history; 3 so far',
      }),
    });

  it('watches on absolute limits and says so, instead of not monitoring', () => {
    const e = evaluateBruteForce(
      young(points([20, 20, 21, 19], [0.2, 0.1, 0.3, 0.2])),
      DEFAULT_BRUTE_FORCE,
    );
    expect(e.monitoring).toEqual({
      state: 'monitored',
      detail:
        '401/403 responses of production on absolute limits only (at least 5 per second and 50% of requests): the baseline needs 24 hours of history; 3 so far',
    });
    expect(e.condition.state).toBe('quiet');
  });

  it('fires on three ticks of at least 5 failures per second that are half the requests', () => {
    // a credential-stuffing burst on a service serving 20 req/s: 30-45 failed logins a second
    const e = evaluateBruteForce(
      young(points([20, 20, 52, 61, 66], [0.2, 0.1, 32, 41, 45])),
      DEFAULT_BRUTE_FORCE,
    );
    expect(e.condition).toMatchObject({
      state: 'firing',
      since: new Date(NOW - 2 * MIN),
    });
    expect(e.severity).toBe('high'); // 45 per second >= highRps 20
    expect(e.evidence?.summary).toBe(
      '45 authentication failures (401/403) per second, 68.2% of requests; no baseline yet, so judged on absolute limits (5 per second and 50% of requests)',
    );
    expect(e.evidence?.figures).toContainEqual({
      label: 'Peak authentication failures',
      value: 45,
      unit: 'per second',
    });
  });

  it('does not fire on a busy service whose failures stay under half its requests, or under 5 per second', () => {
    const busy = evaluateBruteForce(
      young(points([200, 200, 210, 220], [40, 45, 50, 60])),
      DEFAULT_BRUTE_FORCE,
    );
    expect(busy.condition.state).toBe('quiet');
    const small = evaluateBruteForce(
      young(points([4, 4, 4, 4], [3, 3, 3, 3])),
      DEFAULT_BRUTE_FORCE,
    );
    expect(small.condition.state).toBe('quiet');
  });
});

describe('planMetricThreat', () => {
  const firing = evaluateTrafficFlood(
    input(points([100, 100, 600, 700])),
    DEFAULT_TRAFFIC_FLOOD,
  );
  const lasting = {
    id: 't1',
    detector: 'traffic-flood',
    environment: 'production',
    severity: 'critical' as const,
    lastSeenAt: new Date(NOW - 5 * MIN),
    evidence: {
      summary: 'earlier',
      figures: [{ label: 'Peak request rate', value: 2000, unit: 'req/s' }],
      events: [],
    },
  };
  const plan = (
    evaluation: typeof firing,
    last: typeof lasting | 'none' = lasting,
  ) =>
    planMetricThreat({
      entityRef: 'component:default/a',
      evaluation,
      lasting: last === 'none' ? undefined : last,
      now: new Date(NOW),
      lostAfterMs: 60 * MIN,
    });

  it('opens a threat from the first flagged point', () => {
    expect(plan(firing, 'none')).toMatchObject({
      kind: 'open',
      threat: {
        type: 'traffic-flood',
        detector: 'traffic-flood',
        severity: 'high',
        startedAt: new Date(NOW - MIN),
        lastSeenAt: new Date(NOW),
      },
    });
  });

  it('extends a lasting threat, keeping its worst severity and highest peak', () => {
    const change = plan(firing);
    expect(change).toMatchObject({
      kind: 'extend',
      id: 't1',
      severity: 'critical',
      lastSeenAt: new Date(NOW),
    });
    if (change?.kind !== 'extend') throw new Error('not extended');
    expect(change.evidence.figures).toContainEqual({
      label: 'Peak request rate',
      value: 2000,
      unit: 'req/s',
    });
  });

  it('ends it where the quiet began, or at its last sighting once the input is lost for long', () => {
    const quiet = evaluateTrafficFlood(
      input(points([700, 100, 100])),
      DEFAULT_TRAFFIC_FLOOD,
    );
    expect(plan(quiet)).toEqual({
      kind: 'end',
      id: 't1',
      endedAt: new Date(NOW - MIN),
    });
    const lost = evaluateTrafficFlood(
      input(points([null])),
      DEFAULT_TRAFFIC_FLOOD,
    );
    expect(plan(lost)).toBeNull();
    expect(
      plan(lost, { ...lasting, lastSeenAt: new Date(NOW - 61 * MIN) }),
    ).toEqual({ kind: 'end', id: 't1', endedAt: new Date(NOW - 61 * MIN) });
  });
});

describe('formatRate', () => {
  it('keeps three significant decimals at most', () => {
    expect([1234.5, 12.345, 1.2345, 0.12345].map(formatRate)).toEqual([
      '1235',
      '12.3',
      '1.23',
      '0.123',
    ]);
  });
});
