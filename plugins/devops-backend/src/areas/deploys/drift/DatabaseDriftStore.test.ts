import { TestDatabaseId } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { createTestDatabases } from '../../../__testUtils__/databases';
import { migrateToLatest } from '../../../database/migrations';
import { DatabaseDeployStore } from '../DatabaseDeployStore';
import { ObservedDrift } from '../types';
import { DatabaseDriftStore, DEPLOY_DRIFT } from './DatabaseDriftStore';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const A = 'component:default/checkout';
const B = 'component:default/payments';
const T0 = new Date('2026-12-02T10:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

function observed(
  over: {
    entityRef?: string;
    environment?: string;
    version?: string | null;
    deployId?: string;
    expectedVersion?: string;
    message?: string | null;
    healthy?: boolean;
  } = {},
): ObservedDrift {
  return {
    entityRef: over.entityRef ?? A,
    environment: over.environment ?? 'production',
    expected: {
      version: over.expectedVersion ?? '1.2.0',
      deployId: over.deployId ?? '00000000-0000-4000-8000-000000000001',
      at: '2026-12-02T09:00:00.000Z',
    },
    actual: {
      version: over.version === undefined ? '1.1.0' : over.version,
      healthy: over.healthy ?? true,
      message: over.message === undefined ? '2/2 replicas ready' : over.message,
    },
  };
}

describe.each(databases.eachSupportedId())(
  'DatabaseDriftStore on %p',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;
    let store: DatabaseDriftStore;

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      await migrateToLatest(knex);
      store = new DatabaseDriftStore(knex);
    });

    it('opens a finding with its evidence and lists it as open', async () => {
      const drift = await store.record(A, 'production', observed(), at(0));
      const expected = {
        entityRef: A,
        environment: 'production',
        expected: {
          version: '1.2.0',
          deployId: '00000000-0000-4000-8000-000000000001',
          at: '2026-12-02T09:00:00.000Z',
        },
        actual: {
          version: '1.1.0',
          healthy: true,
          message: '2/2 replicas ready',
        },
        detectedAt: at(0).toISOString(),
        lastCheckedAt: at(0).toISOString(),
        resolvedAt: null,
      };
      expect(drift).toEqual(expected);
      expect(await store.open(A)).toEqual([expected]);
      expect(await store.open(B)).toEqual([]);
    });

    it('keeps nothing running and an unhealthy report as evidence', async () => {
      const drift = await store.record(
        A,
        'staging',
        observed({
          environment: 'staging',
          version: null,
          healthy: false,
          message: null,
        }),
        at(0),
      );
      expect(drift?.actual).toEqual({
        version: null,
        healthy: false,
        message: null,
      });
      expect((await store.open(A))[0].actual).toEqual(drift?.actual);
    });

    it('refreshes the open finding: what the provider reports now and when, the detection time kept', async () => {
      await store.record(A, 'production', observed(), at(0));
      const refreshed = await store.record(
        A,
        'production',
        observed({ version: '0.9.0', healthy: false, message: '1/2 ready' }),
        at(10),
      );
      expect(refreshed).toMatchObject({
        actual: { version: '0.9.0', healthy: false, message: '1/2 ready' },
        detectedAt: at(0).toISOString(),
        lastCheckedAt: at(10).toISOString(),
        resolvedAt: null,
      });
      expect(await store.open(A)).toEqual([refreshed]);
      const [{ n }] = await knex(DEPLOY_DRIFT).count({ n: '*' });
      expect(Number(n)).toBe(1);
    });

    it('resolves the open finding when what runs is what was deployed, and opens a new row for a later drift', async () => {
      await store.record(A, 'production', observed(), at(0));
      await store.record(
        A,
        'staging',
        observed({ environment: 'staging' }),
        at(0),
      );
      await expect(
        store.record(A, 'production', null, at(10)),
      ).resolves.toBeUndefined();
      expect((await store.open(A)).map(d => d.environment)).toEqual([
        'staging',
      ]);
      const resolved = await knex(DEPLOY_DRIFT)
        .where({ entity_ref: A, environment: 'production' })
        .first();
      expect(resolved.open_key).toBeNull();
      expect(Number(resolved.resolved_ms)).toBe(at(10).getTime());

      // Resolving again, or where nothing is open, changes nothing.
      await store.record(A, 'production', null, at(11));
      await store.record(B, 'production', null, at(11));
      const again = await knex(DEPLOY_DRIFT)
        .where({ entity_ref: A, environment: 'production' })
        .first();
      expect(Number(again.resolved_ms)).toBe(at(10).getTime());

      const reopened = await store.record(
        A,
        'production',
        observed({ version: '1.0.0' }),
        at(20),
      );
      expect(reopened).toMatchObject({
        actual: { version: '1.0.0' },
        detectedAt: at(20).toISOString(),
        resolvedAt: null,
      });
      const rows = await knex(DEPLOY_DRIFT)
        .where({ entity_ref: A, environment: 'production' })
        .orderBy('id');
      expect(rows.map(r => [r.actual_version, r.open_key])).toEqual([
        ['1.1.0', null],
        ['1.0.0', `${A}|production`],
      ]);
    });

    it('starts a new finding when a newer deploy succeeded and the provider still disagrees', async () => {
      await store.record(A, 'production', observed(), at(0));
      const newer = await store.record(
        A,
        'production',
        observed({
          expectedVersion: '1.3.0',
          deployId: '00000000-0000-4000-8000-000000000002',
        }),
        at(10),
      );
      expect(newer).toMatchObject({
        expected: { version: '1.3.0' },
        detectedAt: at(10).toISOString(),
      });
      expect(await store.open(A)).toEqual([newer]);
      const rows = await knex(DEPLOY_DRIFT).orderBy('id');
      expect(rows).toHaveLength(2);
      expect(Number(rows[0].resolved_ms)).toBe(at(10).getTime());
    });

    it('opens one finding when two sweeps record the same drift at once', async () => {
      const results = await Promise.all([
        store.record(A, 'production', observed(), at(0)),
        new DatabaseDriftStore(knex).record(
          A,
          'production',
          observed({ version: '1.0.0' }),
          at(0),
        ),
      ]);
      expect(results.every(r => r?.resolvedAt === null)).toBe(true);
      expect(await store.open(A)).toHaveLength(1);
    });

    it('refuses an observation of another entity or environment', async () => {
      await expect(
        store.record(A, 'staging', observed(), at(0)),
      ).rejects.toThrow(
        `A drift of ${A} in production cannot be recorded as one of ${A} in staging`,
      );
    });

    it('lists the entities with a succeeded deploy, portal or pushed', async () => {
      const deploys = new DatabaseDeployStore(knex);
      const base = {
        environment: 'production',
        version: '1.0.0',
        previousVersion: null,
        commitSha: null,
        commitAt: null,
        strategy: 'rolling' as const,
        steps: [],
        provider: 'command',
        target: 'x',
        createdBy: 'user:default/ada',
        reason: null,
        rollbackOf: null,
        gates: [],
        idempotencyKey: null,
        createdAt: T0,
      };
      await deploys.create({
        ...base,
        entityRef: B,
        kind: 'pushed',
        status: 'succeeded',
        startedAt: T0,
        finishedAt: T0,
      });
      await deploys.create({
        ...base,
        entityRef: 'component:default/failed-only',
        kind: 'pushed',
        status: 'failed',
        startedAt: T0,
        finishedAt: T0,
      });
      await deploys.create({
        ...base,
        entityRef: 'component:default/queued-only',
        kind: 'deploy',
        status: 'queued',
      });
      expect(await store.deployedEntityRefs()).toEqual([B]);
    });
  },
);
