// `yarn bench:performance`: the performance-monitoring benchmark. Needs PostgreSQL
// (postgresql://postgres@127.0.0.1:5432, or DEVOPS_BENCH_POSTGRES) and Debian's Prometheus
// (/usr/bin/prometheus, or PROMETHEUS_BIN). Not part of CI.
//
// 1. Seeds (or tops up) the card-API data in the bench database (seed.mjs).
// 2. Starts the synthetic exporter (1,000 services) and Prometheus scraping it every second,
//    waits until every service has 10 samples in the provider's 30 s rate range, then runs one
//    collection tick for 10, 100 and 1,000 entities and the per-entity alternative in a child
//    process (tick.mjs). Prometheus is stopped afterwards.
// 3. Serves the real router on the seeded database in a child process (api-server.mjs) and
//    loads `GET /entities/component/default/<random>/performance?window=<w>` with autocannon,
//    8 connections, 15 s per window (after a 3 s warm-up).
// 4. Prints the figures and one table with the goals (PASS/MISS).
//
// Flags: --reseed (seed from scratch), --seconds=<n> (load per window).
import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPerformance } from './build.mjs';
import {
  benchConnection,
  createKnex,
  ensureDatabase,
  migrationsDirectory,
} from './db.mjs';
import { startExporter } from './exporter.mjs';
import { startPrometheus, waitForSamples } from './prometheus.mjs';
import { ENTITIES, entityName, seed } from './seed.mjs';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const reseed = args.includes('--reseed');
const seconds = Number(
  args.find(a => a.startsWith('--seconds='))?.split('=')[1] ?? 15,
);

const SERVICES = 1000;
/** The provider's `range` (rate window); Prometheus scrapes every second. */
const RANGE = '30s';
const WINDOWS = ['1h', '24h', '7d', '30d'];
const CONNECTIONS = 8;
const GOALS = { tickMs: 5000, p95Ms: 50 };

const log = line => process.stderr.write(`${line}\n`);

function runChild(script, childArgs, { onLine } = {}) {
  const child = spawn(process.execPath, [join(here, script), ...childArgs], {
    cwd: join(here, '..'),
    env: { ...process.env, NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr.on('data', d => process.stderr.write(d));
  let buffer = '';
  child.stdout.on('data', d => {
    buffer += d;
    let nl;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      // Only the child's JSON lines are results (a library may log to stdout).
      if (line.startsWith('{')) {
        try {
          onLine?.(JSON.parse(line));
        } catch {
          // not a result line
        }
      }
    }
  });
  const exited = new Promise(resolve =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, exited };
}

async function tickBenchmark(bundle) {
  log(`starting the synthetic exporter (${SERVICES} services) and Prometheus`);
  const exporter = await startExporter({ services: SERVICES, shards: 4 });
  let prometheus;
  try {
    prometheus = await startPrometheus({
      exporterPort: exporter.port,
      paths: exporter.paths,
    });
    log(
      `Prometheus on ${prometheus.url} scraping ${
        SERVICES * exporter.seriesPerService
      } series every 1 s; waiting for 10 samples per service in ${RANGE}`,
    );
    await waitForSamples(prometheus.url, {
      services: SERVICES,
      samples: 10,
      range: RANGE,
    });
    let result;
    const { exited } = runChild(
      'tick.mjs',
      [bundle, prometheus.url, benchConnection(), RANGE],
      { onLine: value => (result = value) },
    );
    const { code, signal } = await exited;
    if (!result?.ok) {
      throw new Error(`tick.mjs exited with ${signal ?? code}`);
    }
    return result;
  } finally {
    await prometheus?.stop();
    await exporter.close();
  }
}

function loadWindow(port, window, duration) {
  const autocannon = require('autocannon');
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: `http://127.0.0.1:${port}`,
        connections: CONNECTIONS,
        duration,
        requests: [
          {
            method: 'GET',
            setupRequest: request => {
              const i = 1 + Math.floor(Math.random() * ENTITIES);
              return {
                ...request,
                path: `/api/devops/entities/component/default/${entityName(
                  i,
                )}/performance?window=${window}`,
              };
            },
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    instance.on('error', reject);
  });
}

async function apiBenchmark(bundle) {
  let port;
  const { child, exited } = runChild(
    'api-server.mjs',
    [bundle, benchConnection(), String(ENTITIES)],
    { onLine: value => (port = port ?? value.port) },
  );
  try {
    const deadline = Date.now() + 60_000;
    while (!port) {
      if (child.exitCode !== null) throw new Error('api-server.mjs exited');
      if (Date.now() > deadline) throw new Error('api-server.mjs not ready');
      await new Promise(r => setTimeout(r, 100));
    }
    const results = [];
    for (const window of WINDOWS) {
      log(`card API, window ${window}: 3 s warm-up, then ${seconds} s`);
      await loadWindow(port, window, 3);
      const r = await loadWindow(port, window, seconds);
      results.push({
        window,
        requests: r.requests.total,
        non2xx: r.non2xx,
        errors: r.errors,
        p50: r.latency.p50,
        p95: percentile(r, 95),
        p99: r.latency.p99,
        rps: r.requests.average,
      });
      log(`  ${JSON.stringify(results.at(-1))}`);
    }
    return results;
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

/** autocannon reports p90 and p97.5 but no p95: interpolate from its histogram when absent. */
function percentile(result, p) {
  const latency = result.latency;
  if (latency[`p${p}`] !== undefined) return latency[`p${p}`];
  return latency.p90 + ((p - 90) / (97.5 - 90)) * (latency.p97_5 - latency.p90);
}

const fmt = (n, d = 0) => Number(n).toFixed(d);
const table = rows => rows.map(r => `| ${r.join(' | ')} |`).join('\n');

async function main() {
  const bundle = await buildPerformance();

  await ensureDatabase();
  const knex = createKnex(benchConnection());
  let seeded;
  try {
    await knex.migrate.latest({ directory: migrationsDirectory() });
    seeded = await seed(knex, { reseed, log });
  } finally {
    await knex.destroy();
  }
  log(
    `seed: ${seeded.mode} in ${fmt(seeded.seconds, 1)} s (${
      seeded.counts.devops_perf_samples
    } raw samples, ${seeded.counts.devops_perf_hourly} hourly roll-ups)`,
  );

  const tick = await tickBenchmark(bundle);
  const api = await apiBenchmark(bundle);

  const out = [];
  out.push(
    '',
    `One collection tick (Prometheus provider, range ${RANGE}; MetricsCollector + DatabasePerformanceSampleStore on PostgreSQL)`,
    '',
    table([
      [
        'approach',
        'entities',
        'HTTP round trips to Prometheus',
        'wall time ms',
        'of which insert ms',
        'rows written',
        'failures',
      ],
      ['---', '---', '---', '---', '---', '---', '---'],
      ...tick.ticks.map(t => [
        'one query per metric (ours)',
        t.entities,
        t.roundTrips,
        fmt(t.ms),
        fmt(t.insertMs),
        t.rowsWritten,
        t.failures,
      ]),
      [
        'one query per metric per entity',
        tick.alternative.entities,
        tick.alternative.roundTrips,
        fmt(tick.alternative.ms),
        'n/a (not written)',
        `${tick.alternative.samples} samples`,
        tick.alternative.failures,
      ],
    ]),
    '',
    `Card API (GET .../performance, ${CONNECTIONS} connections, ${seconds} s per window, random entity of ${ENTITIES})`,
    '',
    table([
      ['window', 'requests', 'non-2xx', 'P50 ms', 'P95 ms', 'P99 ms', 'req/s'],
      ['---', '---', '---', '---', '---', '---', '---'],
      ...api.map(a => [
        a.window,
        a.requests,
        a.non2xx + a.errors,
        fmt(a.p50, 1),
        fmt(a.p95, 1),
        fmt(a.p99, 1),
        fmt(a.rps, 0),
      ]),
    ]),
  );

  const trips = tick.ticks.map(t => t.roundTrips);
  const tick1000 = tick.ticks.find(t => t.entities === 1000);
  const worstP95 = Math.max(...api.map(a => a.p95));
  const goal = ok => (ok ? 'PASS' : 'MISS');
  out.push(
    '',
    'Goals',
    '',
    table([
      ['goal', 'measured', 'result'],
      ['---', '---', '---'],
      [
        'round trips per tick independent of the number of entities',
        `${trips.join(' / ')} for ${tick.ticks
          .map(t => t.entities)
          .join(' / ')} entities`,
        goal(new Set(trips).size === 1),
      ],
      [
        `1,000-service tick under ${GOALS.tickMs / 1000} s`,
        `${fmt(tick1000.ms)} ms`,
        goal(tick1000.ms < GOALS.tickMs && tick1000.failures === 0),
      ],
      [
        `card API P95 under ${GOALS.p95Ms} ms (8 clients, every window)`,
        `${fmt(worstP95, 1)} ms (worst window)`,
        goal(
          worstP95 < GOALS.p95Ms && api.every(a => a.non2xx + a.errors === 0),
        ),
      ],
    ]),
    '',
    `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${
      process.version
    }, ${new Date().toISOString().slice(0, 10)}`,
  );
  process.stdout.write(`${out.join('\n')}\n`);
}

await main();
