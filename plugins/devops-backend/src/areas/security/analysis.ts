import {
  Recommendation,
  RecommendationPriority,
  SECURITY_SEVERITIES,
  SecuritySummary,
} from '@devops-growth/backstage-plugin-devops-common';
import { InvalidSlaAnnotation } from './types';

/** A scan older than this is stale: the findings may no longer say what the code holds. */
export const STALE_SCAN_DAYS = 7;

const DAY_MS = 86_400_000;
const PRIORITY_ORDER: Record<RecommendationPriority, number> = {
  high: 0,
  medium: 1,
  low: 2,
};

/**
 * The security area's recommendations, most urgent first: findings past their SLA, open
 * critical findings, threats nobody has looked at, no or stale scans, detectors that cannot
 * watch the entity, and failing compliance controls. Each carries the figures it read.
 */
export function recommend(
  summary: Omit<SecuritySummary, 'recommendations'>,
  now: Date,
  notes: { invalidSlaAnnotation?: InvalidSlaAnnotation | null } = {},
): Recommendation[] {
  const out: Recommendation[] = [];
  const { findings, threats, compliance } = summary;

  const breached = findings.oldest.filter(f => f.slaBreached);
  if (findings.slaBreaches > 0) {
    out.push({
      id: 'security.past-sla',
      area: 'security',
      priority: 'high',
      title: `${plural(findings.slaBreaches, 'finding')} past the fix SLA`,
      description:
        'These findings are open longer than the SLA of their severity allows. Fix them, or ' +
        'accept the risk with a reason and an expiry if a fix has to wait.',
      evidence: breached.slice(0, 3).map(f => ({
        label: `${f.severity} · ${f.ruleId}`,
        value: `${
          f.location?.path ?? f.package?.name ?? f.tool
        }, due ${f.slaDueAt.slice(0, 10)}`,
      })),
    });
  }

  if (findings.open.critical > 0) {
    out.push({
      id: 'security.critical-open',
      area: 'security',
      priority: 'high',
      title: `${plural(findings.open.critical, 'critical finding')} open`,
      description: `Critical findings have an SLA of ${findings.sla.critical.days} day(s). Fix them before the next production deploy.`,
      evidence: SECURITY_SEVERITIES.map(s => ({
        label: `Open ${s}`,
        value: String(findings.open[s]),
      })),
    });
  }

  const unacknowledged = threats.active.filter(t => t.status === 'open');
  if (unacknowledged.length > 0) {
    out.push({
      id: 'security.threat-open',
      area: 'security',
      priority: 'high',
      title: `${plural(unacknowledged.length, 'threat')} not acknowledged`,
      description:
        'A detector raised these and nobody has acknowledged them. Look at the evidence, then ' +
        'mark each acknowledged, mitigated or a false positive.',
      evidence: unacknowledged.slice(0, 3).map(t => ({
        label: `${t.severity} · ${t.type} (${t.environment})`,
        value: t.evidence.summary,
      })),
    });
  }

  if (findings.scans.length === 0) {
    out.push({
      id: 'security.no-scan',
      area: 'security',
      priority: 'high',
      title: 'No scanner report uploaded',
      description:
        'Upload SARIF (CodeQL, Semgrep, ESLint, Trivy ...), npm audit or Trivy reports from CI ' +
        'with POST /api/devops/reports, so findings, their SLA and compliance checks have data.',
      evidence: [],
    });
  } else {
    const stale = findings.scans.filter(
      s => now.getTime() - Date.parse(s.lastScanAt) > STALE_SCAN_DAYS * DAY_MS,
    );
    if (stale.length > 0) {
      out.push({
        id: 'security.stale-scan',
        area: 'security',
        priority: 'medium',
        title: `${plural(
          stale.length,
          'scan',
        )} older than ${STALE_SCAN_DAYS} days`,
        description:
          'Run these scanners on every build of the branch: findings fixed or introduced since ' +
          'the last scan are not known.',
        evidence: stale.slice(0, 3).map(s => ({
          label: s.scanCategory ? `${s.tool} (${s.scanCategory})` : s.tool,
          value: `last scan ${s.lastScanAt.slice(0, 10)}`,
        })),
      });
    }
  }

  for (const m of threats.monitoring) {
    if (m.state === 'not-monitored') {
      out.push({
        id: `security.not-monitored.${m.detector}`,
        area: 'security',
        priority: 'low',
        title: `The ${m.detector} detector is not watching this entity`,
        description: m.detail,
        evidence: [],
      });
    }
  }

  const failing = compliance.filter(framework => framework.failed > 0);
  if (failing.length > 0) {
    const controls = failing.reduce((n, f) => n + f.failed, 0);
    out.push({
      id: 'security.compliance-failing',
      area: 'security',
      priority: 'medium',
      title: `${plural(controls, 'compliance control')} fail${
        controls === 1 ? 's' : ''
      } in ${failing
        .map(f => f.title.replace(/ \(automated evidence\)$/, ''))
        .join(', ')}`,
      description:
        'Open a framework on the Security card to see which automated checks fail and what ' +
        'they found; one fix often passes controls of several frameworks. This is automated ' +
        'evidence, not a certification.',
      evidence: failing.map(f => ({
        label: f.title,
        value: `${f.score === null ? 'not evaluated' : `${f.score}%`}, ${
          f.failed
        } failed, ${f.notEvaluated} not evaluated`,
      })),
    });
  }

  const invalid = notes.invalidSlaAnnotation;
  if (invalid) {
    out.push({
      id: 'security.invalid-sla-annotation',
      area: 'security',
      priority: 'low',
      title: `The ${invalid.annotation} annotation is ignored`,
      description: `${invalid.problem}. The SLA comes from the configuration and the defaults until the annotation is fixed (for example critical=2,high=14).`,
      evidence: [{ label: invalid.annotation, value: invalid.value }],
    });
  }

  return out.sort(
    (a, b) => PRIORITY_ORDER[a.priority] - PRIORITY_ORDER[b.priority],
  );
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
