import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { ConflictError, InputError } from '@backstage/errors';
import { EntityEnvironment } from '@devops-growth/backstage-plugin-devops-common';
import { entityEnvironments, resolveEnvironment } from '../deployPlan';
import { findEnvironment } from '../settings';
import {
  DeployEnvironments,
  DeployEnvironmentSettings,
  DeploySettings,
  EnvironmentStore,
} from '../types';

/**
 * A per-entity environment's settings: its base's (provider, strategy, steps, timeouts,
 * analysis, gates) under its own name, with `entityEnvironment` set; `undefined` when the base
 * is no longer configured.
 */
export function entityEnvironmentSettings(
  settings: DeploySettings,
  environment: EntityEnvironment,
): DeployEnvironmentSettings | undefined {
  const base = findEnvironment(settings, environment.basedOn);
  if (!base) return undefined;
  return { ...base, name: environment.name, entityEnvironment: environment };
}

/**
 * Whether a deploy belongs to the environment as it is now: for a per-entity environment, one
 * made since it was created (a name used again after a teardown starts with no history; the
 * earlier environment's deploys stay in the history list).
 */
export function ofCurrentEnvironment(
  environment: DeployEnvironmentSettings,
  deploy: { createdAt: string },
): boolean {
  const own = environment.entityEnvironment;
  return !own || Date.parse(deploy.createdAt) >= Date.parse(own.createdAt);
}

/**
 * A 409 for a deploy to a per-entity environment that is being torn down (deleted or expired):
 * it stays known, so its history and the card still show it, but nothing more goes into it.
 */
export function checkDeployable(environment: DeployEnvironmentSettings): void {
  const own = environment.entityEnvironment;
  if (!own || own.status === 'active') return;
  let why = 'it was deleted';
  if (own.teardown?.cause === 'expired') {
    why = `its time to live ran out at ${own.expiresAt}`;
  } else if (own.teardown) {
    why = `${own.teardown.requestedBy} deleted it at ${own.teardown.requestedAt}`;
  }
  throw new ConflictError(
    `Environment ${own.name} of ${own.entityRef} is ${
      own.status === 'torn-down' ? 'torn down' : 'being torn down'
    } (${why}): deploys to it are refused; create it again once it is torn down`,
  );
}

/**
 * {@link DeployEnvironments} over the config and the environment store: an entity's
 * configured environments (those its `devops-growth.io/deploy-environments` annotation allows,
 * in config order), then its per-entity environments that are not torn down (oldest first).
 * A configured name always wins over a stored one.
 */
export class EnvironmentDirectory implements DeployEnvironments {
  constructor(
    private readonly deps: {
      settings: DeploySettings;
      store: Pick<EnvironmentStore, 'get' | 'list'>;
    },
  ) {}

  async forEntity(entity: Entity): Promise<DeployEnvironmentSettings[]> {
    const { settings, store } = this.deps;
    const configured = entityEnvironments(entity, settings);
    const configuredNames = new Set(settings.environments.map(e => e.name));
    const own = await store.list(stringifyEntityRef(entity));
    return [
      ...configured,
      ...own
        .filter(e => !configuredNames.has(e.name))
        .map(e => entityEnvironmentSettings(settings, e))
        .filter((e): e is DeployEnvironmentSettings => !!e),
    ];
  }

  async resolve(
    entity: Entity,
    name: string,
  ): Promise<DeployEnvironmentSettings> {
    const { settings, store } = this.deps;
    if (findEnvironment(settings, name)) {
      // The configured environment, or the 400 saying the annotation leaves it out.
      return resolveEnvironment(entity, settings, name);
    }
    const entityRef = stringifyEntityRef(entity);
    const own = await store.get(entityRef, name);
    if (own && own.status !== 'torn-down') {
      const resolved = entityEnvironmentSettings(settings, own);
      if (resolved) return resolved;
      throw new InputError(
        `Environment ${name} of ${entityRef} is based on ${own.basedOn}, which is no longer configured in devops.deploys.environments: delete it`,
      );
    }
    const known = (await this.forEntity(entity)).map(e => e.name);
    const why = own
      ? `the per-entity environment ${name} of ${entityRef} was torn down at ${own.teardown?.finishedAt}`
      : `it is not configured in devops.deploys.environments nor a per-entity environment of ${entityRef}`;
    throw new InputError(
      `Unknown environment '${name}': ${why}; known environments: ${
        known.join(', ') || 'none'
      }`,
    );
  }

  async find(
    entityRef: string,
    name: string,
  ): Promise<DeployEnvironmentSettings | undefined> {
    const { settings, store } = this.deps;
    const configured = findEnvironment(settings, name);
    if (configured) return configured;
    const own = await store.get(entityRef, name);
    if (!own || own.status === 'torn-down') return undefined;
    return entityEnvironmentSettings(settings, own);
  }
}
