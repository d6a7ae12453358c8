import { randomBytes } from 'node:crypto';
import knexFactory, { Knex } from 'knex';
import {
  BackendProcess,
  bundleBackend,
  freePort,
  killAllBackends,
  startBackend,
} from './backendProcess';
import { EntitySpec, EnvironmentSpec, Scenario } from './scenario';

/**
 * The PostgreSQL server of the database tests, or `undefined` when none is configured
 * (BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING; scripts/test.sh sets it when a server
 * answers on 127.0.0.1:5432).
 */
export const postgresConnectionString =
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;

/** `describe` when a PostgreSQL server is configured, else `describe.skip`. */
export const describeWithPostgres = postgresConnectionString
  ? describe
  : describe.skip;

/** Backends sharing one throwaway PostgreSQL database. */
export interface PostgresBackends {
  backends: BackendProcess[];
  /** Stops the backends and drops the database. */
  close(): Promise<void>;
}

/**
 * Creates a database `devops_reliability_<random>` and starts `names.length` backends on it
 * (`pluginDivisionMode: schema`), each with the scenario's entities and environments.
 */
export async function startPostgresBackends(options: {
  scenario: Scenario;
  names: string[];
  entities: EntitySpec[];
  environments: EnvironmentSpec[];
  leaseSeconds: number;
}): Promise<PostgresBackends> {
  const { scenario } = options;
  const url = new URL(postgresConnectionString!);
  const server = {
    host: url.hostname,
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username || 'postgres'),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
  };
  const database = `devops_reliability_${randomBytes(4).toString('hex')}`;
  const admin: Knex = knexFactory({
    client: 'pg',
    connection: { ...server, database: 'postgres' },
  });
  await admin.raw(`CREATE DATABASE ??`, [database]);
  const backends: BackendProcess[] = [];
  const close = async () => {
    await Promise.all(backends.map(b => b.stop()));
    killAllBackends();
    await admin.raw(`DROP DATABASE IF EXISTS ?? WITH (FORCE)`, [database]);
    await admin.destroy();
  };
  try {
    const bundle = await bundleBackend(scenario.dir);
    const entities = scenario.entities(options.entities);
    const started = await Promise.all(
      options.names.map(async name => {
        const port = await freePort();
        const configFile = scenario.writeConfig({
          name,
          port,
          database: {
            client: 'pg',
            connection: { ...server, database },
            pluginDivisionMode: 'schema',
          },
          entities,
          environments: options.environments,
          leaseSeconds: options.leaseSeconds,
        });
        return startBackend({
          name,
          bundle,
          configFile,
          port,
          logDir: scenario.dir,
        });
      }),
    );
    backends.push(...started);
  } catch (error) {
    await close();
    throw error;
  }
  return { backends, close };
}
