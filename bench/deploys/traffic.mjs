// Generated canary traffic for `yarn bench:deploys`: per analysis interval, the samples of the
// canary and of the baseline (the old version serving the rest of the traffic), seeded so the
// same (run, interval, weight) always gives the same data to every judge.
//
// The baseline is a copy of the old version beside the canary with the same share of the traffic
// (min(weight, 100 - weight): what the demo's proxy and Kayenta's canary-against-baseline
// design do), or with `--baseline=rest` the old version serving the rest (the first version's
// model).
//
// Per run: a total request rate R ~ U(30, 80)/s (another range with --rps=150-400), a base error rate p0 ~ U(0.5 %, 1 %), a base
// P95 ~ U(80, 300) ms. Per 10 s sample and side: requests ~ Poisson(rate x 10 s), 5xx errors ~
// Binomial(requests, p); the sample's P95 is the base P95 times a factor shared by both sides
// (load at that moment: lognormal, sigma 0.05) times the side's own lognormal noise, sigma
// sqrt(0.05^2 + 1.1 / requests): 0.05 for instance jitter, and the sampling error of a P95
// read from that many requests (log-latency sigma 0.5: SE of the 95th percentile's log is
// about 1.06 / sqrt(n)). A regression raises the canary's error probability by `errorPoints`
// percentage points, or multiplies its latency by (1 + p95Fraction).

export const SAMPLE_SECONDS = 10;
export const SAMPLES_PER_INTERVAL = 6;

/** mulberry32: a small, fast, seedable generator of uniforms in [0, 1). */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit hash of integers, to seed one (run, interval, weight). */
export function seedOf(...parts) {
  let h = 2166136261;
  for (const part of parts) {
    h ^= part >>> 0;
    h = Math.imul(h, 16777619);
    h ^= h >>> 13;
  }
  return h >>> 0;
}

function normal(random) {
  let u = 0;
  while (u === 0) u = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

function poisson(random, lambda) {
  if (lambda > 30) {
    return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * normal(random)));
  }
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = random();
  while (p > limit) {
    k++;
    p *= random();
  }
  return k;
}

function binomial(random, n, p) {
  let k = 0;
  for (let i = 0; i < n; i++) if (random() < p) k++;
  return k;
}

/** The fixed characteristics of one run. */
export function runProfile(seed, run, rpsRange = [30, 80]) {
  const random = rng(seedOf(seed, run, 0x5eed));
  return {
    rps: rpsRange[0] + (rpsRange[1] - rpsRange[0]) * random(),
    errorRate: 0.005 + 0.005 * random(),
    p95Ms: 80 + 220 * random(),
  };
}

/**
 * The samples of one interval at canary weight `weight` (per cent): for each side, per sample,
 * the requests, errors, error rate in per cent and P95 in ms.
 */
export function intervalTraffic(
  seed,
  run,
  interval,
  weight,
  profile,
  regression,
  baselineShare = 'equal',
) {
  const random = rng(seedOf(seed, run, interval, weight));
  // The equal-share baseline draws from its own stream, so the canary's samples (and with them
  // Flagger's figures) are the same as with the first version's rest-of-traffic baseline.
  const own = rng(seedOf(seed, run, interval, weight, 0xba5e));
  const canary = [];
  const baseline = [];
  const draw = (rand, share, bad, load) => {
    const requests = poisson(rand, profile.rps * share * SAMPLE_SECONDS);
    const p = Math.min(1, profile.errorRate + (bad?.errorPoints ?? 0) / 100);
    const errors = binomial(rand, requests, p);
    const sigma = Math.sqrt(0.05 ** 2 + 1.1 / Math.max(requests, 1));
    const p95 =
      profile.p95Ms *
      (1 + (bad?.p95Fraction ?? 0)) *
      load *
      Math.exp(sigma * normal(rand));
    return {
      requests,
      errors,
      errorRatePercent: requests > 0 ? (100 * errors) / requests : null,
      p95Ms: requests > 0 ? p95 : null,
    };
  };
  for (let s = 0; s < SAMPLES_PER_INTERVAL; s++) {
    const load = Math.exp(0.05 * normal(random));
    canary.push(draw(random, weight / 100, regression, load));
    const rest = draw(random, 1 - weight / 100, undefined, load);
    baseline.push(
      baselineShare === 'rest'
        ? rest
        : draw(own, Math.min(weight, 100 - weight) / 100, undefined, load),
    );
  }
  return { canary, baseline };
}
