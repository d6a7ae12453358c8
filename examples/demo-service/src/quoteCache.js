'use strict';

/** A small TTL cache for price quotes. */
class QuoteCache {
  constructor(ttlMs, now = () => Date.now()) {
    this.ttlMs = ttlMs;
    this.now = now;
    this.entries = new Map();
  }

  set(key, value) {
    this.entries.set(key, { value, expiresAt: this.now() + this.ttlMs });
  }

  get(key) {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  evictExpired() {
    let evicted = 0;
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt <= this.now()) {
        this.entries.delete(key);
        evicted++;
      }
    }
    return evicted;
  }
}

module.exports = { QuoteCache };
