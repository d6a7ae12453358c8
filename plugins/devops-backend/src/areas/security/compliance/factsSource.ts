import { stringifyEntityRef } from '@backstage/catalog-model';
import { isDevopsAreaEnabled } from '@devops-growth/backstage-plugin-devops-common';
import { ComplianceFacts } from '@devops-growth/backstage-plugin-devops-node';
import {
  CoverageFactsReader,
  DeployFactsReader,
  FindingsPart,
  PerformanceFactsReader,
  ThreatsPart,
} from '../types';
import { ComplianceFactsSource } from './SecurityCompliance';

const zero = () => ({ critical: 0, high: 0, medium: 0, low: 0 });

/** The window of the deploy facts: production deploys and rollbacks of the last 90 days. */
export const DEPLOY_FACTS_WINDOW_MS = 90 * 86_400_000;

/**
 * The facts source of the backend: one set-based read per part and area for the whole batch,
 * in parallel, put together per entity. An area the entity's monitoring annotation does not
 * enable is `null` (its checks are not evaluated); so is coverage or performance with no entry
 * for the entity. Security facts of an enabled entity the findings or threats part has no entry
 * for are "no scan" and "no detector reported" (never "all clear"). Deploy facts cover the last
 * {@link DEPLOY_FACTS_WINDOW_MS} and are `null` without a deploys reader; an entity enabling the
 * deploy area with no entry has no deploy in the window (zero, no rollback).
 */
export function createComplianceFactsSource(readers: {
  findings: Pick<FindingsPart, 'facts'>;
  threats: Pick<ThreatsPart, 'facts'>;
  coverage: CoverageFactsReader;
  performance: PerformanceFactsReader;
  /** The deploys area's reader; without it `deploys` stays `null` (checks not evaluated). */
  deploys?: DeployFactsReader;
}): ComplianceFactsSource {
  return async (entities, now) => {
    const refs = entities.map(e => stringifyEntityRef(e));
    const enabled = (area: 'security' | 'performance' | 'deploy') =>
      refs.filter((_, i) => isDevopsAreaEnabled(entities[i], area));
    const securityRefs = enabled('security');
    const performanceRefs = enabled('performance');
    const deployReader = readers.deploys;
    const deployRefs = deployReader ? enabled('deploy') : [];
    const none = Promise.resolve(new Map());
    const [findings, threats, coverage, performance, deploys] =
      await Promise.all([
        securityRefs.length ? readers.findings.facts(securityRefs, now) : none,
        securityRefs.length ? readers.threats.facts(securityRefs, now) : none,
        readers.coverage.coverageFacts(
          entities.filter(e => isDevopsAreaEnabled(e, 'coverage')),
        ),
        performanceRefs.length
          ? readers.performance.performanceFacts(performanceRefs, now)
          : none,
        deployReader && deployRefs.length
          ? deployReader.complianceFacts(
              deployRefs,
              new Date(now.getTime() - DEPLOY_FACTS_WINDOW_MS),
              now,
            )
          : none,
      ]);
    return entities.map((entity, i): ComplianceFacts => {
      const ref = refs[i];
      const security = isDevopsAreaEnabled(entity, 'security')
        ? {
            lastScanAt: null,
            open: zero(),
            pastSla: zero(),
            openThreats: zero(),
            unhandledThreats: 0,
            monitoring: [],
            ...findings.get(ref),
            ...threats.get(ref),
          }
        : null;
      return {
        entity,
        now,
        security,
        coverage: isDevopsAreaEnabled(entity, 'coverage')
          ? coverage.get(ref) ?? null
          : null,
        performance: isDevopsAreaEnabled(entity, 'performance')
          ? performance.get(ref) ?? null
          : null,
        deploys:
          deployReader && isDevopsAreaEnabled(entity, 'deploy')
            ? deploys.get(ref) ?? {
                productionDeploys: 0,
                gatedProductionDeploys: 0,
                rollbackTested: false,
              }
            : null,
      };
    });
  };
}
