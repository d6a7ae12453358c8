'use strict';

const test = require('node:test');
const assert = require('node:assert');
const { createServer, parseUsers } = require('../src/server');

test.describe('HTTP API', () => {
  let server;
  let base;
  test.before(async () => {
    server = createServer();
    await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${server.address().port}`;
  });
  test.after(() => server.close());

  test('health check', async () => {
    const res = await fetch(`${base}/healthz`);
    assert.strictEqual(res.status, 200);
  });

  test('quotes an order', async () => {
    const res = await fetch(`${base}/quote`, {
      method: 'POST',
      body: JSON.stringify({ country: 'DE', items: [{ sku: 'a', unitPrice: 1000, quantity: 1 }] }),
    });
    assert.deepStrictEqual(await res.json(), { subtotal: 1000, discount: 0, tax: 190, total: 1190 });
  });

  test('answers 400 for an unknown country', async () => {
    const res = await fetch(`${base}/quote`, {
      method: 'POST',
      body: JSON.stringify({ country: 'XX', items: [{ sku: 'a', unitPrice: 1, quantity: 1 }] }),
    });
    assert.strictEqual(res.status, 400);
  });
});

test.describe('metrics', () => {
  let server;
  let base;
  test.before(async () => {
    server = createServer({ warehouseFailureRate: 1, logErrors: false });
    await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${server.address().port}`;
  });
  test.after(() => server.close());

  test('counts requests by route and status in the Prometheus exposition', async () => {
    assert.strictEqual((await fetch(`${base}/stock?sku=a`)).status, 500);
    assert.strictEqual((await fetch(`${base}/stock`)).status, 400);
    const res = await fetch(`${base}/metrics`);
    assert.match(res.headers.get('content-type'), /^text\/plain/);
    const text = await res.text();
    assert.match(text, /http_request_duration_seconds_count\{method="GET",route="\/stock",status_code="500"\} 1/);
    assert.match(text, /http_request_duration_seconds_count\{method="GET",route="\/stock",status_code="400"\} 1/);
    assert.match(text, /process_resident_memory_bytes \d+/);
  });
});

test.describe('sign-in', () => {
  let server;
  let base;
  test.before(async () => {
    server = createServer({ users: { alice: 's3cret' }, login: { maxFailures: 2 } });
    await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${server.address().port}`;
  });
  test.after(() => server.close());

  const signIn = (username, password) =>
    fetch(`${base}/login`, { method: 'POST', body: JSON.stringify({ username, password }) });

  test('answers 200, 401 for bad credentials, 429 once limited, and counts each status', async () => {
    assert.strictEqual((await signIn('alice', 's3cret')).status, 200);
    assert.strictEqual((await signIn('alice', 'guess-1')).status, 401);
    assert.strictEqual((await signIn('alice', 'guess-2')).status, 401);
    const limited = await signIn('alice', 's3cret');
    assert.strictEqual(limited.status, 429);
    assert.match(limited.headers.get('retry-after'), /^\d+$/);
    assert.strictEqual((await fetch(`${base}/login`, { method: 'POST', body: 'user=alice' })).status, 400);
    const text = await (await fetch(`${base}/metrics`)).text();
    assert.match(text, /http_request_duration_seconds_count\{method="POST",route="\/login",status_code="200"\} 1/);
    assert.match(text, /http_request_duration_seconds_count\{method="POST",route="\/login",status_code="401"\} 2/);
    assert.match(text, /http_request_duration_seconds_count\{method="POST",route="\/login",status_code="429"\} 1/);
  });

  test('reads the demo users from DEMO_USERS', () => {
    assert.deepStrictEqual(parseUsers('alice:a:b,bob:pw,broken,:x'), { alice: 'a:b', bob: 'pw' });
    assert.deepStrictEqual(parseUsers(undefined), {});
  });
});
