import { InputError } from '@backstage/errors';
import {
  FindingStatus,
  FindingStatusChange,
  FindingTrendPoint,
  SECURITY_SEVERITIES,
  SecuritySeverity,
  SecuritySla,
  SeverityCounts,
} from '@devops-growth/backstage-plugin-devops-common';
import { ParsedFinding } from '@devops-growth/backstage-plugin-devops-node';
import { createHash } from 'node:crypto';

/**
 * Pure rules of scanner findings: identity (fingerprint), SLA due dates, which status changes
 * are allowed, and the open-findings trend from per-scan snapshots.
 */

export const DAY_MS = 86_400_000;

/** A path as findings store it: forward slashes, no leading `./`, no doubled slashes; case kept. */
export function normalizeFindingPath(path: string): string {
  let p = path.replace(/\\/g, '/').replace(/\/{2,}/g, '/');
  while (p.startsWith('./')) p = p.slice(2);
  return p;
}

/** Flagged source text compared without indentation, trailing spaces or blank lines. */
export function normalizeSnippet(snippet: string): string {
  return snippet
    .split('\n')
    .map(line => line.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .join('\n');
}

/** Orders strings by UTF-16 code units, whatever the locale. */
export function compareCodeUnits(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function sha256(parts: string[]): string {
  // NUL cannot occur in stored texts (the parsers refuse it), so it separates parts unambiguously.
  return createHash('sha256').update(parts.join('\0')).digest('hex');
}

/**
 * The identity of a finding within its stream (entity, branch, tool, category), sha256 in hex.
 * The first rule that applies:
 * 1. SARIF `partialFingerprints` given: rule id, normalised path (when located) and every
 *    `key=value` pair sorted by key, so the order the tool wrote them in does not matter.
 * 2. A package (dependency findings): advisory id (else rule id) and package name, without the version (a version bump that still has the advisory is the same
 *    finding) and without a location (lockfile lines move with unrelated edits).
 * 3. A location: rule id, normalised path and, when the report quotes the flagged text, the hash
 *    of the normalised snippet (so lines added above it keep the identity), else the line.
 * 4. Otherwise rule id and title.
 */
export function findingFingerprint(finding: ParsedFinding): string {
  const path = finding.location
    ? normalizeFindingPath(finding.location.path)
    : '';
  const partial = Object.entries(finding.partialFingerprints ?? {}).filter(
    ([key, value]) => key !== '' && value !== '',
  );
  if (partial.length > 0) {
    partial.sort(([a], [b]) => compareCodeUnits(a, b));
    return sha256([
      'v1:partial',
      finding.ruleId,
      path,
      ...partial.map(([key, value]) => `${key}=${value}`),
    ]);
  }
  if (finding.package) {
    return sha256([
      'v1:package',
      finding.advisory?.id || finding.ruleId,
      finding.package.name,
    ]);
  }
  if (finding.location) {
    const snippet = finding.snippet ? normalizeSnippet(finding.snippet) : '';
    return snippet
      ? sha256(['v1:snippet', finding.ruleId, path, sha256([snippet])])
      : sha256([
          'v1:line',
          finding.ruleId,
          path,
          String(finding.location.line ?? ''),
        ]);
  }
  return sha256(['v1:rule', finding.ruleId, finding.title]);
}

/** Most severe first: 0 for critical. */
export function severityRank(severity: SecuritySeverity): number {
  return SECURITY_SEVERITIES.indexOf(severity);
}

/**
 * The findings of one scan keyed by fingerprint: a fingerprint reported twice counts once, with
 * the most severe of its reports (the first one among equals).
 */
export function dedupeFindings(
  findings: readonly ParsedFinding[],
): Map<string, ParsedFinding> {
  const out = new Map<string, ParsedFinding>();
  for (const finding of findings) {
    const fingerprint = findingFingerprint(finding);
    const seen = out.get(fingerprint);
    if (!seen || severityRank(finding.severity) < severityRank(seen.severity)) {
      out.set(fingerprint, finding);
    }
  }
  return out;
}

/**
 * When the SLA of a finding runs out: from when it was first seen or, for a regression, from
 * when a scan found it again, plus the SLA days of its severity.
 */
export function slaDueMs(
  baseMs: number,
  severity: SecuritySeverity,
  sla: SecuritySla,
): number {
  return baseMs + sla[severity] * DAY_MS;
}

/** A finding counts as open when it is, or when its acceptance ran out (expiry not yet swept). */
export function effectiveStatus(
  status: FindingStatus,
  acceptedUntilMs: number | null,
  nowMs: number,
): FindingStatus {
  return status === 'accepted' &&
    acceptedUntilMs !== null &&
    acceptedUntilMs <= nowMs
    ? 'open'
    : status;
}

/** The latest expiry an acceptance may have: one calendar year after `now`. */
export function latestAcceptanceExpiry(now: Date): Date {
  const limit = new Date(now.getTime());
  limit.setUTCFullYear(limit.getUTCFullYear() + 1);
  return limit;
}

/**
 * Checks a status change against the finding's current (effective) status. Allowed: accepting
 * an open, accepted (a new expiry) or false-positive finding; marking an open or accepted one
 * false positive; reopening an accepted or false-positive one. A fixed finding changes only
 * through scans (it reopens when a scan finds it again). Returns the expiry for acceptances.
 */
export function checkStatusChange(
  current: FindingStatus,
  change: FindingStatusChange,
  now: Date,
): { acceptedUntil: Date | null } {
  if (current === 'fixed') {
    throw new InputError(
      'The finding is fixed: it reopens by itself when a scan finds it again',
    );
  }
  if (change.status === 'open') {
    if (current === 'open') {
      throw new InputError('The finding is already open');
    }
    return { acceptedUntil: null };
  }
  if (change.status === 'false-positive') {
    if (current === 'false-positive') {
      throw new InputError('The finding is already marked false positive');
    }
    return { acceptedUntil: null };
  }
  const expires = new Date(change.expiresAt);
  if (Number.isNaN(expires.getTime())) {
    throw new InputError(`expiresAt '${change.expiresAt}' is not a date`);
  }
  if (expires.getTime() <= now.getTime()) {
    throw new InputError(
      `expiresAt ${expires.toISOString()} must lie in the future`,
    );
  }
  const limit = latestAcceptanceExpiry(now);
  if (expires.getTime() > limit.getTime()) {
    throw new InputError(
      `expiresAt ${expires.toISOString()} is more than a year ahead (at most ${limit.toISOString()})`,
    );
  }
  return { acceptedUntil: expires };
}

export function zeroCounts(): SeverityCounts {
  return { critical: 0, high: 0, medium: 0, low: 0 };
}

/** A scan's snapshot: the open findings of its stream right after it. */
export interface ScanSnapshot {
  streamId: string;
  scannedMs: number;
  open: SeverityCounts;
}

/**
 * The open-findings trend of a branch: one point per UTC day with a scan in `[sinceMs, ...)`,
 * the sum over the branch's streams of each stream's latest snapshot up to the end of that day.
 * `snapshots` holds the window's scans and, per stream, the latest scan before the window.
 */
export function findingTrend(
  snapshots: readonly ScanSnapshot[],
  sinceMs: number,
): FindingTrendPoint[] {
  const sorted = [...snapshots].sort((a, b) => a.scannedMs - b.scannedMs);
  const latest = new Map<string, SeverityCounts>();
  const points: FindingTrendPoint[] = [];
  let i = 0;
  while (i < sorted.length) {
    const dayStart = sorted[i].scannedMs - (sorted[i].scannedMs % DAY_MS);
    const dayEnd = dayStart + DAY_MS;
    while (i < sorted.length && sorted[i].scannedMs < dayEnd) {
      latest.set(sorted[i].streamId, sorted[i].open);
      i++;
    }
    if (dayEnd <= sinceMs) continue;
    const sum = zeroCounts();
    for (const counts of latest.values()) {
      for (const severity of SECURITY_SEVERITIES) {
        sum[severity] += counts[severity];
      }
    }
    points.push({
      at: new Date(dayStart).toISOString().slice(0, 10),
      ...sum,
    });
  }
  return points;
}
