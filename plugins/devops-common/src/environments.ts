import { z } from 'zod';
import { deployEnvironmentSchema } from './deploys';
import { reasonSchema } from './text';

/**
 * Per-entity environments (previews) and drift, in the deploys area. An entity's environments
 * are the configured ones its annotation allows (`devops.deploys.environments`) plus the ones
 * created for it through the API or the `devops:environment:create` scaffolder action. A
 * per-entity environment is based on a configured one: it uses that environment's provider,
 * provider block, strategy, analysis and gates, with its own target. One with a time to live
 * is torn down by the teardown task when it expires; a failed teardown is retried and shown.
 */

/**
 * `active`: deployable. `tearing-down`: deleted or expired; the teardown task is removing it
 * through its provider (retried with backoff until it succeeds; `teardown.lastError` says why
 * the last attempt failed). `torn-down`: gone; kept for the history.
 * @public
 */
export const ENTITY_ENVIRONMENT_STATUSES = [
  'active',
  'tearing-down',
  'torn-down',
] as const;
/** @public */
export type EntityEnvironmentStatus =
  (typeof ENTITY_ENVIRONMENT_STATUSES)[number];

/** The teardown of a per-entity environment: why, who, and how its attempts went. @public */
export interface EnvironmentTeardown {
  /** `expired`: its time to live ran out; `deleted`: someone deleted it. */
  cause: 'expired' | 'deleted';
  /** The user who deleted it, or `devops:teardown` for an expired one. */
  requestedBy: string;
  requestedAt: string;
  reason: string | null;
  attempts: number;
  lastAttemptAt: string | null;
  /** The last failed attempt's error; `null` before the first attempt and after success. */
  lastError: string | null;
  /** When the task tries again; `null` when torn down. */
  nextAttemptAt: string | null;
  finishedAt: string | null;
}

/** A per-entity environment as the API answers it. @public */
export interface EntityEnvironment {
  entityRef: string;
  name: string;
  /** The configured environment whose provider, provider block, strategy and gates it uses. */
  basedOn: string;
  provider: string;
  /** The provider's target in the environment (a service, deployment or application name). */
  target: string;
  createdBy: string;
  createdAt: string;
  /** When the teardown task removes it; `null`: kept until deleted. */
  expiresAt: string | null;
  status: EntityEnvironmentStatus;
  teardown: EnvironmentTeardown | null;
}

const TIME_TO_LIVE_UNITS_MS: Record<string, number> = {
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

/**
 * A time to live such as `90m`, `12h`, `3d` or `2w` in milliseconds; throws a message naming
 * the accepted forms. The backend bounds it by `devops.deploys.previews.maxTimeToLive`.
 * @public
 */
export function parseTimeToLiveMs(text: string): number {
  const match = /^([1-9][0-9]{0,4})\s*([mhdw])$/.exec(text.trim());
  if (!match) {
    throw new Error(
      `'${text}' is not a time to live: write a whole number and a unit, m (minutes), h (hours), d (days) or w (weeks), such as 12h or 3d`,
    );
  }
  return Number(match[1]) * TIME_TO_LIVE_UNITS_MS[match[2]];
}

/** A time to live (`90m`, `12h`, `3d`, `2w`). @public */
export const timeToLiveSchema = z.string().superRefine((value, ctx) => {
  try {
    parseTimeToLiveMs(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
  }
});

/**
 * A provider target name: 1-253 letters, digits, dots, dashes, underscores, colons, slashes
 * or @, starting with a letter or digit (the rule of `devops-growth.io/deploy-target`).
 * @public
 */
export const deployTargetNameSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,252}$/,
    'target must be 1-253 letters, digits, dots, dashes, underscores, colons, slashes or @, starting with a letter or digit',
  );

/**
 * Body of `POST .../environments` (create) and `POST .../environments/dry-run` (checked,
 * nothing stored). `basedOn` defaults to `devops.deploys.previews.basedOn` (the first
 * environment of the promotion chain unless configured) and must be one the config lets
 * per-entity environments use; `target` defaults to `<entity's target in basedOn>-<name>`.
 * Creating the same environment again with the same values answers it (200); with other
 * values, 409.
 * @public
 */
export const createEnvironmentRequestSchema = z.object({
  name: deployEnvironmentSchema,
  basedOn: deployEnvironmentSchema.optional(),
  target: deployTargetNameSchema.optional(),
  timeToLive: timeToLiveSchema.optional(),
});
/** @public */
export type CreateEnvironmentRequest = z.infer<
  typeof createEnvironmentRequestSchema
>;

/** Body of `DELETE .../environments/:environment` (optional). @public */
export const deleteEnvironmentRequestSchema = z.object({
  reason: reasonSchema.optional(),
});

/**
 * What the drift sweep found in an environment: the last successful deploy left `expected`
 * running, the provider reports `actual`. Open until the two agree again.
 * @public
 */
export interface DeployDrift {
  entityRef: string;
  environment: string;
  expected: { version: string; deployId: string; at: string };
  /** What the provider's status reported; `version: null` means it reports nothing running. */
  actual: {
    version: string | null;
    healthy: boolean;
    message: string | null;
  };
  detectedAt: string;
  lastCheckedAt: string;
  /** Set when the provider reported the expected version again. */
  resolvedAt: string | null;
}
