import { TestDatabases } from '@backstage/backend-test-utils';

/**
 * SQLite always; PostgreSQL 15 when BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING names a
 * server (CI sets it; there is no Docker to start one).
 */
export function createTestDatabases() {
  return TestDatabases.create({
    ids: ['SQLITE_3', 'POSTGRES_15'],
    disableDocker: true,
  });
}
