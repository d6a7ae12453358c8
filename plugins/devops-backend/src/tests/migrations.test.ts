import { TestDatabaseId } from '@backstage/backend-test-utils';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import fs from 'node:fs';
import { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/databases';

jest.setTimeout(60_000);

const migrationsDir = resolvePackagePath('@devops-growth/backstage-plugin-devops-backend', 'migrations');
const migrationFiles = fs.readdirSync(migrationsDir).filter(f => f.endsWith('.js')).sort();

async function migrateUpOnce(knex: Knex) {
  await knex.migrate.up({ directory: migrationsDir });
}
async function migrateDownOnce(knex: Knex) {
  await knex.migrate.down({ directory: migrationsDir });
}

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())('migrations on %p', (databaseId: TestDatabaseId) => {
  it('creates the tables, keeps data through up, and drops them on down', async () => {
    const knex = await databases.init(databaseId);
    expect(migrationFiles[0]).toBe('20261125000000_init.js');
    await migrateUpOnce(knex);

    await knex('devops_reports').insert({
      id: '00000000-0000-0000-0000-000000000001',
      entity_ref: 'component:default/a',
      kind: 'coverage',
      format: 'lcov',
      name: 'unit',
      commit_sha: 'abcdef1',
      branch: 'main',
      created_at: new Date('2026-11-25T00:00:00Z'),
      lines_covered: 8,
      lines_total: 10,
      item_count: 1,
      size_bytes: 10,
    });
    await knex('devops_coverage_files').insert({
      report_id: '00000000-0000-0000-0000-000000000001',
      path: 'src/a.ts',
      lines_covered: 8,
      lines_total: 10,
    });
    // Every later migration must keep existing rows.
    for (let i = 1; i < migrationFiles.length; i++) await migrateUpOnce(knex);
    expect(await knex('devops_reports').count({ n: '*' })).toEqual([{ n: expect.anything() }]);
    expect(Number((await knex('devops_coverage_files').count({ n: '*' }))[0].n)).toBe(1);

    for (let i = 0; i < migrationFiles.length; i++) await migrateDownOnce(knex);
    expect(await knex.schema.hasTable('devops_reports')).toBe(false);
    expect(await knex.schema.hasTable('devops_test_cases')).toBe(false);
    await knex.destroy();
  });
});
