import { TestDatabaseId } from '@backstage/backend-test-utils';
import { createTestDatabases } from '../__testUtils__/databases';
import { MIGRATIONS_DIRECTORY as directory } from './migrations';

jest.setTimeout(60_000);

const databases = createTestDatabases();

/** A unique index's refusal, as SQLite and PostgreSQL word it. */
const UNIQUE = /UNIQUE constraint failed|duplicate key value/;

function deployRow(id: string, overrides: Record<string, unknown> = {}) {
  return {
    id,
    entity_ref: 'component:default/checkout',
    environment: 'production',
    kind: 'deploy',
    version: '1.2.0',
    strategy: 'canary',
    steps: '[10,50,100]',
    provider: 'command',
    target: 'checkout',
    status: 'running',
    phase: 'step',
    created_by: 'user:default/ada',
    gates: '[]',
    active_key: 'component:default/checkout|production',
    created_ms: 1_764_000_000_000,
    updated_ms: 1_764_000_000_000,
    ...overrides,
  };
}

describe.each(databases.eachSupportedId())(
  'deploys migration on %p',
  (databaseId: TestDatabaseId) => {
    it('allows one active deploy per entity and environment, any number of finished ones, and drops its tables on down', async () => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory });

      await knex('devops_deploys').insert(deployRow('d-1'));
      // A second active deploy of the same entity and environment is refused by the database,
      // whichever replica inserts it. (Matched on the message, not with toThrow(): better-sqlite3's
      // error class comes from the jest realm of the first test file that loaded the native
      // module in this worker, so here it is not an Error; three CI runs failed on that.)
      await expect(
        knex('devops_deploys').insert(deployRow('d-2')),
      ).rejects.toMatchObject({ message: expect.stringMatching(UNIQUE) });
      // Finished deploys carry no active key: many of them may exist side by side.
      await knex('devops_deploys').insert([
        deployRow('d-3', { status: 'succeeded', active_key: null }),
        deployRow('d-4', { status: 'rolled-back', active_key: null }),
      ]);
      // The same idempotency key twice for one entity is refused; for another entity it is not.
      await knex('devops_deploys').insert(
        deployRow('d-5', {
          active_key: null,
          status: 'succeeded',
          idempotency_key: 'ci-42',
        }),
      );
      await expect(
        knex('devops_deploys').insert(
          deployRow('d-6', {
            active_key: null,
            status: 'succeeded',
            idempotency_key: 'ci-42',
          }),
        ),
      ).rejects.toMatchObject({ message: expect.stringMatching(UNIQUE) });
      await knex('devops_deploys').insert(
        deployRow('d-7', {
          entity_ref: 'component:default/payments',
          active_key: null,
          status: 'succeeded',
          idempotency_key: 'ci-42',
        }),
      );

      await knex('devops_deploy_events').insert({
        deploy_id: 'd-1',
        at_ms: 1_764_000_000_000,
        type: 'phase',
        message: 'deploy',
      });
      // Events go with their deploy.
      await knex('devops_deploys').where({ id: 'd-1' }).delete();
      expect(await knex('devops_deploy_events')).toHaveLength(0);

      // Down to before the deploys migration: its tables go, the earlier areas' stay.
      while (
        (await knex.migrate.currentVersion({ directory })) >= '20261204000000'
      ) {
        await knex.migrate.down({ directory });
      }
      for (const table of [
        'devops_deploys',
        'devops_deploy_events',
        'devops_deploy_incidents',
      ]) {
        expect(await knex.schema.hasTable(table)).toBe(false);
      }
      expect(await knex.schema.hasTable('devops_security_threats')).toBe(true);
      await knex.destroy();
    });
  },
);
