import {
  makeEmptyPerformanceSummary,
  makePerformanceSummary,
} from '../../__fixtures__/performanceSummary';
import { summarizePerformance } from './summary';

describe('summarizePerformance', () => {
  it('counts the breached targets and names the first one', () => {
    expect(summarizePerformance(makePerformanceSummary())).toEqual({
      state: '2 targets breached',
      tone: 'error',
      figure: 'P95 180 ms',
      problem: 'P99 latency 451 ms, target at most 400 ms',
    });
  });

  it('meets its targets with a regression as the worst problem', () => {
    expect(
      summarizePerformance(makePerformanceSummary({ breaches: [] })),
    ).toMatchObject({
      state: 'Meets targets',
      tone: 'ok',
      problem: 'P99 latency 35.2% worse',
    });
  });

  it('warns of a failing collection', () => {
    expect(
      summarizePerformance(
        makePerformanceSummary({
          breaches: [],
          regressions: [],
          stale: {
            since: '2025-03-03T11:05:00Z',
            error: 'connect ECONNREFUSED 10.0.0.1:9090',
            source: 'scrape',
            lastSuccessAt: '2025-03-03T11:00:00Z',
          },
        }),
      ),
    ).toMatchObject({
      state: 'Collection failing',
      tone: 'warning',
      problem: 'Collection failing: connect ECONNREFUSED 10.0.0.1:9090',
    });
  });

  it('says there are no samples yet before the first collection', () => {
    expect(summarizePerformance(makeEmptyPerformanceSummary())).toEqual({
      state: 'No samples yet',
      tone: 'neutral',
      figure: null,
      problem: null,
    });
  });
});
