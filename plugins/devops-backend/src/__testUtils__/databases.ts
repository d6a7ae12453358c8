import { TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';

/**
 * SQLite always; PostgreSQL 15 when BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING names a
 * server (CI sets it; there is no Docker to start one).
 *
 * A database created for one test (in its `beforeEach` or body) is closed after it. TestDatabases
 * keeps every one open until the file ends, and a file creating one per test held a few idle
 * PostgreSQL connections for each: with two workers the suite went past the server's 100
 * ("sorry, too many clients already"). Databases created in `beforeAll` live until the file ends.
 */
export function createTestDatabases() {
  const databases = TestDatabases.create({
    ids: ['SQLITE_3', 'POSTGRES_15'],
    disableDocker: true,
  });
  // true from this file's first beforeEach (outer hooks run first) to its last afterEach (outer
  // hooks run last): inside a test, its hooks included, and never in a beforeAll
  let inTest = false;
  const ofThisTest: Knex[] = [];
  const init = databases.init.bind(databases);
  databases.init = async id => {
    const knex = await init(id);
    if (inTest) {
      ofThisTest.push(knex);
    }
    return knex;
  };
  beforeEach(() => {
    inTest = true;
  });
  afterEach(async () => {
    inTest = false;
    await Promise.all(ofThisTest.splice(0).map(knex => knex.destroy()));
  });
  return databases;
}
