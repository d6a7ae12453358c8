'use strict';

const { randomBytes, scryptSync, timingSafeEqual } = require('node:crypto');

/**
 * Password sign-in for the demo's users, with a limit on failed attempts per user name: after
 * `maxFailures` failed attempts within `windowMs`, further attempts for that name are refused
 * (429) until the window has passed, whatever the password. Passwords are kept as scrypt hashes
 * with a per-user salt; the cost is lowered from Node's default so that a burst of failed
 * logins does not take the demo machine's CPU.
 */
const SCRYPT = { N: 1024, r: 8, p: 1 };
const KEY_LENGTH = 32;

function hashPassword(password, salt) {
  return scryptSync(String(password), salt, KEY_LENGTH, SCRYPT);
}

class LoginService {
  /**
   * @param {object} options
   * @param {Record<string, string>} options.users user name -> password
   * @param {number} [options.maxFailures] failed attempts allowed per name and window
   * @param {number} [options.windowMs]
   * @param {() => number} [options.now]
   */
  constructor({ users, maxFailures = 5, windowMs = 60_000, now = () => Date.now() }) {
    this.maxFailures = maxFailures;
    this.windowMs = windowMs;
    this.now = now;
    this.users = new Map();
    for (const [name, password] of Object.entries(users)) {
      const salt = randomBytes(16);
      this.users.set(name, { salt, hash: hashPassword(password, salt) });
    }
    // The same work for unknown names as for known ones: timing does not tell which exist.
    this.decoy = { salt: randomBytes(16), hash: randomBytes(KEY_LENGTH) };
    /** user name -> { windowStart, failures } */
    this.failures = new Map();
  }

  /**
   * Checks a sign-in attempt: `ok` for the right password, `invalid` for a wrong name or
   * password, `limited` when the name had too many failed attempts in the current window.
   */
  attempt(username, password) {
    const name = String(username ?? '');
    const now = this.now();
    let record = this.failures.get(name);
    if (record && now - record.windowStart >= this.windowMs) {
      this.failures.delete(name);
      record = undefined;
    }
    if (record && record.failures >= this.maxFailures) {
      return {
        outcome: 'limited',
        retryAfterSeconds: Math.ceil((record.windowStart + this.windowMs - now) / 1000),
      };
    }
    const user = this.users.get(name);
    const stored = user ?? this.decoy;
    const matches = timingSafeEqual(hashPassword(password ?? '', stored.salt), stored.hash);
    if (user && matches) {
      this.failures.delete(name);
      return { outcome: 'ok' };
    }
    if (!record) {
      record = { windowStart: now, failures: 0 };
      this.failures.set(name, record);
    }
    record.failures += 1;
    return { outcome: 'invalid' };
  }

  /** Forgets the windows that have passed, so that many guessed names do not pile up. */
  evictExpired() {
    const now = this.now();
    let evicted = 0;
    for (const [name, record] of this.failures) {
      if (now - record.windowStart >= this.windowMs) {
        this.failures.delete(name);
        evicted++;
      }
    }
    return evicted;
  }
}

module.exports = { LoginService };
