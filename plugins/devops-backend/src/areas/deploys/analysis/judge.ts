import {
  CanaryAnalysisVerdict,
  CanaryMetric,
  CanaryMetricVerdict,
} from '@devops-growth/backstage-plugin-devops-common';
import { CanaryAnalysisSettings, CanarySample, JudgeCanary } from '../types';
import { binomialUpperTail, fisherExact } from './fisherExact';
import { pooledCounts, weightedLogShift } from './pooling';
import {
  hodgesLehmannShift,
  mannWhitneyU,
  median,
  medianGap,
} from './mannWhitney';

/*
 * How an interval is judged, per metric (error rate and P95), canary against baseline, on the
 * samples it is given (the runner gives every sample since the analysis of the deploy began,
 * the newest 60 a side: see CanaryAnalysisRunner):
 *
 * 1. Guard rail, alone: with at least `minSamples` canary samples, a canary error rate above
 *    `maxErrorRatePercent` (the pooled rate: errors over requests) fails, whatever the baseline,
 *    when the exact one-sided binomial test says a true rate at the rail would give that many
 *    errors with probability below the rail's alpha (the deploy's `alpha` whole, not the look's
 *    share: the rail is an absolute limit, not a comparison), so 4 errors in 77 requests, 5.2 %
 *    by the luck of one request, do not roll back a service whose baseline fails 1 % (p = 0.54);
 *    a median P95 above `maxP95Ms` fails outright.
 * 2. Fewer than `minSamples` samples on a side: inconclusive.
 * 3. P95: a two-sided Mann-Whitney U test (exact below 50 samples a side without ties, else the
 *    tie-corrected normal approximation) and, as the effect, the ratio of the request-weighted
 *    geometric means of the samples' P95s (each sample weighed by its requests, the inverse of
 *    its P95's sampling variance; the Hodges-Lehmann shift of the log P95s when a sample has no
 *    request rate), told in ms of the baseline median. Error rate: the samples' errors and requests are pooled
 *    per side (errors = rate x rps x the sampling period, requests = rps x the period), then
 *    Fisher's exact test on the 2 x 2 table, two-sided, and the difference of the pooled rates
 *    as the effect. The canary fails when it is significantly different (p < alpha) in the bad
 *    direction AND the effect is beyond the band: more than `errorRateBandPoints` percentage
 *    points, or more than `latencyBandPercent` per cent of the baseline's median P95. Anything
 *    else passes: a difference that is not significant, or a significant one too small to
 *    matter.
 *
 * Why pooled counts for the error rate: a sample's 5xx are Binomial(requests, rate), so the
 * pooled counts of a side carry all its information about the rate (a sufficient statistic) and
 * Fisher's test is exact at any count; Mann-Whitney on per-sample rates weighs a 30-request
 * sample like a 300-request one and, with under one error per sample at a 10 % canary, mostly
 * compares ties at 0 (the first version did, and missed +2 point regressions).
 *
 * The decision: any metric failing rolls back; every metric passing promotes; otherwise
 * (inconclusive) another interval follows, up to `maxInconclusiveIntervals` in a row in the
 * step, after which the step counts as failed and the deploy rolls back.
 *
 * Kayenta (spinnaker/kayenta, kayenta-judge, classifiers/metric/MannWhitneyClassifier.scala)
 * runs the Mann-Whitney test on every metric but classifies a metric `High` when the lower end
 * of the 95 % confidence interval of the Hodges-Lehmann shift is above `fraction` (0.25) times
 * the estimate itself: a bound relative to the shift, so any clearly significant shift counts,
 * however small; the NetflixACAJudge then weighs the classifications of many metrics into a
 * 0-100 score compared with marginal and pass thresholds over the whole analysis. What differs
 * here: the band is absolute and set by the operator (points of error rate, per cent of the
 * baseline P95), so a significant but harmless shift (+0.1 point of errors) does not roll
 * back; significance is the test's p-value at `alpha` (the runner passes the per-look level:
 * `alpha` split over the canary steps); the error rate is tested on counts; two metrics with
 * fixed guard rails instead of a weighted score; and every interval gets a verdict (promote,
 * continue, roll back) instead of one score at the end.
 */

const LABEL: Record<CanaryMetric, string> = {
  'error-rate': 'error rate',
  'latency-p95': 'P95',
};

/** Judges one analysis interval: see the comment above. Pure. */
export const judgeCanary: JudgeCanary = input => {
  const { settings } = input;
  const metrics = [
    judgeErrorRate(
      input.canary,
      input.baseline,
      settings,
      input.railAlpha ?? settings.alpha,
    ),
    judgeLatency(input.canary, input.baseline, settings),
  ];
  const failed = metrics.filter(m => m.verdict === 'fail');
  const inconclusive = metrics.filter(m => m.verdict === 'inconclusive');
  let decision: CanaryAnalysisVerdict['decision'];
  let reason: string;
  if (failed.length > 0) {
    decision = 'rollback';
    reason = `Rolling back: ${failed
      .map(m => `${LABEL[m.metric]} regressed (${m.reason})`)
      .join('; ')}.`;
  } else if (inconclusive.length === 0) {
    decision = 'promote';
    reason = `The canary holds up against the baseline on error rate and P95 (${metrics
      .map(m => m.reason)
      .join('; ')}).`;
  } else {
    const count = input.inconclusiveSoFar + 1;
    const limit = settings.maxInconclusiveIntervals;
    const which = inconclusive.map(m => m.reason).join('; ');
    if (count >= limit) {
      decision = 'rollback';
      reason = `Rolling back: ${count} inconclusive interval${
        count === 1 ? '' : 's'
      } in a row reached the limit of ${limit} (maxInconclusiveIntervals); this one: ${which}.`;
    } else {
      decision = 'continue';
      reason = `Not enough data for a verdict (${which}); another interval follows (${count} of ${limit} inconclusive intervals allowed in a row).`;
    }
  }
  return {
    decision,
    step: input.step,
    interval: input.interval,
    at: input.now.toISOString(),
    metrics,
    reason,
  };
};

function values(
  samples: CanarySample[],
  key: 'errorRatePercent' | 'p95Ms',
): number[] {
  const out: number[] = [];
  for (const sample of samples) {
    const value = sample[key];
    if (value !== null && Number.isFinite(value)) out.push(value);
  }
  return out;
}

/** One metric's verdict for the interval. */
export function judgeMetric(
  metric: CanaryMetric,
  canary: number[],
  baseline: number[],
  settings: CanaryAnalysisSettings,
  /** P95: the relative shift to use instead of the Hodges-Lehmann one (see judgeLatency). */
  relativeShift?: number,
): CanaryMetricVerdict {
  const errors = metric === 'error-rate';
  const show = errors ? percent : ms;
  const canaryMedian = median(canary);
  const baselineMedian = median(baseline);
  const base = {
    metric,
    canary: { samples: canary.length, median: canaryMedian },
    baseline: { samples: baseline.length, median: baselineMedian },
  };
  const label = LABEL[metric];
  // At least one sample a side, whatever minSamples says.
  const needed = Math.max(1, settings.minSamples);
  const enoughCanary = canary.length >= needed;

  const rail = errors ? settings.maxErrorRatePercent : settings.maxP95Ms;
  if (enoughCanary && rail !== null && canaryMedian! > rail) {
    return {
      ...base,
      verdict: 'fail',
      pValue: null,
      effect: null,
      reason: `canary ${label} ${show(canaryMedian!)} is above the ${show(
        rail,
      )} guard rail`,
    };
  }
  if (!enoughCanary || baseline.length < needed) {
    return {
      ...base,
      verdict: 'inconclusive',
      pValue: null,
      effect: null,
      reason: `${label}: ${canary.length} canary and ${baseline.length} baseline samples, fewer than the ${needed} needed on each side`,
    };
  }

  const test = mannWhitneyU(canary, baseline);
  let effect: number;
  if (errors) effect = hodgesLehmannShift(canary, baseline)!;
  else if (relativeShift !== undefined)
    effect = relativeShift * baselineMedian!;
  else effect = latencyShift(canary, baseline, baselineMedian!);
  const band = errors
    ? settings.errorRateBandPoints
    : (settings.latencyBandPercent / 100) * baselineMedian!;
  const head = `${label} ${show(canaryMedian!)} against ${show(
    baselineMedian!,
  )}: p = ${formatP(test.pValue!)}, shift ${shiftText(metric, effect)}`;
  return decide(base, test.pValue!, effect, band, head, settings);
}

/**
 * The P95 shift in ms: a latency regression scales the response times, so the Hodges-Lehmann
 * estimate is taken on the logarithms (the median of the pairwise log-ratios, the estimator of a
 * scale ratio: Hollander, Wolfe & Chicken, "Nonparametric Statistical Methods", 3rd ed., 5.2)
 * and told in ms of the baseline median, `(ratio - 1) x median`; on the values themselves when
 * one is not positive.
 */
export function latencyShift(
  canary: number[],
  baseline: number[],
  baselineMedian: number,
): number {
  if (baselineMedian <= 0 || [...canary, ...baseline].some(v => !(v > 0))) {
    return hodgesLehmannShift(canary, baseline)!;
  }
  const logRatio = hodgesLehmannShift(
    canary.map(Math.log),
    baseline.map(Math.log),
  )!;
  return (Math.exp(logRatio) - 1) * baselineMedian;
}

/**
 * The P95 verdict: {@link judgeMetric}'s Mann-Whitney test of the samples' P95s, with the shift
 * taken from the request-weighted geometric means of both sides (see {@link weightedLogShift})
 * when every sample with a P95 tells its request rate.
 */
export function judgeLatency(
  canarySamples: CanarySample[],
  baselineSamples: CanarySample[],
  settings: CanaryAnalysisSettings,
): CanaryMetricVerdict {
  const pick = (side: CanarySample[]) =>
    side.filter(x => x.p95Ms !== null && Number.isFinite(x.p95Ms));
  const c = pick(canarySamples);
  const b = pick(baselineSamples);
  const weighted = weightedLogShift(c, b);
  return judgeMetric(
    'latency-p95',
    c.map(x => x.p95Ms!),
    b.map(x => x.p95Ms!),
    settings,
    weighted,
  );
}

/**
 * The error rate's verdict: pooled counts per side (see {@link pooledCounts}, over the period
 * between consecutive samples: the median gap of each side's times, else `sampleEveryMs`),
 * Fisher's exact test and the difference of the pooled rates in points.
 */
export function judgeErrorRate(
  canarySamples: CanarySample[],
  baselineSamples: CanarySample[],
  settings: CanaryAnalysisSettings,
  /** The guard rail's significance level (see JudgeCanary's `railAlpha`). */
  railAlpha: number = settings.alpha,
): CanaryMetricVerdict {
  const period = (side: CanarySample[]) =>
    medianGap(side.map(x => x.at.getTime()).sort((a, b) => a - b)) ??
    settings.sampleEveryMs;
  const canaryRates = rates(canarySamples);
  const baselineRates = rates(baselineSamples);
  const withoutRps = (side: CanarySample[]) =>
    side.some(x => x.errorRatePercent !== null && x.rps === null);
  if (withoutRps(canarySamples) || withoutRps(baselineSamples)) {
    // Without request rates the counts cannot be pooled: per-sample rates, Mann-Whitney.
    const verdict = judgeMetric(
      'error-rate',
      canaryRates,
      baselineRates,
      settings,
    );
    return {
      ...verdict,
      reason: `${verdict.reason} (per-sample rates: no request rates to pool)`,
    };
  }
  const c = pooledCounts(canarySamples, period(canarySamples));
  const b = pooledCounts(baselineSamples, period(baselineSamples));
  const base = {
    metric: 'error-rate' as const,
    canary: {
      samples: c.samples,
      median: median(canaryRates),
      errors: c.errors,
      requests: c.requests,
    },
    baseline: {
      samples: b.samples,
      median: median(baselineRates),
      errors: b.errors,
      requests: b.requests,
    },
  };
  const needed = Math.max(1, settings.minSamples);
  const canaryRate = c.requests > 0 ? (100 * c.errors) / c.requests : null;
  const baselineRate = b.requests > 0 ? (100 * b.errors) / b.requests : null;
  const rail = settings.maxErrorRatePercent;
  // The rail fails the canary when its errors are too many for a true rate at the rail: the
  // exact one-sided binomial test at the rail's alpha. A rate over the rail by the luck of a few requests
  // (4 errors in 77 at a 5 % rail: p = 0.54) is left to the comparison with the baseline.
  const railP =
    c.samples >= needed && canaryRate !== null && canaryRate > rail
      ? binomialUpperTail(c.errors, c.requests, Math.min(1, rail / 100))
      : null;
  if (railP !== null && railP < railAlpha) {
    return {
      ...base,
      verdict: 'fail',
      // pValue is the comparison's with the baseline; the rail's own test is in the reason.
      pValue: null,
      effect: null,
      reason: `canary error rate ${percent(canaryRate!)} (${c.errors} of ${
        c.requests
      } requests) is above the ${percent(
        rail,
      )} guard rail (binomial p = ${formatP(railP)} at alpha = ${formatAlpha(
        railAlpha,
      )})`,
    };
  }
  if (
    c.samples < needed ||
    b.samples < needed ||
    canaryRate === null ||
    baselineRate === null
  ) {
    return {
      ...base,
      verdict: 'inconclusive',
      pValue: null,
      effect: null,
      reason:
        c.samples >= needed && b.samples >= needed
          ? `error rate: no requests on the ${
              c.requests === 0 ? 'canary' : 'baseline'
            } side in its ${c.requests === 0 ? c.samples : b.samples} samples`
          : `error rate: ${c.samples} canary and ${b.samples} baseline samples, fewer than the ${needed} needed on each side`,
    };
  }
  const { pValue } = fisherExact(c.errors, c.requests, b.errors, b.requests);
  const effect = canaryRate - baselineRate;
  const head = `error rate ${percent(canaryRate)} (${c.errors} of ${
    c.requests
  }) against ${percent(baselineRate)} (${b.errors} of ${
    b.requests
  }): p = ${formatP(pValue)}, shift ${shiftText('error-rate', effect)}`;
  return decide(
    base,
    pValue,
    effect,
    settings.errorRateBandPoints,
    head,
    settings,
  );
}

/** Fails when significant, worse and beyond the band; passes otherwise. */
function decide(
  base: Pick<CanaryMetricVerdict, 'metric' | 'canary' | 'baseline'>,
  pValue: number,
  effect: number,
  band: number,
  head: string,
  settings: CanaryAnalysisSettings,
): CanaryMetricVerdict {
  const bandText =
    base.metric === 'error-rate'
      ? `+${round(band)} point band`
      : `${round(settings.latencyBandPercent)} % band (+${ms(band)})`;
  const significant = pValue < settings.alpha;
  if (significant && effect > band) {
    return {
      ...base,
      verdict: 'fail',
      pValue,
      effect,
      reason: `${head}, beyond the ${bandText}`,
    };
  }
  let why = `within the ${bandText}`;
  if (!significant)
    why = `not significant at alpha = ${formatAlpha(settings.alpha)}`;
  else if (effect <= 0) why = 'the canary is not worse';
  return {
    ...base,
    verdict: 'pass',
    pValue,
    effect,
    reason: `${head}, ${why}`,
  };
}

function shiftText(metric: CanaryMetric, effect: number): string {
  return metric === 'error-rate'
    ? `${signed(effect)} point${Math.abs(effect) === 1 ? '' : 's'}`
    : `${effect >= 0 ? '+' : '-'}${ms(Math.abs(effect))}`;
}

function rates(samples: CanarySample[]): number[] {
  return values(samples, 'errorRatePercent');
}

function round(value: number, digits = 2): string {
  const scale = 10 ** digits;
  return String(Math.round(value * scale) / scale);
}

function percent(value: number): string {
  return `${round(value)} %`;
}

function ms(value: number): string {
  return `${Math.round(value * 10) / 10} ms`;
}

function signed(value: number): string {
  return `${value >= 0 ? '+' : ''}${round(value)}`;
}

function formatP(p: number): string {
  if (p < 0.001) return p.toExponential(1);
  return String(Math.round(p * 1000) / 1000);
}

/** A significance level: 4 decimals, or 2 significant digits below 0.001 (1.1e-8). */
function formatAlpha(alpha: number): string {
  if (alpha < 0.001) return alpha.toExponential(1);
  return String(Math.round(alpha * 10000) / 10000);
}
