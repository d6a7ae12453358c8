/*
 * The series of the "Performance" card's charts.
 */
import { PerformancePoint } from '@devops-growth/backstage-plugin-devops-common';
import { sortedByTime } from '../shared';
import { percentOf } from './format';

/** One point of the charts: epoch milliseconds, latencies in ms, the error rate in percent. */
export interface PerformanceChartPoint {
  time: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  throughput: number | null;
  errorRatePercent: number | null;
}

/** The series ordered by time, with the error rate in percent. */
export function toPerformanceChartData(
  series: PerformancePoint[],
  bucketMinutes: number,
): PerformanceChartPoint[] {
  const sorted = sortedByTime(
    series.map(point => ({
      time: Date.parse(point.at),
      p50Ms: point.p50Ms,
      p95Ms: point.p95Ms,
      p99Ms: point.p99Ms,
      throughput: point.throughput,
      errorRatePercent:
        point.errorRate === null ? null : percentOf(point.errorRate),
    })),
  );
  // Where collection stopped for more than two buckets, an empty point breaks the lines, so the
  // chart does not draw figures nobody measured.
  const bucketMs = bucketMinutes * 60_000;
  const points: PerformanceChartPoint[] = [];
  for (const point of sorted) {
    const previous = points[points.length - 1];
    if (previous && point.time - previous.time > 2 * bucketMs) {
      points.push({
        time: previous.time + bucketMs,
        p50Ms: null,
        p95Ms: null,
        p99Ms: null,
        throughput: null,
        errorRatePercent: null,
      });
    }
    points.push(point);
  }
  return points;
}
