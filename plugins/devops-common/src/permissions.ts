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

/** Every permission the DevOps plugins declare. @public */
export const devopsPermissions = [
  devopsReportCreatePermission,
  devopsReadPermission,
];
