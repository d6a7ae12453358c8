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

/** Every permission the DevOps plugins declare. @public */
export const devopsPermissions = [
  devopsReportCreatePermission,
  devopsReadPermission,
  devopsPerformanceTargetsUpdatePermission,
  devopsLoadTestCreatePermission,
];
