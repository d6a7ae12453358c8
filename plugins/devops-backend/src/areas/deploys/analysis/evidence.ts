import {
  CanaryAnalysisVerdict,
  CanarySampleTuple,
} from '@devops-growth/backstage-plugin-devops-common';
import { CanarySample, DeployEnvironmentSettings } from '../types';
import { normalUpperTail } from './mannWhitney';

/*
 * Cumulative evidence: each interval of a canary (or blue-green) analysis judges every sample
 * since the analysis of the deploy began, not its own few alone. Canary and baseline get the
 * same share of the traffic at every step (the baseline is a fresh copy of the old version
 * beside the canary, as in Kayenta's canary-against-baseline design), so their samples stay
 * comparable across steps. The judged samples travel in the verdict (`samples`), which the
 * engine stores as the deploy's `lastVerdict` and passes back as `previous`: the evidence
 * survives a restart.
 *
 * Looking again at growing data raises the chance of a false alarm at some look. Each canary
 * step ends with exactly one look that runs the tests (an inconclusive interval has too few
 * samples and tests nothing), so a deploy has as many looks as canary steps analysed. The
 * `alpha` of the settings is spent over them with the O'Brien-Fleming-type spending function of
 * Lan and DeMets (Biometrika 70, 1983, 659-663), alpha(t) = 2 - 2 Phi(z(alpha/2) / sqrt(t)),
 * where t is the information fraction of the look: canary and baseline each get w % of the
 * traffic at a step of weight w, so a step's look adds information in proportion to w, and
 * t = (weights of the steps so far) / (weights of all analysed steps). Look k tests at
 * alpha(t_k) - alpha(t_(k-1)): with the default steps 10, 25, 50 and alpha 0.05, about 1e-8,
 * 0.002 and 0.048. Early looks, on few requests, can roll back only on overwhelming evidence (or
 * a guard rail) and the last look has nearly the whole alpha; by Boole's inequality the chance
 * of any false rollback in the deploy stays at most `alpha` (using the increments as nominal
 * levels ignores the correlation between looks, which is conservative). Blue-green: one look at
 * `alpha`.
 */

/** The newest samples a side kept in a verdict and judged: 10 minutes at the default 10 s. */
export const CUMULATIVE_CAP = 60;

/** A sample in the verdict's compact form, values to 6 significant digits. */
export function toTuple(sample: CanarySample): CanarySampleTuple {
  const short = (v: number | null) =>
    v === null || !Number.isFinite(v) ? null : Number(v.toPrecision(6));
  return [
    sample.at.getTime(),
    short(sample.errorRatePercent),
    short(sample.p95Ms),
    short(sample.rps),
  ];
}

/** A sample from the verdict's compact form; `null` for anything malformed. */
export function fromTuple(tuple: unknown): CanarySample | null {
  if (!Array.isArray(tuple) || tuple.length < 4) return null;
  const [at, errorRatePercent, p95Ms, rps] = tuple;
  const value = (v: unknown) =>
    typeof v === 'number' && Number.isFinite(v) ? v : null;
  if (typeof at !== 'number' || !Number.isFinite(at)) return null;
  return {
    at: new Date(at),
    errorRatePercent: value(errorRatePercent),
    p95Ms: value(p95Ms),
    rps: value(rps),
  };
}

/**
 * The samples to judge: the previous verdict's and the new ones, without samples that carry
 * neither an error rate nor a P95 (the scrape provider's first sample), without a repeated
 * time, ordered by time, the newest `cap`.
 */
export function accumulate(
  previous: CanarySample[],
  fresh: CanarySample[],
  cap = CUMULATIVE_CAP,
): CanarySample[] {
  const byTime = new Map<number, CanarySample>();
  for (const sample of [...previous, ...fresh]) {
    if (sample.errorRatePercent === null && sample.p95Ms === null) continue;
    byTime.set(sample.at.getTime(), sample);
  }
  const ordered = [...byTime.values()].sort(
    (a, b) => a.at.getTime() - b.at.getTime(),
  );
  return ordered.slice(Math.max(0, ordered.length - cap));
}

/** The previous verdict's samples of both sides (none without a verdict or its samples). */
export function previousSamples(
  previous: CanaryAnalysisVerdict | null | undefined,
): { canary: CanarySample[]; baseline: CanarySample[] } {
  const side = (tuples: unknown) =>
    Array.isArray(tuples)
      ? tuples.map(fromTuple).filter((s): s is CanarySample => s !== null)
      : [];
  return {
    canary: side(previous?.samples?.canary),
    baseline: side(previous?.samples?.baseline),
  };
}

/**
 * The information fractions before and at this look: the canary steps' weights below 100 %
 * summed up to the step before `step` and up to `step`, over all of them; `[0, 1]` for
 * blue-green (`step` null) or a step the environment's steps do not cover.
 */
export function informationFractions(
  environment: Pick<DeployEnvironmentSettings, 'canarySteps'>,
  step: number | null,
): [before: number, at: number] {
  const weights = environment.canarySteps.filter(w => w > 0 && w < 100);
  if (step === null || step >= weights.length) return [0, 1];
  const total = weights.reduce((a, b) => a + b, 0);
  const upTo = (n: number) => weights.slice(0, n).reduce((a, b) => a + b, 0);
  return [upTo(step) / total, upTo(step + 1) / total];
}

/** The standard normal quantile z with P(Z > z) = `p` (0 < p < 1), by bisection. */
export function normalQuantileUpper(p: number): number {
  let lo = -40;
  let hi = 40;
  for (let i = 0; i < 200 && hi - lo > 1e-12; i++) {
    const mid = (lo + hi) / 2;
    if (normalUpperTail(mid) > p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Lan-DeMets O'Brien-Fleming-type spending: the alpha spent by information fraction `t`. */
export function obrienFlemingSpent(alpha: number, t: number): number {
  if (t <= 0) return 0;
  if (t >= 1) return alpha;
  return 2 * normalUpperTail(normalQuantileUpper(alpha / 2) / Math.sqrt(t));
}

/** The level a look tests at: see the comment at the top. */
export function lookAlpha(
  alpha: number,
  [before, at]: [number, number],
): number {
  return obrienFlemingSpent(alpha, at) - obrienFlemingSpent(alpha, before);
}
