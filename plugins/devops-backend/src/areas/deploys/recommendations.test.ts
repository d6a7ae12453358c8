import {
  DeployDrift,
  DoraSummary,
} from '@devops-growth/backstage-plugin-devops-common';
import { deployRecommendations, EnvironmentFacts } from './recommendations';

const now = new Date('2026-12-02T12:00:00Z');
const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);

function dora(
  changeFailureRate: number | null,
  changes = 10,
  failedChanges = Math.round(((changeFailureRate ?? 0) * changes) / 100),
): DoraSummary {
  const metric = (value: number | null) => ({
    value,
    previous: null,
    tier: null,
  });
  return {
    environment: 'production',
    windowDays: 30,
    deployments: changes - failedChanges,
    changes,
    failedChanges,
    deploymentFrequency: metric(1),
    leadTimeHours: metric(2),
    changeFailureRatePercent: metric(changeFailureRate),
    timeToRestoreHours: metric(1),
  };
}

const healthy: EnvironmentFacts = {
  name: 'production',
  running: { version: '1.2.0', at: daysAgo(2) },
  lastDeploy: {
    version: '1.2.0',
    status: 'succeeded',
    at: daysAgo(2),
    impact: null,
  },
  dora30: dora(10),
  rollbackTo: '1.1.0',
  openIncidents: 0,
};
const ids = (environments: EnvironmentFacts[]) =>
  deployRecommendations({ environments, now }).map(r => [r.id, r.priority]);

describe('deployRecommendations', () => {
  it('has nothing to say about a healthy environment deployed recently', () => {
    expect(ids([healthy])).toEqual([]);
  });

  it('offers the rollback target when an incident is open (high) or the last deploy failed (medium)', () => {
    const [incident] = deployRecommendations({
      environments: [{ ...healthy, openIncidents: 1 }],
      now,
    });
    expect(incident).toMatchObject({
      id: 'deploy.rollback-available',
      priority: 'high',
      title: 'Rollback to 1.1.0 available in production',
    });
    expect(incident.description).toContain('1 open incident');
    expect(
      ids([
        {
          ...healthy,
          lastDeploy: {
            ...healthy.lastDeploy!,
            version: '1.3.0',
            status: 'failed',
          },
        },
      ]),
    ).toEqual([['deploy.rollback-available', 'medium']]);
    // A deploy the analysis rolled back already put the previous version back.
    expect(
      ids([
        {
          ...healthy,
          lastDeploy: {
            ...healthy.lastDeploy!,
            version: '1.3.0-bad',
            status: 'rolled-back',
          },
        },
      ]),
    ).toEqual([]);
    // Without a target there is nothing to offer.
    expect(ids([{ ...healthy, openIncidents: 2, rollbackTo: null }])).toEqual(
      [],
    );
  });

  it('flags a deploy that made the service slower or more error-prone', () => {
    const impact = {
      windowMinutes: 15,
      before: { errorRatePercent: 0.2, p95Ms: 100, rps: 5 },
      after: { errorRatePercent: 0.3, p95Ms: 130, rps: 5 },
      errorRateDeltaPoints: 0.1,
      p95ChangePercent: 30,
    };
    const [r] = deployRecommendations({
      environments: [
        { ...healthy, lastDeploy: { ...healthy.lastDeploy!, impact } },
      ],
      now,
    });
    expect(r.id).toBe('deploy.rollback-available');
    expect(r.description).toContain('P95 by 30 %');
    expect(
      ids([
        {
          ...healthy,
          lastDeploy: {
            ...healthy.lastDeploy!,
            impact: { ...impact, p95ChangePercent: 19 },
          },
        },
      ]),
    ).toEqual([]);
  });

  it('warns of a change failure rate above 15 % (high above 30 %)', () => {
    expect(ids([{ ...healthy, dora30: dora(15) }])).toEqual([]);
    expect(ids([{ ...healthy, dora30: dora(16) }])).toEqual([
      ['deploy.change-failure-rate', 'medium'],
    ]);
    expect(ids([{ ...healthy, dora30: dora(31) }])).toEqual([
      ['deploy.change-failure-rate', 'high'],
    ]);
    expect(ids([{ ...healthy, dora30: dora(null, 0) }])).toEqual([]);
  });

  it("gives the change failure rate's counts as its evidence", () => {
    const [r] = deployRecommendations({
      now,
      environments: [{ ...healthy, dora30: dora(100 / 3, 3, 1) }],
    });
    expect(r.id).toBe('deploy.change-failure-rate');
    expect(r.description).toContain('33.3 % of the deploys to production');
    expect(r.evidence).toEqual([
      { label: 'Environment', value: 'production' },
      { label: 'Change failure rate (30 days)', value: '33.3 %' },
      { label: 'Failed deploys (30 days)', value: '1 of 3' },
    ]);
  });

  it('notes an environment without a deploy in 30 days, and an entity without any deploy', () => {
    const old = {
      ...healthy,
      running: { version: '1.0.0', at: daysAgo(31) },
      lastDeploy: null,
    };
    expect(ids([old])).toEqual([['deploy.stale', 'low']]);
    expect(
      ids([{ ...old, running: { version: '1.0.0', at: daysAgo(29) } }]),
    ).toEqual([]);
    expect(
      ids([
        {
          ...healthy,
          name: 'staging',
          running: null,
          lastDeploy: null,
          rollbackTo: null,
        },
        { ...healthy, running: null, lastDeploy: null, rollbackTo: null },
      ]),
    ).toEqual([['deploy.none', 'low']]);
    // The first deploy in flight is a deploy: no "No deploy recorded" beside it.
    expect(
      ids([
        {
          ...healthy,
          running: null,
          lastDeploy: null,
          rollbackTo: null,
          inFlight: true,
        },
      ]),
    ).toEqual([]);
  });

  it('sorts by priority and says when an annotation cannot be read', () => {
    expect(
      ids([
        {
          ...healthy,
          running: { version: '1.0.0', at: daysAgo(40) },
          lastDeploy: null,
        },
        {
          ...healthy,
          name: 'staging',
          annotationProblem: 'Invalid annotation x',
        },
      ]),
    ).toEqual([
      ['deploy.invalid-annotation', 'high'],
      ['deploy.stale', 'low'],
    ]);
  });
  describe('drift', () => {
    const drift: DeployDrift = {
      entityRef: 'component:default/checkout',
      environment: 'production',
      expected: {
        version: '1.2.0',
        deployId: '3f1c9a52-0000-4000-8000-000000000001',
        at: daysAgo(2).toISOString(),
      },
      actual: {
        version: '1.1.0',
        healthy: true,
        message: '2/2 replicas ready',
      },
      detectedAt: daysAgo(1).toISOString(),
      lastCheckedAt: now.toISOString(),
      resolvedAt: null,
    };

    it('says what runs against what the last deploy left, first among the rest, with the evidence', () => {
      const all = deployRecommendations({
        environments: [{ ...healthy, dora30: dora(16), drift }],
        now,
      });
      expect(all.map(r => [r.id, r.priority])).toEqual([
        ['deploy.drift', 'high'],
        ['deploy.change-failure-rate', 'medium'],
      ]);
      const [r] = all;
      expect(r.title).toBe('production runs 1.1.0, the last deploy left 1.2.0');
      expect(r.description).toContain('Redeploy 1.2.0');
      expect(r.description).toContain(
        'If 1.1.0 was deployed on purpose outside the portal, record it through POST /api/devops/entities/<kind>/<namespace>/<name>/deploys/pushed',
      );
      expect(r.evidence).toEqual([
        { label: 'Environment', value: 'production' },
        { label: 'Expected version', value: '1.2.0' },
        { label: 'Deploy', value: '3f1c9a52-0000-4000-8000-000000000001' },
        { label: 'Deployed at', value: '2026-11-30T12:00:00.000Z' },
        { label: 'Reported version', value: '1.1.0' },
        { label: 'Reported healthy', value: 'yes' },
        { label: 'Provider message', value: '2/2 replicas ready' },
        { label: 'Detected at', value: '2026-12-01T12:00:00.000Z' },
        { label: 'Last checked at', value: '2026-12-02T12:00:00.000Z' },
      ]);
    });

    it('says nothing runs when the provider reports no version, and offers no record of it', () => {
      const [r] = deployRecommendations({
        environments: [
          {
            ...healthy,
            drift: {
              ...drift,
              actual: { version: null, healthy: false, message: null },
            },
          },
        ],
        now,
      });
      expect(r.title).toBe(
        'production runs nothing, the last deploy left 1.2.0',
      );
      expect(r.description).toContain('reports nothing running');
      expect(r.description).not.toContain('/deploys/pushed');
      expect(r.evidence).toContainEqual({
        label: 'Reported version',
        value: 'none',
      });
      expect(r.evidence.map(e => e.label)).not.toContain('Provider message');
    });

    it('has nothing to say about a resolved or absent finding', () => {
      expect(
        ids([
          { ...healthy, drift: { ...drift, resolvedAt: now.toISOString() } },
        ]),
      ).toEqual([]);
      expect(ids([{ ...healthy, drift: null }])).toEqual([]);
    });
  });

  it('warns of a teardown that keeps failing, with its attempts and last error', () => {
    const [r, ...rest] = deployRecommendations({
      environments: [
        {
          ...healthy,
          name: 'pr-42',
          teardownFailing: {
            attempts: 3,
            lastError:
              'command `teardown` exited with 1: namespace pr-42 is locked',
          },
        },
      ],
      now,
    });
    expect(rest).toEqual([]);
    expect(r).toMatchObject({
      id: 'deploy.teardown-failing',
      priority: 'medium',
      title: 'Teardown of pr-42 keeps failing',
    });
    expect(r.description).toContain(
      '3 attempts to tear pr-42 down failed, the last with: command `teardown` exited with 1: namespace pr-42 is locked.',
    );
    expect(r.evidence).toEqual([
      { label: 'Environment', value: 'pr-42' },
      { label: 'Attempts', value: '3' },
      {
        label: 'Last error',
        value: 'command `teardown` exited with 1: namespace pr-42 is locked',
      },
    ]);
    expect(ids([{ ...healthy, teardownFailing: null }])).toEqual([]);
  });
});
