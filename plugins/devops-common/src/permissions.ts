import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';
import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Upload a coverage or test report for an entity (`POST /api/devops/reports`).
 * @public
 */
export const devopsReportCreatePermission = createPermission({
  name: 'devops.report.create',
  attributes: { action: 'create' },
});

/**
 * Read the DevOps data (reports, summaries, recommendations) of entities.
 * @public
 */
export const devopsReadPermission = createPermission({
  name: 'devops.read',
  attributes: { action: 'read' },
});

/**
 * Change an entity's performance targets through the API (`PUT .../performance/targets`).
 * @public
 */
export const devopsPerformanceTargetsUpdatePermission = createPermission({
  name: 'devops.performance.targets.update',
  attributes: { action: 'update' },
});

/**
 * Start a bounded load test against an endpoint the entity declares
 * (`POST .../performance/load-tests`).
 * @public
 */
export const devopsLoadTestCreatePermission = createPermission({
  name: 'devops.performance.load-test.create',
  attributes: { action: 'create' },
});

/**
 * Change the status of a security finding (accept the risk, mark a false positive, reopen).
 * A resource permission on the catalog entity the finding belongs to, so a policy can limit it
 * to the owners with the catalog's own conditions (`isEntityOwner`).
 * @public
 */
export const devopsSecurityFindingUpdatePermission = createPermission({
  name: 'devops.security.finding.update',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Change the status of a runtime threat (acknowledge, mitigated, false positive, reopen). A
 * resource permission on the catalog entity.
 * @public
 */
export const devopsSecurityThreatUpdatePermission = createPermission({
  name: 'devops.security.threat.update',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/** Every permission the DevOps plugins declare. @public */
export const devopsPermissions = [
  devopsReportCreatePermission,
  devopsReadPermission,
  devopsPerformanceTargetsUpdatePermission,
  devopsLoadTestCreatePermission,
  devopsSecurityFindingUpdatePermission,
  devopsSecurityThreatUpdatePermission,
];
