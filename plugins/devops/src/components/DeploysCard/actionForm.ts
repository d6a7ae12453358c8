/*
 * The action dialog's form: what it asks the backend in the dry run, whether the user may confirm
 * (failed gates need an override with a reason, and the override permission), and the request the
 * confirmation sends.
 */
import {
  DeployDryRun,
  DeployGateId,
  DeployRequest,
  deployVersionSchema,
  devopsDeployGateOverridePermission,
  PromoteRequest,
  RollbackRequest,
} from '@devops-growth/backstage-plugin-devops-common';
import { DeployDryRunRequest } from '../../api';
import { DeployAction } from './model';

/** The actions the gates are checked for (Abort and Delete have none). */
export type GateAction = Exclude<DeployAction, 'abort' | 'delete'>;

export const ACTION_LABELS: Record<DeployAction, string> = {
  deploy: 'Deploy',
  promote: 'Promote',
  rollback: 'Roll back',
  abort: 'Abort',
  delete: 'Delete',
};

export interface ActionForm {
  version: string;
  reason: string;
  /** A reason per failed gate the user overrides. */
  overrides: Partial<Record<DeployGateId, string>>;
}

export type ActionFormErrors = Partial<
  Record<'version' | 'reason' | DeployGateId, string>
>;

/** The version field's problem, if any (a deploy needs one; a rollback may leave it empty). */
export function versionError(action: GateAction, version: string) {
  const trimmed = version.trim();
  if (!trimmed) {
    return action === 'deploy' ? 'Enter the version to deploy' : undefined;
  }
  const parsed = deployVersionSchema.safeParse(trimmed);
  return parsed.success ? undefined : parsed.error.issues[0].message;
}

/** The dry run's body for the form as it stands, or `undefined` while the version is invalid. */
export function toDryRunRequest(
  action: GateAction,
  environment: string,
  form: ActionForm,
): DeployDryRunRequest | undefined {
  if (versionError(action, form.version)) return undefined;
  const version = form.version.trim() || undefined;
  if (action === 'deploy') {
    return { action, environment, version: version! };
  }
  return { action, environment, ...(version ? { version } : {}) };
}

export const OVERRIDE_DENIED = `Failed gates block this. Overriding a gate needs the permission ${devopsDeployGateOverridePermission.name}.`;

export type ConfirmResult =
  | {
      ok: true;
      request: DeployRequest | PromoteRequest | RollbackRequest;
    }
  | { ok: false; errors: ActionFormErrors; blocked?: string };

/**
 * Whether the user may confirm after the dry run, and the request to send: every failed gate
 * needs an override with a reason (and the override permission); a rollback needs a reason.
 */
export function toConfirmRequest(options: {
  action: GateAction;
  environment: string;
  form: ActionForm;
  dryRun: DeployDryRun;
  canOverride: boolean;
  idempotencyKey: string;
}): ConfirmResult {
  const { action, environment, form, dryRun, canOverride, idempotencyKey } =
    options;
  const errors: ActionFormErrors = {};
  const version = versionError(action, form.version);
  if (version) errors.version = version;
  const reason = form.reason.trim();
  if (action === 'rollback' && !reason) {
    errors.reason = 'Say why you roll back; it is kept with the deploy';
  }
  const failed = dryRun.gates.filter(g => g.status === 'failed');
  if (failed.length > 0 && !canOverride) {
    return { ok: false, errors, blocked: OVERRIDE_DENIED };
  }
  const overrides = failed.map(g => ({
    gate: g.gate,
    reason: (form.overrides[g.gate] ?? '').trim(),
  }));
  for (const o of overrides) {
    if (!o.reason) {
      errors[o.gate] = 'A reason is required to override this gate';
    }
  }
  if (Object.keys(errors).length > 0) {
    return { ok: false, errors };
  }
  const common = {
    environment,
    ...(overrides.length > 0 ? { overrides } : {}),
    idempotencyKey,
  };
  const chosen = form.version.trim() || undefined;
  if (action === 'deploy') {
    return { ok: true, request: { ...common, version: chosen! } };
  }
  if (action === 'promote') {
    return {
      ok: true,
      request: { ...common, ...(chosen ? { version: chosen } : {}) },
    };
  }
  return {
    ok: true,
    request: { ...common, ...(chosen ? { version: chosen } : {}), reason },
  };
}
