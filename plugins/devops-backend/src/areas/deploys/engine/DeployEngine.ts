import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { Config, ConfigReader } from '@backstage/config';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  CanaryAnalysis,
  DeployEngine,
  DeployEnvironments,
  DeployListener,
  DeployProviderLookup,
  DeployRecord,
  DeploySettings,
  DeployStore,
} from '../types';
import { AbortInfo, DeployRun, RunDeps, RunTarget } from './DeployRun';
import { errorMessage } from './guard';
import { failUnrunnable } from './lifecycle';

/** What the engine needs. */
export interface DeployEngineDeps {
  store: DeployStore;
  providers: DeployProviderLookup;
  analysis: CanaryAnalysis;
  settings: DeploySettings;
  /**
   * The environment of a deploy, configured or per-entity (a preview, which runs with its
   * base's settings and provider block); default the configured ones of `settings`.
   */
  environments?: Pick<DeployEnvironments, 'find'>;
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
  /** This replica's lease owner name; default `hostname:pid:random`. */
  owner?: string;
  clock?: () => Date;
  /** Told of every change of a deploy. */
  listener?: DeployListener;
  /**
   * The provider's configuration block of an environment
   * (`devops.deploys.environments[].<provider id>`), handed to the provider as
   * `DeployTarget.config`; default an empty config.
   */
  providerConfig?: (environment: string, providerId: string) => Config;
  /** Deploys this replica works on at once (default 10). */
  concurrency?: number;
}

interface Worker {
  id: string;
  run?: DeployRun;
  lost: boolean;
  pendingAbort?: AbortInfo;
  renewing: boolean;
  done: Promise<void>;
}

/** The default name of this replica's leases. */
export function defaultOwner(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`.slice(-100);
}

/** Claims due deploys on a poll (and on {@link DeployEngine.wake}) and drives each in a worker. */
export class DefaultDeployEngine implements DeployEngine {
  private readonly owner: string;
  private readonly clock: () => Date;
  private readonly concurrency: number;
  private readonly workers = new Map<string, Worker>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private started = false;
  private stopped = false;
  private ticking: Promise<void> | undefined;
  private again = false;

  constructor(private readonly deps: DeployEngineDeps) {
    this.owner = deps.owner ?? defaultOwner();
    this.clock = deps.clock ?? (() => new Date());
    this.concurrency = deps.concurrency ?? 10;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.schedule(0);
  }

  wake(): void {
    if (!this.started || this.stopped) return;
    // An abort asked through this replica reaches its own running deploys at once.
    for (const worker of this.workers.values()) this.renew(worker);
    this.claimSoon();
  }

  private claimSoon() {
    if (this.stopped) return;
    if (this.ticking) this.again = true;
    else this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    for (const worker of this.workers.values()) {
      worker.run?.interrupt('stop', 'the backend is stopping');
    }
    await this.ticking;
    await Promise.allSettled([...this.workers.values()].map(w => w.done));
  }

  private schedule(delayMs: number) {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.ticking = this.tick().finally(() => {
        this.ticking = undefined;
        if (this.stopped) return;
        const again = this.again;
        this.again = false;
        this.schedule(again ? 0 : this.deps.settings.engine.pollIntervalMs);
      });
    }, delayMs);
  }

  private async tick(): Promise<void> {
    const free = this.concurrency - this.workers.size;
    if (this.stopped || free <= 0) return;
    const { leaseMs } = this.deps.settings.engine;
    try {
      const claimed = await this.deps.store.claimDue(
        this.owner,
        this.clock(),
        leaseMs,
        free,
      );
      for (const record of claimed) {
        if (this.workers.has(record.id)) {
          // This replica's own running deploy, whose renewal came late and whose lease had
          // lapsed: the claim renewed it for the same owner. The worker goes on; releasing the
          // lease here would make it lose its own deploy and stop its provider call.
          continue;
        }
        if (this.stopped) {
          await this.deps.store.releaseLease(record.id, this.owner);
          continue;
        }
        this.startWorker(record);
      }
    } catch (error) {
      this.deps.logger.error(
        `Deploy engine could not claim deploys: ${errorMessage(error)}`,
      );
    }
  }

  private startWorker(record: DeployRecord) {
    const worker: Worker = {
      id: record.id,
      lost: false,
      renewing: false,
      done: Promise.resolve(),
    };
    this.workers.set(record.id, worker);
    const every = Math.max(
      1,
      Math.floor(this.deps.settings.engine.leaseMs / 3),
    );
    const renewal = setInterval(() => this.renew(worker), every);
    worker.done = this.work(worker, record)
      .catch(error =>
        this.deps.logger.error(
          `Deploy ${
            record.id
          } stopped on an error (another attempt follows once its lease expires): ${errorMessage(
            error,
          )}`,
        ),
      )
      .finally(async () => {
        clearInterval(renewal);
        try {
          // No-op when the deploy is final (no lease) or another replica owns it now.
          await this.deps.store.releaseLease(record.id, this.owner);
        } catch (error) {
          this.deps.logger.warn(
            `Could not release the lease of deploy ${record.id}: ${errorMessage(
              error,
            )}`,
          );
        }
        this.workers.delete(record.id);
        this.claimSoon();
      });
  }

  private async work(worker: Worker, record: DeployRecord): Promise<void> {
    const deps: RunDeps = {
      store: this.deps.store,
      analysis: this.deps.analysis,
      owner: this.owner,
      clock: this.clock,
      logger: this.deps.logger.child({ deployId: record.id }),
      listener: this.deps.listener,
    };
    const target = await this.resolve(record);
    if (worker.lost || this.stopped) return;
    if (typeof target === 'string') {
      await failUnrunnable(deps, record, target);
      return;
    }
    const logLines = await this.deps.store.countEvents(record.id, 'log');
    const run = new DeployRun(
      deps,
      record,
      target,
      this.deps.settings.engine.maxLogLines,
      logLines,
    );
    worker.run = run;
    if (worker.pendingAbort) run.abort(worker.pendingAbort);
    if (worker.lost || this.stopped) return;
    await run.drive();
  }

  /** The entity, environment, provider and target of a deploy, or why it cannot run. */
  private async resolve(record: DeployRecord): Promise<RunTarget | string> {
    const { settings, providers, catalog, auth } = this.deps;
    const environment = this.deps.environments
      ? await this.deps.environments.find(record.entityRef, record.environment)
      : settings.environments.find(e => e.name === record.environment);
    if (!environment) {
      return `environment ${record.environment} is no longer configured (devops.deploys.environments) nor a per-entity environment of ${record.entityRef}`;
    }
    const provider = providers.get(record.provider);
    if (!provider) {
      return `deploy provider ${record.provider} is not installed (known: ${
        providers.ids().join(', ') || 'none'
      })`;
    }
    const credentials = await auth.getOwnServiceCredentials();
    const entity = await catalog.getEntityByRef(record.entityRef, {
      credentials,
    });
    if (!entity) {
      return `entity ${record.entityRef} is no longer in the catalog`;
    }
    // A per-entity environment's provider block is its base's.
    const basedOn = environment.entityEnvironment?.basedOn;
    const config =
      this.deps.providerConfig?.(basedOn ?? record.environment, provider.id) ??
      new ConfigReader({});
    return {
      entity,
      environment,
      provider,
      target: {
        environment: record.environment,
        name: record.target,
        config,
        ...(basedOn ? { basedOn } : {}),
      },
    };
  }

  /** Renews the lease of a running deploy and passes an abort request on. */
  private async renew(worker: Worker) {
    if (worker.renewing || worker.lost) return;
    worker.renewing = true;
    try {
      const { store, settings } = this.deps;
      const held = await store.renewLease(
        worker.id,
        this.owner,
        this.clock(),
        settings.engine.leaseMs,
      );
      if (!held) {
        worker.lost = true;
        worker.run?.interrupt('lease-lost', 'another replica holds the deploy');
        return;
      }
      if (worker.run?.aborting || worker.pendingAbort) return;
      const request = await store.abortRequest(worker.id);
      if (request) {
        const info = { by: request.by, reason: request.reason };
        worker.pendingAbort = info;
        worker.run?.abort(info);
      }
    } catch (error) {
      this.deps.logger.warn(
        `Could not renew the lease of deploy ${worker.id}: ${errorMessage(
          error,
        )}`,
      );
    } finally {
      worker.renewing = false;
    }
  }
}
