import { PerformanceMetric } from '@devops-growth/backstage-plugin-devops-common';
import { PerformanceSampleStore } from '../areas/performance/PerformanceSampleStore';

/** The non-null raw values of one metric in [from, to), oldest first. */
export async function rawValues(
  store: PerformanceSampleStore,
  options: {
    entityRef: string;
    environment: string;
    metric: PerformanceMetric;
    from: Date;
    to: Date;
  },
): Promise<number[]> {
  const points = await store.readRawPoints(options);
  return points.flatMap(point => {
    const value = point[options.metric];
    return value === null ? [] : [value];
  });
}
