import { TestDatabaseId } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import { createTestDatabases } from '../../../__testUtils__/databases';
import { MIGRATIONS_DIRECTORY as directory } from '../../../database/migrations';
import { CHANGES, EVENTS, MONITORING, THREATS, UPLOADS } from './threatRows';

jest.setTimeout(60_000);

const OWN = '20261203000200_security_threats.js';
const files = fs
  .readdirSync(directory)
  .filter(f => f.endsWith('.js'))
  .sort();
const databases = createTestDatabases();
const TABLES = [THREATS, CHANGES, EVENTS, UPLOADS, MONITORING];

describe.each(databases.eachSupportedId())(
  'the threats migration on %p',
  (databaseId: TestDatabaseId) => {
    it('creates the tables, keeps their rows through later migrations, and drops them on down', async () => {
      const knex = await databases.init(databaseId);
      const own = files.indexOf(OWN);
      expect(own).toBeGreaterThan(0);
      for (let i = 0; i <= own; i++) await knex.migrate.up({ directory });

      const at = Date.parse('2026-12-03T10:00:00Z');
      await knex(THREATS).insert({
        id: '00000000-0000-0000-0000-000000000001',
        entity_ref: 'component:default/a',
        environment: 'production',
        type: 'injection',
        detector: 'waf-events',
        severity: 'high',
        status: 'open',
        started_ms: at,
        last_seen_ms: at,
        ended_ms: null,
        created_ms: at,
        evidence: '{"summary":"","figures":[],"events":[]}',
      });
      await knex(CHANGES).insert({
        threat_id: '00000000-0000-0000-0000-000000000001',
        at_ms: at,
        actor: 'user:default/a',
        from_status: 'open',
        to_status: 'acknowledged',
      });
      await knex(EVENTS).insert({
        entity_ref: 'component:default/a',
        event_key: 'a'.repeat(64),
        threat_id: '00000000-0000-0000-0000-000000000001',
        at_ms: at,
        client_ip: '192.0.2.1',
        blocked: true,
      });
      // One key per entity: the same event of the same entity is refused.
      await expect(
        knex(EVENTS).insert({
          entity_ref: 'component:default/a',
          event_key: 'a'.repeat(64),
          threat_id: '00000000-0000-0000-0000-000000000001',
          at_ms: at,
          blocked: false,
        }),
        // toThrow() is not used: better-sqlite3's errors may come from another realm when jest
        // reuses a worker, and are then not taken for errors.
      ).rejects.toHaveProperty(
        'message',
        expect.stringMatching(/UNIQUE constraint failed|duplicate key/),
      );
      await knex(MONITORING).insert({
        entity_ref: 'component:default/a',
        detector: 'waf-events',
        environment: '',
        state: 'monitored',
        detail: 'uploaded',
        evaluated_ms: at,
      });

      for (let i = own + 1; i < files.length; i++) {
        await knex.migrate.up({ directory });
      }
      for (const table of [THREATS, CHANGES, EVENTS, MONITORING]) {
        expect(Number((await knex(table).count({ n: '*' }))[0].n)).toBe(1);
      }
      for (let i = files.length - 1; i >= own; i--) {
        await knex.migrate.down({ directory });
      }
      for (const table of TABLES) {
        expect(await knex.schema.hasTable(table)).toBe(false);
      }
      await knex.destroy();
    });
  },
);
