// Child process of `yarn bench:performance`: serves the real DevOps router (`createRouter`, with
// the performance routes mounted as the plugin mounts them) over express, on the real stores
// (DatabaseDevopsStore, DatabasePerformanceStore, DatabasePerformanceTargetStore) on the bench
// database, with small hand-written stand-ins for the Backstage services it needs: httpAuth
// answering a fixed user, permissions allowing everything, a catalog answering from a Map of
// the 5,000 entities, a no-op auditor. Backstage's own error middleware answers errors.
//
// Prints `{"port": ...}` on stdout once listening.
//
// Usage: node api-server.mjs <bundle> <pg connection> <entities>
import { createRequire } from 'node:module';
import { backstageStandIns } from '../standins.mjs';

const require = createRequire(import.meta.url);
const [bundlePath, connection, entitiesArg] = process.argv.slice(2);
const entityCount = Number(entitiesArg);

const {
  createRouter,
  createCoverageArea,
  createPerformanceArea,
  EntityAccess,
  PrometheusMetricsProvider,
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

// The plugin's defaults, plus a Prometheus instance so that entities have a metrics source (the
// summary names it; reads never call it).
const config = new ConfigReader({
  backend: { baseUrl: 'http://localhost' },
  devops: {
    prometheus: {
      instances: [
        {
          name: 'bench',
          baseUrl: 'http://127.0.0.1:9',
          environmentLabel: 'env',
        },
      ],
    },
  },
});

const knex = knexFactory({
  client: 'pg',
  connection,
  // The default pool of a Backstage plugin database (knex's default: 2..10).
  pool: { min: 2, max: 10 },
});

const entities = new Map();
for (let i = 1; i <= entityCount; i++) {
  const annotations = { 'devops-growth.io/monitoring': 'performance' };
  // Every 7th entity sets its P99 target through an annotation, every 20th declares a load-test
  // endpoint.
  if (i % 7 === 0) annotations['devops-growth.io/target-p99-ms'] = '900';
  if (i % 20 === 0) {
    annotations['devops-growth.io/load-test-url'] =
      'production=https://svc.example.com/health';
  }
  const entity = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: `svc-${String(i).padStart(4, '0')}`,
      namespace: 'default',
      annotations,
    },
    spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
  };
  entities.set(stringifyEntityRef(entity), entity);
}

const { logger, httpAuth, permissions, auditor, auth, catalog, lifecycle } =
  backstageStandIns(entities);

await migrateToLatest(knex);
// The plugin's own composition: the same area factories plugin.ts calls (tasks not scheduled).
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
const router = createRouter([
  createCoverageArea(context).router,
  (
    await createPerformanceArea(context, {
      moduleProviders: [PrometheusMetricsProvider.fromConfig(config)],
    })
  ).router,
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
