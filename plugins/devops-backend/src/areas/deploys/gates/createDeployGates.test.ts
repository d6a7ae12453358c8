import { TestDatabaseId } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { Knex } from 'knex';
import { createTestDatabases } from '../../../__testUtils__/databases';
import { migrateToLatest } from '../../../database/migrations';
import { DatabaseDeployStore } from '../DatabaseDeployStore';
import { readDeploySettings } from '../settings';
import {
  CoverageGateReader,
  DeploySettings,
  GateInput,
  gatesAllow,
  NewDeploy,
  SecurityGateReader,
} from '../types';
import { createDeployGates } from '.';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const REF = 'component:default/checkout';
// Saturday 5 December 2026, 13:00 in Berlin: the weekend freeze window is open.
const SATURDAY = new Date('2026-12-05T12:00:00Z');
// Wednesday 2 December 2026, 15:00 in Berlin.
const WEDNESDAY = new Date('2026-12-02T14:00:00Z');

const settings: DeploySettings = readDeploySettings(
  new ConfigReader({
    devops: {
      deploys: {
        defaults: {
          gates: {
            freezeWindows: [
              {
                name: 'Weekend',
                days: [6, 7],
                from: '00:00',
                to: '23:59',
                timeZone: 'Europe/Berlin',
              },
            ],
          },
        },
        environments: [
          { name: 'development' },
          { name: 'staging' },
          { name: 'production', gates: { complianceMinimum: 50 } },
        ],
      },
    },
  }),
);
const production = settings.environments.find(e => e.name === 'production')!;

function entity(areas: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'checkout',
      namespace: 'default',
      annotations: { 'devops-growth.io/monitoring': areas },
    },
  };
}

function pushed(over: Partial<NewDeploy>): NewDeploy {
  return {
    entityRef: REF,
    environment: 'staging',
    kind: 'pushed',
    version: '1.4.2',
    previousVersion: null,
    commitSha: null,
    commitAt: null,
    strategy: 'rolling',
    steps: [],
    provider: 'github-actions',
    target: 'checkout',
    createdBy: 'user:default/ci',
    reason: null,
    rollbackOf: null,
    gates: [],
    idempotencyKey: null,
    status: 'succeeded',
    createdAt: new Date('2026-12-01T09:00:00Z'),
    startedAt: new Date('2026-12-01T09:00:00Z'),
    finishedAt: new Date('2026-12-01T09:05:00Z'),
    ...over,
  };
}

/** Small readers standing in for the coverage and security services; each call is counted. */
function readers(over: {
  coverage?: 'passed' | 'failed';
  pastSla?: number;
  threats?: number;
  soc2?: number | null;
  securityError?: string;
}) {
  const calls = { coverage: 0, security: 0 };
  const coverage: CoverageGateReader = {
    async coverageFacts(entities) {
      calls.coverage++;
      return new Map(
        entities.map(e => [
          `component:default/${e.metadata.name}`,
          {
            gate: over.coverage ?? 'passed',
            lastReportAt: new Date('2026-12-01T08:00:00Z'),
          },
        ]),
      );
    },
  };
  const security: SecurityGateReader = {
    async deployGateFacts() {
      calls.security++;
      if (over.securityError) throw new Error(over.securityError);
      return {
        criticalFindingsPastSla: over.pastSla ?? 0,
        openCriticalThreats: over.threats ?? 0,
        lastScanAt: new Date('2026-12-01T07:00:00Z'),
        threatDetectorsMonitoring: 3,
        complianceScores: [
          { framework: 'soc2', title: 'SOC 2', score: over.soc2 ?? 80 },
        ],
      };
    },
  };
  return { coverage, security, calls };
}

describe.each(databases.eachSupportedId())(
  'createDeployGates on %p',
  (databaseId: TestDatabaseId) => {
    let store: DatabaseDeployStore;
    let knex: Knex;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      await migrateToLatest(knex);
    });

    beforeEach(async () => {
      await knex('devops_deploy_events').delete();
      await knex('devops_deploys').delete();
      store = new DatabaseDeployStore(knex);
    });

    const input = (over: Partial<GateInput> = {}): GateInput => ({
      entity: entity('enabled'),
      entityRef: REF,
      environment: production,
      kind: 'deploy',
      version: '1.4.2',
      commitSha: null,
      overrides: [],
      actor: 'user:default/alice',
      now: WEDNESDAY,
      ...over,
    });

    it('lists every gate, failing those whose facts say no, and lets overrides through', async () => {
      // staging ran 1.4.1, and 1.4.2 failed there.
      await store.create(pushed({ version: '1.4.1' }));
      await store.create(
        pushed({
          status: 'failed',
          createdAt: new Date('2026-12-01T10:00:00Z'),
        }),
      );
      const r = readers({ coverage: 'failed', pastSla: 1, soc2: 40 });
      const gates = createDeployGates({
        settings,
        store,
        coverage: r.coverage,
        security: r.security,
        clock: () => new Date('2026-12-05T12:00:05Z'),
      });

      const results = await gates.evaluate(input({ now: SATURDAY }));
      expect(results.map(g => [g.gate, g.status])).toEqual([
        ['promotion-chain', 'failed'],
        ['coverage', 'failed'],
        ['freeze-window', 'failed'],
        ['security-findings', 'failed'],
        ['security-threats', 'passed'],
        ['compliance', 'failed'],
      ]);
      expect(results[0].message).toBe(
        'staging has not run 1.4.2 successfully; deploy it to staging first',
      );
      expect(results[2].message).toBe(
        "Freeze window 'Weekend' is open until Mon 00:00 Europe/Berlin (2026-12-06T23:00:00.000Z)",
      );
      expect(results[5].message).toBe(
        'SOC 2 scores 40%, below the minimum of 50%',
      );
      expect(results.every(g => g.evidence)).toBe(true);
      expect(gatesAllow(results)).toBe(false);
      // One read of each area for the whole evaluation.
      expect(r.calls).toEqual({ coverage: 1, security: 1 });

      const overrides = (
        [
          'promotion-chain',
          'coverage',
          'freeze-window',
          'security-findings',
          'compliance',
        ] as const
      ).map(gate => ({ gate, reason: 'CHG-77 incident fix' }));
      const overridden = await gates.evaluate(
        input({ now: SATURDAY, overrides }),
      );
      expect(gatesAllow(overridden)).toBe(true);
      expect(overridden.filter(g => g.status === 'overridden')).toHaveLength(5);
      expect(overridden[0].override).toEqual({
        by: 'user:default/alice',
        reason: 'CHG-77 incident fix',
        at: '2026-12-05T12:00:05.000Z',
      });
    });

    it('passes once the version succeeded in the previous environment, pushed deploys included', async () => {
      await store.create(pushed({}));
      const r = readers({});
      const results = await createDeployGates({
        settings,
        store,
        coverage: r.coverage,
        security: r.security,
      }).evaluate(input());
      expect(results.map(g => g.status)).toEqual([
        'passed',
        'passed',
        'passed',
        'passed',
        'passed',
        'passed',
      ]);
      expect(results[0]).toMatchObject({
        message: '1.4.2 succeeded in staging on 2026-12-01T09:05:00.000Z',
        evidence: { previousEnvironment: 'staging', version: '1.4.2' },
      });
    });

    it('does not evaluate, nor read, the areas the entity does not enable; a rollback skips the chain', async () => {
      const r = readers({ pastSla: 3 });
      const results = await createDeployGates({
        settings,
        store,
        coverage: r.coverage,
        security: r.security,
      }).evaluate(input({ entity: entity('deploy'), kind: 'rollback' }));
      expect(results.map(g => [g.gate, g.status, g.message])).toEqual([
        [
          'promotion-chain',
          'skipped',
          'A rollback may skip the promotion chain',
        ],
        [
          'coverage',
          'not-evaluated',
          'The coverage area is not enabled for this entity',
        ],
        ['freeze-window', 'passed', 'No freeze window is open for production'],
        [
          'security-findings',
          'not-evaluated',
          'The security area is not enabled for this entity',
        ],
        [
          'security-threats',
          'not-evaluated',
          'The security area is not enabled for this entity',
        ],
        [
          'compliance',
          'not-evaluated',
          'The security area is not enabled for this entity',
        ],
      ]);
      expect(gatesAllow(results)).toBe(true);
      expect(r.calls).toEqual({ coverage: 0, security: 0 });
    });

    it('refuses an expired override before reading anything', async () => {
      const r = readers({});
      const gates = createDeployGates({
        settings,
        store,
        coverage: r.coverage,
        security: r.security,
      });
      await expect(
        gates.evaluate(
          input({
            overrides: [
              {
                gate: 'freeze-window',
                reason: 'prepared change window',
                expiresAt: '2026-12-02T13:00:00Z',
              },
            ],
          }),
        ),
      ).rejects.toThrow(
        new InputError(
          "The override of gate 'freeze-window' expired at 2026-12-02T13:00:00.000Z (now 2026-12-02T14:00:00.000Z)",
        ),
      );
      expect(r.calls).toEqual({ coverage: 0, security: 0 });
    });

    it('fails the security gates, overridably, when the security facts cannot be read; without readers they are not evaluated', async () => {
      await store.create(pushed({}));
      const r = readers({ securityError: 'connection refused' });
      const failing = await createDeployGates({
        settings,
        store,
        coverage: r.coverage,
        security: r.security,
      }).evaluate(input());
      expect(
        failing
          .filter(g => g.gate.startsWith('security') || g.gate === 'compliance')
          .map(g => [g.status, g.message]),
      ).toEqual([
        ['failed', 'The security facts could not be read: connection refused'],
        ['failed', 'The security facts could not be read: connection refused'],
        ['failed', 'The security facts could not be read: connection refused'],
      ]);

      const alone = await createDeployGates({ settings, store }).evaluate(
        input(),
      );
      expect(alone.map(g => g.status)).toEqual([
        'passed',
        'not-evaluated',
        'passed',
        'not-evaluated',
        'not-evaluated',
        'not-evaluated',
      ]);
      expect(alone[1].message).toBe(
        'The coverage area is not available in this backend',
      );
    });
  },
);
