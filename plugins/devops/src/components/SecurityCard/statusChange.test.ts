import {
  expiryBounds,
  initialStatusForm,
  reasonRequired,
  toFindingStatusChange,
  toThreatStatusChange,
} from './statusChange';

// noon local time, so that day arithmetic does not depend on the machine's time zone
const now = new Date(2025, 2, 10, 12, 0, 0).getTime();

describe('the finding status form', () => {
  it('starts with an empty reason and an expiry 30 days ahead', () => {
    expect(initialStatusForm(now)).toEqual({
      reason: '',
      expiresOn: '2025-04-09',
    });
    expect(expiryBounds(now)).toEqual({ min: '2025-03-11', max: '2026-03-10' });
  });

  it('needs a reason to accept a risk or mark a false positive, not to reopen', () => {
    expect(reasonRequired('accepted')).toBe(true);
    expect(reasonRequired('false-positive')).toBe(true);
    expect(reasonRequired('open')).toBe(false);
    expect(
      toFindingStatusChange('accepted', initialStatusForm(now), now),
    ).toEqual({
      ok: false,
      errors: { reason: 'Say why the risk is acceptable' },
    });
    expect(
      toFindingStatusChange(
        'false-positive',
        { reason: '  ', expiresOn: '' },
        now,
      ),
    ).toEqual({
      ok: false,
      errors: { reason: 'Say why this is not a real problem' },
    });
  });

  it('accepts a risk until the end of the chosen day, the reason trimmed', () => {
    const result = toFindingStatusChange(
      'accepted',
      { reason: ' Behind the VPN ', expiresOn: '2025-04-09' },
      now,
    );
    expect(result).toEqual({
      ok: true,
      change: {
        status: 'accepted',
        reason: 'Behind the VPN',
        expiresAt: new Date(2025, 3, 9, 23, 59, 59).toISOString(),
      },
    });
  });

  it.each([
    ['', 'Pick a date'],
    ['2025-02-30', 'Pick a date'],
    ['09/04/2025', 'Pick a date'],
    ['2025-03-09', 'The date must lie in the future'],
    ['2026-03-12', 'At most 365 days ahead'],
  ])('refuses the expiry %p: %s', (expiresOn, message) => {
    expect(
      toFindingStatusChange('accepted', { reason: 'ok', expiresOn }, now),
    ).toEqual({ ok: false, errors: { expiresOn: message } });
  });

  it('takes today as the last day (it ends in the future) and a year ahead', () => {
    expect(
      toFindingStatusChange(
        'accepted',
        { reason: 'ok', expiresOn: '2025-03-10' },
        now,
      ).ok,
    ).toBe(true);
    expect(
      toFindingStatusChange(
        'accepted',
        { reason: 'ok', expiresOn: '2026-03-10' },
        now,
      ).ok,
    ).toBe(true);
  });

  it('reopens with or without a reason, and marks a false positive without an expiry', () => {
    expect(
      toFindingStatusChange('open', { reason: '', expiresOn: 'x' }, now),
    ).toEqual({ ok: true, change: { status: 'open' } });
    expect(
      toFindingStatusChange(
        'open',
        { reason: 'still there', expiresOn: '' },
        now,
      ),
    ).toEqual({ ok: true, change: { status: 'open', reason: 'still there' } });
    expect(
      toFindingStatusChange(
        'false-positive',
        { reason: 'test fixture', expiresOn: '2025-04-09' },
        now,
      ),
    ).toEqual({
      ok: true,
      change: { status: 'false-positive', reason: 'test fixture' },
    });
  });

  it("refuses what the backend's schema refuses: a reason over 1000 characters", () => {
    expect(
      toFindingStatusChange(
        'false-positive',
        { reason: 'x'.repeat(1001), expiresOn: '' },
        now,
      ),
    ).toEqual({
      ok: false,
      errors: { reason: 'reason must be at most 1000 characters' },
    });
  });
});

describe('the threat status form', () => {
  it('takes an optional reason', () => {
    expect(toThreatStatusChange('acknowledged', { reason: '' })).toEqual({
      ok: true,
      change: { status: 'acknowledged' },
    });
    expect(
      toThreatStatusChange('false-positive', { reason: ' load test ' }),
    ).toEqual({
      ok: true,
      change: { status: 'false-positive', reason: 'load test' },
    });
    expect(
      toThreatStatusChange('mitigated', { reason: 'x'.repeat(1001) }).ok,
    ).toBe(false);
  });
});
