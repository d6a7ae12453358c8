'use strict';

const test = require('node:test');
const assert = require('node:assert');
const { setTimeout: sleep } = require('node:timers/promises');
const { QuoteCache } = require('../src/quoteCache');

test.describe('quote cache', () => {
  test('returns what was stored before the TTL', () => {
    let now = 0;
    const cache = new QuoteCache(100, () => now);
    cache.set('k', 42);
    now = 99;
    assert.strictEqual(cache.get('k'), 42);
  });

  test('forgets entries after the TTL', () => {
    let now = 0;
    const cache = new QuoteCache(100, () => now);
    cache.set('k', 42);
    now = 100;
    assert.strictEqual(cache.get('k'), undefined);
  });

  // A genuinely flaky test, kept on purpose for the demo: it races the real clock with a 3 ms
  // margin, so it fails whenever the machine is busy enough to delay the timer.
  test('keeps a quote for the whole TTL under the real clock', async () => {
    const cache = new QuoteCache(20);
    cache.set('k', 1);
    await sleep(17 + Math.floor(Math.random() * 6));
    assert.strictEqual(cache.get('k'), 1);
  });
});
