/**
 * The two-sample Mann-Whitney U test (Wilcoxon rank-sum test) and the Hodges-Lehmann shift
 * estimate: the statistics of the canary analysis.
 *
 * The p-value follows R's `wilcox.test` (Bauer 1972; Hollander & Wolfe 1973), so its documented
 * examples are the reference values of the tests:
 * - exact null distribution when both samples have fewer than {@link EXACT_BELOW} values and
 *   no value is tied across the combined sample;
 * - otherwise the normal approximation with the tie correction of the variance and a
 *   continuity correction of 0.5 towards the mean.
 * A two-sided p-value is twice the smaller tail, at most 1.
 */

/** Samples of this size or more (on either side) use the normal approximation, as R does. */
export const EXACT_BELOW = 50;

/** The outcome of {@link mannWhitneyU}. */
export interface MannWhitneyResult {
  n1: number;
  n2: number;
  /**
   * U of the first sample: the pairs (x, y) with x > y, plus half the tied pairs (R's `W`).
   * Between 0 and n1 * n2; n1 * n2 / 2 when the samples do not differ.
   */
  u: number;
  /** Two-sided p-value; `null` when a sample is empty. */
  pValue: number | null;
  /**
   * `exact`: the null distribution of U; `normal`: the normal approximation; `degenerate`:
   * every value equal (no rank information: p = 1); `empty`: a sample without values.
   */
  method: 'exact' | 'normal' | 'degenerate' | 'empty';
  /** True when some values occur more than once in the combined sample. */
  ties: boolean;
}

/** Mid-ranks (1-based, ties get the mean of their ranks) of the values, and the tie groups' sizes. */
export function midRanks(values: number[]): {
  ranks: number[];
  tieSizes: number[];
} {
  const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
  const ranks = new Array<number>(values.length);
  const tieSizes: number[] = [];
  let i = 0;
  while (i < order.length) {
    let j = i + 1;
    while (j < order.length && values[order[j]] === values[order[i]]) j++;
    const rank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) ranks[order[k]] = rank;
    if (j - i > 1) tieSizes.push(j - i);
    i = j;
  }
  return { ranks, tieSizes };
}

/**
 * Two-sided Mann-Whitney U test of x against y. Non-finite values are ignored. With `exact`
 * false the normal approximation is used even for small samples; `correct` false drops the
 * continuity correction (both default as in R).
 */
export function mannWhitneyU(
  xs: number[],
  ys: number[],
  options: { exact?: boolean; correct?: boolean } = {},
): MannWhitneyResult {
  const x = xs.filter(Number.isFinite);
  const y = ys.filter(Number.isFinite);
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) {
    return { n1, n2, u: 0, pValue: null, method: 'empty', ties: false };
  }
  const { ranks, tieSizes } = midRanks([...x, ...y]);
  let rankSum = 0;
  for (let i = 0; i < n1; i++) rankSum += ranks[i];
  const u = rankSum - (n1 * (n1 + 1)) / 2;
  const ties = tieSizes.length > 0;
  const n = n1 + n2;
  if (tieSizes.length === 1 && tieSizes[0] === n) {
    return { n1, n2, u, pValue: 1, method: 'degenerate', ties };
  }

  if (
    (options.exact ?? true) &&
    !ties &&
    n1 < EXACT_BELOW &&
    n2 < EXACT_BELOW
  ) {
    const distribution = exactDistribution(n1, n2);
    // U is an integer here (no ties); P(U <= u) and P(U >= u).
    let lower = 0;
    for (let k = 0; k <= u; k++) lower += distribution[k];
    let upper = 0;
    for (let k = u; k <= n1 * n2; k++) upper += distribution[k];
    return {
      n1,
      n2,
      u,
      pValue: Math.min(1, 2 * Math.min(lower, upper)),
      method: 'exact',
      ties,
    };
  }

  const tieTerm = tieSizes.reduce((sum, t) => sum + t * t * t - t, 0);
  const sigma = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  let z = u - (n1 * n2) / 2;
  if (options.correct ?? true) {
    z -= Math.sign(z) * 0.5;
  }
  z /= sigma;
  return {
    n1,
    n2,
    u,
    pValue: Math.min(1, 2 * normalUpperTail(Math.abs(z))),
    method: 'normal',
    ties,
  };
}

const exactCache = new Map<string, Float64Array>();

/**
 * The null distribution of U for samples of m and n values without ties: P(U = k) for
 * k = 0 .. m * n. Built with the recurrence on the largest value of the combined sample: it
 * belongs to x with probability m / (m + n) (then it beats all n values of y) or to y:
 * p(k; m, n) = m / (m + n) p(k - n; m - 1, n) + n / (m + n) p(k; m, n - 1).
 * Probabilities, not counts, so nothing overflows; at most 49 x 49 (about 1.5 million terms).
 */
export function exactDistribution(m: number, n: number): Float64Array {
  const key = `${m},${n}`;
  const cached = exactCache.get(key);
  if (cached) return cached;
  // rows[j] holds p(.; i, j) for the current i; row i = 0 is the point mass at 0.
  let previous: Float64Array[] = Array.from({ length: n + 1 }, () =>
    Float64Array.of(1),
  );
  for (let i = 1; i <= m; i++) {
    const current: Float64Array[] = [Float64Array.of(1)];
    for (let j = 1; j <= n; j++) {
      const row = new Float64Array(i * j + 1);
      const fromX = previous[j];
      const fromY = current[j - 1];
      const px = i / (i + j);
      const py = j / (i + j);
      for (let k = 0; k < fromX.length; k++) row[k + j] += px * fromX[k];
      for (let k = 0; k < fromY.length; k++) row[k] += py * fromY[k];
      current.push(row);
    }
    previous = current;
  }
  const result = previous[n];
  if (exactCache.size > 64) exactCache.clear();
  exactCache.set(key, result);
  return result;
}

/** The median of the finite values; `null` without any. */
export function median(values: number[]): number | null {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? sorted[mid]
    : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * The Hodges-Lehmann estimate of the shift of x over y: the median of all n1 * n2 differences
 * x_i - y_j (Hodges & Lehmann 1963). `null` when a sample is empty.
 */
export function hodgesLehmannShift(xs: number[], ys: number[]): number | null {
  const x = xs.filter(Number.isFinite);
  const y = ys.filter(Number.isFinite);
  const differences: number[] = [];
  for (const a of x) for (const b of y) differences.push(a - b);
  return median(differences);
}

/**
 * P(Z > z) for a standard normal Z, through the complementary error function
 * (Numerical Recipes' `erfcc`, a Chebyshev fit: fractional error below 1.2e-7 everywhere), enough
 * for p-values compared with a significance level.
 */
export function normalUpperTail(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t *
                              (-1.13520398 +
                                t *
                                  (1.48851587 +
                                    t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** The median gap between consecutive times (ascending), `null` with fewer than two. */
export function medianGap(times: number[]): number | null {
  return median(times.slice(1).map((t, i) => t - times[i]));
}
