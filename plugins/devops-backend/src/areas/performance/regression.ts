/**
 * Welch's unequal-variances t-test, with the two-sided p-value taken from Student's t
 * distribution through the regularized incomplete beta function:
 * `P(|T| >= |t|) = I_{df / (df + t²)}(df / 2, 1 / 2)`.
 */

/** ln Γ(x) for x > 0 (Lanczos approximation, g = 7, 9 coefficients; ~15 significant digits). */
export function logGamma(x: number): number {
  if (x < 0.5) {
    // Reflection: Γ(x) Γ(1 - x) = π / sin(πx)
    return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  }
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028,
    771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const z = x - 1;
  let sum = c[0];
  for (let i = 1; i < c.length; i++) {
    sum += c[i] / (z + i);
  }
  const t = z + 7.5;
  return (
    0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum)
  );
}

/** Continued fraction of the incomplete beta function (modified Lentz's method). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const maxIterations = 1000;
  const epsilon = 1e-15;
  const tiny = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= maxIterations; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < epsilon) {
      return h;
    }
  }
  return h;
}

/**
 * The regularized incomplete beta function I_x(a, b) for a, b > 0 and 0 <= x <= 1, by the
 * continued fraction, evaluated on whichever side of the symmetry
 * I_x(a, b) = 1 - I_{1-x}(b, a) converges fast.
 */
export function regularizedIncompleteBeta(
  x: number,
  a: number,
  b: number,
): number {
  if (!(a > 0) || !(b > 0) || Number.isNaN(x)) {
    throw new RangeError(
      `regularizedIncompleteBeta: need a > 0, b > 0 (got ${a}, ${b})`,
    );
  }
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const logFront =
    logGamma(a + b) -
    logGamma(a) -
    logGamma(b) +
    a * Math.log(x) +
    b * Math.log1p(-x);
  const front = Math.exp(logFront);
  if (x < (a + 1) / (a + b + 2)) {
    return (front * betaContinuedFraction(a, b, x)) / a;
  }
  return 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** Two-sided p-value of a t statistic with `df` degrees of freedom (df may be fractional). */
export function studentTTwoSidedPValue(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return NaN;
  if (!Number.isFinite(t)) return 0;
  return regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5);
}

/** Outcome of {@link welchTTest}. */
export interface WelchTTestResult {
  /** t statistic of `mean(current) - mean(baseline)`: positive when the current mean is higher. */
  t: number;
  /** Welch–Satterthwaite degrees of freedom. */
  df: number;
  /** Two-sided p-value. */
  pValue: number;
  baselineMean: number;
  currentMean: number;
}

function meanAndVariance(values: number[]): { mean: number; variance: number } {
  let mean = 0;
  for (const v of values) mean += v;
  mean /= values.length;
  let squares = 0;
  for (const v of values) squares += (v - mean) * (v - mean);
  return { mean, variance: squares / (values.length - 1) };
}

/**
 * Welch's t-test between two samples (each needs at least 2 values; returns `undefined`
 * otherwise). When both samples have zero variance the test is degenerate: equal means give
 * p = 1, different means p = 0 (the difference is certain).
 */
export function welchTTest(
  baseline: number[],
  current: number[],
): WelchTTestResult | undefined {
  if (baseline.length < 2 || current.length < 2) {
    return undefined;
  }
  const b = meanAndVariance(baseline);
  const c = meanAndVariance(current);
  const vb = b.variance / baseline.length;
  const vc = c.variance / current.length;
  const se2 = vb + vc;
  const diff = c.mean - b.mean;
  if (se2 === 0) {
    return {
      t: diff === 0 ? 0 : Math.sign(diff) * Infinity,
      df: baseline.length + current.length - 2,
      pValue: diff === 0 ? 1 : 0,
      baselineMean: b.mean,
      currentMean: c.mean,
    };
  }
  const t = diff / Math.sqrt(se2);
  const df =
    (se2 * se2) /
    ((vb * vb) / (baseline.length - 1) + (vc * vc) / (current.length - 1));
  return {
    t,
    df,
    pValue: studentTTwoSidedPValue(t, df),
    baselineMean: b.mean,
    currentMean: c.mean,
  };
}
