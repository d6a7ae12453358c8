import { Entity } from '@backstage/catalog-model';

/** Prefix of every annotation the DevOps plugins read. @public */
export const DEVOPS_ANNOTATION_PREFIX = 'devops-growth.io/';

/**
 * Switches monitoring on for an entity: `enabled` (every area) or a comma separated list of
 * areas, for example `coverage,deploy`. Without it nothing is collected for the entity.
 * @public
 */
export const DEVOPS_MONITORING_ANNOTATION = 'devops-growth.io/monitoring';

/**
 * Per-entity override of the coverage quality gate: the minimum line coverage in percent
 * (for example `85` or `72.5`).
 * @public
 */
export const DEVOPS_COVERAGE_GATE_ANNOTATION = 'devops-growth.io/coverage-gate';

/** The areas the DevOps plugins cover. @public */
export const DEVOPS_AREAS = [
  'deploy',
  'performance',
  'security',
  'coverage',
] as const;

/** One area of the DevOps plugins. @public */
export type DevopsArea = (typeof DEVOPS_AREAS)[number];

/**
 * The areas enabled by an entity's monitoring annotation; empty when the annotation is absent or
 * names no known area.
 * @public
 */
export function getEnabledDevopsAreas(entity: Entity): DevopsArea[] {
  const value = entity.metadata.annotations?.[DEVOPS_MONITORING_ANNOTATION];
  if (!value) {
    return [];
  }
  const words = value
    .split(',')
    .map(w => w.trim().toLowerCase())
    .filter(Boolean);
  if (
    words.includes('enabled') ||
    words.includes('true') ||
    words.includes('all')
  ) {
    return [...DEVOPS_AREAS];
  }
  return DEVOPS_AREAS.filter(area => words.includes(area));
}

/** True when the entity's monitoring annotation enables the area. @public */
export function isDevopsAreaEnabled(entity: Entity, area: DevopsArea): boolean {
  return getEnabledDevopsAreas(entity).includes(area);
}
