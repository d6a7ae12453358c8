import { Entity } from '@backstage/catalog-model';
import {
  isDevopsAreaEnabled,
  SECURITY_SEVERITIES,
  SeverityCounts,
} from '@devops-growth/backstage-plugin-devops-common';
import {
  ComplianceCheck,
  ComplianceCheckOutcome,
  ComplianceFacts,
} from '@devops-growth/backstage-plugin-devops-node';
import { ComplianceCheckSettings } from './settings';

/**
 * The built-in checks: pure functions of {@link ComplianceFacts}. A check whose input is missing
 * (the area is off for the entity, or has no data to judge) answers `not-evaluated`, never
 * `passed`; its value says what is missing.
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** An age in words: `40 minutes`, `5 hours`, `12 days`. */
export function describeAge(ms: number): string {
  if (ms < HOUR_MS) {
    const minutes = Math.max(0, Math.round(ms / 60_000));
    return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  }
  if (ms < 2 * DAY_MS) {
    const hours = Math.round(ms / HOUR_MS);
    return `${hours} hour${hours === 1 ? '' : 's'}`;
  }
  return `${Math.round(ms / DAY_MS)} days`;
}

const passed = (value: string): ComplianceCheckOutcome => ({
  status: 'passed',
  value,
});
const failed = (value: string): ComplianceCheckOutcome => ({
  status: 'failed',
  value,
});
const notEvaluated = (value: string): ComplianceCheckOutcome => ({
  status: 'not-evaluated',
  value,
});

const NO_SECURITY =
  "security is not enabled in the entity's devops-growth.io/monitoring annotation";

function specString(entity: Entity, field: string): string | null {
  const value = (entity.spec as Record<string, unknown> | undefined)?.[field];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function catalogField(
  field: 'owner' | 'lifecycle' | 'system',
  title: string,
): ComplianceCheck {
  return {
    id: `catalog.${field}`,
    title,
    evaluate: ({ entity }) => {
      const value = specString(entity, field);
      return value
        ? passed(`${field} ${value}`)
        : failed(`spec.${field} is not set in the catalog`);
    },
  };
}

/** Annotations that route pages to an on-call rotation. */
const ON_CALL_ANNOTATIONS = [
  'pagerduty.com/service-id',
  'pagerduty.com/integration-key',
  'opsgenie.com/component-selector',
  'opsgenie.com/team',
  'splunk.com/on-call-routing-key',
];

function findLink(entity: Entity, words: RegExp): string | null {
  for (const link of entity.metadata.links ?? []) {
    const text = `${link.type ?? ''} ${link.title ?? ''}`;
    if (words.test(text)) {
      return `link '${link.title ?? link.type}' ${link.url}`;
    }
  }
  return null;
}

function countsInWords(counts: SeverityCounts): string {
  return SECURITY_SEVERITIES.filter(s => counts[s] > 0)
    .map(s => `${counts[s]} ${s}`)
    .join(', ');
}

const total = (counts: SeverityCounts) =>
  SECURITY_SEVERITIES.reduce((sum, s) => sum + counts[s], 0);

/** Security facts with at least one scan, or why the check cannot judge. */
function scanned(
  facts: ComplianceFacts,
):
  | { ok: true; security: NonNullable<ComplianceFacts['security']> }
  | { ok: false; outcome: ComplianceCheckOutcome } {
  if (!facts.security) return { ok: false, outcome: notEvaluated(NO_SECURITY) };
  if (!facts.security.lastScanAt) {
    return {
      ok: false,
      outcome: notEvaluated('no scan was ever uploaded: findings are unknown'),
    };
  }
  return { ok: true, security: facts.security };
}

/** The built-in checks, with the thresholds of `devops.security.compliance.checks`. */
export function builtInComplianceChecks(
  settings: ComplianceCheckSettings,
): ComplianceCheck[] {
  return [
    catalogField('owner', 'An owner is set in the catalog'),
    catalogField('lifecycle', 'A lifecycle is set in the catalog'),
    catalogField('system', 'The entity belongs to a system in the catalog'),
    {
      id: 'catalog.runbook',
      title: 'A runbook is linked from the catalog',
      evaluate: ({ entity }) => {
        const link = findLink(entity, /run[\s-]?book|playbook/i);
        return link
          ? passed(link)
          : failed("no link whose type or title names a 'runbook'");
      },
    },
    {
      id: 'catalog.on-call',
      title: 'An on-call route is known (link or paging annotation)',
      evaluate: ({ entity }) => {
        const annotations = entity.metadata.annotations ?? {};
        const annotation = ON_CALL_ANNOTATIONS.find(a => annotations[a]);
        if (annotation) {
          return passed(`annotation ${annotation}=${annotations[annotation]}`);
        }
        const link = findLink(
          entity,
          /on[\s-]?call|pagerduty|opsgenie|escalation/i,
        );
        return link
          ? passed(link)
          : failed(
              `no on-call link (type or title naming on-call, PagerDuty, Opsgenie) and none of the annotations ${ON_CALL_ANNOTATIONS.join(
                ', ',
              )}`,
            );
      },
    },
    {
      id: 'security.scan-fresh',
      title: `A security scan was uploaded within ${describeAge(
        settings.scanMaxAgeMs,
      )}`,
      evaluate: facts => {
        if (!facts.security) return notEvaluated(NO_SECURITY);
        const last = facts.security.lastScanAt;
        if (!last) return failed('no scan was ever uploaded');
        const age = facts.now.getTime() - last.getTime();
        const words = `latest scan ${describeAge(
          age,
        )} ago (${last.toISOString()})`;
        return age <= settings.scanMaxAgeMs ? passed(words) : failed(words);
      },
    },
    {
      id: 'security.critical-high-within-sla',
      title: 'No open critical or high finding is past its SLA',
      evaluate: facts => {
        const s = scanned(facts);
        if (!s.ok) return s.outcome;
        const late = s.security.pastSla.critical + s.security.pastSla.high;
        const open = s.security.open.critical + s.security.open.high;
        return late === 0
          ? passed(`0 past SLA (${open} critical or high open within SLA)`)
          : failed(
              `${late} past SLA (${s.security.pastSla.critical} critical, ${s.security.pastSla.high} high)`,
            );
      },
    },
    {
      id: 'security.findings-within-sla',
      title: 'No open finding of any severity is past its SLA',
      evaluate: facts => {
        const s = scanned(facts);
        if (!s.ok) return s.outcome;
        const late = total(s.security.pastSla);
        return late === 0
          ? passed(`0 past SLA (${total(s.security.open)} open within SLA)`)
          : failed(`${late} past SLA (${countsInWords(s.security.pastSla)})`);
      },
    },
    {
      id: 'threats.monitored',
      title: 'Every threat detector watches the entity',
      evaluate: facts => {
        if (!facts.security) return notEvaluated(NO_SECURITY);
        const { monitoring } = facts.security;
        if (monitoring.length === 0) {
          return notEvaluated('no detector reported its state');
        }
        const off = monitoring.filter(m => m.state !== 'monitored');
        return off.length === 0
          ? passed(
              `${monitoring.length} of ${monitoring.length} detectors monitored`,
            )
          : failed(
              `not monitored: ${off
                .map(m => `${m.detector} (${m.detail})`)
                .join('; ')}`,
            );
      },
    },
    {
      id: 'threats.handled',
      title: 'No threat is open and unacknowledged for over a day',
      evaluate: facts => {
        if (!facts.security) return notEvaluated(NO_SECURITY);
        const { unhandledThreats, openThreats, monitoring } = facts.security;
        if (unhandledThreats > 0) {
          return failed(
            `${unhandledThreats} threat${
              unhandledThreats === 1 ? '' : 's'
            } open and unacknowledged for over a day`,
          );
        }
        const open = total(openThreats);
        if (open === 0 && !monitoring.some(m => m.state === 'monitored')) {
          return notEvaluated(
            'no detector watches the entity: no threat could have been raised',
          );
        }
        return passed(
          open === 0
            ? 'no open threat'
            : `${open} open, every one acknowledged or under a day old`,
        );
      },
    },
    {
      id: 'coverage.gate',
      title: 'The latest coverage report passes the coverage gate',
      evaluate: facts => {
        if (!facts.coverage) {
          return notEvaluated(
            "coverage is not enabled in the entity's devops-growth.io/monitoring annotation",
          );
        }
        const { gate, lastReportAt } = facts.coverage;
        const at = lastReportAt
          ? ` (report of ${lastReportAt.toISOString()})`
          : '';
        if (gate === 'unknown') {
          return notEvaluated(
            lastReportAt
              ? `the latest report has no line coverage${at}`
              : 'no coverage report was uploaded',
          );
        }
        return gate === 'passed'
          ? passed(`gate passed${at}`)
          : failed(`gate failed${at}`);
      },
    },
    {
      id: 'performance.monitoring-enabled',
      title: 'Performance monitoring is enabled for the entity',
      evaluate: ({ entity }) =>
        isDevopsAreaEnabled(entity, 'performance')
          ? passed('performance enabled in devops-growth.io/monitoring')
          : failed('performance is not enabled in devops-growth.io/monitoring'),
    },
    {
      id: 'performance.metrics-fresh',
      title: 'Performance metrics are being collected',
      evaluate: facts => {
        if (!facts.performance) {
          return notEvaluated(
            'performance monitoring is not enabled, or has no data yet',
          );
        }
        const { lastSampleAt, stale } = facts.performance;
        if (!lastSampleAt) return failed('no sample was ever collected');
        const words = `latest sample ${describeAge(
          facts.now.getTime() - lastSampleAt.getTime(),
        )} ago (${lastSampleAt.toISOString()})`;
        return stale ? failed(`stale: ${words}`) : passed(words);
      },
    },
    {
      id: 'deploys.gated',
      title: 'Production deploys went through every gate',
      evaluate: facts => {
        if (!facts.deploys) {
          return notEvaluated('deploy history is not available');
        }
        const { productionDeploys, gatedProductionDeploys } = facts.deploys;
        if (productionDeploys === 0) {
          return notEvaluated('no production deploy in the window');
        }
        const words = `${gatedProductionDeploys} of ${productionDeploys} production deploys gated`;
        return gatedProductionDeploys >= productionDeploys
          ? passed(words)
          : failed(words);
      },
    },
    {
      id: 'deploys.rollback-tested',
      title: 'A rollback succeeded recently (the way back is tested)',
      evaluate: facts => {
        if (!facts.deploys) {
          return notEvaluated('deploy history is not available');
        }
        return facts.deploys.rollbackTested
          ? passed('a rollback succeeded in the window')
          : failed('no successful rollback in the window');
      },
    },
  ];
}
