import { TestDatabaseId } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import { createTestDatabases } from '../../../__testUtils__/databases';
import { MIGRATIONS_DIRECTORY as directory } from '../../../database/migrations';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const files = fs
  .readdirSync(directory)
  .filter(f => f.endsWith('.js'))
  .sort();
const own = files.indexOf('20261203000300_security_compliance.js');
const TABLES = [
  'devops_compliance_results',
  'devops_compliance_evidence',
  'devops_compliance_history',
];

describe.each(databases.eachSupportedId())(
  'the compliance migration on %p',
  (databaseId: TestDatabaseId) => {
    it('creates its tables with their keys, keeps their rows through later migrations, and drops them on down', async () => {
      expect(own).toBeGreaterThan(0);
      const knex = await databases.init(databaseId);
      for (let i = 0; i < own; i++) await knex.migrate.up({ directory });
      for (const table of TABLES) {
        expect(await knex.schema.hasTable(table)).toBe(false);
      }
      await knex.migrate.up({ directory });

      const atMs = Date.parse('2026-12-03T12:00:00Z');
      const result = {
        entity_ref: 'component:default/a',
        framework_id: 'soc2',
        title: 'SOC 2',
        evaluated_ms: atMs,
        score: 66.7,
        passed: 2,
        failed: 1,
        not_evaluated: 0,
        controls: '[["CC6.1","passed",1]]',
        history_at_ms: atMs,
      };
      await knex('devops_compliance_results').insert(result);
      await knex('devops_compliance_evidence').insert({
        entity_ref: 'component:default/a',
        evaluated_ms: atMs,
        checks: '{"catalog.owner":["passed","owner team-a"]}',
      });
      await knex('devops_compliance_history').insert([
        { ...pick(result), at_ms: atMs, score: 66.7 },
        { ...pick(result), at_ms: atMs - 1, score: null },
      ]);
      // One result per entity and framework, one point per time.
      await expect(
        knex('devops_compliance_results').insert(result),
      ).rejects.toMatchObject({
        message: expect.stringMatching(
          /UNIQUE constraint failed|duplicate key/,
        ),
      });
      await expect(
        knex('devops_compliance_history').insert({
          ...pick(result),
          at_ms: atMs,
          score: 1,
        }),
      ).rejects.toMatchObject({
        message: expect.stringMatching(
          /UNIQUE constraint failed|duplicate key/,
        ),
      });

      for (let i = own + 1; i < files.length; i++) {
        await knex.migrate.up({ directory });
      }
      const [row] = await knex('devops_compliance_results');
      expect(Number(row.evaluated_ms)).toBe(atMs);
      expect(row.score).toBe(66.7);
      expect(
        Number(
          (await knex('devops_compliance_history').count({ n: '*' }))[0].n,
        ),
      ).toBe(2);

      for (let i = files.length - 1; i >= own; i--) {
        await knex.migrate.down({ directory });
      }
      for (const table of TABLES) {
        expect(await knex.schema.hasTable(table)).toBe(false);
      }
      expect(await knex.schema.hasTable('devops_reports')).toBe(true);
      await knex.destroy();
    });
  },
);

function pick(row: { entity_ref: string; framework_id: string }) {
  return { entity_ref: row.entity_ref, framework_id: row.framework_id };
}
