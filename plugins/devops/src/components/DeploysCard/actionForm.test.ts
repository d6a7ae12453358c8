import { makeDryRun } from '../../__fixtures__/deploysSummary';
import {
  ActionForm,
  OVERRIDE_DENIED,
  toConfirmRequest,
  toDryRunRequest,
  versionError,
} from './actionForm';

const empty: ActionForm = { version: '', reason: '', overrides: {} };
const failing = makeDryRun({
  allowed: false,
  gates: [
    {
      gate: 'promotion-chain',
      status: 'failed',
      message: 'staging has not run 1.6.0',
    },
    { gate: 'freeze-window', status: 'passed', message: 'no freeze window' },
  ],
});

describe('deploy action form', () => {
  it('needs a valid version to deploy, none to roll back', () => {
    expect(versionError('deploy', ' ')).toBe('Enter the version to deploy');
    expect(versionError('deploy', '../etc')).toMatch(/^version must be/);
    expect(versionError('deploy', '1.6.0')).toBeUndefined();
    expect(versionError('rollback', '')).toBeUndefined();
  });

  it('builds the dry run of each action', () => {
    expect(
      toDryRunRequest('deploy', 'production', { ...empty, version: ' 1.6.0 ' }),
    ).toEqual({
      action: 'deploy',
      environment: 'production',
      version: '1.6.0',
    });
    expect(toDryRunRequest('deploy', 'production', empty)).toBeUndefined();
    expect(toDryRunRequest('rollback', 'production', empty)).toEqual({
      action: 'rollback',
      environment: 'production',
    });
  });

  it('sends a deploy with its idempotency key when every gate passes', () => {
    expect(
      toConfirmRequest({
        action: 'deploy',
        environment: 'production',
        form: { ...empty, version: '1.5.0' },
        dryRun: makeDryRun(),
        canOverride: false,
        idempotencyKey: 'k1',
      }),
    ).toEqual({
      ok: true,
      request: {
        environment: 'production',
        version: '1.5.0',
        idempotencyKey: 'k1',
      },
    });
  });

  it('blocks on a failed gate without the override permission', () => {
    const result = toConfirmRequest({
      action: 'deploy',
      environment: 'production',
      form: { ...empty, version: '1.6.0' },
      dryRun: failing,
      canOverride: false,
      idempotencyKey: 'k1',
    });
    expect(result).toEqual({ ok: false, errors: {}, blocked: OVERRIDE_DENIED });
  });

  it('needs a reason for each failed gate it overrides, then sends the overrides', () => {
    const options = {
      action: 'deploy' as const,
      environment: 'production',
      dryRun: failing,
      canOverride: true,
      idempotencyKey: 'k2',
    };
    expect(
      toConfirmRequest({ ...options, form: { ...empty, version: '1.6.0' } }),
    ).toEqual({
      ok: false,
      errors: {
        'promotion-chain': 'A reason is required to override this gate',
      },
    });
    expect(
      toConfirmRequest({
        ...options,
        form: {
          ...empty,
          version: '1.6.0',
          overrides: { 'promotion-chain': ' hotfix, staging is down ' },
        },
      }),
    ).toEqual({
      ok: true,
      request: {
        environment: 'production',
        version: '1.6.0',
        overrides: [
          { gate: 'promotion-chain', reason: 'hotfix, staging is down' },
        ],
        idempotencyKey: 'k2',
      },
    });
  });

  it('needs a reason to roll back, and rolls back to the previous good version without one', () => {
    const options = {
      action: 'rollback' as const,
      environment: 'production',
      dryRun: makeDryRun({ kind: 'rollback' }),
      canOverride: false,
      idempotencyKey: 'k3',
    };
    expect(toConfirmRequest({ ...options, form: empty })).toEqual({
      ok: false,
      errors: { reason: 'Say why you roll back; it is kept with the deploy' },
    });
    expect(
      toConfirmRequest({ ...options, form: { ...empty, reason: 'errors up' } }),
    ).toEqual({
      ok: true,
      request: {
        environment: 'production',
        reason: 'errors up',
        idempotencyKey: 'k3',
      },
    });
  });
});
