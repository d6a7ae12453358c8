import { binomialUpperTail, fisherExact, logGamma } from './fisherExact';

describe('fisherExact', () => {
  it("matches R's fisher.test on its documented examples", () => {
    // TeaTasting: matrix(c(3, 1, 1, 3), 2): two-sided 0.4857, "greater" 0.2429.
    const tea = fisherExact(3, 4, 1, 4);
    expect(tea.pValue).toBeCloseTo(0.4857142857, 9);
    expect(tea.greater).toBeCloseTo(0.2428571429, 9);
    // Convictions: matrix(c(2, 10, 15, 3), 2), two-sided p = 0.0005367.
    expect(fisherExact(2, 17, 10, 13).pValue).toBeCloseTo(0.0005367241191, 12);
  });

  it('gives p = 1 for equal or empty tables', () => {
    expect(fisherExact(3, 600, 3, 600).pValue).toBeCloseTo(1, 12);
    expect(fisherExact(0, 600, 0, 600)).toEqual({ pValue: 1, greater: 1 });
  });

  it('tests error counts of canary-sized tables (R: 7 of 689 against 0 of 661)', () => {
    expect(fisherExact(7, 689, 0, 661).pValue).toBeCloseTo(0.01552297678, 10);
  });

  it('refuses counts that are not whole or exceed the trials', () => {
    expect(() => fisherExact(1.5, 10, 0, 10)).toThrow(/whole counts/);
    expect(() => fisherExact(11, 10, 0, 10)).toThrow(/more events/);
  });
});

describe('logGamma', () => {
  it('is ln((n - 1)!) at whole numbers and ln(sqrt(pi)) at 1/2', () => {
    expect(logGamma(1)).toBeCloseTo(0, 12);
    expect(logGamma(11)).toBeCloseTo(Math.log(3628800), 10);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
    expect(logGamma(1001)).toBeCloseTo(5912.128178488163, 7);
  });
});

describe('binomialUpperTail', () => {
  it("matches R's binom.test(x, n, p, alternative = 'greater')", () => {
    // binom.test(4, 77, 0.05, alternative = "greater")$p.value = 0.5411097
    expect(binomialUpperTail(4, 77, 0.05)).toBeCloseTo(0.5411097223, 9);
    // binom.test(41, 600, 0.05, alternative = "greater")$p.value = 0.02883268
    expect(binomialUpperTail(41, 600, 0.05)).toBeCloseTo(0.02883268066, 10);
    // Every one of 3 requests failing at a 5 % rail: 0.05^3.
    expect(binomialUpperTail(3, 3, 0.05)).toBeCloseTo(1.25e-4, 15);
    // Below the mode it is summed from the complement: P(X >= 2) = 0.9027 for n = 77.
    expect(binomialUpperTail(2, 77, 0.05)).toBeCloseTo(0.9026725737, 9);
    // binom.test(60, 600, 0.05, alternative = "greater")$p.value = 4.159381e-07
    expect(
      binomialUpperTail(60, 600, 0.05) / 4.1593809974577634e-7,
    ).toBeCloseTo(1, 9);
  });

  it('handles the edges and refuses what is not a count or a probability', () => {
    expect(binomialUpperTail(0, 10, 0.3)).toBe(1);
    expect(binomialUpperTail(5, 10, 0)).toBe(0);
    expect(binomialUpperTail(5, 10, 1)).toBe(1);
    // A million requests are summed in a few terms above the mode.
    expect(binomialUpperTail(60_000, 1_000_000, 0.05)).toBeLessThan(1e-100);
    expect(() => binomialUpperTail(1.5, 10, 0.1)).toThrow(/whole counts/);
    expect(() => binomialUpperTail(11, 10, 0.1)).toThrow(/more events/);
    expect(() => binomialUpperTail(1, 10, 1.5)).toThrow(/probability/);
  });
});
