import {
  makeEmptySummary,
  makeSummary,
} from '../../__fixtures__/coverageSummary';
import { summarizeCoverage } from './summary';

describe('summarizeCoverage', () => {
  it("gives the gate's verdict, its metric with the pass rate, and the most urgent recommendation", () => {
    expect(summarizeCoverage(makeSummary())).toEqual({
      state: 'Gate passed',
      tone: 'ok',
      figure: 'Lines 85.3%, 96.5% of tests passed',
      problem: 'Fix flaky tests',
    });
  });

  it('names the shortfall of a failed gate when nothing is recommended', () => {
    const summary = makeSummary();
    expect(
      summarizeCoverage({
        ...summary,
        recommendations: [],
        tests: { ...summary.tests, flaky: [] },
        coverage: {
          ...summary.coverage,
          gate: { ...summary.coverage.gate, status: 'failed', actual: 72.5 },
        },
      }),
    ).toMatchObject({
      state: 'Gate failed',
      tone: 'error',
      figure: 'Lines 72.5%, 96.5% of tests passed',
      problem: 'lines under 80.0%',
    });
  });

  it('says there is nothing yet before the first report', () => {
    expect(summarizeCoverage(makeEmptySummary())).toEqual({
      state: 'No reports yet',
      tone: 'neutral',
      figure: null,
      problem: null,
    });
  });
});
