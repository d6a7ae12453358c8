// The bench's PostgreSQL database: created when missing, migrated with the DevOps backend's own
// migrations.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

export const PG_URL =
  process.env.DEVOPS_BENCH_POSTGRES ?? 'postgresql://postgres@127.0.0.1:5432';
export const BENCH_DB = process.env.DEVOPS_BENCH_DATABASE ?? 'devops_bench';

export function benchConnection() {
  const url = new URL(PG_URL);
  url.pathname = `/${BENCH_DB}`;
  return url.toString();
}

export function createKnex(connection, pool = { min: 0, max: 10 }) {
  const knex = require('knex');
  return knex({ client: 'pg', connection, pool });
}

/** Creates the bench database when it does not exist. */
export async function ensureDatabase() {
  const admin = createKnex(PG_URL, { min: 0, max: 1 });
  try {
    const { rows } = await admin.raw(
      'SELECT 1 FROM pg_database WHERE datname = ?',
      [BENCH_DB],
    );
    if (rows.length === 0) {
      await admin.raw(`CREATE DATABASE ${BENCH_DB}`);
    }
  } finally {
    await admin.destroy();
  }
}

/** The DevOps backend's migrations directory. */
export function migrationsDirectory() {
  return join(
    dirname(
      require.resolve(
        '@devops-growth/backstage-plugin-devops-backend/package.json',
      ),
    ),
    'migrations',
  );
}
