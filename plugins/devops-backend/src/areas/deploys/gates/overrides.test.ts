import { InputError } from '@backstage/errors';
import { DeployGateResult } from '@devops-growth/backstage-plugin-devops-common';
import { applyOverrides, checkOverrides } from './overrides';

const NOW = new Date('2026-12-02T14:00:00Z');
const results: DeployGateResult[] = [
  {
    gate: 'promotion-chain',
    status: 'passed',
    message: '1.4.2 succeeded in staging on 2026-12-01T10:00:00.000Z',
    evidence: { version: '1.4.2' },
  },
  {
    gate: 'freeze-window',
    status: 'failed',
    message: "Freeze window 'Year end' is open until 2027-01-02T00:00:00.000Z",
    evidence: { window: 'Year end' },
  },
  {
    gate: 'coverage',
    status: 'not-evaluated',
    message: 'The coverage area is not enabled for this entity',
    evidence: { areaEnabled: false },
  },
];

describe('checkOverrides', () => {
  it('refuses an override whose expiry has passed, naming the gate and the time', () => {
    expect(() =>
      checkOverrides(
        [
          {
            gate: 'freeze-window',
            reason: 'CHG-1234 hotfix',
            expiresAt: '2026-12-02T13:59:59+00:00',
          },
        ],
        NOW,
      ),
    ).toThrow(
      new InputError(
        "The override of gate 'freeze-window' expired at 2026-12-02T13:59:59.000Z (now 2026-12-02T14:00:00.000Z)",
      ),
    );
    // Expiring exactly now is expired too.
    expect(() =>
      checkOverrides(
        [{ gate: 'coverage', reason: 'r', expiresAt: NOW.toISOString() }],
        NOW,
      ),
    ).toThrow(/'coverage' expired at 2026-12-02T14:00:00.000Z/);
  });

  it('accepts overrides without expiry or expiring later, and refuses two for one gate', () => {
    expect(() =>
      checkOverrides(
        [
          { gate: 'freeze-window', reason: 'r' },
          {
            gate: 'coverage',
            reason: 'r',
            expiresAt: '2026-12-02T16:00:00+01:00',
          },
        ],
        NOW,
      ),
    ).not.toThrow();
    expect(() =>
      checkOverrides(
        [
          { gate: 'compliance', reason: 'a' },
          { gate: 'compliance', reason: 'b' },
        ],
        NOW,
      ),
    ).toThrow("The gate 'compliance' is overridden twice");
  });
});

describe('applyOverrides', () => {
  it('turns a failed gate with an override into overridden, with who, why, when and until when', () => {
    const applied = applyOverrides(
      results,
      [
        {
          gate: 'freeze-window',
          reason: 'CHG-1234: payment outage hotfix',
          expiresAt: '2026-12-02T16:00:00+01:00',
        },
      ],
      'user:default/alice',
      NOW,
    );
    expect(applied[1]).toEqual({
      ...results[1],
      status: 'overridden',
      override: {
        by: 'user:default/alice',
        reason: 'CHG-1234: payment outage hotfix',
        at: '2026-12-02T14:00:00.000Z',
        expiresAt: '2026-12-02T15:00:00.000Z',
      },
    });
    expect(applied[0]).toBe(results[0]);
    expect(applied[2]).toBe(results[2]);
  });

  it('keeps out an override of a gate that did not fail, and says so in its message', () => {
    const applied = applyOverrides(
      results,
      [
        { gate: 'promotion-chain', reason: 'r' },
        { gate: 'coverage', reason: 'r' },
        { gate: 'security-threats', reason: 'r' },
      ],
      'user:default/alice',
      NOW,
    );
    expect(applied[0]).toEqual({
      ...results[0],
      message:
        '1.4.2 succeeded in staging on 2026-12-01T10:00:00.000Z (override not applied: the gate did not fail)',
    });
    expect(applied[1].status).toBe('failed');
    expect(applied[2].status).toBe('not-evaluated');
    expect(applied.some(r => r.override)).toBe(false);
    expect(applied).toHaveLength(3);
  });
});
