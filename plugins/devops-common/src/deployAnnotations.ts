import { Entity } from '@backstage/catalog-model';
import { DEVOPS_DEFAULT_ENVIRONMENT } from './annotations';
import {
  DEPLOY_STRATEGIES,
  DeployStrategy,
  deployEnvironmentSchema,
} from './deploys';

/**
 * The environments the entity deploys to, a comma separated subset of the configured ones
 * (`devops.deploys.environments`), for example `staging,production`. Without it: every
 * configured environment.
 * @public
 */
export const DEVOPS_DEPLOY_ENVIRONMENTS_ANNOTATION =
  'devops-growth.io/deploy-environments';

/**
 * The strategy of the entity's deploys: one strategy for every environment (`canary`) or
 * `environment=strategy` pairs (`staging=rolling,production=canary`). Overrides the
 * environment's configured strategy.
 * @public
 */
export const DEVOPS_DEPLOY_STRATEGY_ANNOTATION =
  'devops-growth.io/deploy-strategy';

/**
 * The canary traffic weights, in per cent, ascending and ending at 100: `10,25,50,100` for every
 * environment, or `environment=10/50/100` pairs.
 * @public
 */
export const DEVOPS_CANARY_STEPS_ANNOTATION = 'devops-growth.io/canary-steps';

/**
 * What the provider deploys for this entity: one target name for every environment or
 * `environment=target` pairs (a Kubernetes deployment, an Argo CD application, a service name the
 * `command` provider's scripts receive as `DEVOPS_TARGET`). Defaults to the entity's name.
 * @public
 */
export const DEVOPS_DEPLOY_TARGET_ANNOTATION = 'devops-growth.io/deploy-target';

/**
 * Reads an annotation holding one value for every environment or `environment=value` pairs
 * separated by commas (values may not contain commas). Throws an `Error` naming the problem.
 * The value for every environment is stored under {@link DEVOPS_DEFAULT_ENVIRONMENT}.
 * @public
 */
export function parseEnvironmentValues(value: string): Map<string, string> {
  const result = new Map<string, string>();
  const parts = value
    .split(',')
    .map(p => p.trim())
    .filter(Boolean);
  if (parts.length === 0) {
    throw new Error('no value given');
  }
  for (const part of parts) {
    const eq = part.indexOf('=');
    const [environment, item] =
      eq === -1
        ? [DEVOPS_DEFAULT_ENVIRONMENT, part]
        : [part.slice(0, eq).trim(), part.slice(eq + 1).trim()];
    if (!deployEnvironmentSchema.safeParse(environment).success) {
      throw new Error(`'${environment}' is not an environment name`);
    }
    if (!item) {
      throw new Error(`environment '${environment}' has no value`);
    }
    if (result.has(environment)) {
      throw new Error(`environment '${environment}' is given twice`);
    }
    result.set(environment, item);
  }
  return result;
}

/**
 * The value an `environment=value` annotation gives for the environment: its own pair, else the
 * value for every environment, else `undefined`. Throws like {@link parseEnvironmentValues}.
 * @public
 */
export function environmentValue(
  entity: Entity,
  annotation: string,
  environment: string,
): string | undefined {
  const raw = entity.metadata.annotations?.[annotation];
  if (!raw) {
    return undefined;
  }
  const values = parseEnvironmentValues(raw);
  return values.get(environment) ?? values.get(DEVOPS_DEFAULT_ENVIRONMENT);
}

/** True for a strategy name. @public */
export function isDeployStrategy(value: string): value is DeployStrategy {
  return (DEPLOY_STRATEGIES as readonly string[]).includes(value);
}

/**
 * Canary weights from `10,25,50,100` or `10/25/50/100`: integers 1-100, strictly ascending,
 * ending at 100, at most 20 steps. Throws an `Error` naming the problem.
 * @public
 */
export function parseCanarySteps(value: string): number[] {
  const parts = value
    .split(/[,/]/)
    .map(p => p.trim())
    .filter(Boolean);
  if (parts.length === 0 || parts.length > 20) {
    throw new Error('canary steps must be 1 to 20 weights');
  }
  const steps = parts.map(p => {
    const n = Number(p);
    if (!Number.isInteger(n) || n < 1 || n > 100) {
      throw new Error(`canary weight '${p}' is not an integer from 1 to 100`);
    }
    return n;
  });
  for (let i = 1; i < steps.length; i++) {
    if (steps[i] <= steps[i - 1]) {
      throw new Error('canary weights must be strictly ascending');
    }
  }
  if (steps[steps.length - 1] !== 100) {
    throw new Error('the last canary weight must be 100');
  }
  return steps;
}
