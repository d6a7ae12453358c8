// The compliance benchmark (part of `yarn bench:security`; alone:
// `node bench/security/compliance.mjs [--entities=5000] [--seed=1]`).
//
// A full evaluation of 5,000 entities x 4 frameworks (SOC 2, GDPR, ISO 27001, PCI DSS) on
// PostgreSQL, through the backend's own SecurityCompliance (bundled from the TypeScript with
// esbuild): the registry's built-in checks over generated facts (scan ages, findings past SLA,
// threats, detectors, coverage gates, stale metrics, entities missing owner/system/links), in
// batches of 500 with bulk writes to the real schema (the backend's migrations). Facts are
// generated in memory, as the facts source the backend composes would return them, so the
// figure is the compliance part's own cost: checks, scores, JSON evidence and the writes.
// Three runs: the first (every result and history point inserted), an hour later with the same
// facts (results replaced, no history point), and an hour later again with 10% of the entities'
// facts changed (their history points appended). Then a detail read of 200 entities.
//
// Goal (issue 9): a full evaluation in under 30 s. Prints the time, the rows written and the
// size of the tables. Creates its own database on postgresql://postgres@127.0.0.1:5432
// (DEVOPS_BENCH_POSTGRES to change) and drops it at the end.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundle, packageDir } from '../bundle.mjs';
import { rng } from '../generate.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const arg = (name, fallback) =>
  Number(args.find(a => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const ENTITIES = arg('entities', 5000);
const SEED = arg('seed', 1);
const GOAL_MS = 30_000;
const PG_URL =
  process.env.DEVOPS_BENCH_POSTGRES ?? 'postgresql://postgres@127.0.0.1:5432';
const DATABASE = `devops_bench_compliance_${process.pid}`;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

async function build() {
  const backend = packageDir('@devops-growth/backstage-plugin-devops-backend');
  const src = path => JSON.stringify(join(backend, 'src', path));
  const compliance = path => src(`areas/security/compliance/${path}`);
  const contents = `
export { SecurityCompliance } from ${compliance('SecurityCompliance.ts')};
export { ComplianceRegistry } from ${compliance('ComplianceRegistry.ts')};
export { DatabaseComplianceStore } from ${compliance(
    'DatabaseComplianceStore.ts',
  )};
export { readComplianceSettings } from ${compliance('settings.ts')};
export { migrateToLatest } from ${src('database/migrations.ts')};
`;
  return bundle('compliance', { contents });
}

function generateEntities(n, rnd) {
  return Array.from({ length: n }, (_, i) => {
    const links = [];
    if (rnd() < 0.7)
      links.push({ url: `https://wiki.example.com/s${i}`, title: 'Runbook' });
    if (rnd() < 0.6)
      links.push({
        url: `https://example.pagerduty.com/s${i}`,
        type: 'on-call',
      });
    const spec = { type: 'service' };
    if (rnd() < 0.9) spec.owner = `group:default/team-${i % 40}`;
    if (rnd() < 0.9) spec.lifecycle = 'production';
    if (rnd() < 0.7) spec.system = `system-${i % 25}`;
    return {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: `service-${i}`,
        namespace: 'default',
        annotations: {
          'devops-growth.io/monitoring':
            rnd() < 0.8 ? 'enabled' : 'security,coverage',
        },
        links,
      },
      spec,
    };
  });
}

const counts = (rnd, p) => ({
  critical: rnd() < p / 4 ? 1 : 0,
  high: rnd() < p ? Math.floor(rnd() * 3) : 0,
  medium: Math.floor(rnd() * 5),
  low: Math.floor(rnd() * 8),
});

function generateFacts(entity, now, rnd) {
  const detectors = ['traffic-flood', 'brute-force', 'waf-events'];
  const scanned = rnd() < 0.9;
  return {
    entity,
    now,
    security: {
      lastScanAt: scanned ? new Date(now.getTime() - rnd() * 14 * DAY) : null,
      open: counts(rnd, 0.5),
      pastSla: counts(rnd, 0.15),
      openThreats: counts(rnd, 0.05),
      unhandledThreats: rnd() < 0.03 ? 1 : 0,
      monitoring: detectors.map(detector => ({
        detector,
        state: rnd() < 0.8 ? 'monitored' : 'not-monitored',
        detail: 'generated',
        evaluatedAt: now.toISOString(),
      })),
    },
    coverage:
      rnd() < 0.85
        ? {
            gate: ['passed', 'passed', 'failed', 'unknown'][
              Math.floor(rnd() * 4)
            ],
            lastReportAt: new Date(now.getTime() - rnd() * 30 * DAY),
          }
        : null,
    performance:
      entity.metadata.annotations['devops-growth.io/monitoring'] === 'enabled'
        ? {
            lastSampleAt: new Date(now.getTime() - rnd() * 10 * 60_000),
            stale: rnd() < 0.05,
          }
        : null,
    deploys: null,
  };
}

/** Rows, the bytes of their live data, and the tables' size on disk (dead row versions included). */
async function tableSizes(knex) {
  const out = [];
  for (const table of [
    'devops_compliance_results',
    'devops_compliance_evidence',
    'devops_compliance_history',
  ]) {
    const {
      rows: [row],
    } = await knex.raw(
      `SELECT count(*) AS rows, coalesce(sum(pg_column_size(t.*)), 0) AS live,
              pg_total_relation_size(?) AS disk FROM ${table} t`,
      [table],
    );
    out.push({ table, ...row });
  }
  return out;
}

async function main() {
  const knexFactory = require('knex');
  const admin = knexFactory({
    client: 'pg',
    connection: PG_URL,
    pool: { min: 0, max: 1 },
  });
  await admin.raw(`CREATE DATABASE ${DATABASE}`);
  const url = new URL(PG_URL);
  url.pathname = `/${DATABASE}`;
  const knex = knexFactory({
    client: 'pg',
    connection: url.toString(),
    pool: { min: 0, max: 10 },
  });
  let goalMissed = false;
  try {
    const lib = require(await build());
    const { ConfigReader } = require('@backstage/config');
    await lib.migrateToLatest(knex);
    const settings = lib.readComplianceSettings(
      new ConfigReader({
        devops: {
          security: {
            compliance: {
              defaultFrameworks: ['soc2', 'gdpr', 'iso27001', 'pci-dss'],
            },
          },
        },
      }),
    );
    const rnd = rng(SEED);
    const entities = generateEntities(ENTITIES, rnd);
    const byRef = new Map();
    const factsFor = now =>
      entities.map(e => {
        const f = generateFacts(e, now, rnd);
        byRef.set(`component:default/${e.metadata.name}`, f);
        return f;
      });
    let factsMs = 0;
    const compliance = new lib.SecurityCompliance({
      registry: lib.ComplianceRegistry.create({ settings }),
      store: new lib.DatabaseComplianceStore(knex),
      settings,
      // The facts of the run, looked up per batch as the backend's source would read them.
      factsSource: async (batch, now) => {
        const t = performance.now();
        const out = batch.map(e => {
          const f = byRef.get(`component:default/${e.metadata.name}`);
          return { ...f, now };
        });
        factsMs += performance.now() - t;
        return out;
      },
    });

    const T0 = new Date('2026-12-03T12:00:00Z');
    factsFor(T0);
    console.log(
      `compliance: ${ENTITIES} entities x ${
        settings.defaultFrameworks.length
      } frameworks (${settings.defaultFrameworks.join(', ')}), batches of ${
        settings.evaluation.batchSize
      }, PostgreSQL`,
    );
    const runs = [];
    const run = async (label, now) => {
      factsMs = 0;
      const started = performance.now();
      const result = await compliance.evaluateAndCount(entities, now);
      const ms = performance.now() - started;
      runs.push({ label, ms, result });
      console.log(
        `  ${label.padEnd(44)} ${(ms / 1000).toFixed(2).padStart(6)} s  ` +
          `results written ${result.results}, history points ${result.historyPoints}, removed ${result.removed}`,
      );
    };
    await run('full evaluation (first: all rows new)', T0);
    await run(
      'full evaluation, 1 h later, same facts',
      new Date(T0.getTime() + HOUR),
    );
    // 10% of the entities change: new facts for them.
    const T2 = new Date(T0.getTime() + 2 * HOUR);
    for (const e of entities) {
      const ref = `component:default/${e.metadata.name}`;
      if (rnd() < 0.1) byRef.set(ref, generateFacts(e, T2, rnd));
    }
    await run('full evaluation, 2 h later, 10% changed', T2);

    const reads = [];
    for (let i = 0; i < 200; i++) {
      const e = entities[Math.floor(rnd() * entities.length)];
      const t = performance.now();
      await compliance.scores(e);
      await compliance.detail(e, 'iso27001');
      reads.push(performance.now() - t);
    }
    reads.sort((a, b) => a - b);
    console.log(
      `  scores + detail of one entity (200 reads)   p50 ${reads[100].toFixed(
        1,
      )} ms, p95 ${reads[190].toFixed(1)} ms`,
    );
    const mb = bytes => `${(Number(bytes) / 2 ** 20).toFixed(1)} MB`;
    for (const t of await tableSizes(knex)) {
      console.log(
        `  ${t.table.padEnd(28)} ${String(t.rows).padStart(6)} rows: ${mb(
          t.live,
        )} of live rows, ${mb(t.disk)} on disk`,
      );
    }
    const worst = Math.max(...runs.map(r => r.ms));
    goalMissed = worst >= GOAL_MS;
    console.log(
      `goal: a full evaluation under ${GOAL_MS / 1000} s -> slowest run ${(
        worst / 1000
      ).toFixed(2)} s: ${goalMissed ? 'MISSED' : 'met'}`,
    );
  } finally {
    await knex.destroy();
    await admin.raw(`DROP DATABASE IF EXISTS ${DATABASE}`);
    await admin.destroy();
  }
  process.exitCode = goalMissed ? 1 : 0;
}

await main();
