'use strict';

const test = require('node:test');
const assert = require('node:assert');
const { createServer, releaseBehaviour } = require('../src/server');

async function serve(version) {
  const server = createServer({ version, logErrors: false });
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${server.address().port}` };
}

async function measure(base, n) {
  let errors = 0;
  const started = Date.now();
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${base}/search?q=g`);
    await res.arrayBuffer();
    if (res.status === 500) errors++;
  }
  return { errors, meanMs: (Date.now() - started) / n };
}

test.describe('releases', () => {
  test('only versions named *-bad are bad', () => {
    assert.deepStrictEqual(releaseBehaviour('1.3.0-bad'), { errorRate: 0.08, extraLatencyMs: 150 });
    assert.deepStrictEqual(releaseBehaviour('1.2.0'), { errorRate: 0, extraLatencyMs: 0 });
    assert.deepStrictEqual(releaseBehaviour(undefined), { errorRate: 0, extraLatencyMs: 0 });
  });

  test('a bad version answers slower and fails some requests; a good one does neither', async () => {
    const good = await serve('1.2.0');
    const bad = await serve('1.3.0-bad');
    try {
      const res = await fetch(`${bad.base}/healthz`);
      assert.strictEqual(res.headers.get('x-demo-version'), '1.3.0-bad');
      assert.strictEqual(res.status, 200, 'the health check stays up');
      const goodRun = await measure(good.base, 40);
      const badRun = await measure(bad.base, 40);
      assert.strictEqual(goodRun.errors, 0);
      // 150 ms +-20% more per request; compared with the good version on the same (loaded) machine
      assert.ok(badRun.meanMs - goodRun.meanMs >= 100, `bad ${badRun.meanMs} ms, good ${goodRun.meanMs} ms`);
      // 40 requests at 8%: no error at all has a chance of 0.92^40 = 3.6%; run more before failing
      let errors = badRun.errors;
      for (let more = 0; errors === 0 && more < 3; more++) errors += (await measure(bad.base, 40)).errors;
      assert.ok(errors > 0, 'the bad version failed no request');
    } finally {
      good.server.close();
      bad.server.close();
    }
  });
});
