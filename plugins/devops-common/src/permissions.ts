import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';
import {
  createPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';

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

/**
 * Start a deploy of an entity to an environment (`POST .../deploys`). A resource permission on the
 * catalog entity: a policy can say "only the owning team deploys its services to production"
 * with `isEntityOwner`.
 * @public
 */
export const devopsDeployCreatePermission = createPermission({
  name: 'devops.deploy.create',
  attributes: { action: 'create' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Promote the version an environment runs to the next environment of the chain
 * (`POST .../deploys/promote`). A resource permission on the catalog entity.
 * @public
 */
export const devopsDeployPromotePermission = createPermission({
  name: 'devops.deploy.promote',
  attributes: { action: 'create' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Abort a deploy in flight (`POST /deploys/:id/abort`); the engine rolls it back. A resource
 * permission on the catalog entity.
 * @public
 */
export const devopsDeployAbortPermission = createPermission({
  name: 'devops.deploy.abort',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Roll an environment back to a previous version (`POST .../deploys/rollback`). A resource
 * permission on the catalog entity.
 * @public
 */
export const devopsDeployRollbackPermission = createPermission({
  name: 'devops.deploy.rollback',
  attributes: { action: 'create' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Override a failed safety gate, with a reason, when deploying, promoting or rolling back. A
 * resource permission on the catalog entity; every override is audited.
 * @public
 */
export const devopsDeployGateOverridePermission = createPermission({
  name: 'devops.deploy.gate.override',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Record deploys made outside the portal and incidents (`POST .../deploys/pushed`,
 * `POST .../deploys/incidents`), for history and DORA. A resource permission on the catalog
 * entity; CI usually calls with a static token.
 * @public
 */
export const devopsDeployRecordPermission = createPermission({
  name: 'devops.deploy.record',
  attributes: { action: 'create' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Create a per-entity environment, such as a preview with a time to live
 * (`POST .../environments`). A resource permission on the catalog entity.
 * @public
 */
export const devopsEnvironmentCreatePermission = createPermission({
  name: 'devops.environment.create',
  attributes: { action: 'create' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Delete (tear down) a per-entity environment (`DELETE .../environments/:environment`). A
 * resource permission on the catalog entity.
 * @public
 */
export const devopsEnvironmentDeletePermission = createPermission({
  name: 'devops.environment.delete',
  attributes: { action: 'delete' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * The prefix of the per-environment deploy permissions: `devops.deploy.environment.<name>`.
 * @public
 */
export const DEVOPS_DEPLOY_ENVIRONMENT_PERMISSION_PREFIX =
  'devops.deploy.environment.';

/**
 * Act on one environment: `devops.deploy.environment.<environment>`, asked besides the action's
 * own permission for every deploy, promotion (of the environment promoted into), rollback, abort
 * and dry run there; a per-entity environment asks for the configured environment it is based
 * on. A resource permission on the catalog entity, so a policy can say "only the owning team
 * deploys its services to production" with the catalog's conditions: a conditional
 * `isEntityOwner` decision for `devops.deploy.environment.production`, and allow for the others.
 * The backend registers one for each configured environment.
 * @public
 */
export function devopsDeployEnvironmentPermission(
  environment: string,
): ResourcePermission<typeof RESOURCE_TYPE_CATALOG_ENTITY> {
  return createPermission({
    name: `${DEVOPS_DEPLOY_ENVIRONMENT_PERMISSION_PREFIX}${environment}`,
    attributes: { action: 'update' },
    resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
  });
}

/**
 * The environment a permission of {@link devopsDeployEnvironmentPermission} is for, else
 * undefined: for a policy that treats environments by name (`production`, `prod-*`).
 * @public
 */
export function devopsDeployEnvironmentOf(permission: {
  name: string;
}): string | undefined {
  return permission.name.startsWith(DEVOPS_DEPLOY_ENVIRONMENT_PERMISSION_PREFIX)
    ? permission.name.slice(
        DEVOPS_DEPLOY_ENVIRONMENT_PERMISSION_PREFIX.length,
      ) || undefined
    : undefined;
}

/** Every permission the DevOps plugins declare. @public */
export const devopsPermissions = [
  devopsReportCreatePermission,
  devopsReadPermission,
  devopsPerformanceTargetsUpdatePermission,
  devopsLoadTestCreatePermission,
  devopsSecurityFindingUpdatePermission,
  devopsSecurityThreatUpdatePermission,
  devopsDeployCreatePermission,
  devopsDeployPromotePermission,
  devopsDeployAbortPermission,
  devopsDeployRollbackPermission,
  devopsDeployGateOverridePermission,
  devopsDeployRecordPermission,
  devopsEnvironmentCreatePermission,
  devopsEnvironmentDeletePermission,
];
