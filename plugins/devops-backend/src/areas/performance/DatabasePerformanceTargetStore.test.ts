import { TestDatabaseId } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { createTestDatabases } from '../../__testUtils__/databases';
import { migrateToLatest } from '../../database/migrations';
import { DatabasePerformanceTargetStore } from './DatabasePerformanceTargetStore';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const A = 'component:default/a';
const B = 'component:default/b';

describe.each(databases.eachSupportedId())(
  'DatabasePerformanceTargetStore on %p',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;
    let store: DatabasePerformanceTargetStore;

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      await migrateToLatest(knex);
      store = new DatabasePerformanceTargetStore(knex);
    });

    it('applies target changes with their history; null removes an override', async () => {
      expect(await store.getOverrides(A)).toEqual({});
      const first = await store.applyTargetChange({
        entityRef: A,
        changes: { p95Ms: 250, errorRate: 0.005 },
        actor: 'user:default/alice',
        comment: 'tighter after the cache',
        at: new Date('2026-11-26T10:00:00Z'),
      });
      const second = await store.applyTargetChange({
        entityRef: A,
        changes: { p95Ms: 300, errorRate: null },
        actor: 'user:default/bob',
        comment: null,
        at: new Date('2026-11-26T11:00:00Z'),
      });
      await store.applyTargetChange({
        entityRef: B,
        changes: { minThroughput: 5 },
        actor: 'user:default/bob',
        comment: null,
      });
      expect(await store.getOverrides(A)).toEqual({ p95Ms: 300 });
      expect(await store.getOverrides(B)).toEqual({ minThroughput: 5 });
      expect(await store.listTargetChanges(A)).toEqual([second, first]);
      expect(first).toMatchObject({
        entityRef: A,
        changes: { p95Ms: 250, errorRate: 0.005 },
        actor: 'user:default/alice',
        comment: 'tighter after the cache',
        at: '2026-11-26T10:00:00.000Z',
      });
      expect(second.changes).toEqual({ p95Ms: 300, errorRate: null });
    });

    it('keeps no history row when writing the overrides fails', async () => {
      // The second write of the transaction (the overrides) fails; the first (the history row)
      // must be rolled back with it.
      const failingOverrides = new Proxy(knex, {
        get(target, prop, receiver) {
          if (prop !== 'transaction')
            return Reflect.get(target, prop, receiver);
          return (work: (tx: Knex.Transaction) => Promise<unknown>) =>
            target.transaction(tx =>
              work(
                new Proxy(tx, {
                  apply(fn, thisArg, args) {
                    if (args[0] === 'devops_perf_target_overrides') {
                      throw new Error(
                        'injected failure of the overrides write',
                      );
                    }
                    return Reflect.apply(fn, thisArg, args);
                  },
                }),
              ),
            );
        },
      });
      const failingStore = new DatabasePerformanceTargetStore(failingOverrides);
      await expect(
        failingStore.applyTargetChange({
          entityRef: A,
          changes: { p95Ms: 250 },
          actor: 'user:default/alice',
          comment: null,
        }),
      ).rejects.toThrow('injected failure of the overrides write');
      expect(await store.listTargetChanges(A)).toEqual([]);
      expect(await store.getOverrides(A)).toEqual({});
    });
  },
);
