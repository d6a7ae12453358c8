import { usePermission } from '@backstage/plugin-permission-react';
import { useMemo } from 'react';
import {
  devopsDeployAbortPermission,
  devopsDeployCreatePermission,
  devopsDeployEnvironmentPermission,
  devopsDeployGateOverridePermission,
  devopsDeployPromotePermission,
  devopsDeployRollbackPermission,
  devopsEnvironmentDeletePermission,
} from '@devops-growth/backstage-plugin-devops-common';
import { DeployAction } from './model';

/** Whether the user may take an action, and if not, the sentence saying why. */
export interface DeployPermission {
  allowed: boolean;
  /** Still asking the permission backend. */
  loading: boolean;
  denied: string;
}

const ACTION_WORDS: Record<DeployAction, string> = {
  deploy: 'deploy this entity',
  promote: 'promote versions of this entity',
  abort: "abort this entity's deploys",
  rollback: 'roll this entity back',
  delete: "delete this entity's environments",
};

export const ACTION_PERMISSIONS = {
  deploy: devopsDeployCreatePermission,
  promote: devopsDeployPromotePermission,
  abort: devopsDeployAbortPermission,
  rollback: devopsDeployRollbackPermission,
  delete: devopsEnvironmentDeletePermission,
} as const;

/** The user's permission to do `words` on the entity, as a {@link DeployPermission}. */
function useEntityPermission(
  permission:
    | (typeof ACTION_PERMISSIONS)[DeployAction]
    | typeof devopsDeployGateOverridePermission,
  entityRef: string,
  words: string,
): DeployPermission {
  const result = usePermission({ permission, resourceRef: entityRef });
  return {
    allowed: !result.loading && result.allowed,
    loading: result.loading,
    denied: `You may not ${words} (permission ${permission.name}).`,
  };
}

/**
 * The user's deploy permissions on the entity (resource permissions: a policy may allow them per
 * entity, for example to the owning team only).
 */
export function useDeployPermissions(entityRef: string): {
  actions: Record<DeployAction, DeployPermission>;
  override: DeployPermission;
} {
  const use = (action: DeployAction) =>
    useEntityPermission(
      ACTION_PERMISSIONS[action],
      entityRef,
      ACTION_WORDS[action],
    );
  // the same hooks in the same order on every render
  const actions = {
    deploy: use('deploy'),
    promote: use('promote'),
    abort: use('abort'),
    rollback: use('rollback'),
    delete: use('delete'),
  };
  const override = useEntityPermission(
    devopsDeployGateOverridePermission,
    entityRef,
    'override failed gates',
  );
  return { actions, override };
}

/**
 * The user's permission to act in one environment (`devops.deploy.environment.<name>`, asked by
 * the backend besides the action's own): `environment` is the configured one, a per-entity
 * environment's base; `preview` names the per-entity environment (deleting it needs the base's
 * permission too).
 */
export function useEnvironmentPermission(
  entityRef: string,
  environment: string,
  preview?: string,
): DeployPermission {
  const permission = useMemo(
    () => devopsDeployEnvironmentPermission(environment),
    [environment],
  );
  const result = usePermission({ permission, resourceRef: entityRef });
  return {
    allowed: !result.loading && result.allowed,
    loading: result.loading,
    denied: preview
      ? `You may not deploy to, roll back, abort in or delete ${preview}, which is based on ${environment} (permission ${permission.name}).`
      : `You may not deploy to, roll back or abort in ${environment} (permission ${permission.name}).`,
  };
}

/** An action's permission narrowed by the environment's (for a preview's Delete, its base's). */
export function withEnvironment(
  permission: DeployPermission,
  environment: DeployPermission,
): DeployPermission & { byEnvironment: boolean } {
  if (!permission.allowed) {
    return { ...permission, byEnvironment: false };
  }
  return { ...environment, byEnvironment: !environment.allowed };
}
