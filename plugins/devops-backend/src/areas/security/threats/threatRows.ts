import {
  SecuritySeverity,
  SecurityThreat,
  ThreatEvidence,
  ThreatStatus,
  ThreatType,
} from '@devops-growth/backstage-plugin-devops-common';
import { msToIso } from '../../../database/helpers';
import { NewThreat } from './lifecycle';

/** The tables of the threats part, and how their rows read. */

export const THREATS = 'devops_security_threats';
export const CHANGES = 'devops_security_threat_changes';
export const EVENTS = 'devops_security_threat_events';
export const MONITORING = 'devops_security_threat_monitoring';
export const UPLOADS = 'devops_security_event_uploads';

export const METRIC_DETECTORS = ['traffic-flood', 'brute-force'] as const;

export interface ThreatRow {
  id: string;
  entity_ref: string;
  environment: string;
  type: string;
  detector: string;
  severity: string;
  status: string;
  started_ms: number | string;
  last_seen_ms: number | string;
  ended_ms: number | string | null;
  created_ms: number | string;
  evidence: string;
  status_reason: string | null;
  status_changed_by: string | null;
  status_changed_ms: number | string | null;
}

/** Evidence as stored; a row that does not parse shows an empty evidence, not an error. */
export function parseEvidence(text: string): ThreatEvidence {
  try {
    const value = JSON.parse(text) as ThreatEvidence;
    return {
      summary: typeof value.summary === 'string' ? value.summary : '',
      figures: Array.isArray(value.figures) ? value.figures : [],
      events: Array.isArray(value.events) ? value.events : [],
      ...(typeof value.eventCount === 'number'
        ? { eventCount: value.eventCount }
        : {}),
    };
  } catch {
    return { summary: '', figures: [], events: [] };
  }
}

export function toThreat(row: ThreatRow): SecurityThreat {
  return {
    id: row.id,
    entityRef: row.entity_ref,
    environment: row.environment,
    type: row.type as ThreatType,
    severity: row.severity as SecuritySeverity,
    status: row.status as ThreatStatus,
    detector: row.detector,
    startedAt: msToIso(row.started_ms)!,
    endedAt: msToIso(row.ended_ms),
    lastSeenAt: msToIso(row.last_seen_ms)!,
    evidence: parseEvidence(row.evidence),
    statusReason: row.status_reason,
    statusChangedBy: row.status_changed_by,
    statusChangedAt: msToIso(row.status_changed_ms),
  };
}

/** A new threat's row: open, raised `now`. */
export function newThreatRow(
  id: string,
  threat: NewThreat,
  now: Date,
  endedAt: Date | null,
): ThreatRow {
  return {
    id,
    entity_ref: threat.entityRef,
    environment: threat.environment,
    type: threat.type,
    detector: threat.detector,
    severity: threat.severity,
    status: 'open',
    started_ms: threat.startedAt.getTime(),
    last_seen_ms: threat.lastSeenAt.getTime(),
    ended_ms: endedAt ? endedAt.getTime() : null,
    created_ms: now.getTime(),
    evidence: JSON.stringify(threat.evidence),
    status_reason: null,
    status_changed_by: null,
    status_changed_ms: null,
  };
}
