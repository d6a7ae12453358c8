import { Entity } from '@backstage/catalog-model';
import { isDevopsAreaEnabled } from '@devops-growth/backstage-plugin-devops-common';

/**
 * True when the entity's `devops-growth.io/monitoring` annotation enables the `coverage` area
 * (`coverage`, a list containing it, or `enabled`). Use it to show the "Coverage & tests" card
 * and the DevOps tab only where they have something to say.
 *
 * @public
 */
export function isDevopsCoverageAvailable(entity: Entity): boolean {
  return isDevopsAreaEnabled(entity, 'coverage');
}

/**
 * True when the entity's `devops-growth.io/monitoring` annotation enables the `performance` area
 * (`performance`, a list containing it, or `enabled`). Use it to show the "Performance" card only
 * where it has something to say.
 *
 * @public
 */
export function isDevopsPerformanceAvailable(entity: Entity): boolean {
  return isDevopsAreaEnabled(entity, 'performance');
}

/**
 * True when the entity's `devops-growth.io/monitoring` annotation enables the `security` area
 * (`security`, a list containing it, or `enabled`). Use it to show the "Security" card only where
 * it has something to say.
 *
 * @public
 */
export function isDevopsSecurityAvailable(entity: Entity): boolean {
  return isDevopsAreaEnabled(entity, 'security');
}

/**
 * True when the entity's `devops-growth.io/monitoring` annotation enables the `deploy` area
 * (`deploy`, a list containing it, or `enabled`). Use it to show the "Deploys" card only where it
 * has something to say.
 *
 * @public
 */
export function isDevopsDeploysAvailable(entity: Entity): boolean {
  return isDevopsAreaEnabled(entity, 'deploy');
}

/**
 * True when the entity enables at least one area the DevOps tab shows (deploy, performance,
 * security or coverage): the filter of the DevOps tab.
 *
 * @public
 */
export function isDevopsContentAvailable(entity: Entity): boolean {
  return (
    isDevopsDeploysAvailable(entity) ||
    isDevopsPerformanceAvailable(entity) ||
    isDevopsSecurityAvailable(entity) ||
    isDevopsCoverageAvailable(entity)
  );
}

/**
 * True when the entity enables at least one area the DevOps summary card shows: the condition of
 * `EntityDevopsSummaryCard` on the entity overview.
 *
 * @public
 */
export function isDevopsSummaryAvailable(entity: Entity): boolean {
  return isDevopsContentAvailable(entity);
}
