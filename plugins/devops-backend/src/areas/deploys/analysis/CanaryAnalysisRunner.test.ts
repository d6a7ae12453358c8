import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { PerformanceValues } from '@devops-growth/backstage-plugin-devops-common';
import { readDeploySettings } from '../settings';
import {
  CanaryMetricsReader,
  CanarySample,
  DeployEnvironmentSettings,
} from '../types';
import {
  abortableSleep,
  createCanaryAnalysis,
  describeImpact,
  medianGap,
  rollingWait,
} from './CanaryAnalysisRunner';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'shop', namespace: 'default' },
  spec: {},
};

// production with the defaults of devops.deploys.defaults (one minute sampled every 10 s).
const environment: DeployEnvironmentSettings = readDeploySettings(
  new ConfigReader({}),
).environments.find(e => e.name === 'production')!;

const locations = {
  canary: {
    environment: 'production',
    annotations: { 'devops-growth.io/metrics-url': 'http://canary/metrics' },
  },
  baseline: {
    environment: 'production',
    annotations: { 'devops-growth.io/metrics-url': 'http://baseline/metrics' },
  },
};

/** A fake clock that only moves when the analysis sleeps. */
function fakeTime(startIso: string) {
  let now = new Date(startIso).getTime();
  const sleeps: number[] = [];
  return {
    clock: () => new Date(now),
    sleep: async (ms: number, signal: AbortSignal) => {
      sleeps.push(ms);
      if (!signal.aborted) now += ms;
    },
    sleeps,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

/** One interval of the analysis on the fake clock, production's settings. */
function runInterval(
  reader: CanaryMetricsReader,
  time: ReturnType<typeof fakeTime>,
  input: {
    locations?: typeof locations;
    since?: Date;
    step?: number | null;
    signal?: AbortSignal;
  } = {},
) {
  return createCanaryAnalysis({
    reader,
    clock: time.clock,
    sleep: time.sleep,
  }).runInterval({
    entity,
    environment,
    locations: 'locations' in input ? input.locations : locations,
    since: input.since ?? new Date(0),
    step: input.step === undefined ? 1 : input.step,
    interval: 2,
    inconclusiveSoFar: 0,
    signal: input.signal ?? new AbortController().signal,
  });
}

/** The analysis on the fake clock and a first interval's input at `step` of production. */
function onFakeTime(
  reader: CanaryMetricsReader,
  time: ReturnType<typeof fakeTime>,
  step: number,
) {
  const analysis = createCanaryAnalysis({
    reader,
    clock: time.clock,
    sleep: time.sleep,
  });
  const input = {
    entity,
    environment,
    locations,
    since: new Date('2026-12-02T11:59:00Z'),
    step,
    interval: 1,
    inconclusiveSoFar: 0,
    signal: new AbortController().signal,
  };
  return { analysis, input };
}

function side(at: Date, errorRatePercent: number, p95Ms: number): CanarySample {
  return { at, errorRatePercent, p95Ms, rps: 20 };
}

describe('createCanaryAnalysis', () => {
  it('samples both sides every sampleEveryMs for one interval, then judges them', async () => {
    const time = fakeTime('2026-12-02T12:00:00Z');
    const calls: Array<{ at: string; entity: string; canary: string }> = [];
    let k = 0;
    const reader: CanaryMetricsReader = {
      async sample(e, l, now) {
        calls.push({
          at: now.toISOString(),
          entity: e.metadata.name,
          canary: l.canary.annotations['devops-growth.io/metrics-url'],
        });
        k++;
        // The first sample has no rates (two scrapes are needed); then a canary at 4 % errors.
        if (k === 1) {
          return {
            canary: { at: now, errorRatePercent: null, p95Ms: null, rps: null },
            baseline: {
              at: now,
              errorRatePercent: null,
              p95Ms: null,
              rps: null,
            },
          };
        }
        return {
          canary: side(now, 4 + k / 10, 120 + k),
          baseline: side(now, 0.5 + k / 100, 121 + k),
        };
      },
      window: jest.fn(),
    };
    const analysis = createCanaryAnalysis({
      reader,
      clock: time.clock,
      sleep: time.sleep,
    });
    const verdict = await analysis.runInterval({
      entity,
      environment,
      locations,
      since: new Date('2026-12-02T11:59:00Z'),
      step: 0,
      interval: 1,
      inconclusiveSoFar: 0,
      signal: new AbortController().signal,
    });
    expect(calls.map(c => c.at)).toEqual([
      '2026-12-02T12:00:00.000Z',
      '2026-12-02T12:00:10.000Z',
      '2026-12-02T12:00:20.000Z',
      '2026-12-02T12:00:30.000Z',
      '2026-12-02T12:00:40.000Z',
      '2026-12-02T12:00:50.000Z',
      '2026-12-02T12:01:00.000Z',
    ]);
    expect(calls[0]).toMatchObject({
      entity: 'shop',
      canary: 'http://canary/metrics',
    });
    expect(reader.window).not.toHaveBeenCalled();
    expect(verdict).toMatchObject({
      decision: 'rollback',
      step: 0,
      interval: 1,
      at: '2026-12-02T12:01:00.000Z',
    });
    expect(verdict.metrics[0]).toMatchObject({
      metric: 'error-rate',
      verdict: 'fail',
      canary: { samples: 6 },
      baseline: { samples: 6 },
    });
    expect(verdict.metrics[1].verdict).toBe('pass');
  });

  it("judges the evidence since the analysis began: the previous verdict's samples with its own", async () => {
    // Per interval, 50 requests a sample: the canary 1 error in each (6 of 300), the baseline
    // 1 in all (1 of 300). One interval is not enough (Fisher p = 0.12); two are (12 of 600
    // against 2 of 600, p = 0.012), at the last step's share of alpha (0.048).
    const time = fakeTime('2026-12-02T12:00:00Z');
    let k = 0;
    const reader: CanaryMetricsReader = {
      async sample(_e, _l, now) {
        const i = k++ % 7;
        if (i === 0) return { canary: null, baseline: null };
        return {
          canary: { at: now, errorRatePercent: 2, p95Ms: 120, rps: 5 },
          baseline: {
            at: now,
            errorRatePercent: i === 1 ? 2 : 0,
            p95Ms: 120,
            rps: 5,
          },
        };
      },
      window: jest.fn(),
    };
    const { analysis, input } = onFakeTime(reader, time, 2);
    const first = await analysis.runInterval(input);
    expect(first.decision).toBe('promote');
    expect(first.metrics[0].reason).toBe(
      'error rate 2 % (6 of 300) against 0.33 % (1 of 300): p = 0.123, shift +1.67 points, not significant at alpha = 0.0477',
    );
    expect(first.samples?.canary).toHaveLength(6);
    expect(first.samples?.canary[0]).toEqual([
      Date.parse('2026-12-02T12:00:10Z'),
      2,
      120,
      5,
    ]);

    time.advance(1_000);
    // As the engine stores and reads it back (a restart in between changes nothing).
    const previous = JSON.parse(JSON.stringify(first));
    const second = await analysis.runInterval({ ...input, previous });
    expect(second.decision).toBe('rollback');
    expect(second.metrics[0]).toMatchObject({
      verdict: 'fail',
      canary: { samples: 12 },
      baseline: { samples: 12 },
    });
    expect(second.metrics[0].reason).toBe(
      'error rate 2 % (12 of 600) against 0.33 % (2 of 600): p = 0.012, shift +1.67 points, beyond the +1 point band',
    );
    expect(second.samples?.baseline).toHaveLength(12);

    // Without the previous verdict, the same second interval alone passes.
    time.advance(1_000);
    const alone = await analysis.runInterval(input);
    expect(alone.decision).toBe('promote');
  });

  it("tests a canary step's look at its share of alpha: overwhelming evidence only at the first step", async () => {
    // Two intervals of 7 samples of 50 requests (no sample without rates here): 21 errors in
    // 700 requests against 5 in 700, Fisher p = 0.00228 (R). Steps 10, 25, 50 spend about
    // 1.1e-8, 0.0023 and 0.048 of alpha 0.05: only the last look rolls back.
    const reader: CanaryMetricsReader = {
      async sample(_e, _l, now) {
        return {
          canary: { at: now, errorRatePercent: 3, p95Ms: 120, rps: 5 },
          baseline: {
            at: now,
            errorRatePercent: 2 / 3,
            p95Ms: 120,
            rps: 5,
          },
        };
      },
      window: jest.fn(),
    };
    const verdictAt = async (step: number) => {
      const time = fakeTime('2026-12-02T12:00:00Z');
      const { analysis, input: base } = onFakeTime(reader, time, step);
      const first = await analysis.runInterval(base);
      time.advance(1_000);
      return analysis.runInterval({ ...base, previous: first });
    };
    // Each interval samples 7 times (no null first sample here): 14 samples, 700 requests.
    const early = await verdictAt(0);
    expect(early.decision).toBe('promote');
    expect(early.metrics[0].reason).toMatch(
      /^error rate 3 % \(21 of 700\) against 0\.71 % \(5 of 700\): p = 0\.002, shift \+2\.29 points, not significant at alpha = 1\.1e-8$/,
    );
    const middle = await verdictAt(1);
    expect(middle.metrics[0].reason).toMatch(
      /^error rate 3 % \(21 of 700\) against 0\.71 % \(5 of 700\): p = 0\.002, shift \+2\.29 points, not significant at alpha = 0\.0023$/,
    );
    const last = await verdictAt(2);
    expect(last.decision).toBe('rollback');

    // A deploy whose entity gives its own steps (50, 100) has one look: it spends the whole
    // alpha there, whatever the environment's steps are.
    const time = fakeTime('2026-12-02T12:00:00Z');
    const { analysis, input: base } = onFakeTime(reader, time, 0);
    const first = await analysis.runInterval({ ...base, steps: [50, 100] });
    time.advance(1_000);
    const own = await analysis.runInterval({
      ...base,
      steps: [50, 100],
      previous: first,
    });
    expect(own.decision).toBe('rollback');
    expect(own.metrics[0].reason).toContain('beyond the +1 point band');
  });

  it('keeps to the schedule when sampling is slow', async () => {
    const time = fakeTime('2026-12-02T12:00:00Z');
    const reader: CanaryMetricsReader = {
      async sample(_e, _l, now) {
        time.advance(3_000); // each round trip takes 3 s
        return {
          canary: side(now, 0.5, 120),
          baseline: side(now, 0.5, 120),
        };
      },
      window: jest.fn(),
    };
    await runInterval(reader, time, { step: 0 });
    expect(time.sleeps).toEqual([7000, 7000, 7000, 7000, 7000, 7000]);
  });

  it('stops sampling when aborted and judges what it has (inconclusive: continue)', async () => {
    const controller = new AbortController();
    let count = 0;
    const reader: CanaryMetricsReader = {
      async sample(_e, _l, now) {
        if (++count === 3) controller.abort();
        return {
          canary: side(now, 0.5, 120),
          baseline: null, // the baseline's source failed
        };
      },
      window: jest.fn(),
    };
    const time = fakeTime('2026-12-02T12:00:00Z');
    const verdict = await runInterval(reader, time, {
      signal: controller.signal,
    });
    expect(count).toBe(3);
    expect(time.sleeps).toEqual([10_000, 10_000]);
    expect(verdict.decision).toBe('continue');
    expect(verdict.metrics[0].reason).toBe(
      'error rate: 3 canary and 0 baseline samples, fewer than the 5 needed on each side',
    );
  });

  it('without locations, waits one interval and compares the samples since the change against the window before', async () => {
    const time = fakeTime('2026-12-02T12:10:00Z');
    const since = new Date('2026-12-02T12:05:00Z');
    const windows: string[] = [];
    const point = (at: number, errorRate: number, p95Ms: number) => ({
      at: new Date(at),
      values: {
        errorRate,
        p95Ms,
        throughput: 30,
      } as Partial<PerformanceValues>,
    });
    const reader: CanaryMetricsReader = {
      sample: jest.fn(),
      async window(entityRef, env, from, to) {
        windows.push(
          `${entityRef} ${env} ${from.toISOString()} ${to.toISOString()}`,
        );
        const after = from.getTime() >= since.getTime();
        return Array.from({ length: 8 }, (_, i) =>
          point(
            from.getTime() + i * 60_000,
            after ? 0.03 + i / 10_000 : 0.005 + i / 10_000,
            130 + i,
          ),
        );
      },
    };
    const verdict = await runInterval(reader, time, {
      locations: undefined,
      since,
      step: null,
    });
    expect(time.sleeps).toEqual([60_000]);
    expect(reader.sample).not.toHaveBeenCalled();
    // Now 12:11; six minutes after the change against the six minutes before it.
    expect(windows.sort()).toEqual([
      // The hour before the change: samples a minute apart.
      'component:default/shop production 2026-12-02T11:05:00.000Z 2026-12-02T12:05:00.000Z',
      'component:default/shop production 2026-12-02T11:59:00.000Z 2026-12-02T12:05:00.000Z',
      'component:default/shop production 2026-12-02T12:05:00.000Z 2026-12-02T12:11:00.000Z',
    ]);
    expect(verdict.step).toBeNull();
    expect(verdict.decision).toBe('rollback');
    // Stored error rates are shares: 3 % after against 0.5 % before.
    expect(verdict.metrics[0].canary.median).toBeCloseTo(3.035, 10);
    expect(verdict.metrics[0].baseline.median).toBeCloseTo(0.535, 10);
    // A rolling analysis compares windows: no samples carried to the next interval.
    expect(verdict.samples).toBeUndefined();
  });

  it('without locations and without any collected metrics for the environment, promotes at once saying it was not analysed', async () => {
    const time = fakeTime('2026-12-02T12:10:00Z');
    const reader: CanaryMetricsReader = {
      sample: jest.fn(),
      window: jest.fn(async () => []),
    };
    const verdict = await runInterval(reader, time, {
      locations: undefined,
      since: new Date('2026-12-02T12:05:00Z'),
      step: null,
    });
    expect(time.sleeps).toEqual([]);
    expect(verdict.decision).toBe('promote');
    expect(verdict.metrics).toEqual([]);
    expect(verdict.reason).toBe(
      "not analysed: no metrics are collected for environment production (no sample in the hour before the change); the deploy relied on the provider's health check",
    );
  });

  it('measures the impact: means of the window before against the window after', async () => {
    const deployedAt = new Date('2026-12-02T12:00:00Z');
    const windows: Array<[string, string]> = [];
    const reader: CanaryMetricsReader = {
      sample: jest.fn(),
      async window(_ref, _env, from, to) {
        windows.push([from.toISOString(), to.toISOString()]);
        return from < deployedAt
          ? [
              {
                at: from,
                values: { errorRate: 0.01, p95Ms: 100, throughput: 10 },
              },
              {
                at: from,
                values: { errorRate: 0.02, p95Ms: 120, throughput: 30 },
              },
            ]
          : [
              {
                at: from,
                values: { errorRate: 0.03, p95Ms: 165, throughput: 20 },
              },
              { at: from, values: { errorRate: null, p95Ms: null } },
            ];
      },
    };
    const impact = await createCanaryAnalysis({ reader }).impact(
      'component:default/shop',
      'production',
      deployedAt,
      15 * 60_000,
    );
    expect(windows).toEqual([
      ['2026-12-02T11:45:00.000Z', '2026-12-02T12:00:00.000Z'],
      ['2026-12-02T12:00:00.000Z', '2026-12-02T12:15:00.000Z'],
    ]);
    expect(impact.windowMinutes).toBe(15);
    expect(impact.before.errorRatePercent).toBeCloseTo(1.5, 10);
    expect(impact.before).toMatchObject({ p95Ms: 110, rps: 20 });
    expect(impact.after.errorRatePercent).toBeCloseTo(3, 10);
    expect(impact.after).toMatchObject({ p95Ms: 165, rps: 20 });
    expect(impact.errorRateDeltaPoints).toBeCloseTo(1.5, 10);
    expect(impact.p95ChangePercent).toBeCloseTo(50, 10);
  });

  it('reports no impact figures without data on a side', () => {
    expect(describeImpact(60_000, [], [{ errorRate: 0.01 }])).toEqual({
      windowMinutes: 1,
      before: { errorRatePercent: null, p95Ms: null, rps: null },
      after: { errorRatePercent: 1, p95Ms: null, rps: null },
      errorRateDeltaPoints: null,
      p95ChangePercent: null,
    });
  });
});

describe('rolling analysis timing', () => {
  it('waits until the window since the change can hold minSamples collected samples', async () => {
    // Collected every minute; the analysis starts right at the change.
    const time = fakeTime('2026-12-02T12:00:00Z');
    const since = new Date('2026-12-02T12:00:00Z');
    const reader: CanaryMetricsReader = {
      sample: jest.fn(),
      async window(_ref, _env, from, to) {
        const points = [];
        for (
          let t = Math.ceil(from.getTime() / 60_000) * 60_000;
          t < to.getTime();
          t += 60_000
        ) {
          points.push({
            at: new Date(t),
            values: { errorRate: 0.005, p95Ms: 100 + ((t / 60_000) % 7) },
          });
        }
        return points;
      },
    };
    const verdict = await runInterval(reader, time, {
      locations: undefined,
      since,
      step: null,
    });
    // 5.5 collection gaps instead of one 60 s interval: samples at 12:00 .. 12:05 since the
    // change, 11:55 .. 11:59 in the 5.5 minutes before it; enough on both sides for a verdict.
    expect(time.sleeps).toEqual([330_000]);
    expect(verdict.metrics[1]).toMatchObject({
      canary: { samples: 6 },
      baseline: { samples: 5 },
    });
    expect(verdict.decision).toBe('promote');
  });

  it('bounds the wait and falls back to one interval without history', () => {
    const base = {
      now: 0,
      since: 0,
      intervalMs: 60_000,
      minSamples: 5,
      maxWaitMs: 360_000,
    };
    expect(rollingWait({ ...base, gapMs: null })).toBe(60_000);
    expect(rollingWait({ ...base, gapMs: 10_000 })).toBe(60_000);
    expect(rollingWait({ ...base, gapMs: 60_000 })).toBe(330_000);
    expect(rollingWait({ ...base, gapMs: 300_000 })).toBe(360_000);
    // Later intervals: the window since the change is already long enough.
    expect(rollingWait({ ...base, now: 400_000, gapMs: 60_000 })).toBe(60_000);
    expect(medianGap([0, 60_000, 120_000, 300_000])).toBe(60_000);
    expect(medianGap([5])).toBeNull();
  });
});

describe('abortableSleep', () => {
  it('ends early when the signal aborts', async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 20);
    await abortableSleep(10_000, controller.signal);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
