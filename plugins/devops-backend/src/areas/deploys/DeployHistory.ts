import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  Deploy,
  DeployEnvironmentState,
  DeploysSummary,
  DeployStatus,
  DeployStrategy,
  DoraSummary,
} from '@devops-growth/backstage-plugin-devops-common';
import { ofCurrentEnvironment } from './environments/EnvironmentDirectory';
import { entityPromotionChain } from './gates/promotionChain';
import { deployRecommendations, EnvironmentFacts } from './recommendations';
import { toDeploy } from './toDeploy';
import {
  ComputeDora,
  DeployEnvironments,
  DeployEnvironmentSettings,
  DeployRecord,
  DeploySettings,
  DeployStore,
  DriftStore,
} from './types';

const DAY_MS = 86_400_000;
const FINAL_STATUSES: DeployStatus[] = [
  'succeeded',
  'failed',
  'aborted',
  'rolled-back',
];
/** The longest DORA window and the window before it. */
const READ_WINDOW_DAYS = 180;
/** Final deploys read for DORA (all environments): far above a busy entity's half year. */
const MAX_FINAL_DEPLOYS = 20_000;
const HISTORY_LENGTH = 20;

/**
 * The reads of the deploys area: the promotion chain as it applies to an entity, rollback
 * targets, and the card's summary with DORA and recommendations.
 */
export class DeployHistory {
  constructor(
    private readonly deps: {
      settings: DeploySettings;
      store: DeployStore;
      /** The entity's environments, configured then per-entity. */
      environments: Pick<DeployEnvironments, 'forEntity'>;
      /** Open drift findings; none without it. */
      drift?: Pick<DriftStore, 'open'>;
      computeDora: ComputeDora;
      clock: () => Date;
      strategyOf: (
        entity: Entity,
        environment: DeployEnvironmentSettings,
      ) => { strategy: DeployStrategy; steps: number[] };
    },
  ) {}

  /** `devops.deploys.promotionChain` narrowed to the entity's environments. */
  chain(entity: Entity): string[] {
    return entityPromotionChain(this.deps.settings.promotionChain, entity);
  }

  previousInChain(entity: Entity, environment: string): string | null {
    const chain = this.chain(entity);
    const index = chain.indexOf(environment);
    return index > 0 ? chain[index - 1] : null;
  }

  /** Versions a rollback moved away from (the running version when a rollback succeeded). */
  private async rolledBackVersions(
    entityRef: string,
    environment: DeployEnvironmentSettings,
  ): Promise<Set<string>> {
    const { items } = await this.deps.store.list({
      entityRef,
      environment: environment.name,
      kinds: ['rollback'],
      statuses: ['succeeded'],
      limit: 200,
    });
    return new Set(
      items
        .filter(d => ofCurrentEnvironment(environment, d))
        .map(d => d.previousVersion)
        .filter((v): v is string => !!v),
    );
  }

  /**
   * The versions that succeeded in the environment, newest first (each once, at its latest
   * success); for a per-entity environment, only since it was created (a name used again
   * after a teardown does not inherit the earlier environment's versions).
   */
  async succeededVersions(
    entityRef: string,
    environment: DeployEnvironmentSettings,
    limit: number,
  ): Promise<Array<{ version: string; deployId: string; at: Date }>> {
    const versions = await this.deps.store.succeededVersions(
      entityRef,
      environment.name,
      limit,
    );
    return versions.filter(v =>
      ofCurrentEnvironment(environment, { createdAt: v.at.toISOString() }),
    );
  }

  /**
   * The version a rollback deploys: `version` when it succeeded in the environment before,
   * else the previous good one (the newest version that succeeded there, other than the running
   * one and those a rollback moved away from). 400 when there is none. For a per-entity
   * environment created again under an old name, only deploys since it was created count.
   */
  async rollbackTarget(
    entity: Entity,
    settings: DeployEnvironmentSettings,
    version?: string,
  ): Promise<{
    version: string;
    deployId: string;
    running: DeployRecord | undefined;
  }> {
    const entityRef = stringifyEntityRef(entity);
    const environment = settings.name;
    const [lastSucceeded, succeeded, rolledBack] = await Promise.all([
      this.deps.store.lastSucceeded(entityRef),
      this.succeededVersions(entityRef, settings, 1000),
      this.rolledBackVersions(entityRef, settings),
    ]);
    const last = lastSucceeded.get(environment);
    const running =
      last && ofCurrentEnvironment(settings, last) ? last : undefined;
    if (version) {
      const match = succeeded.find(s => s.version === version);
      if (!match) {
        throw new InputError(
          `Version '${version}' has not succeeded in ${environment}, so it is no rollback target; versions that did: ${
            succeeded
              .slice(0, 10)
              .map(s => s.version)
              .join(', ') || 'none'
          }`,
        );
      }
      if (running?.version === version) {
        throw new InputError(`${environment} already runs ${version}`);
      }
      return { version, deployId: match.deployId, running };
    }
    const previous = succeeded.find(
      s => s.version !== running?.version && !rolledBack.has(s.version),
    );
    if (!previous) {
      throw new InputError(
        `${environment} has no earlier good version of ${entityRef} to roll back to${
          running ? ` (it runs ${running.version})` : ''
        }`,
      );
    }
    return { version: previous.version, deployId: previous.deployId, running };
  }

  /**
   * `GET .../deploys`: environments (configured, then per-entity ones not torn down, with their
   * teardown and open drift), history, DORA over 30 and 90 days, recommendations.
   */
  async summary(entity: Entity): Promise<DeploysSummary> {
    const entityRef = stringifyEntityRef(entity);
    const now = this.deps.clock();
    const since = new Date(now.getTime() - READ_WINDOW_DAYS * DAY_MS);
    const [
      environments,
      openDrift,
      running,
      active,
      history,
      finals,
      incidents,
    ] = await Promise.all([
      this.deps.environments.forEntity(entity),
      this.deps.drift?.open(entityRef) ?? [],
      this.deps.store.lastSucceeded(entityRef),
      this.deps.store.active(entityRef),
      this.deps.store.list({ entityRef, limit: HISTORY_LENGTH }),
      this.deps.store.list({
        entityRef,
        statuses: FINAL_STATUSES,
        since,
        limit: MAX_FINAL_DEPLOYS,
      }),
      this.deps.store.incidents({ entityRef, since }),
    ]);
    const finalDeploys = finals.items.map(toDeploy);
    const chain = this.chain(entity);

    const states: DeployEnvironmentState[] = [];
    const dora: DoraSummary[] = [];
    const facts: EnvironmentFacts[] = [];
    for (const env of environments) {
      let plan = { strategy: env.strategy, steps: env.canarySteps };
      let annotationProblem: string | undefined;
      try {
        plan = this.deps.strategyOf(entity, env);
      } catch (error) {
        annotationProblem = (error as Error).message;
      }
      const last = running.get(env.name);
      const run = last && ofCurrentEnvironment(env, last) ? last : undefined;
      const index = chain.indexOf(env.name);
      const drift = openDrift.find(d => d.environment === env.name) ?? null;
      const teardown = env.entityEnvironment?.teardown;
      states.push({
        name: env.name,
        entityEnvironment: env.entityEnvironment ?? null,
        drift,
        strategy: plan.strategy,
        steps: plan.strategy === 'canary' ? plan.steps : [],
        running: run
          ? {
              version: run.version,
              deployId: run.id,
              at: run.finishedAt ?? run.createdAt,
            }
          : null,
        active: (() => {
          const a = active.find(d => d.environment === env.name);
          return a ? toDeploy(a) : null;
        })(),
        previousInChain: index > 0 ? chain[index - 1] : null,
      });

      const envDeploys = finalDeploys.filter(
        d => d.environment === env.name && ofCurrentEnvironment(env, d),
      );
      const envIncidents = incidents.filter(
        i =>
          i.environment === env.name &&
          ofCurrentEnvironment(env, { createdAt: i.startedAt }),
      );
      const doraOf = (windowDays: 30 | 90) =>
        this.deps.computeDora({
          environment: env.name,
          windowDays,
          now,
          deploys: envDeploys.filter(
            d =>
              Date.parse(d.createdAt) >=
              now.getTime() - 2 * windowDays * DAY_MS,
          ),
          incidents: envIncidents,
        });
      const dora30 = doraOf(30);
      dora.push(dora30, doraOf(90));

      facts.push({
        name: env.name,
        running: run
          ? {
              version: run.version,
              at: new Date(run.finishedAt ?? run.createdAt),
            }
          : null,
        lastDeploy: lastFinal(envDeploys),
        dora30,
        rollbackTo: rollbackCandidate(envDeploys, run?.version),
        openIncidents: envIncidents.filter(i => !i.resolvedAt).length,
        inFlight: active.some(d => d.environment === env.name),
        annotationProblem,
        drift,
        teardownFailing:
          env.entityEnvironment?.status === 'tearing-down' &&
          teardown?.lastError
            ? { attempts: teardown.attempts, lastError: teardown.lastError }
            : null,
      });
    }
    return {
      entityRef,
      environments: states,
      history: history.items.map(toDeploy),
      dora,
      recommendations: deployRecommendations({ environments: facts, now }),
    };
  }
}

/** The newest final deploy (lists are newest first). */
function lastFinal(deploys: Deploy[]): EnvironmentFacts['lastDeploy'] {
  const last = deploys[0];
  if (!last) return null;
  return {
    version: last.version,
    status: last.status,
    at: new Date(last.finishedAt ?? last.createdAt),
    impact: last.impact,
  };
}

/**
 * The previous good version among the read deploys (newest first): succeeded, not the running
 * version, not one a rollback moved away from. The rollback route looks further back.
 */
export function rollbackCandidate(
  deploys: Deploy[],
  runningVersion: string | undefined,
): string | null {
  const rolledBack = new Set(
    deploys
      .filter(d => d.kind === 'rollback' && d.status === 'succeeded')
      .map(d => d.previousVersion),
  );
  return (
    deploys.find(
      d =>
        d.status === 'succeeded' &&
        d.version !== runningVersion &&
        !rolledBack.has(d.version),
    )?.version ?? null
  );
}
