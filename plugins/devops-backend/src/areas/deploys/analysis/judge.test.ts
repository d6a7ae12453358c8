import { ConfigReader } from '@backstage/config';
import { readDeploySettings } from '../settings';
import { CanaryAnalysisSettings, CanarySample } from '../types';
import { judgeCanary, judgeMetric } from './judge';

// The defaults of devops.deploys.defaults.analysis.
const settings: CanaryAnalysisSettings = readDeploySettings(
  new ConfigReader({}),
).environments[0].analysis;

const now = new Date('2026-12-02T12:00:00Z');

/** Samples 10 s apart; at 10 requests/s each stands for 100 requests. */
function samples(
  errorRates: Array<number | null>,
  p95s: Array<number | null>,
  rps = 10,
): CanarySample[] {
  return errorRates.map((errorRatePercent, i) => ({
    at: new Date(now.getTime() - (errorRates.length - i) * 10_000),
    errorRatePercent,
    p95Ms: p95s[i],
    rps,
  }));
}

const healthyErrors = [0.4, 0.6, 0.5, 0.7, 0.3, 0.55];
const healthyP95 = [120, 131, 118, 125, 128, 122];

function judge(
  canary: CanarySample[],
  baseline: CanarySample[],
  overrides: Partial<CanaryAnalysisSettings> = {},
  inconclusiveSoFar = 0,
) {
  return judgeCanary({
    canary,
    baseline,
    settings: { ...settings, ...overrides },
    step: 1,
    interval: 2,
    inconclusiveSoFar,
    now,
  });
}

describe('judgeCanary', () => {
  it('reads the documented defaults', () => {
    expect(settings).toMatchObject({
      minSamples: 5,
      alpha: 0.05,
      errorRateBandPoints: 1,
      latencyBandPercent: 20,
      maxErrorRatePercent: 5,
      maxP95Ms: null,
      maxInconclusiveIntervals: 3,
    });
  });

  it('promotes a canary that looks like its baseline', () => {
    const verdict = judge(
      samples(
        [0.5, 0.45, 0.65, 0.6, 0.35, 0.5],
        [124, 119, 129, 121, 126, 133],
      ),
      samples(healthyErrors, healthyP95),
    );
    expect(verdict).toMatchObject({
      decision: 'promote',
      step: 1,
      interval: 2,
      at: '2026-12-02T12:00:00.000Z',
    });
    expect(verdict.metrics.map(m => m.verdict)).toEqual(['pass', 'pass']);
    expect(verdict.reason).toMatch(
      /^The canary holds up against the baseline on error rate and P95 \(error rate 0\.5 % \(3 of 600\) against 0\.5 % \(3 of 600\): p = 1, shift \+0 points, not significant at alpha = 0\.05; P95/,
    );
  });

  it('rolls back an error-rate regression beyond the band, judged on the pooled counts', () => {
    // 18 of 600 requests against 3 of 600: Fisher's exact test (R: fisher.test) p = 0.00136.
    const verdict = judge(
      samples([3.1, 2.8, 3.5, 2.6, 3.0, 3.3], healthyP95),
      samples(healthyErrors, healthyP95),
    );
    expect(verdict.decision).toBe('rollback');
    const errors = verdict.metrics[0];
    expect(errors).toMatchObject({
      metric: 'error-rate',
      verdict: 'fail',
      canary: { samples: 6, median: 3.05, errors: 18, requests: 600 },
      baseline: { samples: 6, median: 0.525, errors: 3, requests: 600 },
    });
    expect(errors.pValue).toBeCloseTo(0.001360157429, 8);
    // 3 % - 0.5 %: the difference of the pooled rates.
    expect(errors.effect).toBeCloseTo(2.5, 10);
    expect(errors.reason).toBe(
      'error rate 3 % (18 of 600) against 0.5 % (3 of 600): p = 0.001, shift +2.5 points, beyond the +1 point band',
    );
    expect(verdict.metrics[1].verdict).toBe('pass');
    expect(verdict.reason).toBe(
      'Rolling back: error rate regressed (error rate 3 % (18 of 600) against 0.5 % (3 of 600): p = 0.001, shift +2.5 points, beyond the +1 point band).',
    );
  });

  it('weighs each sample by its requests: a quiet sample does not count like a busy one', () => {
    // Per-sample rates look alike (medians 0 against 0), but the canary's one busy sample
    // has 12 errors in 600 requests where the baseline's has 2: 12 of 650 against 2 of 650.
    const canary = [
      ...samples([0, 0, 0, 0, 0], healthyP95.slice(0, 5), 1),
      ...samples([2], [120], 60).map(x => ({ ...x, at: now })),
    ];
    const baseline = [
      ...samples([0, 0, 0, 0, 0], healthyP95.slice(0, 5), 1),
      ...samples([1 / 3], [120], 60).map(x => ({ ...x, at: now })),
    ];
    const verdict = judge(canary, baseline);
    expect(verdict.metrics[0].pValue).toBeCloseTo(0.0124815935, 8);
    expect(verdict.metrics[0]).toMatchObject({
      verdict: 'fail',
      // the card shows the pooled counts the test compared, beside the medians of 0
      canary: { samples: 6, median: 0, errors: 12, requests: 650 },
      baseline: { samples: 6, median: 0, errors: 2, requests: 650 },
    });
    expect(verdict.metrics[0].reason).toMatch(
      /^error rate 1\.85 % \(12 of 650\) against 0\.31 % \(2 of 650\): p = 0\.012, shift \+1\.54 points, beyond the \+1 point band$/,
    );
  });

  it('passes a significant error-rate increase that stays within the band', () => {
    // 1000 requests a sample: 66 of 6000 against 30 of 6000, p = 2.9e-4 (R), shift +0.6 points.
    const verdict = judge(
      samples([1.1, 1.0, 1.3, 0.9, 1.2, 1.1], healthyP95, 100),
      samples([0.5, 0.45, 0.55, 0.5, 0.5, 0.5], healthyP95, 100),
    );
    expect(verdict.metrics[0]).toMatchObject({ verdict: 'pass' });
    expect(verdict.metrics[0].pValue).toBeCloseTo(0.0002892337995, 12);
    expect(verdict.metrics[0].reason).toBe(
      'error rate 1.1 % (66 of 6000) against 0.5 % (30 of 6000): p = 2.9e-4, shift +0.6 points, within the +1 point band',
    );
    expect(verdict.decision).toBe('promote');
  });

  it('passes a canary that is better than its baseline', () => {
    const verdict = judge(
      samples([0, 0, 0, 0, 0, 0], [60, 61, 62, 63, 64, 65]),
      samples([3, 3.5, 4, 3.2, 3.8, 3.1], healthyP95),
    );
    expect(verdict.decision).toBe('promote');
    expect(verdict.metrics.map(m => m.reason)).toEqual([
      expect.stringMatching(/the canary is not worse$/),
      expect.stringMatching(/the canary is not worse$/),
    ]);
  });

  it('rolls back a P95 regression beyond the per-cent band of the baseline median', () => {
    const verdict = judge(
      samples(healthyErrors, [170, 181, 168, 175, 178, 172]),
      samples(healthyErrors, healthyP95),
    );
    expect(verdict.decision).toBe('rollback');
    const p95 = verdict.metrics[1];
    expect(p95).toMatchObject({ metric: 'latency-p95', verdict: 'fail' });
    // The ratio of the geometric means (equal requests), 1.4037, of the baseline median:
    // 0.4037 x 123.5 ms = 49.9 ms; 20 % of 123.5 ms = 24.7 ms.
    expect(p95.effect).toBeCloseTo(49.854496, 5);
    expect(p95.reason).toBe(
      'P95 173.5 ms against 123.5 ms: p = 0.002, shift +49.9 ms, beyond the 20 % band (+24.7 ms)',
    );
  });

  it('passes a significant P95 increase within the band', () => {
    const verdict = judge(
      samples(healthyErrors, [135, 146, 133, 140, 143, 137]),
      samples(healthyErrors, healthyP95),
    );
    expect(verdict.metrics[1]).toMatchObject({ verdict: 'pass' });
    expect(verdict.metrics[1].pValue).toBeLessThan(0.05);
    // +12.1 %: 15 ms of 123.5.
    expect(verdict.metrics[1].effect).toBeCloseTo(14.958104, 5);
    expect(verdict.decision).toBe('promote');
  });

  it('weighs P95s by their requests: a slow quiet sample moves the shift little', () => {
    const base = [120, 125, 122, 121, 124, 123];
    // One canary sample at 300 ms, from a tenth of the requests of the others.
    const quiet = samples(
      [0.5, 0.5, 0.5, 0.5, 0.5, 0.5],
      [...base.slice(0, 5), 300],
    );
    quiet[5] = { ...quiet[5], rps: 1 };
    const verdict = judge(quiet, samples(healthyErrors, base));
    const shiftPercent = (100 * verdict.metrics[1].effect!) / 122.5;
    // Unweighted, the geometric mean would rise by 16 %; weighed, by 1.7 %.
    expect(shiftPercent).toBeGreaterThan(1.5);
    expect(shiftPercent).toBeLessThan(2);
    expect(verdict.metrics[1].verdict).toBe('pass');
  });

  it('fails on a guard rail alone, even against an equally bad baseline', () => {
    const bad = [6, 7, 6.5, 8, 7.5, 6.2];
    const verdict = judge(
      samples(bad, healthyP95),
      samples(bad, healthyP95),
      {},
    );
    expect(verdict.decision).toBe('rollback');
    expect(verdict.metrics[0]).toMatchObject({
      verdict: 'fail',
      pValue: null,
      // The pooled rate: 41.2 errors in 600 requests, rounded to 41.
      reason:
        'canary error rate 6.83 % (41 of 600 requests) is above the 5 % guard rail (binomial p = 0.029 at alpha = 0.05)',
    });
    const slow = judge(
      samples(healthyErrors, [900, 950, 1000, 980, 920, 940]),
      samples(healthyErrors, [900, 950, 1000, 980, 920, 940]),
      { maxP95Ms: 800 },
    );
    expect(slow.metrics[1].reason).toBe(
      'canary P95 945 ms is above the 800 ms guard rail',
    );
    expect(slow.decision).toBe('rollback');
  });

  it('leaves an error rate over the rail by a request or two to the comparison with the baseline', () => {
    // The demo's canary of a good version, seen in a browser test: 4 errors in 77 requests
    // (5.19 %) over the 5 % rail, against a baseline failing 1 % (7 of 700), judged at a
    // per-look alpha of 0.01. A true rate of 5 % gives 4 or more errors in 77 with p = 0.54.
    const canary = (rate: number[], rps: number): CanarySample[] =>
      rate.map((errorRatePercent, i) => ({
        at: new Date(now.getTime() - (rate.length - i) * 10_000),
        errorRatePercent,
        p95Ms: healthyP95[i % 6],
        rps,
      }));
    const baseline = samples([1, 1, 1, 1, 1, 1, 1], healthyP95.concat(124));
    const lucky = judge(
      canary([0, 9.09, 0, 9.09, 9.09, 0, 9.09], 1.1),
      baseline,
      {
        alpha: 0.01,
      },
    );
    expect(lucky.metrics[0]).toMatchObject({
      verdict: 'pass',
      pValue: expect.closeTo(0.01717, 4),
    });
    expect(lucky.metrics[0].reason).toBe(
      'error rate 5.19 % (4 of 77) against 1 % (7 of 700): p = 0.017, shift +4.19 points, not significant at alpha = 0.01',
    );
    // One request in eleven failing at ten times the traffic is no luck: 70 of 770.
    const bad = judge(canary(Array(7).fill(9.09), 11), baseline, {
      alpha: 0.01,
    });
    expect(bad.metrics[0]).toMatchObject({ verdict: 'fail', pValue: null });
    expect(bad.metrics[0].reason).toMatch(
      /^canary error rate 9\.09 % \(70 of 770 requests\) is above the 5 % guard rail \(binomial p = [0-9.]+e-\d+ at alpha = 0\.01\)$/,
    );
    expect(bad.decision).toBe('rollback');
    // The runner judges an early look at a sliver of alpha (1.1e-8 for the first of three
    // default steps) but the rail at the deploy's whole alpha: 8 errors in 22 requests
    // (binomial p = 6.6e-6) roll back at once.
    const early = {
      // 11 samples of 2 requests, 8 of them with 1 error.
      canary: canary([50, 50, 0, 50, 50, 0, 50, 50, 0, 50, 50], 0.2),
      baseline,
      settings: { ...settings, alpha: 1.1e-8 },
      step: 1,
      interval: 1,
      inconclusiveSoFar: 0,
      now,
    };
    // At the look's alpha alone the rail would not fire (the comparison with the baseline
    // judges it instead).
    expect(judgeCanary(early).metrics[0].reason).not.toMatch(/guard rail/);
    expect(judgeCanary({ ...early, railAlpha: 0.05 }).metrics[0]).toMatchObject(
      {
        verdict: 'fail',
        reason: expect.stringMatching(
          /guard rail \(binomial p = 6\.6e-6 at alpha = 0\.05\)$/,
        ),
      },
    );
  });

  it('is inconclusive with fewer than minSamples on a side, and continues', () => {
    const verdict = judge(
      samples(
        [0.5, 0.6, null, null, null, null],
        [120, 125, 130, 121, 126, 128],
      ),
      samples(healthyErrors.slice(0, 4), healthyP95.slice(0, 4)),
    );
    expect(verdict.metrics[0]).toMatchObject({
      verdict: 'inconclusive',
      canary: { samples: 2 },
      baseline: { samples: 4 },
      reason:
        'error rate: 2 canary and 4 baseline samples, fewer than the 5 needed on each side',
    });
    expect(verdict.decision).toBe('continue');
    expect(verdict.reason).toBe(
      'Not enough data for a verdict (error rate: 2 canary and 4 baseline samples, fewer than the 5 needed on each side; P95: 6 canary and 4 baseline samples, fewer than the 5 needed on each side); another interval follows (1 of 3 inconclusive intervals allowed in a row).',
    );
  });

  it('rolls back when the inconclusive intervals reach maxInconclusiveIntervals', () => {
    const verdict = judge(samples([], []), samples([], []), {}, 2);
    expect(verdict.decision).toBe('rollback');
    expect(verdict.reason).toMatch(
      /^Rolling back: 3 inconclusive intervals in a row reached the limit of 3 \(maxInconclusiveIntervals\); this one: error rate: 0 canary/,
    );
  });

  it('lets a failing metric win over an inconclusive one', () => {
    const verdict = judge(
      samples([9, 9, 9, 9, 9, 9], [null, null, null, null, null, null]),
      samples(healthyErrors, healthyP95),
    );
    expect(verdict.metrics.map(m => m.verdict)).toEqual([
      'fail',
      'inconclusive',
    ]);
    expect(verdict.decision).toBe('rollback');
  });
});

describe('judgeMetric', () => {
  it('passes identical constant samples (p = 1, no shift)', () => {
    expect(
      judgeMetric('error-rate', [0, 0, 0, 0, 0], [0, 0, 0, 0, 0], settings),
    ).toMatchObject({ verdict: 'pass', pValue: 1, effect: 0 });
  });

  it('needs at least one sample a side even with minSamples 0', () => {
    expect(
      judgeMetric('latency-p95', [], [100], { ...settings, minSamples: 0 }),
    ).toMatchObject({
      verdict: 'inconclusive',
      reason:
        'P95: 0 canary and 1 baseline samples, fewer than the 1 needed on each side',
    });
  });

  it('does not apply a guard rail to too few canary samples', () => {
    expect(
      judgeMetric('error-rate', [50, 50], [0, 0, 0, 0, 0], settings).verdict,
    ).toBe('inconclusive');
  });
});
