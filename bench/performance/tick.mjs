// Child process of `yarn bench:performance`: one collection tick for 10, 100 and 1,000 entities
// through the real Prometheus provider and MetricsCollector, writing with
// DatabasePerformanceSampleStore on PostgreSQL; then the per-entity alternative (the same provider
// called with one entity at a time) for 1,000 entities. Prints one JSON object.
//
// Round trips are counted by wrapping the global fetch (which the provider uses): every call
// to the Prometheus URL is one HTTP request.
//
// Usage: node tick.mjs <bundle> <prometheus url> <pg connection> <range>
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const [bundlePath, prometheusUrl, connection, range] = process.argv.slice(2);

const {
  PrometheusMetricsProvider,
  DatabasePerformanceSampleStore,
  migrateToLatest,
  MetricsCollector,
  MetricsProviderRegistry,
} = require(bundlePath);
const { ConfigReader } = require('@backstage/config');
const knexFactory = require('knex');

let roundTrips = 0;
const realFetch = globalThis.fetch;
globalThis.fetch = (input, init) => {
  const url = typeof input === 'string' ? input : input.url ?? String(input);
  if (url.startsWith(prometheusUrl)) roundTrips += 1;
  return realFetch(input, init);
};

const logger = {
  error: (...a) => process.stderr.write(`error: ${a[0]}\n`),
  warn: () => {},
  info: () => {},
  debug: () => {},
  child: () => logger,
};

const name = i => `svc-${String(i).padStart(4, '0')}`;

function entities(count) {
  return Array.from({ length: count }, (_, k) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: name(k + 1),
      namespace: 'default',
      annotations: { 'devops-growth.io/monitoring': 'performance' },
    },
    spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
  }));
}

/**
 * A stand-in for the catalog's `queryEntities`: serves `list` in pages of `limit` with an opaque
 * cursor, as the catalog does.
 */
function pagingCatalog(list) {
  const catalog = {
    pages: 0,
    async queryEntities(request) {
      catalog.pages += 1;
      const offset = request.cursor ? Number(request.cursor) : 0;
      const limit = request.limit ?? 500;
      const items = list.slice(offset, offset + limit);
      const next =
        offset + limit < list.length ? String(offset + limit) : undefined;
      return { items, totalItems: list.length, pageInfo: { nextCursor: next } };
    },
  };
  return catalog;
}

const knex = knexFactory({
  client: 'pg',
  connection,
  pool: { min: 1, max: 10 },
});
await migrateToLatest(knex);
const store = new DatabasePerformanceSampleStore(knex);
const provider = PrometheusMetricsProvider.fromConfig(
  new ConfigReader({
    devops: {
      prometheus: {
        instances: [
          {
            name: 'bench',
            baseUrl: prometheusUrl,
            environmentLabel: 'env',
            range,
            timeout: '30s',
          },
        ],
      },
    },
  }),
);
// Time spent in the bulk insert, to split the tick's wall time.
let insertMs = 0;
const insertSamples = store.insertSamples.bind(store);
store.insertSamples = async samples => {
  const started = performance.now();
  try {
    return await insertSamples(samples);
  } finally {
    insertMs += performance.now() - started;
  }
};
const registry = new MetricsProviderRegistry();
registry.add(provider);
const auth = {
  getOwnServiceCredentials: async () => ({
    $$type: '@backstage/BackstageCredentials',
    principal: { type: 'service', subject: 'plugin:devops' },
  }),
};

async function tick(count) {
  const catalog = pagingCatalog(entities(count));
  const collector = new MetricsCollector({
    store,
    registry,
    catalog,
    auth,
    logger,
    settings: {
      frequency: { minutes: 1 },
      timeout: { seconds: 50 },
      shards: 1,
      pageSize: 500,
    },
  });
  const before = roundTrips;
  insertMs = 0;
  const started = performance.now();
  const result = await collector.collectShard(0);
  const ms = performance.now() - started;
  return {
    entities: count,
    collected: result.entities,
    roundTrips: roundTrips - before,
    ms,
    rowsWritten: result.samplesWritten,
    insertMs,
    failures: result.failures,
    catalogPages: result.catalogPages,
  };
}

async function perEntity(count) {
  const list = entities(count);
  const before = roundTrips;
  const started = performance.now();
  let samples = 0;
  let failures = 0;
  for (const entity of list) {
    const result = await provider.collect([entity], {
      now: new Date(),
      signal: AbortSignal.timeout(50_000),
      logger,
    });
    samples += result.samples.length;
    failures += result.failures.length;
  }
  return {
    entities: count,
    roundTrips: roundTrips - before,
    ms: performance.now() - started,
    samples,
    failures,
  };
}

try {
  // Warm-up (not reported): loads the modules, opens the database pool and connections.
  await tick(10);
  const ticks = [];
  for (const count of [10, 100, 1000]) {
    ticks.push(await tick(count));
    process.stderr.write(`  tick ${count}: ${JSON.stringify(ticks.at(-1))}\n`);
  }
  const alternative = await perEntity(1000);
  process.stderr.write(`  per-entity 1000: ${JSON.stringify(alternative)}\n`);
  // A sample of what was written, to show the values are real.
  const written = await knex('devops_perf_samples')
    .where({ entity_ref: 'component:default/svc-0001' })
    .orderBy('at_ms', 'desc')
    .first();
  process.stdout.write(
    `${JSON.stringify({ ok: true, ticks, alternative, written })}\n`,
  );
} finally {
  await knex.destroy();
}
