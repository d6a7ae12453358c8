import {
  exactDistribution,
  hodgesLehmannShift,
  mannWhitneyU,
  median,
  midRanks,
  normalUpperTail,
} from './mannWhitney';

/*
 * Reference values and their sources:
 * [HW] Hollander & Wolfe (1973), p. 69f, the two-sample example of R's `?wilcox.test`
 *      (permeability constants of the human chorioamnion). Published output of that example:
 *      `wilcox.test(x, y, alternative = "g")` gives W = 35, p-value = 0.1272 (exact), and with
 *      `exact = FALSE, correct = FALSE` W = 35, p-value = 0.1103 (the H&W large-sample
 *      approximation). The two-sided figures (p = 0.2544122544 exact, 0.2206713619 normal
 *      without correction, 0.2446236051 with it) and the Hodges-Lehmann estimate 0.305 are
 *      the same example's `wilcox.test(x, y, conf.int = TRUE)` output in R 4.2.2.
 * [EM] The worked example at endmemo.com/r/wilcoxon.php (R's `wilcox.test`, ties so the
 *      normal approximation with continuity correction): x = c(1,5,9,24,56,21,3,7,21,4),
 *      y = c(12,15,5,9,9,14,56,22,3,7,32,5) gives W = 51.5, p-value = 0.5966; with
 *      y = c(1233,4356,987,39999,1111,200000) W = 0, p-value = 0.001364. More digits
 *      (0.5965969026, 0.001364392954; 0.5738558185 with `correct = FALSE`) from R 4.2.2.
 * [R]  R 4.2.2 `wilcox.test` / `pnorm` on the data given inline.
 */

const hwX = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
const hwY = [1.15, 0.88, 0.9, 0.74, 1.21];
const emX = [1, 5, 9, 24, 56, 21, 3, 7, 21, 4];

describe('mannWhitneyU', () => {
  it('matches the exact test of Hollander & Wolfe [HW]', () => {
    const result = mannWhitneyU(hwX, hwY);
    expect(result).toMatchObject({
      n1: 10,
      n2: 5,
      u: 35,
      method: 'exact',
      ties: false,
    });
    // One-sided (greater) p = 0.1272 is half the two-sided one here (the tail is the smaller).
    expect(result.pValue! / 2).toBeCloseTo(0.1272, 4);
    expect(result.pValue).toBeCloseTo(0.2544122544, 9);
  });

  it('matches the normal approximation of Hollander & Wolfe, with and without continuity correction [HW]', () => {
    const plain = mannWhitneyU(hwX, hwY, { exact: false, correct: false });
    expect(plain.method).toBe('normal');
    expect(plain.pValue! / 2).toBeCloseTo(0.1103, 4);
    expect(plain.pValue).toBeCloseTo(0.2206713619, 6);
    expect(mannWhitneyU(hwX, hwY, { exact: false }).pValue).toBeCloseTo(
      0.2446236051,
      6,
    );
  });

  it('uses the tie-corrected normal approximation with ties [EM]', () => {
    const y = [12, 15, 5, 9, 9, 14, 56, 22, 3, 7, 32, 5];
    const result = mannWhitneyU(emX, y);
    expect(result).toMatchObject({ u: 51.5, method: 'normal', ties: true });
    expect(result.pValue).toBeCloseTo(0.5965969026, 6);
    expect(mannWhitneyU(emX, y, { correct: false }).pValue).toBeCloseTo(
      0.5738558185,
      6,
    );
  });

  it('finds a complete separation significant [EM]', () => {
    const result = mannWhitneyU(emX, [1233, 4356, 987, 39999, 1111, 200000]);
    expect(result.u).toBe(0);
    expect(result.pValue).toBeCloseTo(0.001364392954, 7);
  });

  it('matches an exact test of 20 against 25 values [R]', () => {
    // u, v as below; R: W = 114, p-value = 0.001498775664, "Wilcoxon rank sum exact test";
    // median(outer(u, v, "-")) = -2.75.
    const u = [
      3.1, 4.5, 2.2, 5.9, 6.1, 7.3, 1.4, 8.8, 9.05, 2.75, 4.05, 6.66, 7.77,
      3.33, 5.55, 0.9, 1.95, 8.15, 9.6, 2.45,
    ];
    const v = [
      4.4, 5.1, 6.3, 7.05, 8.3, 9.9, 10.2, 5.66, 6.78, 7.41, 8.02, 9.33, 4.95,
      6.02, 7.11, 8.88, 9.44, 10.7, 11.2, 5.35, 6.55, 7.95, 8.45, 9.15, 10.05,
    ];
    const result = mannWhitneyU(u, v);
    expect(result).toMatchObject({ u: 114, method: 'exact' });
    expect(result.pValue).toBeCloseTo(0.001498775664, 10);
    expect(hodgesLehmannShift(u, v)).toBeCloseTo(-2.75, 12);
  });

  it('gives the smallest exact p-value for a complete separation of 3 against 3, in either direction [R]', () => {
    // R: wilcox.test(c(1,2,3), c(4,5,6))$p.value = 0.1 = 2 / choose(6, 3); same reversed.
    expect(mannWhitneyU([1, 2, 3], [4, 5, 6]).pValue).toBeCloseTo(0.1, 12);
    expect(mannWhitneyU([4, 5, 6], [1, 2, 3])).toMatchObject({ u: 9 });
    expect(mannWhitneyU([4, 5, 6], [1, 2, 3]).pValue).toBeCloseTo(0.1, 12);
  });

  it('answers p = 1 when every value is equal, and no p-value for an empty sample', () => {
    expect(mannWhitneyU([2, 2, 2], [2, 2])).toEqual({
      n1: 3,
      n2: 2,
      u: 3,
      pValue: 1,
      method: 'degenerate',
      ties: true,
    });
    expect(mannWhitneyU([], [1, 2]).pValue).toBeNull();
    expect(mannWhitneyU([1, 2], []).method).toBe('empty');
  });

  it('ignores values that are not finite', () => {
    expect(mannWhitneyU([1, NaN, 2, 3], [4, 5, Infinity, 6])).toMatchObject({
      n1: 3,
      n2: 3,
      u: 0,
    });
  });

  it('never exceeds 1 for identical samples without ties across them', () => {
    const result = mannWhitneyU([1, 3, 5], [2, 4, 6]);
    expect(result.pValue).toBeGreaterThan(0.5);
    expect(result.pValue).toBeLessThanOrEqual(1);
  });
});

describe('exactDistribution', () => {
  it('is the distribution of U: sums to 1, symmetric, with mass 1 / C(m + n, m) at the ends', () => {
    const p = exactDistribution(6, 4);
    expect(p.length).toBe(25);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    for (let k = 0; k <= 24; k++) expect(p[k]).toBeCloseTo(p[24 - k], 14);
    // C(10, 4) = 210 arrangements, one with U = 0.
    expect(p[0]).toBeCloseTo(1 / 210, 14);
    // U = 1 also has exactly one arrangement.
    expect(p[1]).toBeCloseTo(1 / 210, 14);
    // U = 2: two arrangements.
    expect(p[2]).toBeCloseTo(2 / 210, 14);
  });
});

describe('midRanks', () => {
  it('gives tied values the mean of their ranks', () => {
    expect(midRanks([10, 20, 20, 5, 20])).toEqual({
      ranks: [2, 4, 4, 1, 4],
      tieSizes: [3],
    });
  });
});

describe('hodgesLehmannShift', () => {
  it('is the median of pairwise differences [HW]', () => {
    // R: wilcox.test(x, y, conf.int = TRUE) "difference in location 0.305".
    expect(hodgesLehmannShift(hwX, hwY)).toBeCloseTo(0.305, 12);
  });

  it('is the shift itself for a shifted copy, zero for equal samples, null when empty', () => {
    const base = [3, 1, 4, 1, 5, 9, 2, 6];
    expect(
      hodgesLehmannShift(
        base.map(v => v + 2.5),
        base,
      ),
    ).toBeCloseTo(2.5, 12);
    expect(hodgesLehmannShift([4, 4, 4], [4, 4])).toBe(0);
    expect(hodgesLehmannShift([], [1])).toBeNull();
  });
});

describe('median', () => {
  it('takes the middle value or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});

describe('normalUpperTail', () => {
  it('matches pnorm [R]', () => {
    // R: 2 * pnorm(-4) = 6.334248367e-05, 2 * pnorm(-1.5) = 0.1336144025.
    expect((2 * normalUpperTail(4)) / 6.334248367e-5).toBeCloseTo(1, 6);
    expect(2 * normalUpperTail(1.5)).toBeCloseTo(0.1336144025, 7);
    expect(normalUpperTail(0)).toBeCloseTo(0.5, 7);
    expect(normalUpperTail(-1.5)).toBeCloseTo(1 - 0.1336144025 / 2, 7);
  });
});
