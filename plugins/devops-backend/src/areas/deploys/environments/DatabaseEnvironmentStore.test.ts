import { TestDatabaseId } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { createTestDatabases } from '../../../__testUtils__/databases';
import { migrateToLatest } from '../../../database/migrations';
import { NewEntityEnvironment } from '../types';
import { DatabaseEnvironmentStore } from './DatabaseEnvironmentStore';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const A = 'component:default/checkout';
const B = 'component:default/payments';
const T0 = new Date('2026-12-02T10:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

function preview(
  over: Partial<NewEntityEnvironment> = {},
): NewEntityEnvironment {
  return {
    entityRef: A,
    name: 'pr-12',
    basedOn: 'staging',
    provider: 'command',
    target: 'checkout-pr-12',
    createdBy: 'user:default/ada',
    createdAt: T0,
    expiresAt: at(3600),
    ...over,
  };
}

describe.each(databases.eachSupportedId())(
  'DatabaseEnvironmentStore on %p',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;
    let store: DatabaseEnvironmentStore;

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      await migrateToLatest(knex);
      store = new DatabaseEnvironmentStore(knex);
    });

    it('creates an active environment and answers the live one for a second create of the name', async () => {
      const first = await store.create(preview());
      expect(first).toEqual({
        created: true,
        environment: {
          entityRef: A,
          name: 'pr-12',
          basedOn: 'staging',
          provider: 'command',
          target: 'checkout-pr-12',
          createdBy: 'user:default/ada',
          createdAt: T0.toISOString(),
          expiresAt: at(3600).toISOString(),
          status: 'active',
          teardown: null,
        },
      });
      const second = await store.create(
        preview({ target: 'other', createdAt: at(10), expiresAt: null }),
      );
      expect(second).toEqual({
        created: false,
        environment: first.environment,
      });
      // The same name for another entity is another environment.
      expect((await store.create(preview({ entityRef: B }))).created).toBe(
        true,
      );
      expect(await store.countLive(A)).toBe(1);
    });

    it('lets one of two simultaneous creates of a name win', async () => {
      const results = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          store.create(preview({ target: `t-${i}` })),
        ),
      );
      const created = results.filter(r => r.created);
      expect(created).toHaveLength(1);
      for (const r of results) {
        expect(r.environment.target).toBe(created[0].environment.target);
      }
      expect(await store.list(A)).toHaveLength(1);
    });

    it('tears down: requested once, claimed by one replica, failures recorded, success frees the name', async () => {
      await store.create(preview());
      expect(
        await store.requestTeardown(A, 'pr-12', {
          cause: 'deleted',
          by: 'user:default/ada',
          reason: 'PR merged',
          at: at(60),
        }),
      ).toBe(true);
      // A second request changes nothing.
      expect(
        await store.requestTeardown(A, 'pr-12', {
          cause: 'deleted',
          by: 'user:default/bob',
          reason: null,
          at: at(61),
        }),
      ).toBe(false);
      expect(await store.get(A, 'pr-12')).toMatchObject({
        status: 'tearing-down',
        teardown: {
          cause: 'deleted',
          requestedBy: 'user:default/ada',
          requestedAt: at(60).toISOString(),
          reason: 'PR merged',
          attempts: 0,
          lastAttemptAt: null,
          lastError: null,
          nextAttemptAt: at(60).toISOString(),
          finishedAt: null,
        },
      });

      // Not due before its next attempt; two replicas claiming at once get it once.
      expect(await store.claimDueTeardowns(at(59), at(200), 10)).toEqual([]);
      const claims = await Promise.all([
        store.claimDueTeardowns(at(61), at(200), 10),
        store.claimDueTeardowns(at(61), at(200), 10),
      ]);
      expect(claims.flat()).toHaveLength(1);
      expect(claims.flat()[0].teardown?.nextAttemptAt).toBe(
        at(200).toISOString(),
      );
      expect(await store.claimDueTeardowns(at(100), at(300), 10)).toEqual([]);

      await store.recordTeardownAttempt(A, 'pr-12', {
        ok: false,
        at: at(70),
        error: 'kubectl: connection refused',
        nextAttemptAt: at(130),
      });
      expect((await store.get(A, 'pr-12'))?.teardown).toMatchObject({
        attempts: 1,
        lastAttemptAt: at(70).toISOString(),
        lastError: 'kubectl: connection refused',
        nextAttemptAt: at(130).toISOString(),
      });
      // Still live: counted, listed, and the name is taken.
      expect(await store.countLive(A)).toBe(1);
      expect((await store.create(preview())).created).toBe(false);

      await store.recordTeardownAttempt(A, 'pr-12', { ok: true, at: at(140) });
      const gone = await store.get(A, 'pr-12');
      expect(gone).toMatchObject({
        status: 'torn-down',
        teardown: {
          attempts: 2,
          lastAttemptAt: at(140).toISOString(),
          lastError: null,
          nextAttemptAt: null,
          finishedAt: at(140).toISOString(),
        },
      });
      expect(await store.countLive(A)).toBe(0);
      expect(await store.list(A)).toEqual([]);
      expect(await store.list(A, { includeTornDown: true })).toEqual([gone]);
      expect(await store.claimDueTeardowns(at(10_000), at(20_000), 10)).toEqual(
        [],
      );

      // The name is free again; get answers the live one, not the torn-down one.
      const again = await store.create(preview({ createdAt: at(200) }));
      expect(again.created).toBe(true);
      expect(await store.get(A, 'pr-12')).toMatchObject({
        status: 'active',
        createdAt: at(200).toISOString(),
      });
      expect(await store.list(A, { includeTornDown: true })).toHaveLength(2);
    });

    it('marks expired environments for teardown by devops:teardown, only active ones past their time', async () => {
      await store.create(preview({ name: 'short', expiresAt: at(60) }));
      await store.create(preview({ name: 'long', expiresAt: at(3600) }));
      await store.create(preview({ name: 'forever', expiresAt: null }));
      await store.create(preview({ name: 'deleted', expiresAt: at(30) }));
      await store.requestTeardown(A, 'deleted', {
        cause: 'deleted',
        by: 'user:default/ada',
        reason: null,
        at: at(10),
      });

      expect(await store.markExpired(at(59))).toBe(0);
      expect(await store.markExpired(at(60))).toBe(1);
      expect(await store.markExpired(at(61))).toBe(0);
      const byName = Object.fromEntries(
        (await store.list(A)).map(e => [e.name, e]),
      );
      expect(byName.short).toMatchObject({
        status: 'tearing-down',
        teardown: {
          cause: 'expired',
          requestedBy: 'devops:teardown',
          requestedAt: at(60).toISOString(),
          nextAttemptAt: at(60).toISOString(),
        },
      });
      expect(byName.long.status).toBe('active');
      expect(byName.forever.status).toBe('active');
      expect(byName.deleted.teardown?.cause).toBe('deleted');

      // Due ones, oldest due first, up to the limit.
      const claimed = await store.claimDueTeardowns(at(70), at(400), 1);
      expect(claimed.map(e => e.name)).toEqual(['deleted']);
      expect(
        (await store.claimDueTeardowns(at(70), at(400), 10)).map(e => e.name),
      ).toEqual(['short']);
    });

    it('lists every entity’s live environments for the drift sweep', async () => {
      await store.create(preview({ entityRef: B, name: 'b-1' }));
      await store.create(preview({ name: 'a-1' }));
      await store.create(preview({ name: 'a-2', createdAt: at(5) }));
      await store.requestTeardown(A, 'a-2', {
        cause: 'deleted',
        by: 'user:default/ada',
        reason: null,
        at: at(10),
      });
      await store.recordTeardownAttempt(A, 'a-2', { ok: true, at: at(20) });
      expect(
        (await store.listLive()).map(e => `${e.entityRef} ${e.name}`),
      ).toEqual([`${A} a-1`, `${B} b-1`]);
      expect(await store.get(A, 'nope')).toBeUndefined();
    });
  },
);
