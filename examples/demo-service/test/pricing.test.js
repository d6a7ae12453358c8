'use strict';

const test = require('node:test');
const assert = require('node:assert');
const { lineTotal, volumeDiscount, applyCoupon, taxFor, priceOrder } = require('../src/pricing');

test.describe('pricing', () => {
  test('line total multiplies price and quantity', () => {
    assert.strictEqual(lineTotal({ sku: 'a', unitPrice: 250, quantity: 4 }), 1000);
  });

  test('rejects negative prices', () => {
    assert.throws(() => lineTotal({ sku: 'a', unitPrice: -1, quantity: 1 }), /invalid unit price/);
  });

  test('volume discount starts at 20 items', () => {
    assert.strictEqual(volumeDiscount(10_000, 19), 0);
    assert.strictEqual(volumeDiscount(10_000, 20), 500);
  });

  test('percent coupon', () => {
    assert.strictEqual(applyCoupon(1000, { type: 'percent', value: 15 }), 850);
  });

  test('fixed coupon never goes below zero', () => {
    assert.strictEqual(applyCoupon(500, { type: 'fixed', value: 800 }), 0);
  });

  test('German VAT', () => {
    assert.strictEqual(taxFor('DE', 1000), 190);
  });

  test('prices a whole order', () => {
    const quote = priceOrder({
      country: 'SE',
      items: [
        { sku: 'a', unitPrice: 100, quantity: 10 },
        { sku: 'b', unitPrice: 50, quantity: 10 },
      ],
      coupon: { type: 'fixed', value: 75 },
    });
    assert.deepStrictEqual(quote, { subtotal: 1500, discount: 150, tax: 338, total: 1688 });
  });

  test('an empty order is refused', () => {
    assert.throws(() => priceOrder({ country: 'DE', items: [] }), /at least one item/);
  });
});
