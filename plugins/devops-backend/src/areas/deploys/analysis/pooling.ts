import { CanarySample } from '../types';

/*
 * Pooling the samples of a side: each sample stands for the requests of its span (rps x the
 * sampling period), so the error counts add up and the P95s weigh by their requests.
 */

/** The errors and requests of samples, pooled: rate x rps x period, rps x period. */
export function pooledCounts(
  samples: CanarySample[],
  periodMs: number,
): { errors: number; requests: number; samples: number } {
  let errors = 0;
  let requests = 0;
  let count = 0;
  for (const s of samples) {
    const rate = s.errorRatePercent;
    if (rate === null || !Number.isFinite(rate)) continue;
    if (s.rps === null || !Number.isFinite(s.rps) || s.rps < 0) continue;
    const n = (s.rps * periodMs) / 1000;
    requests += n;
    errors += (Math.min(100, Math.max(0, rate)) / 100) * n;
    count++;
  }
  const whole = Math.round(requests);
  return {
    errors: Math.min(whole, Math.round(errors)),
    requests: whole,
    samples: count,
  };
}

/**
 * The ratio of the request-weighted geometric means of the P95s, canary over baseline, minus 1;
 * `undefined` when a sample lacks its rate or a value is not positive. A P95 read from n
 * requests has a sampling variance of about 1/n (the asymptotic variance of a sample quantile),
 * so weighing each log P95 by its requests is the inverse-variance (fixed-effect) mean, and
 * samples of a 10 % step count less than those of a 50 % one.
 */
export function weightedLogShift(
  canary: CanarySample[],
  baseline: CanarySample[],
): number | undefined {
  const mean = (side: CanarySample[]) => {
    let sum = 0;
    let weight = 0;
    for (const x of side) {
      if (!(x.p95Ms! > 0) || x.rps === null || !(x.rps >= 0)) return undefined;
      sum += x.rps * Math.log(x.p95Ms!);
      weight += x.rps;
    }
    return weight > 0 ? sum / weight : undefined;
  };
  const c = mean(canary);
  const b = mean(baseline);
  return c === undefined || b === undefined ? undefined : Math.exp(c - b) - 1;
}
