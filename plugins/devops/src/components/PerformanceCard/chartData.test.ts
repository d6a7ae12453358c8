import { makePerformancePoint } from '../../__fixtures__/performanceSummary';
import { toPerformanceChartData } from './chartData';

describe('toPerformanceChartData', () => {
  it('orders the points by time and gives the error rate in percent', () => {
    const points = toPerformanceChartData(
      [
        makePerformancePoint(10, { errorRate: 0.011 }),
        makePerformancePoint(0, { errorRate: null }),
      ],
      10,
    );
    expect(points.map(p => p.time)).toEqual([
      Date.parse('2025-03-03T10:00:00Z'),
      Date.parse('2025-03-03T10:10:00Z'),
    ]);
    expect(points.map(p => p.errorRatePercent)).toEqual([null, 1.1]);
  });

  it('breaks the lines where collection stopped for more than two buckets', () => {
    const points = toPerformanceChartData(
      [
        makePerformancePoint(0, { p95Ms: 100 }),
        makePerformancePoint(5, { p95Ms: 110 }),
        makePerformancePoint(45, { p95Ms: 120 }),
      ],
      5,
    );
    expect(points.map(p => [p.time, p.p95Ms])).toEqual([
      [Date.parse('2025-03-03T10:00:00Z'), 100],
      [Date.parse('2025-03-03T10:05:00Z'), 110],
      [Date.parse('2025-03-03T10:10:00Z'), null],
      [Date.parse('2025-03-03T10:45:00Z'), 120],
    ]);
  });
});
