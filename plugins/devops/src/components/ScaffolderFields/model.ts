/*
 * The DevOps scaffolder fields' data shaping: which entity and environment the other fields of
 * the form chose, the environments and versions to offer, and the gates' outcome as the field's
 * value. Pure functions, tested in model.test.ts; the field components only lay out what these
 * return.
 */
import { CompoundEntityRef, parseEntityRef } from '@backstage/catalog-model';
import {
  DeployDryRun,
  DeploysSummary,
} from '@devops-growth/backstage-plugin-devops-common';
import { DeployVersions } from '../../api';
import { formatDateTime } from '../shared';

/** The form's values so far, as the scaffolder passes them in `formContext.formData`. */
export type FormValues = Record<string, unknown> | undefined;

/** The field names the DevOps fields read by default. */
export const DEFAULT_FIELDS = {
  entityField: 'entity',
  environmentField: 'environment',
  versionField: 'version',
} as const;

/** A value of another field, or of a field inside an object (`service.entity`). */
export function fieldValue(values: FormValues, field: string): unknown {
  let current: unknown = values;
  for (const key of field.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** A non-empty string value of another field, trimmed; `undefined` otherwise. */
export function stringValue(values: FormValues, field: string) {
  const value = fieldValue(values, field);
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

/**
 * The entity chosen in `field` (an entity ref such as `component:default/payments`, as the
 * EntityPicker writes it; kind and namespace default to Component and default), or why there is
 * none.
 */
export function chosenEntity(
  values: FormValues,
  field: string,
): { ref: CompoundEntityRef } | { problem: string } {
  const value = stringValue(values, field);
  if (!value) {
    return { problem: `Choose the entity (field '${field}') first.` };
  }
  try {
    return {
      ref: parseEntityRef(value, {
        defaultKind: 'component',
        defaultNamespace: 'default',
      }),
    };
  } catch (error) {
    return {
      problem: `The field '${field}' holds '${value}', which is not an entity ref: ${
        (error as Error).message
      }`,
    };
  }
}

/** An option of a select: the value it writes and the words it shows. */
export interface FieldOption {
  value: string;
  label: string;
}

/**
 * The environments a template may choose: the configured ones the entity's annotation allows,
 * then its per-entity environments that are still active (one tearing down takes no deploys);
 * with `onlyPerEntity`, the per-entity ones alone (a template deleting one).
 */
export function environmentOptions(
  summary: DeploysSummary,
  onlyPerEntity = false,
): FieldOption[] {
  return summary.environments
    .filter(e =>
      e.entityEnvironment
        ? e.entityEnvironment.status === 'active'
        : !onlyPerEntity,
    )
    .map(e => ({
      value: e.name,
      label: e.entityEnvironment
        ? `${e.name} (preview based on ${e.entityEnvironment.basedOn})`
        : e.name,
    }));
}

/** What the version picker offers: a list to choose from, or free text when the provider lists none. */
export type VersionChoice =
  | { kind: 'list'; options: FieldOption[] }
  | { kind: 'free' }
  | { kind: 'none'; problem: string };

/**
 * The versions to offer. `deploy`: the provider's available versions (free text when it cannot
 * list them). `rollback`: the versions that succeeded in the environment, newest first, labelled
 * with their date and deploy, without the one running now (rolling back to it changes nothing).
 */
export function versionChoice(
  mode: 'deploy' | 'rollback',
  versions: DeployVersions,
  running: string | null,
): VersionChoice {
  if (mode === 'deploy') {
    if (versions.available === null) return { kind: 'free' };
    if (versions.available.length === 0) {
      return {
        kind: 'none',
        problem: `The provider lists no version to deploy to ${versions.environment}.`,
      };
    }
    return {
      kind: 'list',
      options: versions.available.map(v => ({ value: v, label: v })),
    };
  }
  const targets = [...versions.succeeded]
    .sort((a, b) => Date.parse(b.at) - Date.parse(a.at))
    .filter(s => s.version !== running);
  if (targets.length === 0) {
    return {
      kind: 'none',
      problem: `${versions.environment} has no earlier successful version to roll back to.`,
    };
  }
  return {
    kind: 'list',
    options: targets.map(s => ({
      value: s.version,
      label: `${s.version} (deployed ${formatDateTime(s.at)}, deploy ${
        s.deployId
      })`,
    })),
  };
}

/** The value of the gates field: whether the action may run, and what the gates were checked for. */
export interface DeployGatesValue {
  allowed: boolean;
  environment: string;
  /** `null` for a rollback or promotion that lets the backend choose. */
  version: string | null;
  /** The gates that failed (they block the action unless overridden). */
  failed: string[];
  /** A deploy in flight in the environment: starting now would answer 409. */
  activeDeployId: string | null;
}

export function toGatesValue(dryRun: DeployDryRun): DeployGatesValue {
  return {
    allowed: dryRun.allowed && dryRun.activeDeployId === null,
    environment: dryRun.environment,
    version: dryRun.version || null,
    failed: dryRun.gates.filter(g => g.status === 'failed').map(g => g.gate),
    activeDeployId: dryRun.activeDeployId,
  };
}

/** The actions the gates field previews. */
export type GatesAction = 'deploy' | 'promote' | 'rollback';

const ACTION_WORDS: Record<GatesAction, { noun: string; verb: string }> = {
  deploy: { noun: 'deploy', verb: 'deploy' },
  promote: { noun: 'promotion', verb: 'promote' },
  rollback: { noun: 'rollback', verb: 'roll back' },
};

/** Why the action is blocked, in a sentence; `null` when it may run. */
export function blockedText(
  value: DeployGatesValue,
  action: GatesAction,
  options: { allowBlocked?: boolean } = {},
): string | null {
  const words = ACTION_WORDS[action];
  if (value.activeDeployId) {
    return `Deploy ${value.activeDeployId} is in flight in ${value.environment}: wait for it to finish before you ${words.verb}.`;
  }
  if (!value.allowed && options.allowBlocked) {
    // The template offers overrides after this field: say so, not "on the Deploys card".
    return `Failed gates block this ${words.noun} in ${
      value.environment
    } unless overridden: ${value.failed.join(
      ', ',
    )}. Fix them, or override each one with a reason in the overrides below (needs the permission devops.deploy.gate.override).`;
  }
  if (!value.allowed) {
    return `Failed gates block this ${words.noun} in ${
      value.environment
    }: ${value.failed.join(
      ', ',
    )}. Fix them, or have someone with the permission devops.deploy.gate.override override them on the Deploys card.`;
  }
  return null;
}

/** What the gates allow, in a sentence: "The gates allow this deploy of 1.5.0 to production." */
export function allowedText(
  value: DeployGatesValue,
  action: GatesAction,
): string {
  const version = value.version ?? 'the version the backend chooses';
  if (action === 'rollback') {
    return `The gates allow this rollback of ${value.environment} to ${
      value.version ?? 'its previous good version'
    }.`;
  }
  return `The gates allow this ${ACTION_WORDS[action].noun} of ${version} to ${value.environment}.`;
}
