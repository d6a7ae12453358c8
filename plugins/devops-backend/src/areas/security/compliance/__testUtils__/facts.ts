import { Entity } from '@backstage/catalog-model';
import { JsonObject } from '@backstage/types';
import { SeverityCounts } from '@devops-growth/backstage-plugin-devops-common';
import { ComplianceFacts } from '@devops-growth/backstage-plugin-devops-node';

export const NOW = new Date('2026-12-03T12:00:00Z');
export const DAY = 86_400_000;

export const zero = (): SeverityCounts => ({
  critical: 0,
  high: 0,
  medium: 0,
  low: 0,
});

/** A security-enabled component with owner, lifecycle, system, a runbook and an on-call link. */
export function entity(
  name: string,
  over: {
    annotations?: Record<string, string>;
    spec?: JsonObject;
    links?: Entity['metadata']['links'];
  } = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        'devops-growth.io/monitoring': 'enabled',
        ...over.annotations,
      },
      links: over.links ?? [
        { url: 'https://wiki.example.com/payments', title: 'Runbook' },
        { url: 'https://example.pagerduty.com/s/P1', type: 'on-call' },
      ],
    },
    spec: over.spec ?? {
      type: 'service',
      owner: 'group:default/team-a',
      lifecycle: 'production',
      system: 'shop',
    },
  };
}

/** Facts where every area has data and everything is healthy. */
export function healthyFacts(e: Entity, now = NOW): ComplianceFacts {
  return {
    entity: e,
    now,
    security: {
      lastScanAt: new Date(now.getTime() - DAY),
      open: { ...zero(), medium: 2 },
      pastSla: zero(),
      openThreats: zero(),
      unhandledThreats: 0,
      monitoring: [
        {
          detector: 'traffic-flood',
          state: 'monitored',
          detail: 'request rate of production',
          evaluatedAt: now.toISOString(),
        },
        {
          detector: 'brute-force',
          state: 'monitored',
          detail: '401/403 rate of production',
          evaluatedAt: now.toISOString(),
        },
        {
          detector: 'waf-events',
          state: 'monitored',
          detail: 'ModSecurity events',
          evaluatedAt: now.toISOString(),
        },
      ],
    },
    coverage: {
      gate: 'passed',
      lastReportAt: new Date(now.getTime() - DAY),
    },
    performance: {
      lastSampleAt: new Date(now.getTime() - 60_000),
      stale: false,
    },
    deploys: null,
  };
}

/** Facts of an entity no area has data for. */
export function emptyFacts(e: Entity, now = NOW): ComplianceFacts {
  return {
    entity: e,
    now,
    security: null,
    coverage: null,
    performance: null,
    deploys: null,
  };
}
