import { DeployGateResult } from '@devops-growth/backstage-plugin-devops-common';
import { gateResult } from './result';

/** What the coverage gate knows about the entity, read through the coverage area's service. */
export type CoverageGateFacts =
  | {
      kind: 'facts';
      gate: 'passed' | 'failed' | 'unknown';
      lastReportAt: Date | null;
    }
  | { kind: 'area-off' }
  | { kind: 'no-reader' }
  | { kind: 'no-entry' }
  | { kind: 'error'; message: string };

/**
 * The coverage gate: the coverage area's quality gate on the entity's latest report. Not
 * evaluated (never passed) when the entity does not enable the coverage area, the backend has no
 * coverage area, or no report was uploaded yet; failed when the facts could not be read.
 */
export function judgeCoverage(input: {
  enabled: boolean;
  environment: string;
  facts: CoverageGateFacts;
}): DeployGateResult {
  const { enabled, environment, facts } = input;
  if (!enabled) {
    return gateResult(
      'coverage',
      'skipped',
      `The coverage gate is switched off for ${environment}`,
      { setting: false },
    );
  }
  switch (facts.kind) {
    case 'area-off':
      return gateResult(
        'coverage',
        'not-evaluated',
        'The coverage area is not enabled for this entity',
        { areaEnabled: false },
      );
    case 'no-reader':
      return gateResult(
        'coverage',
        'not-evaluated',
        'The coverage area is not available in this backend',
        { areaAvailable: false },
      );
    case 'no-entry':
      return gateResult(
        'coverage',
        'not-evaluated',
        'No coverage report was uploaded for this entity yet',
        { lastReportAt: null },
      );
    case 'error':
      return gateResult(
        'coverage',
        'failed',
        `The coverage gate could not be read: ${facts.message}`,
        { error: facts.message },
      );
    default:
  }
  const lastReportAt = facts.lastReportAt?.toISOString() ?? null;
  if (!facts.lastReportAt) {
    return gateResult(
      'coverage',
      'not-evaluated',
      'No coverage report was uploaded for this entity yet',
      { lastReportAt },
    );
  }
  if (facts.gate === 'unknown') {
    return gateResult(
      'coverage',
      'not-evaluated',
      `The coverage gate has no verdict on the latest report (${lastReportAt})`,
      { gate: facts.gate, lastReportAt },
    );
  }
  return gateResult(
    'coverage',
    facts.gate,
    facts.gate === 'passed'
      ? `The coverage gate passes on the latest report (${lastReportAt})`
      : `The coverage gate fails on the latest report (${lastReportAt})`,
    { gate: facts.gate, lastReportAt },
  );
}
