import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

const migrationsDirectory = resolvePackagePath(
  '@devops-growth/backstage-plugin-devops-backend',
  'migrations',
);

/** Runs the plugin's migrations (one directory for every area) to the latest. */
export async function migrateToLatest(knex: Knex): Promise<void> {
  await knex.migrate.latest({ directory: migrationsDirectory });
}

/**
 * The plugin's database client, migrated once at start-up, before any store is built: stores
 * never migrate. Migrations are skipped when the backend says so (`backend.database.skipMigrations`).
 */
export async function openDatabase(database: DatabaseService): Promise<Knex> {
  const knex = await database.getClient();
  if (!database.migrations?.skip) {
    await migrateToLatest(knex);
  }
  return knex;
}

/** The migrations directory, for tests that step through migrations one by one. */
export const MIGRATIONS_DIRECTORY = migrationsDirectory;
