import {
  THREAT_DETECTORS,
  ThreatDetectorId,
  ThreatMonitoring,
} from '@devops-growth/backstage-plugin-devops-common';
import { MonitoringRecord } from './ThreatStore';

/** Why a detector with no stored evaluation for an entity is not monitoring it. */
export const NEVER_EVALUATED: Record<ThreatDetectorId, string> = {
  'traffic-flood':
    'not evaluated yet: the threat detection has not run for this entity since its security monitoring was enabled',
  'brute-force':
    'not evaluated yet: the threat detection has not run for this entity since its security monitoring was enabled',
  'waf-events':
    'no WAF or IDS events were uploaded; see POST /reports with format modsecurity',
};

/**
 * One entry per detector for one entity, from its stored evaluations (one per environment):
 * monitored when it watches at least one environment, the details of each environment joined
 * (the ones it cannot watch say why); not monitored, with the reasons, otherwise. A detector
 * with no evaluation is not monitored: the card never reads its silence as "no threats".
 */
export function mergeMonitoring(
  records: readonly MonitoringRecord[],
): ThreatMonitoring[] {
  return THREAT_DETECTORS.map(detector => {
    const own = records
      .filter(r => r.detector === detector)
      .sort((a, b) => a.environment.localeCompare(b.environment));
    if (own.length === 0) {
      return {
        detector,
        state: 'not-monitored' as const,
        detail: NEVER_EVALUATED[detector],
        evaluatedAt: null,
      };
    }
    const monitored = own.filter(r => r.state === 'monitored');
    const missing = own.filter(r => r.state === 'not-monitored');
    const labelled = (r: MonitoringRecord) =>
      r.environment && own.length > 1
        ? `${r.environment}: ${r.detail}`
        : r.detail;
    const evaluatedAt = new Date(
      Math.max(...own.map(r => r.evaluatedAt.getTime())),
    ).toISOString();
    return {
      detector,
      state:
        monitored.length > 0
          ? ('monitored' as const)
          : ('not-monitored' as const),
      detail: [...monitored.map(r => r.detail), ...missing.map(labelled)].join(
        '; ',
      ),
      evaluatedAt,
    };
  });
}
