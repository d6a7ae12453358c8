'use strict';

const http = require('node:http');
const { setTimeout: sleep } = require('node:timers/promises');
const client = require('prom-client');
const { LoginService } = require('./login');
const { priceOrder } = require('./pricing');
const { QuoteCache } = require('./quoteCache');

/**
 * Prometheus instrumentation in prom-client's usual conventions: the process metrics of
 * `collectDefaultMetrics` and an `http_request_duration_seconds` histogram labelled with method,
 * route and status code, served at GET /metrics. This is what the DevOps Growth Engine's
 * embedded scrape provider (and a real Prometheus) reads.
 */
function createMetrics(options = {}) {
  const registry = new client.Registry();
  if (options.processMetrics !== false) client.collectDefaultMetrics({ register: registry });
  const duration = new client.Histogram({
    name: 'http_request_duration_seconds',
    help: 'Duration of HTTP requests in seconds',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  return { registry, duration };
}

/**
 * Stock look-up in the (simulated) warehouse service: a downstream call with real waiting. Most
 * look-ups are quick, a few hit a slow replica, and a share `failureRate` fails outright (the
 * service does not handle that, so the request ends in a 500).
 */
async function stockLevel(sku, failureRate) {
  const slow = Math.random() < 0.04;
  await sleep(slow ? 120 + Math.random() * 200 : 4 + Math.random() * 20);
  if (Math.random() < failureRate) {
    throw new Error('warehouse unavailable');
  }
  let hash = 0;
  for (const ch of String(sku)) hash = (hash * 31 + ch.charCodeAt(0)) % 997;
  return hash;
}

/**
 * How a release behaves: the demo's deliberately bad versions (named `*-bad`, for example
 * `1.3.0-bad`) fail about 8% of requests with a 500 and answer about 150 ms slower, so that the
 * portal's canary analysis has a regression to catch. Every other version behaves normally.
 */
function releaseBehaviour(version) {
  return /-bad$/.test(version ?? '') ? { errorRate: 0.08, extraLatencyMs: 150 } : { errorRate: 0, extraLatencyMs: 0 };
}

const ROUTES = new Set(['/healthz', '/stock', '/quote', '/login']);

/** `name:password,name:password` (the demo's load generator sets it) as a user map. */
function parseUsers(text) {
  const users = {};
  for (const pair of (text ?? '').split(',')) {
    const at = pair.indexOf(':');
    if (at > 0) users[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return users;
}

function sendJson(res, status, body, headers = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** The SKUs `/search` looks through. */
const CATALOG_SKUS = ['widget', 'gadget', 'gizmo', 'sprocket', 'doohickey'];

function readBody(req) {
  return new Promise((resolve, reject) => {
    let body = '';
    req.on('data', chunk => {
      body += chunk;
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

function createServer(options = {}) {
  const cache = new QuoteCache(options.cacheTtlMs ?? 30_000);
  const { registry, duration } = options.metrics ?? createMetrics();
  const failureRate = options.warehouseFailureRate ?? 0;
  const login = new LoginService({ users: options.users ?? {}, ...options.login });
  const release = releaseBehaviour(options.version);
  const evictions = setInterval(() => login.evictExpired(), 60_000);
  evictions.unref();

  async function handle(req, res) {
    const url = new URL(req.url, 'http://localhost');
    if (req.method === 'GET' && url.pathname === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
      return true;
    }
    if (req.method === 'GET' && url.pathname === '/metrics') {
      const text = await registry.metrics();
      res.writeHead(200, { 'content-type': registry.contentType });
      res.end(text);
      return false;
    }
    if (release.extraLatencyMs > 0) await sleep(release.extraLatencyMs * (0.8 + 0.4 * Math.random()));
    if (Math.random() < release.errorRate) throw new Error(`version ${options.version} failed the request`);
    if (req.method === 'GET' && url.pathname === '/stock') {
      const sku = url.searchParams.get('sku');
      if (!sku) {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'sku is required' }));
        return true;
      }
      const level = await stockLevel(sku, failureRate);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ sku, level }));
      return true;
    }
    if (req.method === 'GET' && url.pathname === '/search') {
      // Product search by pattern. Deliberately left as a typical finding for the demo's scanner:
      // a regular expression built from user input (ReDoS; ESLint security/detect-non-literal-regexp).
      const pattern = new RegExp(url.searchParams.get('q') ?? '', 'i');
      sendJson(res, 200, { skus: CATALOG_SKUS.filter(sku => pattern.test(sku)) });
      return true;
    }
    if (req.method === 'POST' && url.pathname === '/login') {
      // Sign-in: 401 for a wrong name or password, 429 once a name had too many failures.
      let credentials;
      try {
        credentials = JSON.parse(await readBody(req));
      } catch {
        sendJson(res, 400, { error: 'body is not JSON' });
        return true;
      }
      const result = login.attempt(credentials?.username, credentials?.password);
      if (result.outcome === 'limited') {
        sendJson(res, 429, { error: 'too many failed attempts' }, { 'retry-after': String(result.retryAfterSeconds) });
      } else if (result.outcome === 'invalid') {
        sendJson(res, 401, { error: 'invalid user name or password' });
      } else {
        sendJson(res, 200, { user: credentials.username });
      }
      return true;
    }
    if (req.method === 'POST' && url.pathname === '/quote') {
      const body = await readBody(req);
      let order;
      try {
        order = JSON.parse(body);
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'body is not JSON' }));
        return true;
      }
      const cached = cache.get(body);
      let quote = cached;
      if (!quote) {
        try {
          quote = priceOrder(order);
        } catch (error) {
          res.writeHead(400, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: error.message }));
          return true;
        }
        // Every line is checked against the warehouse before it is quoted.
        for (const item of order.items) {
          if ((await stockLevel(item.sku, failureRate)) < item.quantity) {
            res.writeHead(409, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ error: `not enough stock for ${item.sku}` }));
            return true;
          }
        }
        cache.set(body, quote);
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(quote));
      return true;
    }
    res.writeHead(404);
    res.end();
    return true;
  }

  const server = http.createServer((req, res) => {
    if (options.version) res.setHeader('x-demo-version', options.version);
    const stop = duration.startTimer({ method: req.method });
    const route = ROUTES.has(req.url.split('?')[0]) ? req.url.split('?')[0] : 'unmatched';
    handle(req, res).then(
      measured => {
        if (measured) stop({ route, status_code: res.statusCode });
      },
      error => {
        // An unexpected failure is a 500, and counted as one.
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'application/json' });
        }
        res.end(JSON.stringify({ error: 'internal error' }));
        stop({ route, status_code: 500 });
        if (options.logErrors !== false) console.error(`${req.method} ${route}: ${error.message}`);
      },
    );
  });
  server.on('close', () => clearInterval(evictions));
  return server;
}

if (require.main === module) {
  const port = Number(process.env.PORT ?? 8080);
  const warehouseFailureRate = Number(process.env.WAREHOUSE_FAILURE_RATE ?? 0.01);
  const logErrors = process.env.LOG_ERRORS !== '0';
  const users = parseUsers(process.env.DEMO_USERS);
  const version = process.env.DEMO_VERSION || undefined;
  createServer({ warehouseFailureRate, logErrors, users, version }).listen(port, () =>
    console.log(`demo-service ${version ?? ''} listening on ${port}`),
  );
}

module.exports = { createServer, createMetrics, parseUsers, releaseBehaviour, ROUTES };
