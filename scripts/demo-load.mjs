// The demo's traffic: starts the demo service (examples/demo-service, instrumented with
// prom-client) and keeps it under a light, varying load for as long as the portal runs, so the
// Performance card shows live figures collected by the embedded scrape provider from
// http://localhost:$DEVOPS_DEMO_SERVICE_PORT/metrics.
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
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const port = Number(process.env.DEVOPS_DEMO_SERVICE_PORT ?? 7090);
const base = `http://127.0.0.1:${port}`;
const log = msg => console.log(`[demo-load] ${msg}`);

// The demo's users, with passwords made up for this run.
const users = Object.fromEntries(['alice', 'bob'].map(name => [name, randomBytes(12).toString('base64url')]));

const service = spawn(process.execPath, ['src/server.js'], {
  cwd: join(root, 'examples', 'demo-service'),
  env: {
    ...process.env,
    PORT: String(port),
    LOG_ERRORS: '0',
    DEMO_USERS: Object.entries(users)
      .map(([name, password]) => `${name}:${password}`)
      .join(','),
  },
  stdio: ['ignore', 'inherit', 'inherit'],
});
const stop = () => {
  service.kill();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
service.on('exit', code => {
  log(`demo service exited (${code}); stopping the load`);
  process.exit(1);
});

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

await waitForService();
void attacks();
log(`demo service on ${base}, metrics at ${base}/metrics; sending a light load`);
const start = Date.now();
for (;;) {
  const minutes = (Date.now() - start) / 60_000;
  const rate = 10 + 6 * Math.sin((2 * Math.PI * minutes) / 20);
  void request();
  await sleep(-Math.log(1 - Math.random()) * (1000 / rate));
}
