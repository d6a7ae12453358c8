'use strict';

const test = require('node:test');
const assert = require('node:assert');
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

  // A genuinely flaky test, kept on purpose for the demo. It times two identical batches of
  // look-ups on the real clock (each measured twice, A-B-B-A) and expects the second to be no slower than the first. Both do the
  // same work after the same warm-up, so which one wins is decided by the machine (timer
  // resolution, the JIT, garbage collection, other processes), about as often one way as the
  // other on an idle or a busy machine: `node --test` fails it in roughly half of the runs.
  test('answers repeated look-ups no slower than the first ones', () => {
    const cache = new QuoteCache(60_000);
    for (let i = 0; i < 1000; i++) cache.set(`sku-${i}`, i);
    const lookUps = () => {
      const start = process.hrtime.bigint();
      for (let i = 0; i < 2000; i++) cache.get(`sku-${i % 1000}`);
      return process.hrtime.bigint() - start;
    };
    for (let i = 0; i < 20; i++) lookUps(); // warm-up
    // In A-B-B-A order, so that a steady drift of the machine (a JIT tier, a timer) weighs on
    // both sides alike and only the noise decides.
    const a1 = lookUps();
    const b1 = lookUps();
    const b2 = lookUps();
    const a2 = lookUps();
    const first = a1 + a2;
    const repeated = b1 + b2;
    assert.ok(
      repeated <= first,
      `repeated look-ups took ${repeated} ns, the first ones ${first} ns`,
    );
  });
});
