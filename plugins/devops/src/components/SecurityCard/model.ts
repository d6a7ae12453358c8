/*
 * Pure data shaping for the "Security" card: findings, threats, detectors, compliance scores and
 * scan streams, ready to show. Everything that depends on the time takes `now` (epoch ms).
 */
import {
  ComplianceScore,
  ComplianceStatus,
  FindingStatus,
  FindingTrendPoint,
  SECURITY_SEVERITIES,
  SecurityFinding,
  SecurityScanStream,
  SecuritySeverity,
  SecuritySummary,
  SecurityThreat,
  ThreatDetectorId,
  ThreatFigure,
  ThreatMonitoring,
  ThreatStatus,
  ThreatType,
} from '@devops-growth/backstage-plugin-devops-common';
import {
  formatActor,
  formatDateTime,
  formatSpan,
  formatPercent,
  shortSha,
  StatusTone,
} from '../shared';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

export const SEVERITY_LABELS: Record<SecuritySeverity, string> = {
  critical: 'Critical',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
};

export const FINDING_STATUS_LABELS: Record<FindingStatus, string> = {
  open: 'Open',
  fixed: 'Fixed',
  accepted: 'Accepted risk',
  'false-positive': 'False positive',
};

export const THREAT_STATUS_LABELS: Record<ThreatStatus, string> = {
  open: 'Open',
  acknowledged: 'Acknowledged',
  mitigated: 'Mitigated',
  'false-positive': 'False positive',
};

export const THREAT_TYPE_LABELS: Record<ThreatType, string> = {
  'traffic-flood': 'Traffic flood',
  'brute-force': 'Brute force',
  injection: 'Injection attempts',
  attack: 'Attack',
};

export const DETECTOR_LABELS: Record<ThreatDetectorId, string> = {
  'traffic-flood': 'Traffic flood (request rate)',
  'brute-force': 'Brute force (401/403 responses)',
  'waf-events': 'Attacks reported by a WAF or IDS',
};

export const COMPLIANCE_STATUS_LABELS: Record<ComplianceStatus, string> = {
  passed: 'Passed',
  failed: 'Failed',
  'not-evaluated': 'Not evaluated',
};

export const SEVERITY_TONES: Record<SecuritySeverity, StatusTone> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'neutral',
};

/** True once the entity has a scan on any branch or a threat: otherwise the card says how to start. */
export function hasSecurityData(summary: SecuritySummary): boolean {
  return (
    summary.findings.scans.length > 0 ||
    summary.threats.active.length > 0 ||
    summary.threats.recent.length > 0
  );
}

/** How long ago something started: `40 min`, `5 h`, `18 d`. */
export function formatAge(fromIso: string, now: number): string {
  return formatSpan(now - Date.parse(fromIso));
}

/** A count tile of the open findings of one severity. */
export interface SeverityTile {
  key: SecuritySeverity | 'sla';
  label: string;
  value: string;
  alert: boolean;
  /** The SLA in days and where it comes from, or what the SLA tile counts. */
  detail: string;
}

const SLA_SOURCE_LABELS = {
  default: 'default',
  config: 'app-config',
  annotation: 'annotation',
} as const;

/** One tile per severity (open findings, with the severity's SLA) and one for the SLA breaches. */
export function toSeverityTiles(summary: SecuritySummary): SeverityTile[] {
  const { open, sla, slaBreaches } = summary.findings;
  const tiles: SeverityTile[] = SECURITY_SEVERITIES.map(severity => ({
    key: severity,
    label: SEVERITY_LABELS[severity],
    value: String(open[severity]),
    alert: open[severity] > 0 && SEVERITY_TONES[severity] === 'error',
    detail: `SLA ${sla[severity].days} ${
      sla[severity].days === 1 ? 'day' : 'days'
    } (${SLA_SOURCE_LABELS[sla[severity].source]})`,
  }));
  tiles.push({
    key: 'sla',
    label: 'Past SLA',
    value: String(slaBreaches),
    alert: slaBreaches > 0,
    detail:
      slaBreaches === 1
        ? 'open finding older than its SLA'
        : 'open findings older than their SLA',
  });
  return tiles;
}

/** A point of the open-findings trend chart. */
export interface TrendChartPoint extends Record<SecuritySeverity, number> {
  time: number;
}

/** The trend's points, oldest first, with a time axis value; unreadable dates left out. */
export function toTrendChartData(
  trend: FindingTrendPoint[],
): TrendChartPoint[] {
  return trend
    .map(point => ({
      time: Date.parse(point.at),
      critical: point.critical,
      high: point.high,
      medium: point.medium,
      low: point.low,
    }))
    .filter(point => Number.isFinite(point.time))
    .sort((a, b) => a.time - b.time);
}

/** The status changes a user may make to a finding in a status. */
export type FindingAction = 'accepted' | 'false-positive' | 'open';

export function findingActions(status: FindingStatus): FindingAction[] {
  switch (status) {
    case 'open':
      return ['accepted', 'false-positive'];
    case 'accepted':
    case 'false-positive':
      return ['open'];
    default:
      return [];
  }
}

export const FINDING_ACTION_LABELS: Record<FindingAction, string> = {
  accepted: 'Accept risk',
  'false-positive': 'False positive',
  open: 'Reopen',
};

/** The status changes a user may make to a threat in a status. */
export function threatActions(status: ThreatStatus): ThreatStatus[] {
  switch (status) {
    case 'open':
      return ['acknowledged', 'mitigated', 'false-positive'];
    case 'acknowledged':
      return ['mitigated', 'false-positive', 'open'];
    default:
      return ['open'];
  }
}

export const THREAT_ACTION_LABELS: Record<ThreatStatus, string> = {
  acknowledged: 'Acknowledge',
  mitigated: 'Mitigated',
  'false-positive': 'False positive',
  open: 'Reopen',
};

/** A finding, ready to show. */
export interface FindingView {
  id: string;
  tool: string;
  rule: string;
  title: string;
  /** `path:line`, or the package with its version and the version that fixes it. */
  where: string;
  severity: SecuritySeverity;
  severityLabel: string;
  age: string;
  sla: { label: string; tone: StatusTone };
  status: FindingStatus;
  statusLabel: string;
  /** Who changed the status, why and until when; `null` for untouched findings. */
  statusDetail: string | null;
  regression: boolean;
  helpUri: string | null;
  actions: FindingAction[];
}

function describeWhere(finding: SecurityFinding): string {
  if (finding.location) {
    const { path, line } = finding.location;
    return line === null ? path : `${path}:${line}`;
  }
  if (finding.package) {
    const { name, version, fixedVersion } = finding.package;
    const installed = version ? `${name}@${version}` : name;
    return fixedVersion ? `${installed} (fixed in ${fixedVersion})` : installed;
  }
  return '–';
}

function describeSla(
  finding: SecurityFinding,
  now: number,
): FindingView['sla'] {
  const due = Date.parse(finding.slaDueAt);
  if (finding.status !== 'open') {
    return { label: '–', tone: 'neutral' };
  }
  if (finding.slaBreached || due <= now) {
    return {
      label: `breached ${formatAge(finding.slaDueAt, now)} ago`,
      tone: 'error',
    };
  }
  const left = due - now;
  const days = Math.ceil(left / DAY);
  return {
    label:
      left < DAY
        ? `due in ${Math.max(1, Math.ceil(left / HOUR))} h`
        : `due in ${days} d`,
    tone: left < DAY ? 'warning' : 'neutral',
  };
}

function describeStatus(finding: SecurityFinding): string | null {
  const parts: string[] = [];
  if (finding.status === 'accepted' && finding.acceptedUntil) {
    parts.push(`until ${formatDateTime(finding.acceptedUntil)}`);
  }
  if (finding.statusChangedBy) {
    parts.push(`by ${formatActor(finding.statusChangedBy)}`);
  }
  if (finding.statusReason) {
    parts.push(`“${finding.statusReason}”`);
  }
  return parts.length > 0 ? parts.join(', ') : null;
}

export function toFindingView(
  finding: SecurityFinding,
  now: number,
): FindingView {
  return {
    id: finding.id,
    tool: finding.tool,
    rule: finding.ruleId,
    title: finding.title,
    where: describeWhere(finding),
    severity: finding.severity,
    severityLabel: SEVERITY_LABELS[finding.severity],
    age: formatAge(finding.firstSeenAt, now),
    sla: describeSla(finding, now),
    status: finding.status,
    statusLabel: FINDING_STATUS_LABELS[finding.status],
    statusDetail: describeStatus(finding),
    regression: finding.regression,
    helpUri: finding.helpUri,
    actions: findingActions(finding.status),
  };
}

/** A detector's figure in words: `42 req/min (usual 3 req/min)`. */
export function formatThreatFigure(figure: ThreatFigure): string {
  const unit = figure.unit
    ? `${figure.unit === '%' ? '' : ' '}${figure.unit}`
    : '';
  const number = (value: number) =>
    `${value.toLocaleString('en-US', { maximumFractionDigits: 2 })}${unit}`;
  const baseline =
    figure.baseline === null || figure.baseline === undefined
      ? ''
      : ` (usual ${number(figure.baseline)})`;
  return `${figure.label}: ${number(figure.value)}${baseline}`;
}

/** A threat, ready to show. */
export interface ThreatView {
  id: string;
  title: string;
  severity: SecuritySeverity;
  severityLabel: string;
  status: ThreatStatus;
  statusLabel: string;
  /** `production, since Mar 10, 2025, 11:40 AM (20 min)`, or with its end. */
  when: string;
  summary: string;
  figures: string[];
  events: SecurityThreat['evidence']['events'];
  /** `12 events in all` when more than the events shown; `null` otherwise. */
  moreEvents: string | null;
  statusDetail: string | null;
  actions: ThreatStatus[];
}

export function toThreatView(threat: SecurityThreat, now: number): ThreatView {
  const when = threat.endedAt
    ? `${formatDateTime(threat.startedAt)} to ${formatDateTime(threat.endedAt)}`
    : `since ${formatDateTime(threat.startedAt)} (${formatAge(
        threat.startedAt,
        now,
      )})`;
  const { events, eventCount } = threat.evidence;
  const statusParts: string[] = [];
  if (threat.statusChangedBy) {
    statusParts.push(`by ${formatActor(threat.statusChangedBy)}`);
  }
  if (threat.statusReason) {
    statusParts.push(`“${threat.statusReason}”`);
  }
  return {
    id: threat.id,
    title: THREAT_TYPE_LABELS[threat.type],
    severity: threat.severity,
    severityLabel: SEVERITY_LABELS[threat.severity],
    status: threat.status,
    statusLabel: THREAT_STATUS_LABELS[threat.status],
    when: `${threat.environment}, ${when}`,
    summary: threat.evidence.summary,
    figures: threat.evidence.figures.map(formatThreatFigure),
    events,
    moreEvents:
      eventCount !== undefined && eventCount > events.length
        ? `${eventCount} events in all`
        : null,
    statusDetail: statusParts.length > 0 ? statusParts.join(', ') : null,
    actions: threatActions(threat.status),
  };
}

/** A detector's state in words: never "no threats" for one that is not monitored. */
export interface MonitoringView {
  detector: ThreatDetectorId;
  label: string;
  monitored: boolean;
  text: string;
}

export function toMonitoringView(monitoring: ThreatMonitoring): MonitoringView {
  const monitored = monitoring.state === 'monitored';
  return {
    detector: monitoring.detector,
    label: DETECTOR_LABELS[monitoring.detector] ?? monitoring.detector,
    monitored,
    text: monitored
      ? `monitored: ${monitoring.detail}`
      : `not monitored: ${monitoring.detail}`,
  };
}

/**
 * What the threats section says when no threat is active: which monitored detectors found none.
 * `null` when no detector is monitored (then nothing can be said about threats).
 */
export function describeNoActiveThreats(
  monitoring: ThreatMonitoring[],
): string | null {
  const watching = monitoring
    .filter(m => m.state === 'monitored')
    .map(m => DETECTOR_LABELS[m.detector] ?? m.detector);
  if (watching.length === 0) {
    return null;
  }
  return `No open threats from the monitored detectors: ${watching.join(
    '; ',
  )}.`;
}

/** A framework's score tile. */
export interface ComplianceTile {
  frameworkId: string;
  title: string;
  /** `72.5%`, or `not evaluated` when no control could be evaluated. */
  value: string;
  score: number | null;
  counts: string;
  tone: StatusTone;
}

/** Tones of a compliance score: 90 % and up ok, 70 % and up warning, below that error. */
export function scoreTone(score: number | null): StatusTone {
  if (score === null) return 'neutral';
  if (score >= 90) return 'ok';
  if (score >= 70) return 'warning';
  return 'error';
}

export function toComplianceTile(score: ComplianceScore): ComplianceTile {
  const counts = [
    `${score.passed} passed`,
    `${score.failed} failed`,
    `${score.notEvaluated} not evaluated`,
  ].join(', ');
  return {
    frameworkId: score.frameworkId,
    title: score.title,
    value: score.score === null ? 'not evaluated' : formatPercent(score.score),
    score: score.score,
    counts,
    tone: scoreTone(score.score),
  };
}

/** A scan stream, ready to show. */
export interface ScanStreamView {
  key: string;
  tool: string;
  category: string;
  format: string;
  lastScan: string;
  commit: string;
  findings: number;
}

export function toScanStreamView(scan: SecurityScanStream): ScanStreamView {
  return {
    key: `${scan.tool}\u0000${scan.scanCategory}`,
    tool: scan.tool,
    category: scan.scanCategory || '–',
    format: scan.format,
    lastScan: formatDateTime(scan.lastScanAt),
    commit: shortSha(scan.commitSha),
    findings: scan.findings,
  };
}
