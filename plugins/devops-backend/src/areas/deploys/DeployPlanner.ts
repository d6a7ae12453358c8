import { LoggerService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { InputError, ServiceUnavailableError } from '@backstage/errors';
import {
  DeployDryRun,
  DeployGateOverride,
  DeployKind,
  DeployRequest,
  DeployStrategy,
  PromoteRequest,
  RollbackRequest,
} from '@devops-growth/backstage-plugin-devops-common';
import {
  DeployProvider,
  DeployTarget,
} from '@devops-growth/backstage-plugin-devops-node';
import {
  checkStrategySupported,
  deployTarget,
  resolveStrategy,
} from './deployPlan';
import { DeployHistory } from './DeployHistory';
import { readEnvironmentCommandBlock } from './environmentChecks';
import {
  checkDeployable,
  ofCurrentEnvironment,
} from './environments/EnvironmentDirectory';
import {
  DeployEnvironments,
  DeployEnvironmentSettings,
  DeployGates,
  DeployProviderLookup,
  DeployRecord,
  DeploySettings,
  DeployStore,
  gatesAllow,
} from './types';

/** What a start, promotion or rollback asks for, once its request is read. */
export interface DeployPlanRequest {
  kind: Exclude<DeployKind, 'pushed'>;
  environment: string;
  version: string;
  commitSha?: string | null;
  commitAt?: string | null;
  strategy?: DeployStrategy;
  overrides?: DeployGateOverride[];
  idempotencyKey?: string;
  reason?: string | null;
  rollbackOf?: string | null;
}

/** The action of `POST .../deploys/dry-run`. */
export type DryRunRequest =
  | ({ action: 'deploy' } & DeployRequest)
  | ({ action: 'promote' } & PromoteRequest)
  | ({ action: 'rollback' } & Omit<RollbackRequest, 'reason'> & {
        reason?: string;
      });

/** How long a provider may take to list versions for a request. */
const LIST_VERSIONS_TIMEOUT_MS = 15_000;

/**
 * Decides everything about a deploy before it is stored: the environment, strategy and steps,
 * provider and target, the version (checked against the provider's list), what runs now, the
 * gates; and the version a promotion or a rollback deploys. Reads only.
 */
export class DeployPlanner {
  constructor(
    private readonly deps: {
      settings: DeploySettings;
      config: Config;
      store: DeployStore;
      environments: DeployEnvironments;
      providers: DeployProviderLookup;
      gates: DeployGates;
      logger: LoggerService;
    },
    private readonly history: DeployHistory,
    private readonly clock: () => Date,
  ) {}

  /**
   * The environment's settings for the entity, configured or per-entity (400 listing the known
   * ones). A per-entity environment being torn down is still answered (its history stays
   * readable); {@link DeployPlanner.plan} refuses deploys to it.
   */
  environment(
    entity: Entity,
    name: string,
  ): Promise<DeployEnvironmentSettings> {
    return this.deps.environments.resolve(entity, name);
  }

  provider(environment: DeployEnvironmentSettings): DeployProvider {
    const provider = this.deps.providers.get(environment.provider);
    if (!provider) {
      throw new Error(
        `No deploy provider '${
          environment.provider
        }' is installed for environment ${environment.name} (installed: ${
          this.deps.providers.ids().join(', ') || 'none'
        })`,
      );
    }
    // A `command:` block changed since start-up (a config reload) is a 400 naming its key; a
    // per-entity environment uses its base's block.
    const base = environment.entityEnvironment?.basedOn;
    readEnvironmentCommandBlock(
      this.deps.config,
      base ? { ...environment, name: base } : environment,
    );
    return provider;
  }

  /** The versions the provider lists for the target, `undefined` when it cannot tell. */
  async listVersions(
    provider: DeployProvider,
    target: DeployTarget,
  ): Promise<string[] | undefined> {
    if (!provider.listVersions) return undefined;
    const logger = this.deps.logger.child({
      deployProvider: provider.id,
      environment: target.environment,
    });
    try {
      return await provider.listVersions(target, {
        signal: AbortSignal.timeout(LIST_VERSIONS_TIMEOUT_MS),
        timeoutMs: LIST_VERSIONS_TIMEOUT_MS,
        log: line => logger.debug(line),
        logger,
      });
    } catch (error) {
      throw new ServiceUnavailableError(
        `The ${provider.id} provider could not list the versions of ${
          target.name
        } in ${target.environment}: ${(error as Error).message}`,
      );
    }
  }

  /** Everything a start decides before storing: the dry run's answer, plus the target. */
  async plan(
    entity: Entity,
    request: DeployPlanRequest,
    actor: string,
  ): Promise<DeployDryRun & { target: string }> {
    const entityRef = stringifyEntityRef(entity);
    const environment = await this.environment(entity, request.environment);
    // 409 for a per-entity environment being torn down.
    checkDeployable(environment);
    const { strategy, steps } = resolveStrategy(
      entity,
      environment,
      request.strategy,
    );
    const provider = this.provider(environment);
    const target = deployTarget(this.deps.config, entity, environment);
    checkStrategySupported(provider, target, strategy);
    const available = await this.listVersions(provider, target);
    if (available && !available.includes(request.version)) {
      throw new InputError(
        `Unknown version '${request.version}': the ${
          provider.id
        } provider does not list it for ${target.name} in ${
          environment.name
        } (newest: ${available.slice(0, 5).join(', ') || 'none'})`,
      );
    }
    const [lastSucceeded, active] = await Promise.all([
      this.deps.store.lastSucceeded(entityRef),
      this.deps.store.active(entityRef),
    ]);
    const last = lastSucceeded.get(environment.name);
    const running =
      last && ofCurrentEnvironment(environment, last) ? last : undefined;
    const now = this.clock();
    const gates = await this.deps.gates.evaluate({
      entity,
      entityRef,
      environment,
      kind: request.kind,
      version: request.version,
      commitSha: request.commitSha ?? null,
      overrides: request.overrides ?? [],
      actor,
      now,
    });
    return {
      entityRef,
      environment: environment.name,
      kind: request.kind,
      version: request.version,
      previousVersion: running?.version ?? null,
      strategy,
      steps,
      provider: provider.id,
      gates,
      allowed: gatesAllow(gates),
      activeDeployId:
        active.find(d => d.environment === environment.name)?.id ?? null,
      target: target.name,
    };
  }

  /** The version a promotion deploys and its commit: what the previous environment runs. */
  async promotion(
    entity: Entity,
    request: PromoteRequest,
  ): Promise<DeployPlanRequest> {
    const entityRef = stringifyEntityRef(entity);
    const environment = await this.environment(entity, request.environment);
    const previous = this.history.previousInChain(entity, environment.name);
    if (!previous) {
      throw new InputError(
        `${
          environment.name
        } has no previous environment in the promotion chain of ${entityRef} (${this.history
          .chain(entity)
          .join(' -> ')}): deploy a version instead`,
      );
    }
    let source: DeployRecord | undefined;
    if (request.version) {
      const succeeded = await this.deps.store.succeededVersions(
        entityRef,
        previous,
        1000,
      );
      const match = succeeded.find(s => s.version === request.version);
      if (!match) {
        throw new InputError(
          `Version '${request.version}' has not succeeded in ${previous}, so it cannot be promoted to ${environment.name}`,
        );
      }
      source = await this.deps.store.get(match.deployId);
    } else {
      source = (await this.deps.store.lastSucceeded(entityRef)).get(previous);
      if (!source) {
        throw new InputError(
          `${previous} has not run a version of ${entityRef} successfully yet: nothing to promote to ${environment.name}`,
        );
      }
    }
    return {
      ...request,
      kind: 'promote',
      version: request.version ?? source!.version,
      commitSha: request.commitSha ?? source?.commitSha ?? null,
      commitAt: request.commitAt ?? source?.commitAt ?? null,
    };
  }

  /** The version a rollback goes back to, the deploy it rolls back, and its commit. */
  async rollbackPlan(
    entity: Entity,
    request: Omit<RollbackRequest, 'reason'> & { reason?: string },
  ): Promise<DeployPlanRequest> {
    const environment = await this.environment(entity, request.environment);
    const { version, running, deployId } = await this.history.rollbackTarget(
      entity,
      environment,
      request.version,
    );
    const source = await this.deps.store.get(deployId);
    return {
      ...request,
      kind: 'rollback',
      version,
      commitSha: source?.commitSha ?? null,
      commitAt: source?.commitAt ?? null,
      reason: request.reason ?? null,
      rollbackOf: running?.id ?? null,
    };
  }
}
