import { EffectivePerformanceTargets } from '@devops-growth/backstage-plugin-devops-common';
import {
  describeTargetChange,
  initialTargetsForm,
  toTargetChanges,
} from './targetsForm';

const targets: EffectivePerformanceTargets = {
  targets: { p95Ms: 300, p99Ms: 400, errorRate: 0.011, minThroughput: 50 },
  sources: {
    p95Ms: 'config',
    p99Ms: 'annotation',
    errorRate: 'api',
    minThroughput: 'api',
  },
};

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
