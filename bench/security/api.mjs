// The Security card's API under load (part of `yarn bench:security`; alone:
// `node bench/security/api.mjs [--entities=1000] [--seconds=20]`).
//
// Serves the real DevOps router (bench/security/api-server.mjs: the plugin's areas on the
// backend's migrations, PostgreSQL) in a child process, fills it through its own API as CI
// would: per entity a generated SARIF scan (40 results of 12 rules, CodeQL-like, then a second
// scan of every third entity with a quarter of its findings fixed and a few new), the real
// ModSecurity audit log of the parser tests for every tenth entity, each upload evaluating the
// entity's four compliance frameworks. Then 8 concurrent clients (autocannon) read
// `GET /entities/component/default/<random>/security`, and then the findings list.
//
// Goal (issue 9): the card's API P95 under 50 ms at 8 clients. Creates its own database on
// postgresql://postgres@127.0.0.1:5432 (DEVOPS_BENCH_POSTGRES to change) and drops it.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { backendSrc, bundle, packageDir } from '../bundle.mjs';
import { rng } from '../generate.mjs';
import { entityName } from './api-entities.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const arg = (name, fallback) =>
  Number(args.find(a => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const ENTITIES = arg('entities', 1000);
const SECONDS = arg('seconds', 20);
const CONNECTIONS = 8;
const GOAL_P95_MS = 50;
const PG_URL =
  process.env.DEVOPS_BENCH_POSTGRES ?? 'postgresql://postgres@127.0.0.1:5432';
const DATABASE = `devops_bench_security_api_${process.pid}`;
const log = msg => console.log(`[security api] ${msg}`);

function build() {
  const src = backendSrc;
  return bundle('security-api', {
    contents: `
export { createRouter } from ${src('router.ts')};
export { createReportsRouter } from ${src('reports/reportsRoutes.ts')};
export { ReportParserRegistry } from ${src('reports/ReportParserRegistry.ts')};
export { builtInReportParsers } from ${src('reports/parsers/index.ts')};
export { EntityAccess } from ${src('http/index.ts')};
export { AllowedHosts } from ${src('egress/AllowedHosts.ts')};
export { migrateToLatest } from ${src('database/migrations.ts')};
export { createCoverageArea } from ${src('areas/coverage/index.ts')};
export { createPerformanceArea } from ${src('areas/performance/index.ts')};
export { createSecurityArea } from ${src('areas/security/index.ts')};
`,
  });
}

const RULES = Array.from({ length: 12 }, (_, i) => ({
  id: `js/rule-${i}`,
  shortDescription: { text: `Rule ${i} of the generated scanner` },
  properties: {
    'security-severity': String(
      [9.8, 8.1, 7.5, 6.1, 5.3, 4.3, 3.1, 2.0][i % 8],
    ),
  },
}));

/** A CodeQL-like SARIF log: `count` results of the 12 rules over 8 files, seeded. */
function sarif(seed, count, skip = new Set()) {
  const rnd = rng(seed);
  const results = [];
  for (let i = 0; i < count; i++) {
    const ruleIndex = Math.floor(rnd() * RULES.length);
    const file = `src/module${Math.floor(rnd() * 8)}.js`;
    const line = 1 + Math.floor(rnd() * 400);
    if (skip.has(i)) continue;
    results.push({
      ruleId: RULES[ruleIndex].id,
      ruleIndex,
      level: 'warning',
      message: { text: `Finding ${i} of rule ${ruleIndex} in ${file}` },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: file },
            region: { startLine: line, startColumn: 5 },
          },
        },
      ],
      partialFingerprints: { primaryLocationLineHash: `${seed}-${i}` },
    });
  }
  return JSON.stringify({
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [
      {
        tool: { driver: { name: 'BenchQL', version: '2.20.0', rules: RULES } },
        automationDetails: { id: 'benchql/javascript/' },
        results,
      },
    ],
  });
}

function startServer(bundlePath, connection) {
  const child = spawn(
    process.execPath,
    [join(here, 'api-server.mjs'), bundlePath, connection, String(ENTITIES)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', d => {
      out += d;
      const line = out.split('\n').find(l => l.startsWith('{'));
      if (line) resolve({ child, port: JSON.parse(line).port });
    });
    child.on('exit', code =>
      reject(new Error(`api-server.mjs exited with ${code}`)),
    );
  });
}

async function upload(port, entity, query, body) {
  const url = new URL(`http://127.0.0.1:${port}/api/devops/reports`);
  url.search = new URLSearchParams({
    entity: `component:default/${entity}`,
    ...query,
  }).toString();
  const res = await fetch(url, { method: 'POST', body });
  if (res.status !== 201) {
    throw new Error(`upload for ${entity}: ${res.status} ${await res.text()}`);
  }
  return res.json();
}

async function seed(port) {
  const modsecurity = readFileSync(
    join(
      packageDir('@devops-growth/backstage-plugin-devops-backend'),
      'src/reports/parsers/__fixtures__/real/modsecurity/modsec-audit-on.jsonl',
    ),
  );
  const started = Date.now();
  let next = 1;
  let findings = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i > ENTITIES) return;
      const name = entityName(i);
      const first = await upload(
        port,
        name,
        { format: 'sarif', commit: 'a'.repeat(40), branch: 'main' },
        sarif(i, 40),
      );
      findings += first.report.itemCount;
      if (i % 3 === 0) {
        const fixed = new Set(Array.from({ length: 10 }, (_, k) => k * 4));
        await upload(
          port,
          name,
          { format: 'sarif', commit: 'b'.repeat(40), branch: 'main' },
          sarif(i, 44, fixed),
        );
      }
      if (i % 10 === 0) {
        await upload(port, name, { format: 'modsecurity' }, modsecurity);
      }
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return { ms: Date.now() - started, findings };
}

function load(port, path) {
  const autocannon = require('autocannon');
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: `http://127.0.0.1:${port}`,
        connections: CONNECTIONS,
        duration: SECONDS,
        requests: [
          {
            method: 'GET',
            setupRequest: request => ({
              ...request,
              path: path(1 + Math.floor(Math.random() * ENTITIES)),
            }),
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    instance.on('error', reject);
  });
}

/** autocannon reports p90 and p97.5 but no p95: interpolate when absent. */
function p95(latency) {
  return (
    latency.p95 ??
    latency.p90 + ((95 - 90) / (97.5 - 90)) * (latency.p97_5 - latency.p90)
  );
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
  let server;
  let missed = false;
  try {
    const bundlePath = await build();
    server = await startServer(bundlePath, url.toString());
    log(
      `seeding ${ENTITIES} entities through POST /reports (4 uploads at a time)`,
    );
    const seeded = await seed(server.port);
    log(
      `seeded in ${(seeded.ms / 1000).toFixed(1)} s: ${
        seeded.findings
      } findings in first scans, ` +
        `${Math.ceil(ENTITIES / 3)} second scans, ${Math.floor(
          ENTITIES / 10,
        )} ModSecurity logs`,
    );
    const routes = [
      [
        'GET …/security (the card)',
        i => `/api/devops/entities/component/default/${entityName(i)}/security`,
      ],
      [
        'GET …/security/findings?status=open',
        i =>
          `/api/devops/entities/component/default/${entityName(
            i,
          )}/security/findings?status=open&limit=50`,
      ],
      [
        'GET …/security/compliance/soc2',
        i =>
          `/api/devops/entities/component/default/${entityName(
            i,
          )}/security/compliance/soc2`,
      ],
    ];
    const rows = [];
    for (const [label, path] of routes) {
      await load(server.port, path).catch(() => undefined); // warm-up run is discarded
      const r = await load(server.port, path);
      const row = {
        label,
        requests: r.requests.total,
        rps: r.requests.average,
        p50: r.latency.p50,
        p95: p95(r.latency),
        p99: r.latency.p99,
        failed: r.non2xx + r.errors,
      };
      rows.push(row);
      log(JSON.stringify(row));
    }
    console.log(
      `\n| route (${CONNECTIONS} clients, ${SECONDS} s, ${ENTITIES} entities) | requests | req/s | P50 ms | P95 ms | P99 ms | failed |`,
    );
    console.log('| --- | --- | --- | --- | --- | --- | --- |');
    for (const r of rows) {
      console.log(
        `| ${r.label} | ${r.requests} | ${r.rps.toFixed(0)} | ${
          r.p50
        } | ${r.p95.toFixed(1)} | ${r.p99} | ${r.failed} |`,
      );
    }
    const card = rows[0];
    missed = !(card.p95 < GOAL_P95_MS && card.failed === 0);
    console.log(
      `\nGoal: the card's API P95 under ${GOAL_P95_MS} ms at ${CONNECTIONS} clients: ${
        missed ? 'MISSED' : 'met'
      } (${card.p95.toFixed(1)} ms)`,
    );
  } finally {
    server?.child.kill('SIGTERM');
    await new Promise(r => setTimeout(r, 500));
    await admin.raw(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
    await admin.destroy();
  }
  process.exitCode = missed ? 1 : 0;
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
