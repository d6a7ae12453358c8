import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { Config, ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  DEPLOY_STRATEGIES,
  DEVOPS_CANARY_STEPS_ANNOTATION,
  DEVOPS_DEPLOY_ENVIRONMENTS_ANNOTATION,
  DEVOPS_DEPLOY_STRATEGY_ANNOTATION,
  DEVOPS_DEPLOY_TARGET_ANNOTATION,
  DeployStrategy,
  environmentValue,
  isDeployStrategy,
  parseCanarySteps,
} from '@devops-growth/backstage-plugin-devops-common';
import {
  DeployProvider,
  DeployTarget,
} from '@devops-growth/backstage-plugin-devops-node';
import { entityPromotionChain } from './gates/promotionChain';
import { DeployEnvironmentSettings, DeploySettings } from './types';

/**
 * Where a deploy of an entity goes and how: the environment (configured, and one the entity's
 * annotation allows), the strategy and canary steps (config, then the entity's annotations,
 * then the request), the provider's target. Pure, apart from reading the config block.
 */

/** The environments the entity deploys to (its annotation narrows the configured ones), in config order. */
export function entityEnvironments(
  entity: Entity,
  settings: DeploySettings,
): DeployEnvironmentSettings[] {
  const own = new Set(
    entityPromotionChain(
      settings.environments.map(e => e.name),
      entity,
    ),
  );
  return settings.environments.filter(e => own.has(e.name));
}

/** The environment, or a 400 listing the entity's environments. */
export function resolveEnvironment(
  entity: Entity,
  settings: DeploySettings,
  name: string,
): DeployEnvironmentSettings {
  const known = entityEnvironments(entity, settings);
  const found = known.find(e => e.name === name);
  if (found) return found;
  const configured = settings.environments.some(e => e.name === name);
  const why = configured
    ? `it is not in the annotation ${DEVOPS_DEPLOY_ENVIRONMENTS_ANNOTATION} of ${stringifyEntityRef(
        entity,
      )}`
    : 'it is not configured in devops.deploys.environments';
  throw new InputError(
    `Unknown environment '${name}': ${why}; known environments: ${
      known.map(e => e.name).join(', ') || 'none'
    }`,
  );
}

/** An annotation's value for the environment; a bad annotation is a 400 naming it. */
function annotationValue(
  entity: Entity,
  annotation: string,
  environment: string,
): string | undefined {
  try {
    return environmentValue(entity, annotation, environment);
  } catch (error) {
    throw invalidAnnotation(entity, annotation, (error as Error).message);
  }
}

/**
 * An annotation's value for a deploy environment: its own name's, else, for a per-entity
 * environment, its base's (a preview based on staging follows `staging=canary`).
 */
function environmentAnnotation(
  entity: Entity,
  annotation: string,
  environment: DeployEnvironmentSettings,
): string | undefined {
  const own = annotationValue(entity, annotation, environment.name);
  const base = environment.entityEnvironment?.basedOn;
  return own ?? (base ? annotationValue(entity, annotation, base) : undefined);
}

function invalidAnnotation(
  entity: Entity,
  annotation: string,
  problem: string,
): InputError {
  return new InputError(
    `Invalid annotation ${annotation} on ${stringifyEntityRef(
      entity,
    )}: ${problem}`,
  );
}

/**
 * The strategy and canary steps: the request's strategy, else the entity's
 * `devops-growth.io/deploy-strategy`, else the environment's; the steps from
 * `devops-growth.io/canary-steps`, else the environment's (empty unless canary). A per-entity
 * environment without a value of its own takes its base's.
 */
export function resolveStrategy(
  entity: Entity,
  environment: DeployEnvironmentSettings,
  requested?: DeployStrategy,
): { strategy: DeployStrategy; steps: number[] } {
  let strategy = environment.strategy;
  const annotated = environmentAnnotation(
    entity,
    DEVOPS_DEPLOY_STRATEGY_ANNOTATION,
    environment,
  );
  if (annotated !== undefined) {
    if (!isDeployStrategy(annotated)) {
      throw invalidAnnotation(
        entity,
        DEVOPS_DEPLOY_STRATEGY_ANNOTATION,
        `'${annotated}' is not one of ${DEPLOY_STRATEGIES.join(', ')}`,
      );
    }
    strategy = annotated;
  }
  strategy = requested ?? strategy;
  if (strategy !== 'canary') return { strategy, steps: [] };
  // `10,25,50,100` (commas) holds for every environment; pairs use slashes: `production=10/50/100`.
  const rawSteps =
    entity.metadata.annotations?.[DEVOPS_CANARY_STEPS_ANNOTATION];
  const annotatedSteps =
    rawSteps && !rawSteps.includes('=')
      ? rawSteps
      : environmentAnnotation(
          entity,
          DEVOPS_CANARY_STEPS_ANNOTATION,
          environment,
        );
  if (annotatedSteps === undefined) {
    return { strategy, steps: environment.canarySteps };
  }
  try {
    return { strategy, steps: parseCanarySteps(annotatedSteps) };
  } catch (error) {
    throw invalidAnnotation(
      entity,
      DEVOPS_CANARY_STEPS_ANNOTATION,
      (error as Error).message,
    );
  }
}

const TARGET_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,252}$/;

/** The target name: `devops-growth.io/deploy-target` for the environment, else the entity's name. */
export function resolveTargetName(entity: Entity, environment: string): string {
  const name =
    annotationValue(entity, DEVOPS_DEPLOY_TARGET_ANNOTATION, environment) ??
    entity.metadata.name;
  if (!TARGET_PATTERN.test(name)) {
    throw invalidAnnotation(
      entity,
      DEVOPS_DEPLOY_TARGET_ANNOTATION,
      `'${name}' is not a target name (1-253 letters, digits, dots, dashes, underscores, colons, slashes or @, starting with a letter or digit)`,
    );
  }
  return name;
}

/**
 * The provider's block of an environment, `devops.deploys.environments[].<provider id>` (for
 * example `command:`), else `devops.deploys.defaults.<provider id>`, else an empty config.
 */
export function providerConfig(
  config: Config,
  environment: string,
  providerId: string,
): Config {
  const deploys = config.getOptionalConfig('devops.deploys');
  const own = deploys
    ?.getOptionalConfigArray('environments')
    ?.find(e => e.getOptionalString('name') === environment)
    ?.getOptionalConfig(providerId);
  return (
    own ??
    deploys?.getOptionalConfig(`defaults.${providerId}`) ??
    new ConfigReader({})
  );
}

/**
 * The target name of the entity in the environment: a per-entity environment's own target,
 * else {@link resolveTargetName}.
 */
export function environmentTargetName(
  entity: Entity,
  environment: DeployEnvironmentSettings,
): string {
  return (
    environment.entityEnvironment?.target ??
    resolveTargetName(entity, environment.name)
  );
}

/**
 * The provider's target for the entity in the environment. A per-entity environment (a
 * preview) has its own target name and its base's provider block, and names its base.
 */
export function deployTarget(
  config: Config,
  entity: Entity,
  environment: DeployEnvironmentSettings,
): DeployTarget {
  const own = environment.entityEnvironment;
  if (own) {
    return {
      environment: environment.name,
      name: own.target,
      config: providerConfig(config, own.basedOn, environment.provider),
      basedOn: own.basedOn,
    };
  }
  return {
    environment: environment.name,
    name: resolveTargetName(entity, environment.name),
    config: providerConfig(config, environment.name, environment.provider),
  };
}

/** A 400 when the provider does not implement the strategy for this target. */
export function checkStrategySupported(
  provider: DeployProvider,
  target: DeployTarget,
  strategy: DeployStrategy,
): void {
  const { strategies } = provider.capabilities?.(target) ?? provider;
  if (!strategies.includes(strategy)) {
    throw new InputError(
      `Strategy ${strategy} is not supported by the ${
        provider.id
      } provider in ${target.environment} (supported: ${
        strategies.join(', ') || 'none'
      })`,
    );
  }
}
