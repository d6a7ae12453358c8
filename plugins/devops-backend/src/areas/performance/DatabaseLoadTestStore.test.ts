import { TestDatabaseId } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { createTestDatabases } from '../../__testUtils__/databases';
import {
  migrateToLatest,
  MIGRATIONS_DIRECTORY,
} from '../../database/migrations';
import { ConflictError } from '@backstage/errors';
import { DatabaseLoadTestStore } from './DatabaseLoadTestStore';
import { INTERRUPTED_MESSAGE } from './LoadTestStore';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const A = 'component:default/a';
const B = 'component:default/b';
const C = 'component:default/c';

const start = (
  store: DatabaseLoadTestStore,
  entityRef: string,
  over: Partial<Parameters<DatabaseLoadTestStore['startLoadTest']>[0]> = {},
) =>
  store.startLoadTest({
    entityRef,
    environment: 'production',
    url: 'http://localhost:1234/',
    startedBy: 'user:default/me',
    durationSeconds: 5,
    connections: 2,
    maxConcurrent: 2,
    ...over,
  });
describe.each(databases.eachSupportedId())(
  'DatabaseLoadTestStore on %p',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;
    let store: DatabaseLoadTestStore;

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      await migrateToLatest(knex);
      store = new DatabaseLoadTestStore(knex);
    });

    it('allows one running load test per entity and caps runs across entities', async () => {
      const run = await start(store, A);
      expect(run).toMatchObject({
        entityRef: A,
        status: 'running',
        finishedAt: null,
        p95Ms: null,
      });
      await expect(start(store, A)).rejects.toThrow(ConflictError);
      await expect(start(store, A)).rejects.toThrow('already running');
      await start(store, B);
      await expect(start(store, C)).rejects.toThrow(
        'devops.performance.loadTests.maxConcurrent',
      );

      const finished = await store.finishLoadTest(run.id, {
        status: 'succeeded',
        requests: 1200,
        throughput: 240.5,
        p50Ms: 1.2,
        p95Ms: 3.4,
        p99Ms: 7.5,
        errors: 3,
      });
      expect(finished).toMatchObject({
        status: 'succeeded',
        requests: 1200,
        throughput: 240.5,
        p95Ms: 3.4,
        errors: 3,
        error: null,
      });
      expect(finished!.finishedAt).not.toBeNull();
      // Finishing twice changes nothing.
      expect(
        await store.finishLoadTest(run.id, { status: 'failed', error: 'x' }),
      ).toBeUndefined();
      // The slot and the entity are free again.
      const again = await start(store, A);
      const third = start(store, C);
      await expect(third).rejects.toThrow(ConflictError);
      expect((await store.listLoadTests(A)).map(r => r.id)).toEqual([
        again.id,
        run.id,
      ]);
      expect(await store.getLoadTest(A, run.id)).toEqual(finished);
      expect(await store.getLoadTest(B, run.id)).toBeUndefined();
    });

    it('lets only one of concurrent starts for an entity through', async () => {
      const results = await Promise.allSettled(
        Array.from({ length: 5 }, () => start(store, A, { maxConcurrent: 5 })),
      );
      expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(1);
      const reasons = results.flatMap(r =>
        r.status === 'rejected' ? [r.reason] : [],
      );
      expect(reasons).toHaveLength(4);
      expect(reasons.every(e => e instanceof ConflictError)).toBe(true);
    });

    it('fails runs left running past their deadline by a dead process', async () => {
      const t0 = new Date(Date.now() - 3_600_000);
      const fresh = await start(store, B, { durationSeconds: 10 });
      const old = await start(store, A, { at: t0, durationSeconds: 10 });
      // Within its duration + grace the run may still be alive in another replica.
      expect(
        await store.failInterruptedLoadTests(new Date(t0.getTime() + 20_000)),
      ).toBe(0);
      // Before the sweep, reads already show it as failed, and change nothing.
      expect(await store.listLoadTests(A)).toMatchObject([
        { id: old.id, status: 'failed', error: INTERRUPTED_MESSAGE },
      ]);
      expect((await store.getLoadTest(B, fresh.id))!.status).toBe('running');
      expect(await store.failInterruptedLoadTests()).toBe(1);
      expect(await store.getLoadTest(A, old.id)).toMatchObject({
        status: 'failed',
        error: INTERRUPTED_MESSAGE,
      });
      expect((await store.getLoadTest(B, fresh.id))!.status).toBe('running');
      // The failed run no longer blocks the entity.
      await start(store, A);
    });

    it('is dropped by its migration going down, keeping the tables before it', async () => {
      await start(store, A);
      await knex.migrate.down({
        directory: MIGRATIONS_DIRECTORY,
        name: '20261126000100_performance_targets.js',
      });
      for (const table of [
        'devops_load_test_runs',
        'devops_perf_target_changes',
        'devops_perf_target_overrides',
      ]) {
        expect(await knex.schema.hasTable(table)).toBe(false);
      }
      expect(await knex.schema.hasTable('devops_perf_samples')).toBe(true);
      await knex.migrate.latest({ directory: MIGRATIONS_DIRECTORY });
      expect(await store.listLoadTests(A)).toEqual([]);
    });
  },
);
