import {
  AuthService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  isActiveDeployStatus,
  isDevopsAreaEnabled,
} from '@devops-growth/backstage-plugin-devops-common';
import { DeployProviderStatus } from '@devops-growth/backstage-plugin-devops-node';
import { chunks } from '../../../database/helpers';
import { AreaTask } from '../../types';
import { deployTarget } from '../deployPlan';
import { formatDuration, guarded } from '../engine/guard';
import {
  DeployEnvironments,
  DeployEnvironmentSettings,
  DeployProviderLookup,
  DeployRecord,
  DeploySettings,
  DeployStore,
  DriftStore,
  ObservedDrift,
} from '../types';

/** The scheduled task's id. */
export const DRIFT_SWEEP_TASK_ID = 'devops-deploy-drift-sweep';
/** How long one provider `status` call may take before the environment is skipped. */
export const DRIFT_STATUS_TIMEOUT_MS = 30_000;
/** Entities checked at the same time (their environments one after the other). */
export const DRIFT_CONCURRENCY = 4;
/** Entities read from the catalog per request. */
const CATALOG_CHUNK = 100;
/** The longest reported version and message kept as evidence (the columns' sizes). */
const MAX_VERSION = 128;
const MAX_MESSAGE = 2000;

/** The entities the sweep looks at: those with a succeeded deploy (`DatabaseDriftStore`). */
export interface DeployedEntitySource {
  deployedEntityRefs(): Promise<string[]>;
}

/** What the sweep reads and writes. */
export interface DriftSweepDeps {
  config: Config;
  store: DeployStore;
  environments: DeployEnvironments;
  drift: DriftStore & DeployedEntitySource;
  providers: DeployProviderLookup;
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
  /** Default {@link DRIFT_STATUS_TIMEOUT_MS}. */
  statusTimeoutMs?: number;
  /** Default {@link DRIFT_CONCURRENCY}. */
  concurrency?: number;
  /** The scheduler's signal: a stopped sweep checks no further environment. */
  signal?: AbortSignal;
}

/** What one sweep did, counted per environment (entities apart). */
export interface DriftSweepCounts {
  /** Entities with a succeeded deploy, read from the deploy table. */
  entities: number;
  /** Of those: gone from the catalog, the deploy area switched off, or failed as a whole. */
  entitiesSkipped: number;
  /** Environments whose provider status was compared with the last succeeded deploy. */
  checked: number;
  /** Of those, environments found running another version (a finding opened or refreshed). */
  drifted: number;
  /** Open findings closed: the expected version runs again, or the environment is gone. */
  resolved: number;
  /**
   * Environments with a succeeded deploy that were not compared: a deploy active there, the
   * provider not installed or unable to report status, a bad target, a status error or timeout.
   */
  skipped: number;
}

type Outcome = 'match' | 'drift' | 'skipped';

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** When the deploy left the environment as it is: its finish, else its start, else its creation. */
function deployedAt(deploy: DeployRecord): string {
  return deploy.finishedAt ?? deploy.startedAt ?? deploy.createdAt;
}

/**
 * One drift sweep: for every entity with a succeeded deploy (read from the catalog with the
 * plugin's own credentials; gone or deploy-disabled entities skipped, their open findings
 * closed), each of its
 * environments (`environments.forEntity`) is compared: the version of the last succeeded
 * deploy there (portal or pushed) against the version the provider's `status` reports for the
 * target the engine would deploy to. Another version (or nothing running) opens or refreshes a
 * finding with the evidence; the same version resolves an open one. Skipped, and left as they
 * are: environments never deployed to, with a deploy active (what runs is changing), whose
 * provider is not installed or cannot report status (`reportsStatus: false`), whose target
 * cannot be built, or whose `status` failed or timed out (logged; not a drift). A drift seen is
 * confirmed against the deploy table before it is recorded, so a deploy that started or
 * finished during the `status` call does not raise one. A few entities run at a time; one
 * entity's failure is logged and the sweep goes on.
 */
export async function sweepDrift(
  deps: DriftSweepDeps,
  now: Date,
): Promise<DriftSweepCounts> {
  const { catalog, auth, drift, logger } = deps;
  const counts: DriftSweepCounts = {
    entities: 0,
    entitiesSkipped: 0,
    checked: 0,
    drifted: 0,
    resolved: 0,
    skipped: 0,
  };
  const refs = await drift.deployedEntityRefs();
  counts.entities = refs.length;
  if (refs.length === 0) return counts;
  const credentials = await auth.getOwnServiceCredentials();
  const entities: Array<{ ref: string; entity: Entity }> = [];
  const left: Array<{ ref: string; why: string }> = [];
  for (const chunk of chunks(refs, CATALOG_CHUNK)) {
    const { items } = await catalog.getEntitiesByRefs(
      { entityRefs: chunk },
      { credentials },
    );
    chunk.forEach((ref, i) => {
      const entity = items[i];
      if (!entity) {
        left.push({ ref, why: 'is no longer in the catalog' });
      } else if (!isDevopsAreaEnabled(entity, 'deploy')) {
        left.push({ ref, why: 'does not enable the deploy area' });
      } else {
        entities.push({ ref, entity });
      }
    });
  }
  // An entity gone from the catalog, or no longer deployed through us, has no drift to show:
  // its open findings are closed (a later sweep opens one again should it come back drifted).
  for (const { ref, why } of left) {
    logger.debug(`Drift sweep: ${ref} ${why}`);
    counts.entitiesSkipped++;
    try {
      for (const finding of await drift.open(ref)) {
        await drift.record(ref, finding.environment, null, now);
        counts.resolved++;
        logger.info(
          `Drift closed: ${ref} ${why} (its finding in ${finding.environment})`,
        );
      }
    } catch (error) {
      logger.warn(
        `Drift sweep: could not close the findings of ${ref}: ${errorMessage(
          error,
        )}`,
      );
    }
  }

  let next = 0;
  const worker = async () => {
    while (next < entities.length && !deps.signal?.aborted) {
      const { ref, entity } = entities[next++];
      try {
        await sweepEntity(deps, ref, entity, now, counts);
      } catch (error) {
        counts.entitiesSkipped++;
        logger.warn(
          `Drift sweep: could not check ${ref}: ${errorMessage(error)}`,
        );
      }
    }
  };
  await Promise.all(
    Array.from(
      {
        length: Math.min(
          deps.concurrency ?? DRIFT_CONCURRENCY,
          entities.length,
        ),
      },
      worker,
    ),
  );
  return counts;
}

async function sweepEntity(
  deps: DriftSweepDeps,
  entityRef: string,
  entity: Entity,
  now: Date,
  counts: DriftSweepCounts,
): Promise<void> {
  const { store, drift } = deps;
  const [environments, lastSucceeded, active, open] = await Promise.all([
    deps.environments.forEntity(entity),
    store.lastSucceeded(entityRef),
    store.active(entityRef),
    drift.open(entityRef),
  ]);
  const busy = new Set(
    active.filter(d => isActiveDeployStatus(d.status)).map(d => d.environment),
  );
  const openIn = new Set(open.map(d => d.environment));
  const names = new Set(environments.map(e => e.name));

  // A finding of an environment the entity no longer has (a torn-down preview, a config change).
  for (const finding of open) {
    if (!names.has(finding.environment)) {
      await drift.record(entityRef, finding.environment, null, now);
      counts.resolved++;
    }
  }

  for (const environment of environments) {
    if (deps.signal?.aborted) return;
    const expected = lastSucceeded.get(environment.name);
    // Never deployed there: nothing is expected to run. A per-entity environment created again
    // under an old name does not inherit what was deployed to the torn-down one.
    const createdAt = environment.entityEnvironment?.createdAt;
    if (
      !expected ||
      (createdAt !== undefined &&
        Date.parse(deployedAt(expected)) < Date.parse(createdAt))
    ) {
      continue;
    }
    const outcome = busy.has(environment.name)
      ? skip(deps, entityRef, environment, 'a deploy is active')
      : await checkEnvironment(deps, entity, entityRef, environment, expected);
    if (outcome === 'skipped') {
      counts.skipped++;
      continue;
    }
    counts.checked++;
    if (outcome === 'match') {
      if (openIn.has(environment.name)) {
        await drift.record(entityRef, environment.name, null, now);
        counts.resolved++;
        deps.logger.info(
          `Drift resolved: ${entityRef} runs ${expected.version} in ${environment.name} again`,
        );
      }
      continue;
    }
    const { observed, status } = outcome;
    // Confirm against the deploy table: a deploy may have started or finished meanwhile.
    const [nowActive, nowSucceeded] = await Promise.all([
      store.active(entityRef),
      store.lastSucceeded(entityRef),
    ]);
    if (
      nowActive.some(
        d =>
          d.environment === environment.name && isActiveDeployStatus(d.status),
      ) ||
      nowSucceeded.get(environment.name)?.id !== expected.id
    ) {
      counts.checked--;
      counts.skipped++;
      skip(
        deps,
        entityRef,
        environment,
        'a deploy changed it during the check',
      );
      continue;
    }
    await drift.record(entityRef, environment.name, observed, now);
    counts.drifted++;
    if (!openIn.has(environment.name)) {
      deps.logger.warn(
        `Drift: ${entityRef} runs ${status.version ?? 'nothing'} in ${
          environment.name
        }, the last deploy (${expected.id}) left ${expected.version}`,
      );
    }
  }
}

function skip(
  deps: DriftSweepDeps,
  entityRef: string,
  environment: DeployEnvironmentSettings,
  why: string,
): 'skipped' {
  deps.logger.debug(
    `Drift sweep: ${entityRef} in ${environment.name} not checked: ${why}`,
  );
  return 'skipped';
}

/** The provider's status against the expected deploy. */
async function checkEnvironment(
  deps: DriftSweepDeps,
  entity: Entity,
  entityRef: string,
  environment: DeployEnvironmentSettings,
  expected: DeployRecord,
): Promise<
  | Exclude<Outcome, 'drift'>
  | { observed: ObservedDrift; status: DeployProviderStatus }
> {
  const { providers, logger } = deps;
  const provider = providers.get(environment.provider);
  if (!provider) {
    return skip(
      deps,
      entityRef,
      environment,
      `deploy provider ${environment.provider} is not installed`,
    );
  }
  let target;
  try {
    target = deployTarget(deps.config, entity, environment);
  } catch (error) {
    logger.warn(
      `Drift sweep: ${entityRef} in ${
        environment.name
      } not checked: ${errorMessage(error)}`,
    );
    return 'skipped';
  }
  if (provider.capabilities?.(target).reportsStatus === false) {
    return skip(
      deps,
      entityRef,
      environment,
      `the ${provider.id} provider cannot report what runs in ${environment.name}`,
    );
  }
  const timeoutMs = deps.statusTimeoutMs ?? DRIFT_STATUS_TIMEOUT_MS;
  let status: DeployProviderStatus;
  try {
    // Settles at the timeout or when the sweep stops, even if the provider ignores its signal.
    status = await guarded(
      signal =>
        provider.status(target, {
          signal,
          timeoutMs,
          log: (line, stream) =>
            logger.debug(
              `Drift sweep: ${provider.id} status of ${entityRef} in ${
                environment.name
              } ${stream ?? 'info'}: ${line}`,
            ),
          logger,
        }),
      {
        sources: deps.signal ? [deps.signal] : [],
        timeoutMs,
        timeoutMessage: () => `no answer within ${formatDuration(timeoutMs)}`,
      },
    );
  } catch (error) {
    logger.warn(
      `Drift sweep: ${entityRef} in ${environment.name} not checked: the ${
        provider.id
      } provider's status failed: ${errorMessage(error)}`,
    );
    return 'skipped';
  }
  if (status.version === expected.version) return 'match';
  return {
    status,
    observed: {
      entityRef,
      environment: environment.name,
      expected: {
        version: expected.version,
        deployId: expected.id,
        at: deployedAt(expected),
      },
      actual: {
        version:
          status.version === null ? null : clip(status.version, MAX_VERSION),
        healthy: status.healthy,
        message:
          status.message === undefined || status.message === ''
            ? null
            : clip(status.message, MAX_MESSAGE),
      },
    },
  };
}

/**
 * The drift sweep as a scheduled task (`devops.deploys.drift`): every `frequency` (default 10
 * minutes), one replica at a time (global scope). Not scheduled when `drift.enabled` is false.
 */
export function createDriftSweepTask(
  deps: Omit<DriftSweepDeps, 'signal' | 'statusTimeoutMs' | 'concurrency'> & {
    settings: DeploySettings;
  },
): AreaTask {
  const { settings, logger } = deps;
  return {
    async schedule(scheduler: SchedulerService) {
      if (!settings.drift.enabled) {
        logger.info(
          'The drift sweep is switched off (devops.deploys.drift.enabled: false)',
        );
        return;
      }
      const frequencyMs = settings.drift.frequencyMs;
      await scheduler.scheduleTask({
        id: DRIFT_SWEEP_TASK_ID,
        frequency: { milliseconds: frequencyMs },
        timeout: { milliseconds: Math.max(frequencyMs, 60_000) },
        initialDelay: { minutes: 1 },
        scope: 'global',
        fn: async signal => {
          const started = Date.now();
          const counts = await sweepDrift({ ...deps, signal }, new Date());
          logger.info(
            `Drift sweep: ${counts.entities} entities (${
              counts.entitiesSkipped
            } skipped), ${counts.checked} environments checked, ${
              counts.drifted
            } drifted, ${counts.resolved} resolved, ${
              counts.skipped
            } skipped, in ${Date.now() - started} ms`,
          );
        },
      });
    },
  };
}
