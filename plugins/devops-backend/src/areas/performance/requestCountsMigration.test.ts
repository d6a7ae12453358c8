import { TestDatabaseId } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import { Knex } from 'knex';
import { createTestDatabases } from '../../__testUtils__/databases';
import { MIGRATIONS_DIRECTORY } from '../../database/migrations';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const OWN = '20261203000100_performance_request_counts.js';
const files = fs
  .readdirSync(MIGRATIONS_DIRECTORY)
  .filter(f => f.endsWith('.js'))
  .sort();

/** The four tables, with their time column, one row each. */
const TABLES = [
  ['devops_perf_samples', 'at_ms', false],
  ['devops_perf_ten_minutes', 'bucket_ms', true],
  ['devops_perf_hourly', 'hour_ms', true],
  ['devops_perf_six_hours', 'bucket_ms', true],
] as const;

function row(timeColumn: string, rollup: boolean) {
  return {
    entity_ref: 'component:default/checkout',
    environment: 'production',
    [timeColumn]: Date.parse('2026-12-01T10:00:00Z'),
    throughput: 12.5,
    p95_ms: 180,
    ...(rollup ? { sample_count: 10, max_p95_ms: 200 } : {}),
  };
}

/**
 * What inserting the row a second time answers: the primary key must refuse it. (The message,
 * not `rejects.toThrow()`: SQLite's errors come from a native module that Jest shares between
 * test files run in one process, so they are not `Error`s of this file's realm.)
 */
async function insertAgain(knex: Knex, table: string, values: object) {
  return knex(table)
    .insert(values)
    .then(
      () => 'inserted',
      (error: unknown) => String((error as { message?: string })?.message),
    );
}

/** The names of the table's indexes. */
async function indexNames(knex: Knex, table: string): Promise<string[]> {
  if (knex.client.dialect === 'postgresql') {
    return knex('pg_indexes').where({ tablename: table }).pluck('indexname');
  }
  return knex('sqlite_master')
    .where({ type: 'index', tbl_name: table })
    .pluck('name');
}

describe.each(databases.eachSupportedId())(
  `${OWN} on %p`,
  (databaseId: TestDatabaseId) => {
    it(`${OWN} adds nullable rate columns to the samples and every roll-up, keeping rows both ways`, async () => {
      const knex: Knex = await databases.init(databaseId);
      const own = files.indexOf(OWN);
      expect(own).toBeGreaterThan(0);
      const config = { directory: MIGRATIONS_DIRECTORY };
      // Every migration before this one, then rows written by the code of that time.
      while ((await knex.migrate.list(config))[0].length < own) {
        await knex.migrate.up(config);
      }
      for (const [table, timeColumn, rollup] of TABLES) {
        await knex(table).insert(row(timeColumn, rollup));
      }

      await knex.migrate.up({ ...config, name: OWN });
      for (const [table, timeColumn, rollup] of TABLES) {
        const [stored] = await knex(table).select();
        expect(stored).toMatchObject({
          throughput: 12.5,
          auth_failure_rps: null,
          rate_limited_rps: null,
        });
        await knex(table).update({
          auth_failure_rps: 3.5,
          rate_limited_rps: 0,
        });
        expect(await knex(table).first('auth_failure_rps')).toEqual({
          auth_failure_rps: 3.5,
        });
        // The primary key still holds.
        expect(await insertAgain(knex, table, row(timeColumn, rollup))).toMatch(
          /UNIQUE constraint failed|duplicate key value/,
        );
      }

      await knex.migrate.down({ ...config, name: OWN });
      for (const [table, timeColumn, rollup] of TABLES) {
        expect(await knex.schema.hasColumn(table, 'auth_failure_rps')).toBe(
          false,
        );
        expect(await knex.schema.hasColumn(table, 'rate_limited_rps')).toBe(
          false,
        );
        const rows = await knex(table).select();
        expect(rows).toHaveLength(1);
        expect(rows[0]).toMatchObject({ throughput: 12.5, p95_ms: 180 });
        expect(await insertAgain(knex, table, row(timeColumn, rollup))).toMatch(
          /UNIQUE constraint failed|duplicate key value/,
        );
      }
      // SQLite drops columns by rebuilding the table: the time index must come back with it.
      expect(await indexNames(knex, 'devops_perf_samples')).toContain(
        'devops_perf_samples_at_idx',
      );
      await knex.destroy();
    });
  },
);
