import { makePerformanceSummary } from '../../__fixtures__/performanceSummary';
import { toPerformanceFigures } from './figures';

describe('toPerformanceFigures', () => {
  it('marks breaches listed by the backend and passes for the other targets', () => {
    const figures = toPerformanceFigures(makePerformanceSummary());
    expect(figures.map(f => [f.metric, f.status])).toEqual([
      ['p50Ms', 'no-target'],
      ['p95Ms', 'pass'],
      ['p99Ms', 'breach'],
      ['throughput', 'pass'],
      ['errorRate', 'breach'],
      ['cpuCores', 'no-target'],
      ['memoryBytes', 'no-target'],
    ]);
    expect(figures.find(f => f.metric === 'throughput')).toMatchObject({
      target: 'at least 50.0 req/s',
      targetDetail: 'Target: at least 50.0 req/s, from set in Backstage',
    });
  });

  it('says "no data" for a target whose metric the source lacks, and drops missing CPU and memory', () => {
    const summary = makePerformanceSummary();
    const figures = toPerformanceFigures({
      ...summary,
      current: {
        ...summary.current!,
        p99Ms: null,
        cpuCores: null,
        memoryBytes: null,
      },
    });
    expect(figures.map(f => f.metric)).toEqual([
      'p50Ms',
      'p95Ms',
      'p99Ms',
      'throughput',
      'errorRate',
    ]);
    expect(figures.find(f => f.metric === 'p99Ms')).toMatchObject({
      value: null,
      status: 'no-data',
    });
  });

  it('has no marker for a target that is not set', () => {
    const summary = makePerformanceSummary();
    const figures = toPerformanceFigures({
      ...summary,
      targets: {
        ...summary.targets,
        targets: { ...summary.targets.targets, p95Ms: null },
      },
    });
    expect(figures.find(f => f.metric === 'p95Ms')).toMatchObject({
      status: 'no-target',
      target: null,
    });
  });
});
