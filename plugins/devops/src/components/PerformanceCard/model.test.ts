import { ResponseError } from '@backstage/errors';
import { EffectivePerformanceTargets } from '@devops-growth/backstage-plugin-devops-common';
import {
  makeLoadTestRun,
  makePerformancePoint,
  makePerformanceSummary,
} from '../../__fixtures__/performanceSummary';
import {
  describeActionError,
  describeTargetChange,
  formatActor,
  formatBytes,
  formatErrorRate,
  formatMs,
  formatThroughput,
  initialTargetsForm,
  toLoadTestView,
  toPerformanceChartData,
  toPerformanceFigures,
  toTargetChanges,
} from './model';

const targets: EffectivePerformanceTargets = {
  targets: { p95Ms: 300, p99Ms: 400, errorRate: 0.011, minThroughput: 50 },
  sources: {
    p95Ms: 'config',
    p99Ms: 'annotation',
    errorRate: 'api',
    minThroughput: 'api',
  },
};

describe('formatting', () => {
  it.each([
    [formatMs(4.25), '4.3 ms'],
    [formatMs(180.4), '180 ms'],
    [formatThroughput(1234.4), '1234 req/s'],
    [formatThroughput(12.34), '12.3 req/s'],
    [formatThroughput(0.5), '0.50 req/s'],
    [formatErrorRate(0), '0%'],
    [formatErrorRate(0.0123), '1.23%'],
    [formatErrorRate(0.125), '12.5%'],
    [formatBytes(512), '512 B'],
    [formatBytes(256 * 1024 * 1024), '256 MiB'],
    [formatBytes(1.5 * 1024 ** 3), '1.5 GiB'],
    [formatActor('user:default/jane.doe'), 'jane.doe'],
    [formatActor('user:ops/sam'), 'ops/sam'],
    [formatActor('plugin:scaffolder'), 'plugin:scaffolder'],
  ])('%p is %p', (actual, expected) => {
    expect(actual).toBe(expected);
  });
});

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

describe('targets form', () => {
  it('fills in only the overrides made in Backstage', () => {
    expect(initialTargetsForm(targets)).toEqual({
      p95Ms: '',
      p99Ms: '',
      errorRate: '1.1',
      minThroughput: '50',
    });
  });

  it('sends new values, converts the error rate and removes emptied overrides', () => {
    expect(
      toTargetChanges(
        { p95Ms: '250', p99Ms: '', errorRate: '0.5', minThroughput: '' },
        targets,
      ),
    ).toEqual({
      ok: true,
      changes: { p95Ms: 250, errorRate: 0.005, minThroughput: null },
    });
  });

  it('accepts a zero error-rate target', () => {
    expect(
      toTargetChanges(
        { p95Ms: '', p99Ms: '', errorRate: '0', minThroughput: '50' },
        targets,
      ),
    ).toEqual({ ok: true, changes: { errorRate: 0 } });
  });

  it('leaves out overrides that did not change', () => {
    expect(toTargetChanges(initialTargetsForm(targets), targets)).toEqual({
      ok: true,
      changes: {},
    });
  });

  it('names what is wrong with each field', () => {
    expect(
      toTargetChanges(
        { p95Ms: '0', p99Ms: 'abc', errorRate: '150', minThroughput: '0' },
        targets,
      ),
    ).toEqual({
      ok: false,
      errors: {
        p95Ms: 'Enter a number of milliseconds above 0',
        p99Ms: 'Enter a number',
        errorRate: 'Enter a percentage from 0 to 100',
        minThroughput: 'Enter a number of requests per second above 0',
      },
    });
  });

  it('describes a change of the history', () => {
    expect(
      describeTargetChange({
        id: 'c1',
        entityRef: 'component:default/payments',
        changes: { p95Ms: 250, errorRate: null },
        actor: 'user:default/jane.doe',
        comment: null,
        at: '2025-03-03T10:00:00Z',
      }),
    ).toBe('P95 latency 250 ms, error rate override removed');
  });
});

describe('toLoadTestView', () => {
  it('shows pending figures of a running run', () => {
    expect(
      toLoadTestView(
        makeLoadTestRun({
          status: 'running',
          p95Ms: null,
          throughput: null,
          errors: null,
          requests: null,
        }),
      ),
    ).toMatchObject({
      statusLabel: 'Running',
      p95: '…',
      throughput: '…',
      errors: '…',
      who: 'jane.doe',
    });
  });

  it('keeps the reason of a failed run', () => {
    expect(
      toLoadTestView(
        makeLoadTestRun({
          status: 'failed',
          error: 'connect ECONNREFUSED',
          p95Ms: null,
          throughput: null,
          errors: null,
          requests: null,
        }),
      ),
    ).toMatchObject({
      statusLabel: 'Failed',
      p95: '–',
      error: 'connect ECONNREFUSED',
    });
  });
});

describe('describeActionError', () => {
  async function responseError(status: number, message: string) {
    return ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: { name: 'Error', message },
          request: { method: 'PUT', url: '/targets' },
          response: { statusCode: status },
        }),
        { status, headers: { 'Content-Type': 'application/json' } },
      ),
    );
  }

  it("gives the backend's message", async () => {
    expect(
      describeActionError(
        await responseError(400, 'p95Ms must be positive'),
        'targets',
      ),
    ).toBe('p95Ms must be positive');
  });

  it('names the missing permission on a 403', async () => {
    expect(
      describeActionError(await responseError(403, 'Forbidden'), 'targets'),
    ).toBe(
      'You are not allowed to change the performance targets of this entity (permission devops.performance.targets.update).',
    );
  });
});
