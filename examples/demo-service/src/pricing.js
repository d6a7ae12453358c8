'use strict';

/** Prices an order: line totals, volume discount, coupon, tax. Amounts are in cents. */

const TAX_RATES = { DE: 0.19, FR: 0.2, SE: 0.25, US: 0 };

function lineTotal(item) {
  if (!Number.isInteger(item.unitPrice) || item.unitPrice < 0) {
    throw new RangeError(`invalid unit price for ${item.sku}`);
  }
  if (!Number.isInteger(item.quantity) || item.quantity <= 0) {
    throw new RangeError(`invalid quantity for ${item.sku}`);
  }
  return item.unitPrice * item.quantity;
}

function volumeDiscount(subtotal, itemCount) {
  if (itemCount >= 100) return Math.round(subtotal * 0.1);
  if (itemCount >= 20) return Math.round(subtotal * 0.05);
  return 0;
}

function applyCoupon(amount, coupon) {
  if (!coupon) return amount;
  switch (coupon.type) {
    case 'percent':
      return Math.round(amount * (1 - coupon.value / 100));
    case 'fixed':
      return Math.max(0, amount - coupon.value);
    case 'free-shipping':
      return amount;
    default:
      throw new Error(`unknown coupon type ${coupon.type}`);
  }
}

function taxFor(country, amount) {
  const rate = TAX_RATES[country];
  if (rate === undefined) {
    throw new Error(`no tax rate for ${country}`);
  }
  return Math.round(amount * rate);
}

function priceOrder(order) {
  const items = order.items ?? [];
  if (items.length === 0) {
    throw new Error('an order needs at least one item');
  }
  const subtotal = items.reduce((sum, item) => sum + lineTotal(item), 0);
  const count = items.reduce((sum, item) => sum + item.quantity, 0);
  const discounted = subtotal - volumeDiscount(subtotal, count);
  const afterCoupon = applyCoupon(discounted, order.coupon);
  const tax = taxFor(order.country, afterCoupon);
  return { subtotal, discount: subtotal - afterCoupon, tax, total: afterCoupon + tax };
}

module.exports = { lineTotal, volumeDiscount, applyCoupon, taxFor, priceOrder };
