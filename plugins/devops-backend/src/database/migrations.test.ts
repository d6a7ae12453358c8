import { TestDatabaseId } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/databases';
import { MIGRATIONS_DIRECTORY as migrationsDir } from './migrations';

jest.setTimeout(60_000);

const migrationFiles = fs
  .readdirSync(migrationsDir)
  .filter(f => f.endsWith('.js'))
  .sort();

async function migrateUpOnce(knex: Knex) {
  await knex.migrate.up({ directory: migrationsDir });
}
async function migrateDownOnce(knex: Knex) {
  await knex.migrate.down({ directory: migrationsDir });
}

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'migrations on %p',
  (databaseId: TestDatabaseId) => {
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
      expect(await knex('devops_reports').count({ n: '*' })).toEqual([
        { n: expect.anything() },
      ]);
      expect(
        Number((await knex('devops_coverage_files').count({ n: '*' }))[0].n),
      ).toBe(1);

      for (let i = 0; i < migrationFiles.length; i++)
        await migrateDownOnce(knex);
      expect(await knex.schema.hasTable('devops_reports')).toBe(false);
      expect(await knex.schema.hasTable('devops_test_cases')).toBe(false);
      await knex.destroy();
    });

    it('creates the performance tables, keeps their rows through later migrations, and drops them on down', async () => {
      const knex = await databases.init(databaseId);
      const own = migrationFiles.indexOf(
        '20261126000000_performance_samples.js',
      );
      expect(own).toBeGreaterThan(0);
      for (let i = 0; i <= own; i++) await migrateUpOnce(knex);

      const atMs = Date.parse('2026-11-26T10:00:00Z');
      const sample = {
        entity_ref: 'component:default/a',
        environment: 'production',
        at_ms: atMs,
        p95_ms: 120.5,
        memory_bytes: 3 * 2 ** 31,
      };
      await knex('devops_perf_samples').insert(sample);
      // The primary key is (entity, environment, time): a second row for it is refused.
      // (Matched on the message: better-sqlite3's error class comes from another jest realm when
      // the native module was loaded by an earlier test file, so `toThrow` does not see an Error.)
      await expect(
        knex('devops_perf_samples').insert(sample),
      ).rejects.toMatchObject({
        message: expect.stringMatching(
          /UNIQUE constraint failed|duplicate key/,
        ),
      });
      await knex('devops_perf_hourly').insert({
        entity_ref: 'component:default/a',
        environment: 'production',
        hour_ms: atMs,
        sample_count: 60,
        p95_ms: 118,
        max_p95_ms: 140,
      });
      await knex('devops_perf_status').insert({
        entity_ref: 'component:default/a',
        provider: 'scrape',
        stale_since_ms: atMs,
        last_error: 'connection refused',
        last_attempt_ms: atMs,
      });
      await knex('devops_perf_watermarks').insert({
        name: 'rollup',
        at_ms: atMs,
      });

      for (let i = own + 1; i < migrationFiles.length; i++)
        await migrateUpOnce(knex);
      const [row] = await knex('devops_perf_samples');
      expect(Number(row.at_ms)).toBe(atMs);
      expect(row.p95_ms).toBe(120.5);
      expect(row.memory_bytes).toBe(3 * 2 ** 31);
      expect(row.p50_ms).toBeNull();
      expect(
        Number((await knex('devops_perf_hourly').count({ n: '*' }))[0].n),
      ).toBe(1);
      expect((await knex('devops_perf_status').first()).last_error).toBe(
        'connection refused',
      );
      // The environments migration lists the environments of the data already stored, with the
      // newest sample or roll-up time.
      expect(
        (await knex('devops_perf_environments').orderBy('environment')).map(
          r => [r.entity_ref, r.environment, Number(r.last_at_ms)],
        ),
      ).toEqual([['component:default/a', 'production', atMs]]);
      // The 10-minute roll-ups migration rolls up the raw samples already stored.
      expect(
        (await knex('devops_perf_ten_minutes')).map(r => [
          Number(r.bucket_ms),
          r.sample_count,
          r.p95_ms,
        ]),
      ).toEqual([[atMs, 1, 120.5]]);
      // The 6-hour roll-ups migration rolls up the hourly roll-ups already stored.
      expect(
        (await knex('devops_perf_six_hours')).map(r => [
          Number(r.bucket_ms),
          Number(r.sample_count),
          r.p95_ms,
          r.max_p95_ms,
        ]),
      ).toEqual([[atMs - (atMs % 21_600_000), 60, 118, 140]]);

      for (let i = migrationFiles.length - 1; i >= own; i--)
        await migrateDownOnce(knex);
      for (const table of [
        'devops_perf_samples',
        'devops_perf_hourly',
        'devops_perf_status',
        'devops_perf_watermarks',
      ]) {
        expect(await knex.schema.hasTable(table)).toBe(false);
      }
      expect(await knex.schema.hasTable('devops_reports')).toBe(true);
      await knex.destroy();
    });
  },
);
