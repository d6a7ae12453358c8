import {
  FindingCategory,
  FindingStatus,
  SecurityFinding,
  SecuritySeverity,
  SecuritySla,
} from '@devops-growth/backstage-plugin-devops-common';
import { Knex } from 'knex';
import { msToIso } from '../../../database/helpers';
import { effectiveStatus, slaDueMs } from './analysis';
import { StreamRecord } from './FindingStore';

/** Table names and the SQL fragments the findings store shares between its files. */
export const STREAMS = 'devops_security_streams';
export const FINDINGS = 'devops_security_findings';
export const EVENTS = 'devops_security_finding_events';
export const SCANS = 'devops_security_scans';

/** A finding row joined with its stream's tool, category and SLA. */
export interface FindingRow {
  id: string;
  stream_id: string;
  entity_ref: string;
  branch: string;
  tool: string;
  scan_category: string;
  fingerprint: string;
  rule_id: string;
  title: string;
  message: string;
  category: string;
  severity: string;
  tool_severity: string;
  location_path: string | null;
  location_line: number | null;
  package_name: string | null;
  package_version: string | null;
  package_fixed_version: string | null;
  advisory_id: string | null;
  advisory_url: string | null;
  advisory_cvss: number | null;
  help_uri: string | null;
  status: string;
  regression: boolean | number;
  reopen_count: number;
  first_seen_ms: number | string;
  last_seen_ms: number | string;
  fixed_at_ms: number | string | null;
  reopened_at_ms: number | string | null;
  sla_base_ms: number | string;
  status_reason: string | null;
  status_changed_by: string | null;
  status_changed_ms: number | string | null;
  accepted_until_ms: number | string | null;
  sla_critical_days: number;
  sla_high_days: number;
  sla_medium_days: number;
  sla_low_days: number;
}

export type StreamRow = {
  id: string;
  entity_ref: string;
  branch: string;
  tool: string;
  scan_category: string;
  last_scan_id: string;
  last_scan_ms: number | string;
  last_format: string;
  last_commit_sha: string;
  last_tool_version: string | null;
  last_finding_count: number;
  sla_critical_days: number;
  sla_high_days: number;
  sla_medium_days: number;
  sla_low_days: number;
};

export function slaColumns(sla: SecuritySla) {
  return {
    sla_critical_days: sla.critical,
    sla_high_days: sla.high,
    sla_medium_days: sla.medium,
    sla_low_days: sla.low,
  };
}

function slaOf(row: {
  sla_critical_days: number;
  sla_high_days: number;
  sla_medium_days: number;
  sla_low_days: number;
}): SecuritySla {
  return {
    critical: Number(row.sla_critical_days),
    high: Number(row.sla_high_days),
    medium: Number(row.sla_medium_days),
    low: Number(row.sla_low_days),
  };
}

export function rowToStream(row: StreamRow): StreamRecord {
  return {
    id: row.id,
    entityRef: row.entity_ref,
    branch: row.branch,
    tool: row.tool,
    scanCategory: row.scan_category,
    lastScanId: row.last_scan_id,
    lastScanMs: Number(row.last_scan_ms),
    format: row.last_format,
    commitSha: row.last_commit_sha,
    toolVersion: row.last_tool_version,
    findingCount: Number(row.last_finding_count),
    sla: slaOf(row),
  };
}

const num = (v: number | string | null) => (v === null ? null : Number(v));

/** A finding row as the API returns it, with its status and SLA as of `nowMs`. */
export function rowToFinding(row: FindingRow, nowMs: number): SecurityFinding {
  const acceptedUntilMs = num(row.accepted_until_ms);
  const status = effectiveStatus(
    row.status as FindingStatus,
    acceptedUntilMs,
    nowMs,
  );
  const severity = row.severity as SecuritySeverity;
  const due = slaDueMs(Number(row.sla_base_ms), severity, slaOf(row));
  return {
    id: row.id,
    entityRef: row.entity_ref,
    branch: row.branch,
    tool: row.tool,
    scanCategory: row.scan_category,
    ruleId: row.rule_id,
    title: row.title,
    message: row.message,
    category: row.category as FindingCategory,
    severity,
    toolSeverity: row.tool_severity,
    location:
      row.location_path === null
        ? null
        : { path: row.location_path, line: num(row.location_line) },
    package:
      row.package_name === null
        ? null
        : {
            name: row.package_name,
            version: row.package_version,
            fixedVersion: row.package_fixed_version,
          },
    advisory:
      row.advisory_id === null
        ? null
        : {
            id: row.advisory_id,
            url: row.advisory_url,
            cvssScore: num(row.advisory_cvss),
          },
    helpUri: row.help_uri,
    fingerprint: row.fingerprint,
    status,
    regression: Boolean(row.regression),
    reopenCount: Number(row.reopen_count),
    firstSeenAt: msToIso(row.first_seen_ms)!,
    lastSeenAt: msToIso(row.last_seen_ms)!,
    fixedAt: msToIso(row.fixed_at_ms),
    slaDueAt: new Date(due).toISOString(),
    slaBreached: status === 'open' && nowMs > due,
    statusReason: row.status_reason,
    statusChangedBy: row.status_changed_by,
    statusChangedAt: msToIso(row.status_changed_ms),
    acceptedUntil:
      status === 'accepted' ? msToIso(row.accepted_until_ms) : null,
  };
}

/** Findings joined with their stream (for tool, category and SLA). */
export function findingsWithStream(db: Knex | Knex.Transaction) {
  return db(`${FINDINGS} as f`)
    .join(`${STREAMS} as s`, 's.id', 'f.stream_id')
    .select(
      'f.*',
      's.tool',
      's.scan_category',
      's.sla_critical_days',
      's.sla_high_days',
      's.sla_medium_days',
      's.sla_low_days',
    );
}

/** `f` counts as open at `?` (bind now): open, or accepted with an acceptance that ran out. */
export const EFFECTIVELY_OPEN =
  "(f.status = 'open' OR (f.status = 'accepted' AND f.accepted_until_ms <= ?))";

/** The SLA due time of `f` (joined with its stream `s`), in epoch ms. */
export const SLA_DUE_SQL =
  "(f.sla_base_ms + CAST(CASE f.severity WHEN 'critical' THEN s.sla_critical_days " +
  "WHEN 'high' THEN s.sla_high_days WHEN 'medium' THEN s.sla_medium_days " +
  'ELSE s.sla_low_days END AS BIGINT) * 86400000)';

/** SQL and bindings for one effective status at `nowMs`. */
export function effectiveStatusSql(
  status: FindingStatus,
  nowMs: number,
): [string, Array<string | number>] {
  switch (status) {
    case 'open':
      return [EFFECTIVELY_OPEN, [nowMs]];
    case 'accepted':
      return ["(f.status = 'accepted' AND f.accepted_until_ms > ?)", [nowMs]];
    default:
      return ['(f.status = ?)', [status]];
  }
}
