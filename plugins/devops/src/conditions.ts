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
