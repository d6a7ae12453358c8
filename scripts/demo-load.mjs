// The demo's traffic: starts the demo service (examples/demo-service, instrumented with
// prom-client) and keeps it under a light, varying load for as long as the portal runs, so the
// Performance card shows live figures collected by the embedded scrape provider from
// http://localhost:$DEVOPS_DEMO_SERVICE_PORT/metrics.
//
// The load follows a slow wave between about 4 and 16 requests per second: mostly quotes (with
// repeated orders that hit the service's quote cache) and stock look-ups, some invalid orders
// (400). The service itself fails about 1% of warehouse look-ups (500s).
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const port = Number(process.env.DEVOPS_DEMO_SERVICE_PORT ?? 7090);
const base = `http://127.0.0.1:${port}`;
const log = msg => console.log(`[demo-load] ${msg}`);

const service = spawn(process.execPath, ['src/server.js'], {
  cwd: join(root, 'examples', 'demo-service'),
  env: { ...process.env, PORT: String(port), LOG_ERRORS: '0' },
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

async function request() {
  try {
    if (Math.random() < 0.7) {
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

await waitForService();
log(`demo service on ${base}, metrics at ${base}/metrics; sending a light load`);
const start = Date.now();
for (;;) {
  const minutes = (Date.now() - start) / 60_000;
  const rate = 10 + 6 * Math.sin((2 * Math.PI * minutes) / 20);
  void request();
  await sleep(-Math.log(1 - Math.random()) * (1000 / rate));
}
