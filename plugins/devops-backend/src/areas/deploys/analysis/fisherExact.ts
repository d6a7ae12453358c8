/*
 * Fisher's exact test for a 2 x 2 table (Fisher 1935; Agresti, "Categorical Data Analysis",
 * 3rd ed., section 3.5): the error rate of the canary against the baseline's, from pooled
 * counts. With the margins fixed, the canary's error count follows the hypergeometric
 * distribution under "same error rate"; the two-sided p-value sums the probabilities of every
 * table no more likely than the one observed, as R's `fisher.test` does (with its relative
 * tolerance of 1e-7 for ties).
 */

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028,
  771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos approximation, g = 7: about 15 significant digits). */
export function logGamma(x: number): number {
  if (x < 0.5) {
    // Reflection: Γ(x) Γ(1 - x) = π / sin(πx).
    return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  }
  const z = x - 1;
  let a = LANCZOS[0];
  const t = z + 7.5;
  for (let i = 1; i < LANCZOS.length; i++) a += LANCZOS[i] / (z + i);
  return (
    0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a)
  );
}

function logChoose(n: number, k: number): number {
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
}

export interface FisherResult {
  /** Two-sided p-value (tables no more likely than the observed one). */
  pValue: number;
  /** One-sided p-value for "the first row has the higher rate": P(X >= x). */
  greater: number;
}

/**
 * Fisher's exact test of `x` events in `n` trials against `y` events in `m` trials (whole
 * numbers, `0 <= x <= n`, `0 <= y <= m`).
 */
export function fisherExact(
  x: number,
  n: number,
  y: number,
  m: number,
): FisherResult {
  for (const v of [x, n, y, m]) {
    if (!Number.isInteger(v) || v < 0) {
      throw new Error(`fisherExact needs whole counts, got ${[x, n, y, m]}`);
    }
  }
  if (x > n || y > m) throw new Error('fisherExact: more events than trials');
  const k = x + y;
  const total = n + m;
  const lo = Math.max(0, k - m);
  const hi = Math.min(k, n);
  const logDenominator = logChoose(total, n);
  const logP = (i: number) =>
    logChoose(k, i) + logChoose(total - k, n - i) - logDenominator;
  const observed = logP(x);
  let two = 0;
  let greater = 0;
  for (let i = lo; i <= hi; i++) {
    const lp = logP(i);
    const p = Math.exp(lp);
    if (lp <= observed + 1e-7) two += p;
    if (i >= x) greater += p;
  }
  return { pValue: Math.min(1, two), greater: Math.min(1, greater) };
}

/**
 * The exact one-sided binomial test: P(X >= x) for X ~ Binomial(n, p), the probability of `x` or
 * more events in `n` trials when each has probability `p` (R's `binom.test(x, n, p,
 * alternative = "greater")`). The guard rail asks it whether a canary's errors are too many to
 * come from a true rate at the limit.
 */
export function binomialUpperTail(x: number, n: number, p: number): number {
  if (!Number.isInteger(x) || !Number.isInteger(n) || x < 0 || n < 0) {
    throw new Error(`binomialUpperTail needs whole counts, got ${[x, n]}`);
  }
  if (x > n) throw new Error('binomialUpperTail: more events than trials');
  if (!(p >= 0 && p <= 1)) {
    throw new Error(`binomialUpperTail needs a probability, got ${p}`);
  }
  if (x === 0 || p === 1) return 1;
  if (p === 0) return 0;
  const logTerm = (i: number) =>
    logChoose(n, i) + i * Math.log(p) + (n - i) * Math.log1p(-p);
  // Sum from the side whose terms shrink: above the mode the upper tail itself; below it the
  // complement, 1 - P(X <= x - 1).
  const mode = Math.floor((n + 1) * p);
  if (x > mode) {
    let sum = 0;
    for (let i = x; i <= n; i++) {
      const term = Math.exp(logTerm(i));
      sum += term;
      if (term <= sum * 1e-16) break;
    }
    return Math.min(1, sum);
  }
  let lower = 0;
  for (let i = x - 1; i >= 0; i--) {
    const term = Math.exp(logTerm(i));
    lower += term;
    if (term <= lower * 1e-16) break;
  }
  return Math.min(1, Math.max(0, 1 - lower));
}
