// The demo's traffic: brings up the demo service (examples/demo-service, instrumented with
// prom-client) as the portal's `command` provider deploys it in production
// (examples/demo-service/deploy/deploy.mjs: instances behind a weighted proxy on
// $DEVOPS_DEMO_SERVICE_PORT, the version deployed last, or 1.0.0 the first time), and keeps it
// under a light, varying load for as long as the portal runs, so the Performance card shows live
// figures collected by the embedded scrape provider from
// http://localhost:$DEVOPS_DEMO_SERVICE_PORT/metrics (the proxy's). The load goes through the
// proxy, so a canary gets its share of it. On exit it stops the instances and the proxy; the next
// start brings the same version back.
//
// The load follows a slow wave between about 4 and 16 requests per second: mostly quotes (with
// repeated orders that hit the service's quote cache) and stock look-ups, some invalid orders
// (400), and sign-ins of the demo's two users, a few of them with a mistyped password (401).
// The service itself fails about 1% of warehouse look-ups (500s).
//
// Every 10 to 20 minutes comes an attack on POST /login for 1 to 2 minutes, at 20 to 50 attempts
// a second: mostly credential stuffing (leaked-looking user names with common passwords: 401s),
// sometimes password guessing against one real user (401s, then 429s once the service limits
// that name). That is what the security area's authentication-failure detector looks for.
// DEVOPS_DEMO_ATTACK_MINUTES (default 10-20) sets the minutes between attacks.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const port = Number(process.env.DEVOPS_DEMO_SERVICE_PORT ?? 7090);
const base = `http://127.0.0.1:${port}`;
const log = msg => console.log(`[demo-load] ${msg}`);

// The production environment of the demo deployment, as app-config.demo.yaml configures it.
const deployDir = join(process.env.DEVOPS_DEMO_DEPLOY_ROOT ?? join(root, '.devops-data', 'deploy'), 'production');
const deployEnv = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  DEVOPS_DEMO_DEPLOY_DIR: deployDir,
  DEVOPS_DEMO_SERVICE_PORT: String(port),
  DEVOPS_DEMO_CANARY_PORT: process.env.DEVOPS_DEMO_CANARY_PORT ?? String(port + 1),
  DEVOPS_DEMO_BASELINE_PORT: process.env.DEVOPS_DEMO_BASELINE_PORT ?? String(port + 2),
  DEVOPS_VERSION: '1.0.0',
};
function deployAction(action) {
  const result = spawnSync(process.execPath, [join(root, 'examples/demo-service/deploy/deploy.mjs'), action], {
    env: deployEnv,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.status !== 0) throw new Error(`deploy.mjs ${action} failed (${result.status ?? result.signal})`);
}

deployAction('start');
// The demo's users, with passwords made up once for this deployment (deploy.mjs gives them to
// every instance it starts).
const users = Object.fromEntries(
  readFileSync(join(deployDir, 'users'), 'utf8')
    .trim()
    .split(',')
    .map(pair => [pair.slice(0, pair.indexOf(':')), pair.slice(pair.indexOf(':') + 1)]),
);
const stop = () => {
  deployAction('stop');
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

const skus = ['widget', 'gadget', 'sprocket', 'flange', 'gizmo', 'doohickey'];
const countries = ['DE', 'FR', 'SE', 'US'];
const pick = list => list[Math.floor(Math.random() * list.length)];

function order() {
  // A small set of popular orders repeats (cache hits); the rest are one-offs.
  if (Math.random() < 0.3) {
    return { country: 'DE', items: [{ sku: 'widget', unitPrice: 1299, quantity: 2 }] };
  }
  const items = Array.from({ length: 1 + Math.floor(Math.random() * 3) }, () => ({
    sku: pick(skus),
    unitPrice: 100 + Math.floor(Math.random() * 5000),
    quantity: 1 + Math.floor(Math.random() * 5),
  }));
  // About 3% of the orders are invalid: an unknown country.
  return { country: Math.random() < 0.03 ? 'XX' : pick(countries), items };
}

function signIn(username, password) {
  return fetch(`${base}/login`, {
    method: 'POST',
    body: JSON.stringify({ username, password }),
  }).then(r => r.arrayBuffer());
}

async function request() {
  try {
    const kind = Math.random();
    if (kind < 0.04) {
      // A user signing in; about one in six mistypes the password.
      const [name, password] = pick(Object.entries(users));
      await signIn(name, Math.random() < 0.17 ? `${password}x` : password);
    } else if (kind < 0.7) {
      await fetch(`${base}/quote`, {
        method: 'POST',
        body: JSON.stringify(order()),
      }).then(r => r.arrayBuffer());
    } else {
      await fetch(`${base}/stock?sku=${pick(skus)}`).then(r => r.arrayBuffer());
    }
  } catch {
    // The service restarting or not up yet: the next request tries again.
  }
}

async function waitForService() {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch {
      // not up yet
    }
    await sleep(200);
  }
  throw new Error(`the demo service did not come up on ${base}`);
}

// Attacks on the sign-in: user names and passwords as found in leaked lists.
const leakedNames = Array.from({ length: 2000 }, (_, i) => `${pick(['john', 'maria', 'admin', 'test', 'info', 'user'])}${i}`);
const commonPasswords = ['123456', 'password', 'qwerty', 'letmein', 'welcome1', 'iloveyou', 'admin123', 'Summer2026!'];
const between = (low, high) => low + Math.random() * (high - low);
// Minutes between attacks, `low-high`: DEVOPS_DEMO_ATTACK_MINUTES=1-2 to see one sooner.
const [attackLow, attackHigh] = (process.env.DEVOPS_DEMO_ATTACK_MINUTES ?? '10-20')
  .split('-')
  .map(Number);
if (!(attackLow > 0 && attackHigh >= attackLow)) {
  throw new Error(`DEVOPS_DEMO_ATTACK_MINUTES must be like 10-20, not '${process.env.DEVOPS_DEMO_ATTACK_MINUTES}'`);
}

async function attack() {
  const seconds = Math.round(between(60, 120));
  const rate = Math.round(between(20, 50));
  const guessing = Math.random() < 0.2;
  const target = pick(Object.keys(users));
  log(
    `login attack for ${seconds} s at ${rate} attempts/s: ${
      guessing ? `guessing the password of '${target}'` : 'credential stuffing'
    }`,
  );
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    const name = guessing ? target : pick(leakedNames);
    signIn(name, pick(commonPasswords)).catch(() => {});
    await sleep(-Math.log(1 - Math.random()) * (1000 / rate));
  }
  log('login attack over');
}

async function attacks() {
  for (;;) {
    await sleep(between(attackLow, attackHigh) * 60_000);
    await attack();
  }
}

/** Brings the deployment back if its proxy stopped (a crash, or `deploy.mjs stop` by hand). */
async function watchProxy() {
  for (;;) {
    await sleep(30_000);
    try {
      if ((await fetch(`${base}/__proxy/health`)).ok) continue;
    } catch {
      // down
    }
    log('the demo proxy is down: starting the deployment again');
    try {
      deployAction('start');
    } catch (error) {
      log(error.message);
    }
  }
}

await waitForService();
void attacks();
void watchProxy();
log(`demo service on ${base}, metrics at ${base}/metrics; sending a light load`);
const start = Date.now();
for (;;) {
  const minutes = (Date.now() - start) / 60_000;
  const rate = 10 + 6 * Math.sin((2 * Math.PI * minutes) / 20);
  void request();
  await sleep(-Math.log(1 - Math.random()) * (1000 / rate));
}
