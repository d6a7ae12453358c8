'use strict';

const test = require('node:test');
const assert = require('node:assert');
const { LoginService } = require('../src/login');

test.describe('login service', () => {
  test('accepts the right password and refuses a wrong one or an unknown name', () => {
    const login = new LoginService({ users: { alice: 's3cret' } });
    assert.deepStrictEqual(login.attempt('alice', 's3cret'), { outcome: 'ok' });
    assert.deepStrictEqual(login.attempt('alice', 'guess'), { outcome: 'invalid' });
    assert.deepStrictEqual(login.attempt('mallory', 's3cret'), { outcome: 'invalid' });
    assert.deepStrictEqual(login.attempt(undefined, undefined), { outcome: 'invalid' });
  });

  test('refuses a name after too many failures in the window, until the window has passed', () => {
    let now = 1_000;
    const login = new LoginService({ users: { alice: 's3cret' }, maxFailures: 3, windowMs: 60_000, now: () => now });
    for (let i = 0; i < 3; i++) assert.strictEqual(login.attempt('alice', `guess-${i}`).outcome, 'invalid');
    // Even the right password is refused while the name is limited.
    now += 20_000;
    assert.deepStrictEqual(login.attempt('alice', 's3cret'), { outcome: 'limited', retryAfterSeconds: 40 });
    // Other names are not affected.
    assert.strictEqual(login.attempt('bob', 'x').outcome, 'invalid');
    now += 40_000;
    assert.deepStrictEqual(login.attempt('alice', 's3cret'), { outcome: 'ok' });
  });

  test('a successful login clears the failures of the name', () => {
    const login = new LoginService({ users: { alice: 's3cret' }, maxFailures: 2 });
    login.attempt('alice', 'typo');
    login.attempt('alice', 's3cret');
    assert.strictEqual(login.attempt('alice', 'typo').outcome, 'invalid');
    assert.strictEqual(login.attempt('alice', 's3cret').outcome, 'ok');
  });

  test('forgets passed windows', () => {
    let now = 0;
    const login = new LoginService({ users: {}, windowMs: 1_000, now: () => now });
    login.attempt('a', 'x');
    login.attempt('b', 'x');
    now = 500;
    login.attempt('c', 'x');
    now = 1_200;
    assert.strictEqual(login.evictExpired(), 2);
    assert.strictEqual(login.evictExpired(), 0);
  });
});
