import { LoggerService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  CreateEnvironmentRequest,
  DEVOPS_DEPLOY_ENVIRONMENTS_ANNOTATION,
  deployTargetNameSchema,
  EntityEnvironment,
  parseTimeToLiveMs,
} from '@devops-growth/backstage-plugin-devops-common';
import { entityEnvironments, resolveTargetName } from '../deployPlan';
import { findEnvironment } from '../settings';
import {
  DeployProviderLookup,
  DeploySettings,
  DeployStore,
  EnvironmentStore,
  NewEntityEnvironment,
} from '../types';

const PREVIEWS = 'devops.deploys.previews';

/** A create's answer: the environment, and whether this request created it (201) or it was there (200). */
export interface CreatedEnvironment {
  environment: EntityEnvironment;
  created: boolean;
}

export interface EnvironmentsServiceDeps {
  settings: DeploySettings;
  store: EnvironmentStore;
  /** Active deploys: an environment with one in flight is not deleted. */
  deploys: Pick<DeployStore, 'active'>;
  providers: DeployProviderLookup;
  /** Starts the teardown runner on this replica (not awaited). */
  teardown: { kick(): void };
  logger: LoggerService;
  clock?: () => Date;
}

/** A duration in the largest whole unit of a time to live (`30d`, `12h`, `90m`), else in ms. */
export function formatTimeToLive(ms: number): string {
  const units: Array<[string, number]> = [
    ['w', 7 * 86_400_000],
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
  ];
  for (const [unit, size] of units) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms} ms`;
}

/** The values of a per-entity environment that a create compares with a live one. */
interface Requested {
  basedOn: string;
  target: string;
  timeToLiveMs: number | null;
}

function requestedOf(environment: EntityEnvironment): Requested {
  return {
    basedOn: environment.basedOn,
    target: environment.target,
    timeToLiveMs: environment.expiresAt
      ? Date.parse(environment.expiresAt) - Date.parse(environment.createdAt)
      : null,
  };
}

/**
 * Per-entity environments (previews): creates them after checking the request against
 * `devops.deploys.previews`, the entity's environments and the installed providers; answers
 * them; deletes them by marking them for the teardown task (and starting it at once). Called by
 * the routes and the scaffolder action; permission checks stay with the caller.
 */
export class EnvironmentsService {
  private readonly clock: () => Date;

  constructor(private readonly deps: EnvironmentsServiceDeps) {
    this.clock = deps.clock ?? (() => new Date());
  }

  /**
   * The environment a create request asks for, checked: a new name (not a configured
   * environment), a base the config and the entity allow, an installed provider, a valid
   * target and a time to live within `maxTimeToLive`. Nothing is read from the store.
   */
  private plan(
    entity: Entity,
    request: CreateEnvironmentRequest,
    actor: string,
  ): { environment: NewEntityEnvironment; requested: Requested } {
    const { settings, providers } = this.deps;
    const entityRef = stringifyEntityRef(entity);
    const { previews } = settings;
    const { name } = request;
    if (findEnvironment(settings, name)) {
      throw new InputError(
        `'${name}' is a configured environment (devops.deploys.environments): a per-entity environment needs another name`,
      );
    }
    const basedOn = request.basedOn ?? previews.defaultBasedOn;
    if (!basedOn || !previews.basedOn.includes(basedOn)) {
      throw new InputError(
        `A per-entity environment cannot be based on '${basedOn}': ${PREVIEWS}.basedOn allows ${
          previews.basedOn.join(', ') || 'none'
        }`,
      );
    }
    const own = entityEnvironments(entity, settings).map(e => e.name);
    if (!own.includes(basedOn)) {
      throw new InputError(
        `A per-entity environment of ${entityRef} cannot be based on '${basedOn}': it is not one of the entity's environments (annotation ${DEVOPS_DEPLOY_ENVIRONMENTS_ANNOTATION}: ${
          own.join(', ') || 'none'
        })`,
      );
    }
    const base = findEnvironment(settings, basedOn)!;
    if (!providers.get(base.provider)) {
      throw new Error(
        `No deploy provider '${
          base.provider
        }' is installed for environment ${basedOn} (installed: ${
          providers.ids().join(', ') || 'none'
        })`,
      );
    }
    const target =
      request.target ?? `${resolveTargetName(entity, basedOn)}-${name}`;
    const checked = deployTargetNameSchema.safeParse(target);
    if (!checked.success) {
      throw new InputError(
        `Invalid target '${target}'${
          request.target ? '' : ` (the default, <target in ${basedOn}>-<name>)`
        }: ${checked.error.issues[0].message}${
          request.target ? '' : '; give a target in the request'
        }`,
      );
    }
    let timeToLiveMs: number | null = null;
    if (request.timeToLive !== undefined) {
      try {
        timeToLiveMs = parseTimeToLiveMs(request.timeToLive);
      } catch (error) {
        throw new InputError(`Invalid timeToLive: ${(error as Error).message}`);
      }
      if (timeToLiveMs > previews.maxTimeToLiveMs) {
        throw new InputError(
          `timeToLive ${
            request.timeToLive
          } is longer than ${PREVIEWS}.maxTimeToLive (${formatTimeToLive(
            previews.maxTimeToLiveMs,
          )})`,
        );
      }
    }
    const createdAt = this.clock();
    return {
      environment: {
        entityRef,
        name,
        basedOn,
        provider: base.provider,
        target,
        createdBy: actor,
        createdAt,
        expiresAt:
          timeToLiveMs === null
            ? null
            : new Date(createdAt.getTime() + timeToLiveMs),
      },
      requested: { basedOn, target, timeToLiveMs },
    };
  }

  /** The live one of the name answers a create with the same values (200); other values are a 409. */
  private sameAsLive(
    live: EntityEnvironment,
    requested: Requested,
  ): EntityEnvironment {
    if (live.status !== 'active') {
      throw new ConflictError(
        `Environment ${live.name} of ${live.entityRef} is being torn down: create it again once it is torn down`,
      );
    }
    const existing = requestedOf(live);
    const show = (ms: number | null) =>
      ms === null ? 'none' : formatTimeToLive(ms);
    const differences = [
      existing.basedOn !== requested.basedOn &&
        `basedOn ${existing.basedOn} (asked ${requested.basedOn})`,
      existing.target !== requested.target &&
        `target ${existing.target} (asked ${requested.target})`,
      existing.timeToLiveMs !== requested.timeToLiveMs &&
        `timeToLive ${show(existing.timeToLiveMs)} (asked ${show(
          requested.timeToLiveMs,
        )})`,
    ].filter((d): d is string => !!d);
    if (differences.length) {
      throw new ConflictError(
        `Environment ${live.name} of ${
          live.entityRef
        } exists with other values: ${differences.join(
          ', ',
        )}; delete it first or use another name`,
      );
    }
    return live;
  }

  /** A 409 when the entity has `maxPerEntity` live environments already. */
  private async checkLimit(entityRef: string): Promise<void> {
    const { maxPerEntity } = this.deps.settings.previews;
    const count = await this.deps.store.countLive(entityRef);
    if (count >= maxPerEntity) {
      throw new ConflictError(
        `${entityRef} has ${count} per-entity environment${
          count === 1 ? '' : 's'
        }, the limit of ${PREVIEWS}.maxPerEntity (${maxPerEntity}): delete one first`,
      );
    }
  }

  /** `POST .../environments`: 201 created, 200 the same one live already, 409 or 400 otherwise. */
  async create(
    entity: Entity,
    request: CreateEnvironmentRequest,
    actor: string,
  ): Promise<CreatedEnvironment> {
    const { environment, requested } = this.plan(entity, request, actor);
    const live = await this.liveOne(environment.entityRef, environment.name);
    if (live) {
      return { environment: this.sameAsLive(live, requested), created: false };
    }
    await this.checkLimit(environment.entityRef);
    const result = await this.deps.store.create(environment);
    if (!result.created) {
      // Another request created it in between.
      return {
        environment: this.sameAsLive(result.environment, requested),
        created: false,
      };
    }
    this.deps.logger.info(
      `Environment ${environment.name} of ${
        environment.entityRef
      } created by ${actor}, based on ${environment.basedOn}, target ${
        environment.target
      }, expires ${result.environment.expiresAt ?? 'never'}`,
    );
    return result;
  }

  /** `POST .../environments/dry-run`: the create's checks and answer, nothing stored. */
  async dryRun(
    entity: Entity,
    request: CreateEnvironmentRequest,
    actor: string,
  ): Promise<{ environment: EntityEnvironment; exists: boolean }> {
    const { environment, requested } = this.plan(entity, request, actor);
    const live = await this.liveOne(environment.entityRef, environment.name);
    if (live) {
      return { environment: this.sameAsLive(live, requested), exists: true };
    }
    await this.checkLimit(environment.entityRef);
    return {
      environment: {
        entityRef: environment.entityRef,
        name: environment.name,
        basedOn: environment.basedOn,
        provider: environment.provider,
        target: environment.target,
        createdBy: environment.createdBy,
        createdAt: environment.createdAt.toISOString(),
        expiresAt: environment.expiresAt?.toISOString() ?? null,
        status: 'active',
        teardown: null,
      },
      exists: false,
    };
  }

  private async liveOne(
    entityRef: string,
    name: string,
  ): Promise<EntityEnvironment | undefined> {
    const found = await this.deps.store.get(entityRef, name);
    return found && found.status !== 'torn-down' ? found : undefined;
  }

  /** `GET .../environments/:environment`: the live one, else the newest torn-down one; 404 otherwise. */
  /**
   * The configured environment whose permission (`devops.deploy.environment.<name>`) guards
   * creating the per-entity environment a request asks for: its base (`basedOn`, else
   * `previews.defaultBasedOn`). `undefined` when there is none; the create answers that.
   */
  createBase(request: { basedOn?: string }): string | undefined {
    return request.basedOn ?? this.deps.settings.previews.defaultBasedOn;
  }

  /**
   * The base whose permission guards deleting per-entity environment `name`; `undefined` for a
   * configured environment or an unknown name (the delete answers those, 400 and 404).
   */
  async deleteBase(entity: Entity, name: string): Promise<string | undefined> {
    if (findEnvironment(this.deps.settings, name)) return undefined;
    const found = await this.deps.store.get(stringifyEntityRef(entity), name);
    return found?.basedOn;
  }

  async get(entity: Entity, name: string): Promise<EntityEnvironment> {
    const entityRef = stringifyEntityRef(entity);
    const found = await this.deps.store.get(entityRef, name);
    if (found) return found;
    const configured = findEnvironment(this.deps.settings, name)
      ? ` (${name} is a configured environment, in devops.deploys.environments)`
      : '';
    throw new NotFoundError(
      `${entityRef} has no per-entity environment '${name}'${configured}`,
    );
  }

  /** `GET .../environments`: the live ones, oldest first; with `all`, torn-down ones too. */
  list(
    entity: Entity,
    options: { all: boolean },
  ): Promise<EntityEnvironment[]> {
    return this.deps.store.list(stringifyEntityRef(entity), {
      includeTornDown: options.all,
    });
  }

  /**
   * `DELETE .../environments/:environment`: marks a per-entity environment for teardown (cause
   * `deleted`, due now) and starts the teardown runner without waiting for it. 400 for a
   * configured environment, 404 for an unknown one, 409 while a deploy is in flight in it.
   * An environment already tearing down or torn down is answered as it is.
   */
  async delete(
    entity: Entity,
    name: string,
    actor: string,
    reason: string | null,
  ): Promise<EntityEnvironment> {
    const entityRef = stringifyEntityRef(entity);
    if (findEnvironment(this.deps.settings, name)) {
      throw new InputError(
        `${name} is a configured environment (devops.deploys.environments): only per-entity environments can be deleted`,
      );
    }
    const current = await this.get(entity, name);
    if (current.status !== 'active') return current;
    const active = (await this.deps.deploys.active(entityRef)).find(
      d => d.environment === name,
    );
    if (active) {
      throw new ConflictError(
        `Deploy ${active.id} of ${active.version} is ${active.status} in ${name}: abort it first (POST /deploys/${active.id}/abort), then delete the environment`,
      );
    }
    const requested = await this.deps.store.requestTeardown(entityRef, name, {
      cause: 'deleted',
      by: actor,
      reason,
      at: this.clock(),
    });
    if (requested) {
      this.deps.logger.info(
        `Environment ${name} of ${entityRef} deleted by ${actor}${
          reason ? ` (${reason})` : ''
        }: tearing down target ${current.target}`,
      );
      this.deps.teardown.kick();
    }
    return this.get(entity, name);
  }
}
