import {
  DeployGateId,
  DeployGateResult,
  DeployGateStatus,
} from '@devops-growth/backstage-plugin-devops-common';

/** What a gate looked at: flat values only, so the card can list them. */
export type GateEvidence = NonNullable<DeployGateResult['evidence']>;

/** One gate's result; every result carries its evidence (possibly just the setting that switched it off). */
export function gateResult(
  gate: DeployGateId,
  status: DeployGateStatus,
  message: string,
  evidence: GateEvidence,
): DeployGateResult {
  return { gate, status, message, evidence };
}

/** "1 critical finding", "2 critical findings". */
export function plural(count: number, singular: string, pluralForm?: string) {
  return `${count} ${count === 1 ? singular : pluralForm ?? `${singular}s`}`;
}

/** A reader failure, turned into a message (the gate fails: it could not check). */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
