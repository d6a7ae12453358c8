import { LoggerService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { DeployPhase } from '@devops-growth/backstage-plugin-devops-common';
import {
  DeployOperation,
  DeployProvider,
  DeployProviderContext,
  DeployTarget,
} from '@devops-growth/backstage-plugin-devops-node';
import {
  CanaryAnalysis,
  DeployEnvironmentSettings,
  DeployListener,
  DeployRecord,
  DeployStore,
  DeployUpdate,
  NewDeployEvent,
} from '../types';
import {
  errorMessage,
  formatDuration,
  guarded,
  Interrupted,
  interruptOf,
  PhaseFailure,
  sleep,
} from './guard';
import { OutputLog } from './OutputLog';
import { driveDeploy } from './lifecycle';

/** What a run needs besides the deploy: the engine's services. */
export interface RunDeps {
  store: DeployStore;
  analysis: CanaryAnalysis;
  owner: string;
  clock: () => Date;
  logger: LoggerService;
  listener?: DeployListener;
}

/** What the deploy runs against, resolved from the catalog, the settings and the providers. */
export interface RunTarget {
  entity: Entity;
  environment: DeployEnvironmentSettings;
  provider: DeployProvider;
  target: DeployTarget;
}

/** Who asked to abort, and why. */
export interface AbortInfo {
  by: string;
  reason: string | null;
}

/**
 * One replica's work on one claimed deploy, from the claim until the deploy is final or the
 * replica lets go of it (stop, lost lease). Every phase is stored before its provider call, so a
 * replica taking the deploy up after a crash knows where it was.
 */
export class DeployRun {
  private readonly stopController = new AbortController();
  private readonly abortController = new AbortController();
  private abortInfo: AbortInfo | undefined;
  readonly output: OutputLog;

  constructor(
    private readonly deps: RunDeps,
    public record: DeployRecord,
    readonly on: RunTarget,
    maxLogLines: number,
    logLinesSoFar: number,
  ) {
    this.output = new OutputLog(
      deps.store,
      record.id,
      maxLogLines,
      logLinesSoFar,
      deps.logger,
    );
    if (record.abortRequestedAt) {
      this.abort({
        by: record.abortRequestedBy ?? 'unknown',
        reason: record.abortReason,
      });
    }
  }

  get settings(): DeployEnvironmentSettings {
    return this.on.environment;
  }

  now(): Date {
    return this.deps.clock();
  }

  get analysis(): CanaryAnalysis {
    return this.deps.analysis;
  }

  /** Waits `ms` (a step's pause); an abort, a stop or a lost lease ends the wait. */
  async wait(ms: number): Promise<void> {
    await guarded(signal => sleep(ms, signal), {
      sources: this.signals(),
      timeoutMs: ms + 60_000,
      timeoutMessage: () => `waiting ${formatDuration(ms)} took too long`,
    });
  }

  /** The engine stops, or another replica owns the deploy now: let go without changing it. */
  interrupt(kind: 'stop' | 'lease-lost', message: string): void {
    if (!this.stopController.signal.aborted) {
      this.stopController.abort(new Interrupted(kind, message));
    }
  }

  /** The user asked to abort: the running call is stopped and the deploy rolls back. */
  abort(info: AbortInfo): void {
    if (this.abortInfo) return;
    this.abortInfo = info;
    this.abortController.abort(
      new Interrupted('abort', `aborted by ${describeAbort(info)}`),
    );
  }

  get aborting(): boolean {
    return this.abortInfo !== undefined;
  }

  /** Throws when the run must not go on to the next phase. */
  checkpoint(): void {
    if (this.stopController.signal.aborted) {
      throw interruptOf(this.stopController.signal);
    }
    if (this.abortController.signal.aborted) {
      throw interruptOf(this.abortController.signal);
    }
  }

  /** The signals a waiting or running phase stops on. */
  signals(abortable = true): AbortSignal[] {
    return abortable
      ? [this.stopController.signal, this.abortController.signal]
      : [this.stopController.signal];
  }

  /** Applies a change under the lease; a lost lease interrupts the run. */
  async save(change: DeployUpdate, events: NewDeployEvent[] = []) {
    const at = this.now();
    const ok = await this.deps.store.update(
      this.record.id,
      this.deps.owner,
      change,
      events.map(e => ({ at, ...e })),
    );
    if (!ok) {
      this.interrupt('lease-lost', 'another replica holds the deploy');
      throw interruptOf(this.stopController.signal);
    }
    const fresh = await this.deps.store.get(this.record.id);
    if (fresh) this.record = fresh;
    try {
      this.deps.listener?.(this.record);
    } catch (error) {
      this.deps.logger.warn(`Deploy listener failed: ${errorMessage(error)}`);
    }
  }

  /** Records the phase (and its deadline) before anything of it runs. */
  async enterPhase(
    phase: DeployPhase,
    timeoutMs: number,
    change: DeployUpdate = {},
    events: NewDeployEvent[] = [],
  ) {
    this.output.phase = phase;
    const now = this.now();
    await this.save(
      {
        phase,
        phaseStartedAt: now,
        phaseDeadline: new Date(now.getTime() + timeoutMs),
        nextRunAt: now,
        ...change,
      },
      [
        ...events,
        { type: 'phase', message: `Phase ${phase}`, data: { phase } },
      ],
    );
  }

  /** The operation handed to the provider. */
  operation(over: Partial<DeployOperation> = {}): DeployOperation {
    const r = this.record;
    return {
      deployId: r.id,
      attempt: r.attempt,
      entity: this.on.entity,
      entityRef: r.entityRef,
      kind: r.kind,
      target: this.on.target,
      version: r.version,
      previousVersion: r.previousVersion,
      commitSha: r.commitSha,
      strategy: r.strategy,
      step: r.stepIndex,
      weight: r.weight,
      colour: null,
      ...over,
    };
  }

  /**
   * Runs a provider or analysis call of the current phase with its time budget. An error of the
   * call becomes a {@link PhaseFailure} naming the phase; interrupts pass through.
   */
  async call<T>(
    call: (context: DeployProviderContext) => Promise<T>,
    options: {
      timeoutMs: number;
      abortable?: boolean;
      timeoutMessage?: () => string;
    },
  ): Promise<T> {
    const phase = this.record.phase;
    const { timeoutMs } = options;
    try {
      return await guarded(
        signal =>
          call({
            signal,
            timeoutMs,
            log: this.output.log,
            logger: this.deps.logger,
          }),
        {
          sources: this.signals(options.abortable ?? true),
          timeoutMs,
          timeoutMessage:
            options.timeoutMessage ??
            (() =>
              `phase ${phase} timed out after ${formatDuration(timeoutMs)}`),
        },
      );
    } catch (error) {
      if (error instanceof Interrupted) throw error;
      throw new PhaseFailure(`phase ${phase} failed: ${errorMessage(error)}`);
    } finally {
      await this.output.flush();
    }
  }

  /** Drives the deploy until it is final or the run lets go of it. */
  async drive(): Promise<void> {
    try {
      await driveDeploy(this);
    } catch (error) {
      if (error instanceof Interrupted) return; // stop or lost lease: nothing stored
      throw error;
    } finally {
      await this.output.flush();
    }
  }

  /** Who asked to abort, once asked. */
  get abortedBy(): AbortInfo | undefined {
    return this.abortInfo;
  }
}

/** `user:default/bob: wrong version`, or the user alone without a reason. */
export function describeAbort(info: AbortInfo): string {
  return info.reason ? `${info.by}: ${info.reason}` : info.by;
}
