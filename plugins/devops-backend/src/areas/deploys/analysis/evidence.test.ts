import { CanarySample } from '../types';
import {
  accumulate,
  CUMULATIVE_CAP,
  fromTuple,
  informationFractions,
  lookAlpha,
  obrienFlemingSpent,
  previousSamples,
  toTuple,
} from './evidence';

const at = (s: number) => new Date(Date.UTC(2026, 11, 2, 12, 0, s));
const sample = (s: number, errorRatePercent: number | null = 0.5) => ({
  at: at(s),
  errorRatePercent,
  p95Ms: errorRatePercent === null ? null : 120,
  rps: 20,
});

describe('cumulative evidence', () => {
  it('keeps a sample through its compact form and JSON (a restart)', () => {
    const s: CanarySample = {
      at: at(10),
      errorRatePercent: 0.8333333333333334,
      p95Ms: 123.456789,
      rps: null,
    };
    const tuple = JSON.parse(JSON.stringify(toTuple(s)));
    expect(tuple).toEqual([at(10).getTime(), 0.833333, 123.457, null]);
    expect(fromTuple(tuple)).toEqual({
      ...s,
      errorRatePercent: 0.833333,
      p95Ms: 123.457,
    });
    expect(fromTuple(['x', 1, 2, 3])).toBeNull();
    expect(fromTuple({})).toBeNull();
  });

  it('adds the new samples to the previous ones, newest kept up to the cap', () => {
    const previous = Array.from({ length: CUMULATIVE_CAP - 2 }, (_, i) =>
      sample(i),
    );
    const fresh = [
      sample(100, null), // no rates (the first scrape): dropped
      sample(101),
      sample(102),
      sample(103),
      sample(104),
    ];
    const judged = accumulate(previous, fresh);
    expect(judged).toHaveLength(CUMULATIVE_CAP);
    // The two oldest went; the newest is last.
    expect(judged[0].at).toEqual(at(2));
    expect(judged[judged.length - 1].at).toEqual(at(104));
    // A sample given twice (same time) counts once.
    expect(accumulate([sample(1)], [sample(1), sample(2)])).toHaveLength(2);
  });

  it('reads the previous verdict, with or without samples', () => {
    expect(previousSamples(null)).toEqual({ canary: [], baseline: [] });
    expect(
      previousSamples({
        decision: 'promote',
        step: 0,
        interval: 1,
        at: at(0).toISOString(),
        metrics: [],
        reason: '',
        samples: { canary: [toTuple(sample(5))], baseline: [] },
      }),
    ).toEqual({ canary: [sample(5)], baseline: [] });
  });
});

describe('alpha spending over the looks', () => {
  const environment = { canarySteps: [10, 25, 50, 100] };

  it('takes the information fraction from the weights of the analysed steps', () => {
    expect(informationFractions(environment, 0)).toEqual([0, 10 / 85]);
    expect(informationFractions(environment, 1)).toEqual([10 / 85, 35 / 85]);
    expect(informationFractions(environment, 2)).toEqual([35 / 85, 1]);
    expect(informationFractions(environment, null)).toEqual([0, 1]);
    // A step beyond the environment's (a deploy with its own steps): the rest of alpha.
    expect(informationFractions(environment, 5)).toEqual([0, 1]);
  });

  it("spends alpha as O'Brien-Fleming: almost nothing early, nearly all at the last look", () => {
    // scipy: 2 - 2 Phi(1.959964 / sqrt(t)).
    expect(obrienFlemingSpent(0.05, 10 / 85)).toBeCloseTo(1.10203e-8, 12);
    expect(obrienFlemingSpent(0.05, 1)).toBe(0.05);
    const levels = [0, 1, 2].map(step =>
      lookAlpha(0.05, informationFractions(environment, step)),
    );
    expect(levels[0]).toBeCloseTo(1.10203e-8, 12);
    expect(levels[1]).toBeCloseTo(0.00225523, 7);
    expect(levels[2]).toBeCloseTo(0.04774476, 7);
    // Never more than alpha in all (Boole's inequality).
    expect(levels.reduce((a, b) => a + b, 0)).toBeCloseTo(0.05, 10);
    // Blue-green: one look with the whole alpha.
    expect(lookAlpha(0.05, informationFractions(environment, null))).toBe(0.05);
  });
});
