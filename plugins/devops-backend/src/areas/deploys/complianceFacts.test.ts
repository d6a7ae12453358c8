import { TestDatabaseId } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { DeployGateResult } from '@devops-growth/backstage-plugin-devops-common';
import { Knex } from 'knex';
import { createTestDatabases } from '../../__testUtils__/databases';
import { migrateToLatest } from '../../database/migrations';
import { createDeployFactsReader } from './complianceFacts';
import { DatabaseDeployStore } from './DatabaseDeployStore';
import { wentThroughGates } from './DeployFactsQueries';
import { readDeploySettings } from './settings';
import { NewDeploy } from './types';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const A = 'component:default/checkout';
const B = 'component:default/shipping';
const C = 'component:default/docs';
const NOW = new Date('2026-12-02T12:00:00Z');
const SINCE = new Date('2026-09-03T12:00:00Z'); // 90 days before
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000);

const gate = (
  g: DeployGateResult['gate'],
  status: DeployGateResult['status'],
): DeployGateResult => ({ gate: g, status, message: status, evidence: {} });
const allPassed = [
  gate('promotion-chain', 'passed'),
  gate('coverage', 'passed'),
];

function deploy(over: Partial<NewDeploy>): NewDeploy {
  const finished = over.finishedAt ?? daysAgo(5);
  return {
    entityRef: A,
    environment: 'production',
    kind: 'deploy',
    version: '1.0.0',
    previousVersion: null,
    commitSha: null,
    commitAt: null,
    strategy: 'rolling',
    steps: [],
    provider: 'command',
    target: 'checkout',
    createdBy: 'user:default/ada',
    reason: null,
    rollbackOf: null,
    gates: allPassed,
    idempotencyKey: null,
    status: 'succeeded',
    createdAt: finished,
    startedAt: finished,
    finishedAt: finished,
    ...over,
  };
}

describe('wentThroughGates', () => {
  it('needs stored gate results, none failed or overridden', () => {
    expect(wentThroughGates(JSON.stringify(allPassed))).toBe(true);
    expect(
      wentThroughGates(
        JSON.stringify([
          gate('promotion-chain', 'skipped'),
          gate('coverage', 'not-evaluated'),
        ]),
      ),
    ).toBe(true);
    expect(
      wentThroughGates(
        JSON.stringify([...allPassed, gate('freeze-window', 'overridden')]),
      ),
    ).toBe(false);
    expect(wentThroughGates(JSON.stringify([gate('coverage', 'failed')]))).toBe(
      false,
    );
    expect(wentThroughGates('[]')).toBe(false);
    expect(wentThroughGates('not json')).toBe(false);
  });
});

describe.each(databases.eachSupportedId())(
  'createDeployFactsReader on %p',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;
    let store: DatabaseDeployStore;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      await migrateToLatest(knex);
      store = new DatabaseDeployStore(knex);
      const deploys: NewDeploy[] = [
        // A, production, in the window: gated.
        deploy({}),
        // Rolled back, with an overridden gate: counted, not gated; proves a rollback works.
        deploy({
          kind: 'promote',
          status: 'rolled-back',
          gates: [...allPassed, gate('freeze-window', 'overridden')],
          finishedAt: daysAgo(10),
        }),
        // Pushed from CI: no gates.
        deploy({ kind: 'pushed', provider: 'github-actions', gates: [] }),
        // Failed after its gates passed or did not apply: counted and gated.
        deploy({
          status: 'failed',
          gates: [
            gate('promotion-chain', 'passed'),
            gate('security-findings', 'not-evaluated'),
          ],
          finishedAt: daysAgo(20),
        }),
        // Aborted: never reached production.
        deploy({ status: 'aborted', gates: [] }),
        // Staging and too old: not counted.
        deploy({ environment: 'staging', gates: [] }),
        deploy({ gates: [], finishedAt: daysAgo(100) }),
        // In flight: not final.
        deploy({ status: 'running', gates: [], finishedAt: null }),
        // B: a rollback in staging only.
        deploy({ entityRef: B, environment: 'staging', kind: 'rollback' }),
        // B: an old production rollback, out of the window.
        deploy({ entityRef: B, kind: 'rollback', finishedAt: daysAgo(95) }),
      ];
      for (const d of deploys) {
        const result = await store.create(d);
        if (!result.created) throw new Error(`not stored: ${result.reason}`);
      }
    });

    it('counts production deploys, gated ones and successful rollbacks per entity, in one read', async () => {
      const reader = createDeployFactsReader({
        knex,
        settings: readDeploySettings(new ConfigReader({})),
      });
      const facts = await reader.complianceFacts([A, B, C], SINCE, NOW);
      expect(facts).toEqual(
        new Map([
          [
            A,
            {
              productionDeploys: 4,
              gatedProductionDeploys: 2,
              rollbackTested: true,
            },
          ],
          [
            B,
            {
              productionDeploys: 0,
              gatedProductionDeploys: 0,
              rollbackTested: true,
            },
          ],
        ]),
      );
    });

    it('calls the last environment of the promotion chain production', async () => {
      const reader = createDeployFactsReader({
        knex,
        settings: readDeploySettings(
          new ConfigReader({
            devops: { deploys: { promotionChain: ['development', 'staging'] } },
          }),
        ),
      });
      const facts = await reader.complianceFacts([A], SINCE, NOW);
      // The one staging deploy of A, stored without gate results.
      expect(facts.get(A)).toMatchObject({
        productionDeploys: 1,
        gatedProductionDeploys: 0,
      });
    });
  },
);
