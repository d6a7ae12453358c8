import { DeployGateResult } from '@devops-growth/backstage-plugin-devops-common';
import { SecurityGateReader } from '../types';
import { gateResult, plural } from './result';

/** What `SecurityGateReader.deployGateFacts` answers. */
export type SecurityGateFacts = Awaited<
  ReturnType<SecurityGateReader['deployGateFacts']>
>;

/** The security facts, or why there are none. */
export type SecurityGateSource =
  | { kind: 'facts'; facts: SecurityGateFacts }
  | { kind: 'area-off' }
  | { kind: 'no-reader' }
  | { kind: 'error'; message: string };

/** The result of a gate that has no facts to judge. */
function withoutFacts(
  gate: 'security-findings' | 'security-threats' | 'compliance',
  source: Exclude<SecurityGateSource, { kind: 'facts' }>,
): DeployGateResult {
  switch (source.kind) {
    case 'area-off':
      return gateResult(
        gate,
        'not-evaluated',
        'The security area is not enabled for this entity',
        { areaEnabled: false },
      );
    case 'no-reader':
      return gateResult(
        gate,
        'not-evaluated',
        'The security area is not available in this backend',
        { areaAvailable: false },
      );
    default:
      return gateResult(
        gate,
        'failed',
        `The security facts could not be read: ${source.message}`,
        { error: source.message },
      );
  }
}

/** The facts a security gate judges, or its result when switched off or without facts. */
function factsOrResult(
  gate: 'security-findings' | 'security-threats',
  enabled: boolean,
  environment: string,
  source: SecurityGateSource,
): SecurityGateFacts | DeployGateResult {
  if (!enabled) {
    return gateResult(
      gate,
      'skipped',
      `The security gates are switched off for ${environment}`,
      { setting: false },
    );
  }
  return source.kind === 'facts' ? source.facts : withoutFacts(gate, source);
}

/** No critical finding open past its SLA (on the branch of the entity's latest scan). */
export function judgeSecurityFindings(input: {
  enabled: boolean;
  environment: string;
  source: SecurityGateSource;
}): DeployGateResult {
  const facts = factsOrResult(
    'security-findings',
    input.enabled,
    input.environment,
    input.source,
  );
  if ('gate' in facts) return facts;
  const { criticalFindingsPastSla: count, lastScanAt } = facts;
  const scan = lastScanAt ? lastScanAt.toISOString() : null;
  if (lastScanAt === null) {
    return gateResult(
      'security-findings',
      'not-evaluated',
      'No security scan was uploaded for this entity yet',
      { lastScanAt: null },
    );
  }
  return count > 0
    ? gateResult(
        'security-findings',
        'failed',
        `${plural(count, 'critical finding')} ${
          count === 1 ? 'is' : 'are'
        } open past ${count === 1 ? 'its' : 'their'} SLA`,
        { criticalFindingsPastSla: count, lastScanAt: scan },
      )
    : gateResult(
        'security-findings',
        'passed',
        'No critical finding is open past its SLA',
        { criticalFindingsPastSla: 0, lastScanAt: scan },
      );
}

/** No open critical runtime threat (acknowledged ones included: they are still open). */
export function judgeSecurityThreats(input: {
  enabled: boolean;
  environment: string;
  source: SecurityGateSource;
}): DeployGateResult {
  const facts = factsOrResult(
    'security-threats',
    input.enabled,
    input.environment,
    input.source,
  );
  if ('gate' in facts) return facts;
  const { openCriticalThreats: count, threatDetectorsMonitoring } = facts;
  const monitoring = threatDetectorsMonitoring ?? null;
  if (count > 0) {
    return gateResult(
      'security-threats',
      'failed',
      `${plural(count, 'critical threat')} ${count === 1 ? 'is' : 'are'} open`,
      { openCriticalThreats: count, detectorsMonitoring: monitoring },
    );
  }
  if (monitoring === 0) {
    return gateResult(
      'security-threats',
      'not-evaluated',
      'No threat detector monitors this entity yet',
      { openCriticalThreats: 0, detectorsMonitoring: 0 },
    );
  }
  return gateResult(
    'security-threats',
    'passed',
    'No critical threat is open',
    { openCriticalThreats: 0, detectorsMonitoring: monitoring },
  );
}

/**
 * Every compliance framework of the entity at or above the minimum. Skipped without a minimum;
 * failed when a scored framework is below it; otherwise not evaluated while a framework has no
 * score yet, or when no framework applies to the entity.
 */
export function judgeCompliance(input: {
  minimum: number | null;
  environment: string;
  source: SecurityGateSource;
}): DeployGateResult {
  const { minimum, environment, source } = input;
  if (minimum === null) {
    return gateResult(
      'compliance',
      'skipped',
      `No compliance minimum is configured for ${environment}`,
      { minimum: null },
    );
  }
  if (source.kind !== 'facts') return withoutFacts('compliance', source);
  const scores = source.facts.complianceScores;
  const evidence: Record<string, number | null> = { minimum };
  for (const s of scores) evidence[s.framework] = s.score;
  if (scores.length === 0) {
    return gateResult(
      'compliance',
      'not-evaluated',
      'No compliance framework applies to this entity',
      evidence,
    );
  }
  const below = scores.filter(s => s.score !== null && s.score < minimum);
  if (below.length > 0) {
    return gateResult(
      'compliance',
      'failed',
      `${below
        .map(s => `${s.title} scores ${s.score}%`)
        .join(', ')}, below the minimum of ${minimum}%`,
      evidence,
    );
  }
  const unscored = scores.filter(s => s.score === null);
  if (unscored.length > 0) {
    return gateResult(
      'compliance',
      'not-evaluated',
      `${unscored.map(s => s.title).join(', ')} ${
        unscored.length === 1 ? 'is' : 'are'
      } not evaluated yet`,
      evidence,
    );
  }
  return gateResult(
    'compliance',
    'passed',
    `Every compliance framework scores at least ${minimum}% (${scores
      .map(s => `${s.title} ${s.score}%`)
      .join(', ')})`,
    evidence,
  );
}
