// The demo's weighted proxy (node:http): the public port (DEVOPS_DEMO_SERVICE_PORT, 7090) sends
// each request to the live instance, or, while a canary runs, `weight` per cent to the canary,
// as much again (at most the rest) to the baseline, and the rest to the live instance. The
// canary port (7091) and the baseline port (7092) forward to the canary's and the baseline's
// instance alone, so that the portal's canary analysis scrapes each one's /metrics there.
//
// GET /metrics on the public port: the request histogram is the proxy's own (every request as
// users see it, whichever version answered, with counters that do not restart when a deploy
// replaces an instance), the process figures (CPU, memory) are those of the live instance.
// The routing follows state.json in DEVOPS_DEMO_DEPLOY_DIR, re-read within 200 ms of a change.
import http from 'node:http';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import service from '../src/server.js';
import { alive, emptyState, readState } from './state.mjs';

const dir = process.env.DEVOPS_DEMO_DEPLOY_DIR;
if (!dir) throw new Error('DEVOPS_DEMO_DEPLOY_DIR is not set');
const port = name => Number(process.env[name]);
const publicPort = port('DEVOPS_DEMO_SERVICE_PORT');
const canaryPort = port('DEVOPS_DEMO_CANARY_PORT');
const baselinePort = port('DEVOPS_DEMO_BASELINE_PORT');

let state = emptyState();
let stateMtime = 0;
function reload() {
  try {
    const mtime = statSync(join(dir, 'state.json')).mtimeMs;
    if (mtime !== stateMtime) {
      state = readState(dir);
      stateMtime = mtime;
    }
  } catch {
    // no state yet, or being replaced: keep the last one
  }
}
reload();
setInterval(reload, 200).unref();

/** The instance of a slot, when it runs. */
function instance(slot) {
  const record = slot ? state.slots[slot] : null;
  return record && alive(record.pid) ? record : null;
}

/** Picks the instance for one public request by the weights. */
function pick(current, random) {
  const canary = current.slots.canary;
  const weight = canary ? current.weight : 0;
  const baselineShare = current.slots.baseline ? Math.min(weight, 100 - weight) : 0;
  const r = random * 100;
  if (r < weight) return 'canary';
  if (r < weight + baselineShare) return 'baseline';
  return current.live;
}

// the service's own request histogram, without the proxy's process metrics
const { registry, duration } = service.createMetrics({ processMetrics: false });

/** The live instance's metrics without its request histogram (the proxy's replaces it). */
async function processMetrics() {
  const live = instance(state.live);
  if (!live) return '';
  try {
    const res = await fetch(`http://127.0.0.1:${live.port}/metrics`, { signal: AbortSignal.timeout(3000) });
    const text = await res.text();
    return text
      .split('\n')
      .filter(line => !/^(# (HELP|TYPE) )?http_request_duration_seconds/.test(line))
      .join('\n');
  } catch {
    return '';
  }
}

function forward(req, res, target, onDone) {
  const upstream = http.request(
    { host: '127.0.0.1', port: target.port, method: req.method, path: req.url, headers: req.headers },
    up => {
      res.writeHead(up.statusCode, up.headers);
      up.pipe(res);
      up.on('end', () => onDone(up.statusCode));
    },
  );
  upstream.on('error', error => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: `upstream ${target.version} failed: ${error.message}` }));
    onDone(502);
  });
  req.pipe(upstream);
}

function unavailable(res, what) {
  res.writeHead(503, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: `no ${what} instance is running` }));
}

const publicServer = http.createServer(async (req, res) => {
  const path = req.url.split('?')[0];
  if (path === '/__proxy/health') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ live: state.live, weight: state.weight }));
    return;
  }
  if (req.method === 'GET' && path === '/metrics') {
    const text = `${await registry.metrics()}\n${await processMetrics()}`;
    res.writeHead(200, { 'content-type': registry.contentType });
    res.end(text);
    return;
  }
  const slot = pick(state, Math.random());
  const target = instance(slot) ?? instance(state.live);
  if (!target) return unavailable(res, 'live');
  const stop = duration.startTimer({ method: req.method, route: service.ROUTES.has(path) ? path : 'unmatched' });
  forward(req, res, target, status => stop({ status_code: status }));
});

const roleServer = role =>
  http.createServer((req, res) => {
    const target = instance(state.roles[role]);
    if (!target) return unavailable(res, role);
    forward(req, res, target, () => {});
  });

const listen = (server, p, name) =>
  server.on('error', error => {
    console.error(`proxy: cannot listen on ${p} (${name}): ${error.message}`);
    process.exit(1);
  }).listen(p, () => console.log(`proxy: ${name} on ${p}`));
listen(publicServer, publicPort, 'public');
listen(roleServer('canary'), canaryPort, 'canary');
listen(roleServer('baseline'), baselinePort, 'baseline');
process.on('SIGTERM', () => process.exit(0));
