import { computeDora, doraTier } from './dora';
import { DoraInput } from './types';

type D = DoraInput['deploys'][number];

function deploy(
  id: string,
  kind: D['kind'],
  status: D['status'],
  times: { commit?: string; start?: string; finish?: string },
): D {
  const iso = (s?: string) => (s ? `2026-${s}:00.000Z` : null);
  return {
    id,
    kind,
    status,
    version: `v-${id}`,
    createdAt: iso(times.start ?? times.finish)!,
    startedAt: iso(times.start),
    finishedAt: iso(times.finish),
    commitAt: iso(times.commit),
  };
}

// The 30-day window is [2026-11-02, 2026-12-02); the window before it is [2026-10-03, 2026-11-02).
const NOW = new Date('2026-12-02T00:00:00Z');

const deploys: D[] = [
  // Current window.
  deploy('d1', 'deploy', 'succeeded', {
    commit: '11-05T08:00',
    start: '11-05T10:00',
    finish: '11-05T10:30',
  }), // lead 2.5 h; incident i2 names it
  deploy('d2', 'pushed', 'succeeded', {
    commit: '11-10T00:00',
    start: '11-12T00:00',
  }), // pushed without a finish time: lead 48 h from its start
  deploy('d3', 'promote', 'rolled-back', {
    start: '11-15T12:00',
    finish: '11-15T12:45',
  }), // restored by its own rollback after 0.75 h
  deploy('d4', 'deploy', 'failed', {
    start: '11-16T09:00',
    finish: '11-16T09:10',
  }), // restored by d5 at 10:06: 1.1 h
  deploy('d5', 'rollback', 'succeeded', {
    start: '11-16T10:00',
    finish: '11-16T10:06',
  }), // a rollback: not a change
  deploy('d6', 'deploy', 'succeeded', { finish: '11-20T15:00' }), // no commit time
  deploy('d7', 'deploy', 'aborted', { finish: '11-21T10:00' }), // never reached production
  deploy('d8', 'deploy', 'succeeded', {
    commit: '11-24T00:00',
    finish: '11-25T12:00',
  }), // lead 36 h; the last success before incident i1
  deploy('d9', 'pushed', 'succeeded', {
    commit: '11-28T00:00',
    finish: '11-29T00:00',
  }), // lead 24 h
  // The window before.
  deploy('p1', 'deploy', 'succeeded', {
    commit: '10-10T00:00',
    finish: '10-10T06:00',
  }), // lead 6 h
  deploy('p2', 'deploy', 'failed', {
    start: '10-20T00:00',
    finish: '10-20T01:00',
  }), // restored by p3: 25 h from its start
  deploy('p3', 'deploy', 'succeeded', { finish: '10-21T01:00' }),
  // Before both windows.
  deploy('old', 'deploy', 'failed', { finish: '09-01T00:00' }),
];

const incidents: DoraInput['incidents'] = [
  {
    // No deploy named: counted against d8; resolved after 4 h.
    startedAt: '2026-11-25T14:00:00.000Z',
    resolvedAt: '2026-11-25T18:00:00.000Z',
    deployId: null,
  },
  {
    // Names d1; not resolved: restored by the next success (d2, 12 Nov 00:00) after 144 h.
    startedAt: '2026-11-06T00:00:00.000Z',
    resolvedAt: null,
    deployId: 'd1',
  },
];

describe('computeDora', () => {
  it('computes the four keys over the window and the window before, by hand', () => {
    const summary = computeDora({
      environment: 'production',
      windowDays: 30,
      now: NOW,
      deploys,
      incidents,
    });
    expect(summary.environment).toBe('production');
    expect(summary.windowDays).toBe(30);
    // d1, d2, d6, d8, d9 succeeded (d5 is a rollback, d7 was aborted).
    expect(summary.deployments).toBe(5);
    // 5 / 30 a day (weekly or more: high); before: p1, p3 = 2 / 30 (monthly or more: medium).
    expect(summary.deploymentFrequency.value).toBeCloseTo(5 / 30, 10);
    expect(summary.deploymentFrequency.previous).toBeCloseTo(2 / 30, 10);
    expect(summary.deploymentFrequency.tier).toBe('high');
    // Lead times 2.5, 24, 36, 48 h: median (24 + 36) / 2 = 30 h; before: 6 h.
    expect(summary.leadTimeHours).toEqual({
      value: 30,
      previous: 6,
      tier: 'high',
    });
    // Changes d1 d2 d3 d4 d6 d8 d9 = 7; failed: d3 (rolled back), d4 (failed), d8 (incident i1),
    // d1 (incident i2) = 4 -> 57.14 %; before: p2 of p1 p2 p3 = 33.33 %.
    expect(summary.changes).toBe(7);
    expect(summary.failedChanges).toBe(4);
    expect(summary.changeFailureRatePercent.value).toBeCloseTo(400 / 7, 10);
    expect(summary.changeFailureRatePercent.previous).toBeCloseTo(100 / 3, 10);
    expect(summary.changeFailureRatePercent.tier).toBe('low');
    // Restores 0.75 (d3), 1.1 (d4), 4 (i1), 144 (i2) h: median (1.1 + 4) / 2 = 2.55 h; before: 25 h.
    expect(summary.timeToRestoreHours.value).toBeCloseTo(2.55, 10);
    expect(summary.timeToRestoreHours.previous).toBe(25);
    expect(summary.timeToRestoreHours.tier).toBe('high');
  });

  it('answers no data without deploys, and a frequency of 0 when the window had none', () => {
    const empty = computeDora({
      environment: 'staging',
      windowDays: 90,
      now: NOW,
      deploys: [],
      incidents: [],
    });
    expect(empty).toEqual({
      environment: 'staging',
      windowDays: 90,
      deployments: 0,
      changes: 0,
      failedChanges: 0,
      deploymentFrequency: { value: null, previous: null, tier: null },
      leadTimeHours: { value: null, previous: null, tier: null },
      changeFailureRatePercent: { value: null, previous: null, tier: null },
      timeToRestoreHours: { value: null, previous: null, tier: null },
    });
    const quiet = computeDora({
      environment: 'production',
      windowDays: 30,
      now: NOW,
      deploys: deploys.filter(d => d.id.startsWith('p')),
      incidents: [],
    });
    expect(quiet.deploymentFrequency).toEqual({
      value: 0,
      previous: 2 / 30,
      tier: 'low',
    });
    expect(quiet.changeFailureRatePercent.value).toBeNull();
  });

  it('does not count an incident against a rollback, nor a failure still unrestored in the time to restore', () => {
    const summary = computeDora({
      environment: 'production',
      windowDays: 30,
      now: NOW,
      deploys: [
        deploy('a', 'deploy', 'succeeded', { finish: '11-10T00:00' }),
        deploy('r', 'rollback', 'succeeded', { finish: '11-11T00:00' }),
        deploy('f', 'deploy', 'failed', {
          start: '11-30T00:00',
          finish: '11-30T01:00',
        }),
      ],
      incidents: [
        {
          // The last success before it is the rollback: no change is blamed.
          startedAt: '2026-11-12T00:00:00.000Z',
          resolvedAt: '2026-11-12T02:00:00.000Z',
          deployId: null,
        },
      ],
    });
    // a and f reached production; f failed.
    expect(summary.changeFailureRatePercent.value).toBe(50);
    // Only the incident is restored (2 h): f has no later success yet.
    expect(summary.timeToRestoreHours.value).toBe(2);
  });
});

describe('doraTier', () => {
  it('places deployment frequency (per day) on the 2024 levels', () => {
    expect(doraTier('deploymentFrequency', 3)).toBe('elite');
    expect(doraTier('deploymentFrequency', 1)).toBe('high');
    expect(doraTier('deploymentFrequency', 1 / 7)).toBe('high');
    expect(doraTier('deploymentFrequency', 0.14)).toBe('medium');
    expect(doraTier('deploymentFrequency', 1 / 30)).toBe('medium');
    expect(doraTier('deploymentFrequency', 0.03)).toBe('low');
    expect(doraTier('deploymentFrequency', 0)).toBe('low');
  });

  it('places lead time (hours)', () => {
    expect(doraTier('leadTimeHours', 23.9)).toBe('elite');
    expect(doraTier('leadTimeHours', 24)).toBe('high');
    expect(doraTier('leadTimeHours', 168)).toBe('high');
    expect(doraTier('leadTimeHours', 168.5)).toBe('medium');
    expect(doraTier('leadTimeHours', 720)).toBe('medium');
    expect(doraTier('leadTimeHours', 721)).toBe('low');
  });

  it("places change failure rate at the nearest cluster's rate (elite 5, medium 10, high 20, low 40)", () => {
    expect(doraTier('changeFailureRatePercent', 0)).toBe('elite');
    expect(doraTier('changeFailureRatePercent', 5)).toBe('elite');
    expect(doraTier('changeFailureRatePercent', 7.5)).toBe('medium');
    expect(doraTier('changeFailureRatePercent', 10)).toBe('medium');
    expect(doraTier('changeFailureRatePercent', 15)).toBe('high');
    expect(doraTier('changeFailureRatePercent', 20)).toBe('high');
    expect(doraTier('changeFailureRatePercent', 30)).toBe('low');
    expect(doraTier('changeFailureRatePercent', 100)).toBe('low');
  });

  it('places time to restore (hours), and gives no tier without a value', () => {
    expect(doraTier('timeToRestoreHours', 0.5)).toBe('elite');
    expect(doraTier('timeToRestoreHours', 1)).toBe('high');
    expect(doraTier('timeToRestoreHours', 23.9)).toBe('high');
    expect(doraTier('timeToRestoreHours', 24)).toBe('medium');
    expect(doraTier('timeToRestoreHours', 167)).toBe('medium');
    expect(doraTier('timeToRestoreHours', 168)).toBe('low');
    expect(doraTier('timeToRestoreHours', null)).toBeNull();
  });
});
