import { z } from 'zod';
import { Recommendation } from './api';
import { reasonSchema } from './text';

/** Severity of a finding or threat, most severe first. @public */
export const SECURITY_SEVERITIES = [
  'critical',
  'high',
  'medium',
  'low',
] as const;
/** @public */
export type SecuritySeverity = (typeof SECURITY_SEVERITIES)[number];

/**
 * Severity from a CVSS-like score (SARIF `security-severity`, an advisory's CVSS base score), the
 * bands of CVSS v3 and of GitHub code scanning: 9.0+ critical, 7.0+ high, 4.0+ medium, above 0
 * low. `null` for a missing, non-numeric, zero or out-of-range score.
 * @public
 */
export function severityFromScore(
  score: number | string | null | undefined,
): SecuritySeverity | null {
  const n = typeof score === 'string' ? Number(score.trim()) : score;
  if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0 || n > 10) {
    return null;
  }
  if (n >= 9) return 'critical';
  if (n >= 7) return 'high';
  if (n >= 4) return 'medium';
  return 'low';
}

/**
 * Severity from a SARIF `level` when no `security-severity` is given: `error` high, `warning`
 * (also the default when `level` is absent) medium, `note` and `none` low.
 * @public
 */
export function severityFromSarifLevel(
  level: string | null | undefined,
): SecuritySeverity {
  switch (level) {
    case 'error':
      return 'high';
    case 'note':
    case 'none':
      return 'low';
    default:
      return 'medium';
  }
}

/**
 * Severity from a tool's own label: npm audit's `critical|high|moderate|low|info`, Trivy's
 * `CRITICAL|HIGH|MEDIUM|LOW|UNKNOWN`, and the same words in other cases. `moderate` is medium;
 * `info` and `unknown` are low. `null` for a word that is none of these.
 * @public
 */
export function severityFromLabel(
  label: string | null | undefined,
): SecuritySeverity | null {
  switch ((label ?? '').trim().toLowerCase()) {
    case 'critical':
      return 'critical';
    case 'high':
      return 'high';
    case 'medium':
    case 'moderate':
      return 'medium';
    case 'low':
    case 'info':
    case 'informational':
    case 'negligible':
    case 'unknown':
      return 'low';
    default:
      return null;
  }
}

/** What kind of weakness a finding is. @public */
export const FINDING_CATEGORIES = [
  'code',
  'dependency',
  'config',
  'secret',
  'license',
  'other',
] as const;
/** @public */
export type FindingCategory = (typeof FINDING_CATEGORIES)[number];

/**
 * Lifecycle of a finding: `open` (seen in the latest scan of its stream, or reopened), `fixed`
 * (absent from a newer scan of the same stream), `accepted` (risk accepted with a reason until an
 * expiry, after which it reopens by itself), `false-positive` (with a reason).
 * @public
 */
export const FINDING_STATUSES = [
  'open',
  'fixed',
  'accepted',
  'false-positive',
] as const;
/** @public */
export type FindingStatus = (typeof FINDING_STATUSES)[number];

/** Days to fix a finding, per severity. @public */
export type SecuritySla = Record<SecuritySeverity, number>;

/** The SLA when neither config nor annotations say otherwise, in days. @public */
export const DEFAULT_SECURITY_SLA: SecuritySla = {
  critical: 1,
  high: 7,
  medium: 30,
  low: 90,
};

/** Where an effective SLA value comes from. @public */
export type SecuritySlaSource = 'default' | 'config' | 'annotation';

/** A finding as the API returns it. @public */
export interface SecurityFinding {
  id: string;
  entityRef: string;
  branch: string;
  /** The tool that reported it, for example `ESLint` or `Trivy`. */
  tool: string;
  /** The scan stream: SARIF `automationDetails.id`/category, or '' when the tool's runs name none. */
  scanCategory: string;
  ruleId: string;
  title: string;
  /** The tool's message, bounded. */
  message: string;
  category: FindingCategory;
  severity: SecuritySeverity;
  /** The tool's own severity word or score, as written (`error`, `moderate`, `HIGH`, `8.8`). */
  toolSeverity: string;
  location: { path: string; line: number | null } | null;
  package: {
    name: string;
    version: string | null;
    fixedVersion: string | null;
  } | null;
  advisory: {
    id: string;
    url: string | null;
    cvssScore: number | null;
  } | null;
  helpUri: string | null;
  fingerprint: string;
  status: FindingStatus;
  /** True once a fixed finding reappeared; stays true for its history. */
  regression: boolean;
  reopenCount: number;
  /** ISO 8601. */
  firstSeenAt: string;
  lastSeenAt: string;
  fixedAt: string | null;
  /** When the SLA for its severity runs out (first seen + SLA days). */
  slaDueAt: string;
  /** Open (or reopened) past its SLA. */
  slaBreached: boolean;
  statusReason: string | null;
  statusChangedBy: string | null;
  statusChangedAt: string | null;
  /** Accepted risks only: when the acceptance expires and the finding reopens. */
  acceptedUntil: string | null;
}

/** Threat types the detectors raise. @public */
export const THREAT_TYPES = [
  'traffic-flood',
  'brute-force',
  'injection',
  'attack',
] as const;
/** @public */
export type ThreatType = (typeof THREAT_TYPES)[number];

/** Lifecycle of a threat. @public */
export const THREAT_STATUSES = [
  'open',
  'acknowledged',
  'mitigated',
  'false-positive',
] as const;
/** @public */
export type ThreatStatus = (typeof THREAT_STATUSES)[number];

/** One figure a detector looked at. @public */
export interface ThreatFigure {
  label: string;
  value: number;
  /** What is normal for the entity (the baseline), when the detector has one. */
  baseline?: number | null;
  unit?: string;
}

/** A security event (WAF, IDS) quoted as evidence of a threat. @public */
export interface ThreatEventEvidence {
  at: string;
  source: string;
  clientIp: string | null;
  request: string | null;
  ruleIds: string[];
  message: string;
  blocked: boolean;
}

/** What made a detector raise a threat. @public */
export interface ThreatEvidence {
  /** One sentence, for the card. */
  summary: string;
  figures: ThreatFigure[];
  /** The first events behind it (bounded), for event-based threats. */
  events: ThreatEventEvidence[];
  /** Events behind it in all, when more than `events` holds. */
  eventCount?: number;
}

/** A threat as the API returns it. @public */
export interface SecurityThreat {
  id: string;
  entityRef: string;
  environment: string;
  type: ThreatType;
  severity: SecuritySeverity;
  status: ThreatStatus;
  /** Which detector raised it, for example `traffic-flood`, `brute-force`, `waf-events`. */
  detector: string;
  /** ISO 8601. */
  startedAt: string;
  /** When the condition ended; `null` while it lasts. */
  endedAt: string | null;
  lastSeenAt: string;
  evidence: ThreatEvidence;
  statusReason: string | null;
  statusChangedBy: string | null;
  statusChangedAt: string | null;
}

/** The detectors, and what each needs. @public */
export const THREAT_DETECTORS = [
  'traffic-flood',
  'brute-force',
  'waf-events',
] as const;
/** @public */
export type ThreatDetectorId = (typeof THREAT_DETECTORS)[number];

/**
 * Whether a detector watches an entity. A detector that lacks its input (no request metrics, no
 * 401/403 counts, no security events ever pushed) is `not-monitored` with the reason: the card
 * never shows "no threats" for it.
 * @public
 */
export interface ThreatMonitoring {
  detector: ThreatDetectorId;
  state: 'monitored' | 'not-monitored';
  /** Why not monitored, or what it watches ("request rate of production, 14 days of baseline"). */
  detail: string;
  /** ISO 8601 of the last evaluation, `null` when never evaluated. */
  evaluatedAt: string | null;
}

/** Result of a control or check. `not-evaluated` when its input is missing: never `passed`. @public */
export const COMPLIANCE_STATUSES = [
  'passed',
  'failed',
  'not-evaluated',
] as const;
/** @public */
export type ComplianceStatus = (typeof COMPLIANCE_STATUSES)[number];

/** What one automated check found, with the evidence. @public */
export interface ComplianceCheckResult {
  checkId: string;
  /** What was checked, in words ("Owner set in the catalog"). */
  title: string;
  status: ComplianceStatus;
  /** The value found ("group:default/team-a", "3 findings past SLA", "no scan in 30 days"). */
  value: string;
  /** ISO 8601 of the evaluation. */
  checkedAt: string;
}

/** One control of a framework, judged by its checks: failed if any failed, passed if all passed. @public */
export interface ComplianceControlResult {
  controlId: string;
  title: string;
  weight: number;
  status: ComplianceStatus;
  evidence: ComplianceCheckResult[];
}

/**
 * The score of one framework for one entity: weighted share of evaluated controls that pass,
 * 0..100, `null` when no control could be evaluated. Automated evidence, not certification.
 * @public
 */
export interface ComplianceScore {
  frameworkId: string;
  title: string;
  score: number | null;
  passed: number;
  failed: number;
  notEvaluated: number;
  /** ISO 8601. */
  evaluatedAt: string;
}

/** A framework's score with its controls (the drill-down). @public */
export interface ComplianceFrameworkDetail extends ComplianceScore {
  controls: ComplianceControlResult[];
  /** Earlier scores, oldest first. */
  history: Array<{ at: string; score: number | null }>;
}

/** Open findings per severity. @public */
export type SeverityCounts = Record<SecuritySeverity, number>;

/** A point of the open-findings trend (one per scan day). @public */
export interface FindingTrendPoint extends SeverityCounts {
  /** ISO 8601 date. */
  at: string;
}

/** A scan stream of an entity and branch: one tool and category. @public */
export interface SecurityScanStream {
  tool: string;
  scanCategory: string;
  format: string;
  /** ISO 8601 of the latest scan. */
  lastScanAt: string;
  commitSha: string;
  /** Findings in the latest scan. */
  findings: number;
}

/**
 * Everything the Security card shows (`GET /api/devops/entities/:kind/:namespace/:name/security`).
 * @public
 */
export interface SecuritySummary {
  entityRef: string;
  /** The branch the findings are of; `null` when no scan was uploaded yet. */
  branch: string | null;
  branches: string[];
  findings: {
    open: SeverityCounts;
    /** Open findings past their SLA. */
    slaBreaches: number;
    trend: FindingTrendPoint[];
    /** The oldest open findings, oldest first (bounded). */
    oldest: SecurityFinding[];
    scans: SecurityScanStream[];
    sla: Record<SecuritySeverity, { days: number; source: SecuritySlaSource }>;
  };
  threats: {
    /** Open and acknowledged threats, newest first. */
    active: SecurityThreat[];
    /** The latest closed ones (mitigated, false positive), newest first (bounded). */
    recent: SecurityThreat[];
    monitoring: ThreatMonitoring[];
  };
  compliance: ComplianceScore[];
  recommendations: Recommendation[];
}

/** Response of an upload of a security report (`POST /api/devops/reports` with a findings format). @public */
export interface SecurityScanReceipt {
  id: string;
  entityRef: string;
  kind: 'findings' | 'security-events';
  format: string;
  branch: string;
  commitSha: string;
  createdAt: string;
  /** Findings or events read from the report. */
  itemCount: number;
  /** Findings reports: how the lifecycle moved. */
  findings?: { new: number; reopened: number; fixed: number; open: number };
  /** Security-event reports: threats opened or extended. */
  threats?: { opened: number; updated: number };
}

/**
 * Body of `POST /api/devops/security/findings/:id/status`: accept the risk (reason, expiry in the
 * future), mark a false positive (reason), or reopen.
 * @public
 */
export const findingStatusChangeSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('accepted'),
    reason: reasonSchema,
    /** ISO 8601; must lie in the future, at most a year ahead. */
    expiresAt: z.string().datetime({ offset: true }),
  }),
  z.object({ status: z.literal('false-positive'), reason: reasonSchema }),
  z.object({ status: z.literal('open'), reason: reasonSchema.optional() }),
]);
/** @public */
export type FindingStatusChange = z.infer<typeof findingStatusChangeSchema>;

/** Body of `POST /api/devops/security/threats/:id/status`. @public */
export const threatStatusChangeSchema = z.object({
  status: z.enum(THREAT_STATUSES),
  reason: reasonSchema.optional(),
});
/** @public */
export type ThreatStatusChange = z.infer<typeof threatStatusChangeSchema>;
