import { LoggerService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  Deploy,
  DeployDetail,
  DeployDryRun,
  DeployIncident,
  DeployMarker,
  DeploysSummary,
  IncidentReport,
  isActiveDeployStatus,
  PromoteRequest,
  PushedDeploy,
  RollbackRequest,
} from '@devops-growth/backstage-plugin-devops-common';
import {
  deployTarget,
  environmentTargetName,
  resolveStrategy,
} from './deployPlan';
import { DeployHistory } from './DeployHistory';
import {
  checkDeployable,
  ofCurrentEnvironment,
} from './environments/EnvironmentDirectory';
import {
  DeployPlanner,
  DeployPlanRequest,
  DryRunRequest,
} from './DeployPlanner';
import {
  ComputeDora,
  DeployEngine,
  DeployEnvironments,
  DeployEnvironmentSettings,
  DeployGates,
  DeployListener,
  DeployProviderLookup,
  DeployRecord,
  DeploySettings,
  DeployStore,
  DriftStore,
} from './types';
import { toDeploy } from './toDeploy';

export type { DeployPlanRequest, DryRunRequest } from './DeployPlanner';

/** A start's answer: the deploy, and whether this request created it (201) or an earlier one did (200). */
export interface StartedDeploy {
  deploy: Deploy;
  created: boolean;
}

export interface DeploysServiceDeps {
  settings: DeploySettings;
  /** The root config: the provider blocks of the environments. */
  config: Config;
  store: DeployStore;
  /** The entity's environments: configured and per-entity (previews). */
  environments: DeployEnvironments;
  /** The drift sweep's findings, shown in the summary; none without it. */
  drift?: Pick<DriftStore, 'open'>;
  providers: DeployProviderLookup;
  gates: DeployGates;
  engine: Pick<DeployEngine, 'wake'>;
  computeDora: ComputeDora;
  /** Told of every change (the signals publisher). */
  notify: DeployListener;
  logger: LoggerService;
  clock?: () => Date;
}

/**
 * The deploys area's domain logic, called by the routes and the scaffolder actions: plans a
 * deploy (environment, strategy, provider, target, version, gates), starts, promotes, rolls
 * back and aborts deploys through the store and the engine, records pushed deploys and
 * incidents, and reads history, versions, markers and the card's summary. Permission checks
 * stay with the caller (the routes): gate overrides given here are taken as allowed.
 */
export class DeploysService {
  private readonly clock: () => Date;
  private readonly history: DeployHistory;
  private readonly planner: DeployPlanner;

  constructor(private readonly deps: DeploysServiceDeps) {
    this.clock = deps.clock ?? (() => new Date());
    this.history = new DeployHistory({
      ...deps,
      clock: this.clock,
      strategyOf: (entity, env) => resolveStrategy(entity, env),
    });
    this.planner = new DeployPlanner(deps, this.history, this.clock);
  }

  /** The environment's settings for the entity, configured or per-entity (400 listing the known ones). */
  environment(
    entity: Entity,
    name: string,
  ): Promise<DeployEnvironmentSettings> {
    return this.planner.environment(entity, name);
  }

  /**
   * The environment whose permission (`devops.deploy.environment.<name>`) guards an action in
   * `name`: a per-entity environment's base; a configured one, or a name not known (the action
   * answers that), itself.
   */
  async permissionEnvironment(entity: Entity, name: string): Promise<string> {
    const settings = await this.deps.environments.find(
      stringifyEntityRef(entity),
      name,
    );
    return settings?.entityEnvironment?.basedOn ?? name;
  }

  /** `POST .../dry-run`: what a start would decide, nothing stored. */
  async dryRun(
    entity: Entity,
    request: DryRunRequest,
    actor: string,
  ): Promise<DeployDryRun> {
    let planned: DeployPlanRequest;
    if (request.action === 'promote') {
      planned = await this.planner.promotion(entity, request);
    } else if (request.action === 'rollback') {
      planned = await this.planner.rollbackPlan(entity, request);
    } else {
      planned = { ...request, kind: 'deploy' };
    }
    const { target: _target, ...dryRun } = await this.planner.plan(
      entity,
      planned,
      actor,
    );
    return dryRun;
  }

  /**
   * The deploy an earlier request with this idempotency key created for the entity (200), read
   * before anything is planned: a retry gets the first answer even when planning it again would
   * now fail (a finished rollback has no earlier good version left, another deploy is active).
   */
  async earlierDeploy(
    entity: Entity,
    idempotencyKey: string | undefined,
  ): Promise<StartedDeploy | undefined> {
    if (!idempotencyKey) return undefined;
    const earlier = await this.deps.store.findByIdempotencyKey(
      stringifyEntityRef(entity),
      idempotencyKey,
    );
    return earlier && { deploy: toDeploy(earlier), created: false };
  }

  /** Starts a deploy: 400 for failed gates, 409 for an active deploy, the same deploy for a used key. */
  async start(
    entity: Entity,
    request: DeployPlanRequest,
    actor: string,
  ): Promise<StartedDeploy> {
    const earlier = await this.earlierDeploy(entity, request.idempotencyKey);
    if (earlier) return earlier;
    const plan = await this.planner.plan(entity, request, actor);
    if (!plan.allowed) {
      const failed = plan.gates.filter(g => g.status === 'failed');
      throw new InputError(
        `The deploy of ${plan.version} to ${plan.environment} is blocked by ${
          failed.length
        } failed gate${failed.length === 1 ? '' : 's'}: ${failed
          .map(g => `${g.gate}: ${g.message}`)
          .join(
            '; ',
          )}. An override needs the permission devops.deploy.gate.override and a reason`,
      );
    }
    const result = await this.deps.store.create({
      entityRef: plan.entityRef,
      environment: plan.environment,
      kind: request.kind,
      version: plan.version,
      previousVersion: plan.previousVersion,
      commitSha: request.commitSha ?? null,
      commitAt: request.commitAt ? new Date(request.commitAt) : null,
      strategy: plan.strategy,
      steps: plan.steps,
      provider: plan.provider,
      target: plan.target,
      createdBy: actor,
      reason: request.reason ?? null,
      rollbackOf: request.rollbackOf ?? null,
      gates: plan.gates,
      idempotencyKey: request.idempotencyKey ?? null,
      status: 'queued',
      createdAt: this.clock(),
    });
    if (!result.created && result.reason === 'active') {
      const a = result.deploy;
      throw new ConflictError(
        `Deploy ${a.id} of ${a.version} is already ${a.status} in ${a.environment}`,
      );
    }
    const deploy = toDeploy(result.deploy);
    if (result.created) {
      this.deps.notify(deploy);
      this.deps.engine.wake();
    }
    return { deploy, created: result.created };
  }

  /** `POST .../promote`: the version the previous environment of the chain runs. */
  async promote(entity: Entity, request: PromoteRequest, actor: string) {
    const earlier = await this.earlierDeploy(entity, request.idempotencyKey);
    if (earlier) return earlier;
    return this.start(
      entity,
      await this.planner.promotion(entity, request),
      actor,
    );
  }

  /** `POST .../rollback`: a version that succeeded in the environment, default the previous good one. */
  async rollback(entity: Entity, request: RollbackRequest, actor: string) {
    const earlier = await this.earlierDeploy(entity, request.idempotencyKey);
    if (earlier) return earlier;
    return this.start(
      entity,
      await this.planner.rollbackPlan(entity, request),
      actor,
    );
  }

  /** The stored deploy; 404 when unknown. */
  async get(id: string): Promise<DeployRecord> {
    const deploy = await this.deps.store.get(id);
    if (!deploy) throw new NotFoundError(`Deploy '${id}' was not found`);
    return deploy;
  }

  /** A deploy with its events. */
  async detail(deploy: DeployRecord): Promise<DeployDetail> {
    const events = await this.deps.store.events(deploy.id, { limit: 10_000 });
    return { ...toDeploy(deploy), events };
  }

  /** Asks the engine to abort a deploy in flight (it rolls back); 409 when it is final. */
  async abort(
    deploy: DeployRecord,
    actor: string,
    reason: string | null,
  ): Promise<Deploy> {
    const notInFlight = () =>
      new ConflictError(
        `Deploy ${deploy.id} of ${deploy.version} in ${deploy.environment} is already ${deploy.status}; only a deploy in flight can be aborted`,
      );
    if (!isActiveDeployStatus(deploy.status)) throw notInFlight();
    const requested = await this.deps.store.requestAbort(
      deploy.id,
      actor,
      reason,
      this.clock(),
    );
    const current = await this.get(deploy.id);
    if (!requested) {
      throw new ConflictError(
        `Deploy ${current.id} of ${current.version} in ${current.environment} is already ${current.status}; only a deploy in flight can be aborted`,
      );
    }
    this.deps.engine.wake();
    const answer = toDeploy(current);
    this.deps.notify(answer);
    return answer;
  }

  /** `POST .../pushed`: a deploy made outside the portal, stored final for history and DORA. */
  async recordPushed(
    entity: Entity,
    pushed: PushedDeploy,
    actor: string,
  ): Promise<StartedDeploy> {
    const earlier = await this.earlierDeploy(entity, pushed.idempotencyKey);
    if (earlier) return earlier;
    const entityRef = stringifyEntityRef(entity);
    const environment = await this.environment(entity, pushed.environment);
    // 409 for a per-entity environment being torn down.
    checkDeployable(environment);
    const deployedAt = new Date(pushed.deployedAt);
    const finishedAt = pushed.finishedAt
      ? new Date(pushed.finishedAt)
      : deployedAt;
    if (finishedAt.getTime() < deployedAt.getTime()) {
      throw new InputError(
        `finishedAt ${pushed.finishedAt} is before deployedAt ${pushed.deployedAt}`,
      );
    }
    const running = (await this.deps.store.lastSucceeded(entityRef)).get(
      environment.name,
    );
    const result = await this.deps.store.create({
      entityRef,
      environment: environment.name,
      kind: 'pushed',
      version: pushed.version,
      previousVersion:
        running && ofCurrentEnvironment(environment, running)
          ? running.version
          : null,
      commitSha: pushed.commitSha ?? null,
      commitAt: pushed.commitAt ? new Date(pushed.commitAt) : null,
      strategy: pushed.strategy ?? 'rolling',
      steps: [],
      provider: pushed.source ?? 'pushed',
      target: environmentTargetName(entity, environment),
      createdBy: actor,
      reason: null,
      rollbackOf: null,
      gates: [],
      idempotencyKey: pushed.idempotencyKey ?? null,
      status: pushed.outcome,
      createdAt: deployedAt,
      startedAt: deployedAt,
      finishedAt,
      outcome: `pushed by ${pushed.source ?? actor}: ${pushed.outcome}`,
    });
    if (!result.created && result.reason === 'active') {
      // A final deploy takes no active slot; the store answers this only for in-flight ones.
      throw new ConflictError(
        `Deploy ${result.deploy.id} is already ${result.deploy.status} in ${result.deploy.environment}`,
      );
    }
    const deploy = toDeploy(result.deploy);
    if (result.created) this.deps.notify(deploy);
    return { deploy, created: result.created };
  }

  /** `POST .../incidents`: an incident in an environment, tied to a deploy of the entity there if given. */
  async recordIncident(
    entity: Entity,
    report: IncidentReport,
    actor: string,
  ): Promise<{ incident: DeployIncident; created: boolean }> {
    const entityRef = stringifyEntityRef(entity);
    if (report.idempotencyKey) {
      // A retry: the first answer, before the environment or the deploy are checked again.
      const earlier = await this.deps.store.findByIdempotencyKey(
        entityRef,
        report.idempotencyKey,
        'incident',
      );
      if (earlier) return { incident: earlier, created: false };
    }
    const environment = await this.environment(entity, report.environment);
    const startedAt = new Date(report.startedAt);
    const resolvedAt = report.resolvedAt ? new Date(report.resolvedAt) : null;
    if (resolvedAt && resolvedAt.getTime() < startedAt.getTime()) {
      throw new InputError(
        `resolvedAt ${report.resolvedAt} is before startedAt ${report.startedAt}`,
      );
    }
    if (report.deployId) {
      const deploy = await this.deps.store.get(report.deployId);
      if (
        !deploy ||
        deploy.entityRef !== entityRef ||
        deploy.environment !== environment.name
      ) {
        throw new InputError(
          `deployId ${report.deployId} is not a deploy of ${entityRef} in ${environment.name}`,
        );
      }
    }
    return this.deps.store.recordIncident({
      entityRef,
      environment: environment.name,
      title: report.title,
      deployId: report.deployId ?? null,
      startedAt,
      resolvedAt,
      reportedBy: actor,
      idempotencyKey: report.idempotencyKey ?? null,
      createdAt: this.clock(),
    });
  }

  /** The card's data: environments, history, DORA per environment, recommendations. */
  summary(entity: Entity): Promise<DeploysSummary> {
    return this.history.summary(entity);
  }

  async listHistory(
    entity: Entity,
    query: { environment?: string; limit: number; offset: number },
  ): Promise<{ items: Deploy[]; total: number }> {
    if (query.environment) await this.environment(entity, query.environment);
    const { items, total } = await this.deps.store.list({
      entityRef: stringifyEntityRef(entity),
      ...query,
    });
    return { items: items.map(toDeploy), total };
  }

  /** What may be deployed (the provider's list) and what succeeded before (rollback targets). */
  async versions(entity: Entity, environmentName: string) {
    const environment = await this.environment(entity, environmentName);
    const provider = this.planner.provider(environment);
    const target = deployTarget(this.deps.config, entity, environment);
    const [available, succeeded] = await Promise.all([
      this.planner.listVersions(provider, target),
      this.history.succeededVersions(
        stringifyEntityRef(entity),
        environment,
        100,
      ),
    ]);
    return {
      environment: environment.name,
      available: available ?? null,
      succeeded: succeeded.map(s => ({
        version: s.version,
        deployId: s.deployId,
        at: s.at.toISOString(),
      })),
    };
  }

  markers(entity: Entity, from: Date, to: Date): Promise<DeployMarker[]> {
    return this.deps.store.markers(stringifyEntityRef(entity), from, to);
  }
}
