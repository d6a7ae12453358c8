import { InputError } from '@backstage/errors';
import {
  DeployGateOverride,
  DeployGateResult,
} from '@devops-growth/backstage-plugin-devops-common';

/**
 * Refuses overrides that cannot apply, before any gate is read: one prepared ahead whose
 * `expiresAt` has passed (an `InputError` naming the gate and the time), or two overrides of the
 * same gate.
 */
export function checkOverrides(
  overrides: DeployGateOverride[],
  now: Date,
): void {
  const seen = new Set<string>();
  for (const o of overrides) {
    if (seen.has(o.gate)) {
      throw new InputError(
        `The gate '${o.gate}' is overridden twice; give one override per gate`,
      );
    }
    seen.add(o.gate);
    if (o.expiresAt !== undefined) {
      const expiresAt = new Date(o.expiresAt);
      if (Number.isNaN(expiresAt.getTime())) {
        throw new InputError(
          `The override of gate '${o.gate}' has an unreadable expiresAt '${o.expiresAt}'`,
        );
      }
      if (expiresAt.getTime() <= now.getTime()) {
        throw new InputError(
          `The override of gate '${
            o.gate
          }' expired at ${expiresAt.toISOString()} (now ${now.toISOString()})`,
        );
      }
    }
  }
}

/**
 * Applies the overrides: a `failed` gate with an override becomes `overridden`, carrying who,
 * why, when and until when. An override of a gate that did not fail is kept out: the result keeps
 * its status, and its message says an override was given and not applied (so the dry run shows
 * it, and nothing is audited as overridden that was not). Call {@link checkOverrides} first.
 */
export function applyOverrides(
  results: DeployGateResult[],
  overrides: DeployGateOverride[],
  actor: string,
  at: Date,
): DeployGateResult[] {
  const byGate = new Map(overrides.map(o => [o.gate, o]));
  return results.map(result => {
    const override = byGate.get(result.gate);
    if (!override) return result;
    if (result.status !== 'failed') {
      return {
        ...result,
        message: `${result.message} (override not applied: the gate did not fail)`,
      };
    }
    return {
      ...result,
      status: 'overridden',
      override: {
        by: actor,
        reason: override.reason,
        at: at.toISOString(),
        ...(override.expiresAt
          ? { expiresAt: new Date(override.expiresAt).toISOString() }
          : {}),
      },
    };
  });
}
