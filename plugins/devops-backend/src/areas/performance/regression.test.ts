import {
  logGamma,
  regularizedIncompleteBeta,
  studentTTwoSidedPValue,
  welchTTest,
} from './regression';

/*
 * Reference values computed with SciPy 1.17.1:
 *   scipy.special.betainc(a, b, x)
 *   2 * scipy.stats.t.sf(t, df)
 *   scipy.stats.ttest_ind(a, b, equal_var=False)
 * and closed forms where they exist (noted inline).
 */

describe('logGamma', () => {
  it('matches factorials and Γ(1/2) = √π', () => {
    expect(logGamma(1)).toBeCloseTo(0, 12);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(20)).toBeCloseTo(Math.log(121645100408832000), 10);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
  });
});

describe('regularizedIncompleteBeta', () => {
  it('matches closed forms', () => {
    // I_x(a, 1) = x^a ; I_x(1, b) = 1 - (1 - x)^b ; I_0.5(a, a) = 0.5
    expect(regularizedIncompleteBeta(0.3, 4, 1)).toBeCloseTo(0.3 ** 4, 12);
    expect(regularizedIncompleteBeta(0.3, 1, 6)).toBeCloseTo(1 - 0.7 ** 6, 12);
    expect(regularizedIncompleteBeta(0.5, 7.5, 7.5)).toBeCloseTo(0.5, 12);
    expect(regularizedIncompleteBeta(0, 2, 3)).toBe(0);
    expect(regularizedIncompleteBeta(1, 2, 3)).toBe(1);
  });

  it('matches scipy.special.betainc', () => {
    expect(regularizedIncompleteBeta(0.3, 2.5, 0.5)).toBeCloseTo(
      0.018927124071945658,
      12,
    );
    expect(regularizedIncompleteBeta(0.4, 10, 20)).toBeCloseTo(
      0.7853183897628262,
      12,
    );
    expect(regularizedIncompleteBeta(0.9, 0.5, 0.5)).toBeCloseTo(
      0.7951672353008665,
      12,
    );
    expect(regularizedIncompleteBeta(0.995, 100, 0.5)).toBeCloseTo(
      0.31730898797001034,
      10,
    );
  });

  it('refuses non-positive shape parameters', () => {
    expect(() => regularizedIncompleteBeta(0.5, 0, 1)).toThrow(RangeError);
  });
});

describe('studentTTwoSidedPValue', () => {
  it('matches closed forms for 1 and 2 degrees of freedom', () => {
    // df = 1 (Cauchy): p = 1 - (2/π) atan(|t|) ; df = 2: p = 1 - |t| / sqrt(t² + 2)
    expect(studentTTwoSidedPValue(2, 1)).toBeCloseTo(
      1 - (2 / Math.PI) * Math.atan(2),
      12,
    );
    expect(studentTTwoSidedPValue(-2, 2)).toBeCloseTo(1 - 2 / Math.sqrt(6), 12);
  });

  it('matches 2 * scipy.stats.t.sf(t, df)', () => {
    // The classic table value: t = 2.228 at df = 10 is the 5% two-sided critical value.
    expect(studentTTwoSidedPValue(2.228, 10)).toBeCloseTo(
      0.05001177181711132,
      12,
    );
    expect(studentTTwoSidedPValue(10, 3)).toBeCloseTo(
      0.0021283990584141503,
      12,
    );
    expect(studentTTwoSidedPValue(0.5, 500)).toBeCloseTo(
      0.6172950500946657,
      12,
    );
    const tiny = studentTTwoSidedPValue(6, 40);
    expect(tiny / 4.7264551327881806e-7).toBeCloseTo(1, 8);
    expect(studentTTwoSidedPValue(0, 7)).toBeCloseTo(1, 12);
  });
});

describe('welchTTest', () => {
  it("matches scipy.stats.ttest_ind(equal_var=False) on Wikipedia's Welch examples", () => {
    const a1 = [
      27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6,
      19.0, 21.7, 21.4,
    ];
    const a2 = [
      27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1,
      22.9, 20.5, 24.4,
    ];
    // ttest_ind(a1, a2): t = -2.455356398286006 (a1 - a2), df = 24.988529290231416
    const r1 = welchTTest(a2, a1)!; // current = a1, baseline = a2
    expect(r1.t).toBeCloseTo(-2.455356398286006, 10);
    expect(r1.df).toBeCloseTo(24.988529290231416, 10);
    expect(r1.pValue).toBeCloseTo(0.021378001462866992, 12);

    const b1 = [17.2, 20.9, 22.6, 18.1, 21.7, 21.4, 23.5, 24.2, 14.7, 21.8];
    const b2 = [
      21.5, 22.8, 21.0, 23.0, 21.6, 23.6, 22.5, 20.7, 23.4, 21.8, 20.7, 21.7,
      21.5, 22.5, 23.6, 21.5, 22.5, 23.5, 21.5, 21.8,
    ];
    const r2 = welchTTest(b2, b1)!;
    expect(r2.t).toBeCloseTo(-1.5654335235985037, 10);
    expect(r2.df).toBeCloseTo(9.904741248650831, 10);
    expect(r2.pValue).toBeCloseTo(0.14884169660532817, 12);
    expect(r2.currentMean).toBeCloseTo(20.61, 10);
  });

  it('needs two values per sample and handles zero variance', () => {
    expect(welchTTest([1], [1, 2])).toBeUndefined();
    expect(welchTTest([5, 5, 5], [5, 5])!.pValue).toBe(1);
    const certain = welchTTest([5, 5, 5], [6, 6, 6])!;
    expect(certain.pValue).toBe(0);
    expect(certain.t).toBe(Infinity);
  });
});
