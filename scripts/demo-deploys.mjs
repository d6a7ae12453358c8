// The demo's deploys, started by scripts/start.sh: once the backend is up and the Performance
// card has a baseline of the demo service (a few minutes of samples), it deploys the demo
// service to production through the API as a service caller (the static token of
// app-config.demo.yaml, in .devops-data/demo-token; the demo's allow-all permission policy lets
// it deploy), as a release pipeline would:
//   1. records the version running since the demo started as a pushed deploy, the first time;
//   2. deploys 1.1.0 as a canary and follows it until it succeeds (steps 10, 25, 50, 100 with an
//      analysis at each);
//   3. deploys 1.3.0-bad (about 8% errors, 150 ms slower) as a canary, which the canary analysis
//      rolls back by itself.
// Each deploy goes through the gates' dry run first; a failing gate is overridden with a reason
// saying it is the demo (audited like any override). It runs once per demo database: when
// production has portal deploys already, it leaves them be.
import { spawnSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const backend = process.env.DEVOPS_DEMO_BACKEND_URL ?? 'http://localhost:7007';
const token = process.env.DEVOPS_DEMO_CI_TOKEN;
const api = `${backend}/api/devops`;
const base = `${api}/entities/component/default/demo-service/deploys`;
const environment = 'production';
const say = msg => console.log(`[demo-deploys] ${msg}`);

async function call(method, url, body) {
  const res = await fetch(url, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) {
    const error = new Error(`${method} ${url.replace(api, '')}: ${res.status} ${json.error?.message ?? ''}`);
    error.status = res.status;
    throw error;
  }
  return json;
}

/** Polls `probe` until it answers something truthy; `yarn start` may restart the backend meanwhile. */
async function until(what, probe, { everyMs = 5000, minutes = 20 } = {}) {
  const deadline = Date.now() + minutes * 60_000;
  while (Date.now() < deadline) {
    const answer = await probe().catch(() => undefined);
    if (answer) return answer;
    await sleep(everyMs);
  }
  throw new Error(`gave up waiting for ${what} after ${minutes} minutes`);
}

/** The version the demo deployment runs in production now (deploy.mjs status). */
function liveVersion() {
  const deployRoot = process.env.DEVOPS_DEMO_DEPLOY_ROOT ?? join(root, '.devops-data', 'deploy');
  const result = spawnSync(process.execPath, [join(root, 'examples/demo-service/deploy/deploy.mjs'), 'status'], {
    env: { PATH: process.env.PATH, DEVOPS_DEMO_DEPLOY_DIR: join(deployRoot, environment) },
    encoding: 'utf8',
  });
  return result.status === 0 ? JSON.parse(result.stdout).version : null;
}

async function deploy(version, why) {
  const request = { environment, version, strategy: 'canary' };
  const dryRun = await call('POST', `${base}/dry-run`, { action: 'deploy', ...request });
  for (const gate of dryRun.gates) say(`gate ${gate.gate}: ${gate.status} (${gate.message})`);
  const overrides = dryRun.gates
    .filter(gate => gate.status === 'failed')
    .map(gate => ({ gate: gate.gate, reason: `The demo deploys ${version} to show the canary analysis (scripts/demo-deploys.mjs)` }));
  const started = await call('POST', base, { ...request, overrides, idempotencyKey: `demo-deploys-${version}` });
  say(`deploying ${version} to ${environment} as a canary (${why}): deploy ${started.id}`);
  let last = '';
  const final = await until(
    `deploy ${started.id} to finish`,
    async () => {
      const d = await call('GET', `${api}/deploys/${started.id}`);
      const verdict = d.lastVerdict ? `, analysis: ${d.lastVerdict.decision} (${d.lastVerdict.reason})` : '';
      const now = `${d.status} / ${d.phase}${d.weight !== null ? ` at ${d.weight}%` : ''}${verdict}`;
      if (now !== last) say(`${version}: ${now}`);
      last = now;
      return ['succeeded', 'failed', 'aborted', 'rolled-back'].includes(d.status) ? d : undefined;
    },
    { everyMs: 3000, minutes: 40 },
  );
  say(`${version}: ${final.status}${final.outcome ? ` (${final.outcome})` : ''}`);
  return final;
}

async function main() {
  if (!token) throw new Error('DEVOPS_DEMO_CI_TOKEN is not set');
  const summary = await until('the deploys API of the demo service', () => call('GET', base), { minutes: 30 });
  const production = summary.environments.find(e => e.name === environment);
  if (!production) throw new Error(`the demo config has no ${environment} environment`);
  if (summary.history.some(d => d.environment === environment && d.kind !== 'pushed')) {
    say(`production has portal deploys already (running ${production.running?.version ?? 'nothing'}): nothing to show again`);
    return;
  }
  if (!production.running) {
    const version = await until('the demo deployment in production', async () => liveVersion(), { minutes: 5 });
    await call('POST', `${base}/pushed`, {
      environment,
      version,
      deployedAt: new Date().toISOString(),
      outcome: 'succeeded',
      strategy: 'rolling',
      source: 'scripts/demo-load.mjs',
      idempotencyKey: `demo-initial-${version}`,
    });
    say(`recorded ${version}, running in production since the demo started, as a pushed deploy`);
  }
  say('waiting for the Performance card to have a baseline (5 points)');
  await until(
    'a performance baseline',
    async () =>
      (await call('GET', `${api}/entities/component/default/demo-service/performance`)).series?.length >= 5,
    { everyMs: 15_000, minutes: 30 },
  );
  const good = await deploy('1.1.0', 'a good release');
  if (good.status !== 'succeeded') say(`1.1.0 did not succeed (${good.status}); deploying the bad version anyway`);
  await deploy('1.3.0-bad', 'a bad release: 8% errors, 150 ms slower; the analysis should roll it back');
  say('done: open http://localhost:3000/catalog/default/component/demo-service/devops');
}

main().catch(error => {
  console.error(`[demo-deploys] ${error.message}`);
  process.exitCode = 1;
});
