// Child process of bench/security/api.mjs: serves the real DevOps router (the reports route and
// the coverage, performance and security areas, composed as plugin.ts composes them) over
// express, on the bench database, with small stand-ins for the Backstage services it needs:
// httpAuth answering a fixed user, permissions allowing everything, a catalog answering from a
// Map of the entities, a no-op auditor. Backstage's own error middleware answers errors.
// Scheduled tasks are not started: the benchmark measures the card's reads.
//
// Prints `{"port": ...}` on stdout once listening.
// Usage: node api-server.mjs <bundle> <pg connection> <entities>
import { createRequire } from 'node:module';
import { backstageStandIns } from '../standins.mjs';
import { benchEntities } from './api-entities.mjs';

const require = createRequire(import.meta.url);
const [bundlePath, connection, entitiesArg] = process.argv.slice(2);

const {
  createRouter,
  createReportsRouter,
  createCoverageArea,
  createPerformanceArea,
  createSecurityArea,
  EntityAccess,
  ReportParserRegistry,
  builtInReportParsers,
  AllowedHosts,
  migrateToLatest,
} = require(bundlePath);
const { ConfigReader } = require('@backstage/config');
const { stringifyEntityRef } = require('@backstage/catalog-model');
const {
  MiddlewareFactory,
} = require('@backstage/backend-defaults/rootHttpRouter');
const express = require('express');
const knexFactory = require('knex');

const config = new ConfigReader({ backend: { baseUrl: 'http://localhost' } });
// The default pool of a Backstage plugin database (knex's default: 2..10).
const knex = knexFactory({
  client: 'pg',
  connection,
  pool: { min: 2, max: 10 },
});

const entities = new Map(
  benchEntities(Number(entitiesArg)).map(e => [stringifyEntityRef(e), e]),
);
const { logger, httpAuth, permissions, auditor, auth, catalog, lifecycle } =
  backstageStandIns(entities);

await migrateToLatest(knex);
const context = {
  config,
  logger,
  knex,
  auth,
  auditor,
  catalog,
  lifecycle,
  access: new EntityAccess({ auth, httpAuth, permissions, catalog }),
  allowedHosts: AllowedHosts.fromConfig(config),
};
const coverage = createCoverageArea(context);
const performance = await createPerformanceArea(context, {
  moduleProviders: [],
});
const security = createSecurityArea(context, {
  coverage: coverage.service,
  performance: performance.service,
  moduleFrameworks: [],
  moduleChecks: [],
});
const parsers = new ReportParserRegistry();
parsers.add(...builtInReportParsers());
const areas = [coverage, performance, security];
const router = createRouter([
  createReportsRouter(context, {
    parsers,
    sinks: areas.flatMap(a => a.reportSinks ?? []),
    maxBodySize: 64 * 1024 * 1024,
  }),
  ...areas.map(a => a.router),
]);

const app = express();
app.use('/api/devops', router);
app.use(MiddlewareFactory.create({ config, logger }).error());
const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
server.keepAliveTimeout = 60_000;
process.on('SIGTERM', () => {
  server.close();
  knex.destroy().finally(() => process.exit(0));
});
