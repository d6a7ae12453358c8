import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { EntityEnvironment } from '@devops-growth/backstage-plugin-devops-common';
import { DeployTarget } from '@devops-growth/backstage-plugin-devops-node';
import { AreaTask } from '../../types';
import { providerConfig } from '../deployPlan';
import { errorMessage } from '../engine/guard';
import { findEnvironment } from '../settings';
import {
  DeployProviderLookup,
  DeploySettings,
  DeployStore,
  EnvironmentStore,
} from '../types';

/** The scheduled task's id (one replica at a time, `scope: 'global'`). */
export const TEARDOWN_TASK_ID = 'devops-deploy-environment-teardown';
/** Who an expired environment's teardown is requested by. */
export const TEARDOWN_ACTOR = 'devops:teardown';
/** Teardowns claimed at once (run side by side, each within its own timeout). */
const CLAIM_BATCH = 10;
/** A teardown's time budget when its base is no longer configured. */
const FALLBACK_TIMEOUT_MS = 10 * 60_000;
/** What a claim adds to the timeout, so that a slow attempt is recorded before its claim lapses. */
const CLAIM_MARGIN_MS = 60_000;

export interface TeardownRunnerDeps {
  settings: DeploySettings;
  /** The root config: the base environment's provider block. */
  config: Config;
  store: EnvironmentStore;
  /** Active deploys: an environment with one in flight waits for it. */
  deploys: Pick<DeployStore, 'active'>;
  providers: DeployProviderLookup;
  logger: LoggerService;
  clock?: () => Date;
}

/** What one run did. */
export interface TeardownRunResult {
  expired: number;
  tornDown: string[];
  failed: string[];
  /** Waiting for a deploy in flight; tried again when their claim lapses. */
  waiting: string[];
}

/**
 * The wait before the next attempt after `attempts` failed ones: `teardownRetry`, doubled after
 * each further failure, at most `teardownMaxRetry`. Attempts never stop.
 */
export function teardownBackoffMs(
  settings: DeploySettings['previews'],
  attempts: number,
): number {
  const doubled = settings.teardownRetryMs * 2 ** Math.max(0, attempts - 1);
  return Math.min(doubled, settings.teardownMaxRetryMs);
}

/**
 * Tears per-entity environments down: marks expired ones, claims those due (deleted, expired,
 * or a failed attempt whose retry time came), and calls their provider's `teardown` with the
 * target the environment was created with, within the base environment's phase timeout.
 * Success marks the environment torn down; a failure (an error, a timeout, a provider without
 * `teardown`) is stored for the user to see and retried with backoff. An environment with a
 * deploy in flight waits until the deploy ends.
 */
export class EnvironmentTeardownRunner {
  private readonly clock: () => Date;
  private running: Promise<TeardownRunResult> | undefined;
  private again = false;

  constructor(private readonly deps: TeardownRunnerDeps) {
    this.clock = deps.clock ?? (() => new Date());
  }

  /** Runs soon on this replica (after a delete), without waiting; errors are logged. */
  kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    void this.run().catch(error =>
      this.deps.logger.error(
        `Environment teardown failed: ${errorMessage(error)}`,
      ),
    );
  }

  /** One pass; a pass asked for while one runs follows it. */
  run(): Promise<TeardownRunResult> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.pass().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
    return this.running;
  }

  private async pass(): Promise<TeardownRunResult> {
    const { store, logger } = this.deps;
    const result: TeardownRunResult = {
      expired: 0,
      tornDown: [],
      failed: [],
      waiting: [],
    };
    const now = this.clock();
    result.expired = await store.markExpired(now);
    if (result.expired) {
      logger.info(
        `${result.expired} per-entity environment${
          result.expired === 1 ? '' : 's'
        } expired: tearing down`,
      );
    }
    for (;;) {
      const at = this.clock();
      const claimed = await store.claimDueTeardowns(
        at,
        new Date(at.getTime() + this.longestTimeoutMs() + CLAIM_MARGIN_MS),
        CLAIM_BATCH,
      );
      const outcomes = await Promise.all(claimed.map(e => this.tearDown(e)));
      outcomes.forEach((outcome, i) => {
        const name = `${claimed[i].entityRef} ${claimed[i].name}`;
        result[outcome].push(name);
      });
      if (claimed.length < CLAIM_BATCH) return result;
    }
  }

  private longestTimeoutMs(): number {
    return Math.max(
      FALLBACK_TIMEOUT_MS,
      ...this.deps.settings.environments.map(e => e.phaseTimeoutMs),
    );
  }

  private async tearDown(
    environment: EntityEnvironment,
  ): Promise<'tornDown' | 'failed' | 'waiting'> {
    const { settings, store, deploys, logger } = this.deps;
    const { entityRef, name } = environment;
    const log = logger.child({ entityRef, environment: name });
    const inFlight = (await deploys.active(entityRef)).find(
      d => d.environment === name,
    );
    if (inFlight) {
      log.info(
        `Teardown of ${name} of ${entityRef} waits for deploy ${inFlight.id} (${inFlight.status}); tried again after it`,
      );
      return 'waiting';
    }
    const attempts = (environment.teardown?.attempts ?? 0) + 1;
    try {
      await this.callProvider(environment, log);
      await store.recordTeardownAttempt(entityRef, name, {
        ok: true,
        at: this.clock(),
      });
      log.info(
        `Environment ${name} of ${entityRef} torn down (target ${environment.target}, attempt ${attempts})`,
      );
      return 'tornDown';
    } catch (error) {
      const at = this.clock();
      const nextAttemptAt = new Date(
        at.getTime() + teardownBackoffMs(settings.previews, attempts),
      );
      const message = errorMessage(error);
      await store.recordTeardownAttempt(entityRef, name, {
        ok: false,
        at,
        error: message,
        nextAttemptAt,
      });
      log.warn(
        `Teardown of ${name} of ${entityRef} failed (attempt ${attempts}, next at ${nextAttemptAt.toISOString()}): ${message}`,
      );
      return 'failed';
    }
  }

  /** The provider's `teardown` within the base environment's phase timeout; throws why it failed. */
  private async callProvider(
    environment: EntityEnvironment,
    log: LoggerService,
  ): Promise<void> {
    const { settings, config, providers } = this.deps;
    const provider = providers.get(environment.provider);
    if (!provider) {
      throw new Error(
        `deploy provider ${environment.provider} is not installed (installed: ${
          providers.ids().join(', ') || 'none'
        }): install it or remove target ${environment.target} by hand`,
      );
    }
    if (!provider.teardown) {
      throw new Error(
        `the ${provider.id} deploy provider cannot tear environments down (it has no teardown): remove target ${environment.target} by hand; attempts go on until the provider can`,
      );
    }
    const timeoutMs =
      findEnvironment(settings, environment.basedOn)?.phaseTimeoutMs ??
      FALLBACK_TIMEOUT_MS;
    const target: DeployTarget = {
      environment: environment.name,
      name: environment.target,
      config: providerConfig(config, environment.basedOn, provider.id),
      basedOn: environment.basedOn,
    };
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new Error(
          `the ${
            provider.id
          } provider's teardown did not finish within ${Math.round(
            timeoutMs / 1000,
          )} s (the phase timeout of ${environment.basedOn})`,
        );
        controller.abort(error);
        reject(error);
      }, timeoutMs);
    });
    try {
      await Promise.race([
        provider.teardown(target, {
          signal: controller.signal,
          timeoutMs,
          log: (line, stream) =>
            (stream === 'stderr' ? log.warn : log.info).call(log, line),
          logger: log,
        }),
        timedOut,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * The scheduled teardown task: every `devops.deploys.previews.teardownFrequency`, on one
 * replica at a time.
 */
export function createEnvironmentTeardownTask(
  runner: EnvironmentTeardownRunner,
  settings: DeploySettings,
): AreaTask {
  const longest = Math.max(
    FALLBACK_TIMEOUT_MS,
    ...settings.environments.map(e => e.phaseTimeoutMs),
  );
  return {
    async schedule(scheduler) {
      await scheduler.scheduleTask({
        id: TEARDOWN_TASK_ID,
        frequency: { milliseconds: settings.previews.teardownFrequencyMs },
        timeout: { milliseconds: longest * 3 + CLAIM_MARGIN_MS },
        initialDelay: { seconds: 20 },
        scope: 'global',
        fn: async () => {
          await runner.run();
        },
      });
    },
  };
}
