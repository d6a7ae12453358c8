import {
  AuthService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { durationToMilliseconds } from '@backstage/types';
import {
  MetricsCollectionResult,
  MetricsProvider,
  MetricsSample,
} from '@devops-growth/backstage-plugin-devops-node';
import { readMonitoredEntityPages } from '../../monitoredEntities';
import { MetricsProviderRegistry } from '../MetricsProviderRegistry';
import {
  CollectionFailure,
  PerformanceSampleStore,
} from '../PerformanceSampleStore';
import { PerformanceCollectionSettings } from '../settings';
import { CollectionTick, CollectionTickStore } from './CollectionTickStore';

/**
 * How often Backstage's scheduler looks for due global tasks (its `TaskWorker` polls every 5
 * seconds, or every interval when that is shorter): a run can start that much after its time.
 */
const SCHEDULER_POLL_MS = 5000;

import {
  CollectionTickResult,
  errorMessage,
  ScheduledTickOutcome,
  shardOf,
} from './shards';

/**
 * Collects performance metrics of every entity whose `devops-growth.io/monitoring` annotation
 * enables `performance`. The entities are split into shards, one global scheduled task each, so
 * that several backend replicas share the work; every provider is called once per tick with all
 * the shard's entities it collects for.
 *
 * Failover: the scheduler claims a shard's task for one run at a time, until the run ends or its
 * timeout (`devops.performance.collection.timeout`, the interval by default) passes. When the
 * replica running a shard dies, the claim holds until that timeout, then until the scheduler's
 * janitor frees expired claims (once a minute in each replica), then until a replica's next poll
 * (5 s): a gap of timeout + up to 65 s. The first run after such a late run is followed at once
 * by a catch-up run (the scheduler counts the next run from the missed one); that run is skipped
 * when the late run finished less than half an interval before, which the shard's last run in
 * the database (shared by the replicas) tells.
 */
export class MetricsCollector {
  private readonly store: PerformanceSampleStore;
  private readonly registry: MetricsProviderRegistry;
  private readonly catalog: CatalogService;
  private readonly auth: AuthService;
  private readonly logger: LoggerService;
  private readonly settings: PerformanceCollectionSettings;
  private readonly ticks?: CollectionTickStore;
  private readonly clock: () => number;

  constructor(options: {
    store: PerformanceSampleStore;
    registry: MetricsProviderRegistry;
    catalog: CatalogService;
    auth: AuthService;
    logger: LoggerService;
    settings: PerformanceCollectionSettings;
    /** The shards' last runs; without it, no run is skipped. */
    ticks?: CollectionTickStore;
    /** Milliseconds since the epoch; `Date.now` by default. */
    clock?: () => number;
  }) {
    this.ticks = options.ticks;
    this.clock = options.clock ?? Date.now;
    this.store = options.store;
    this.registry = options.registry;
    this.catalog = options.catalog;
    this.auth = options.auth;
    this.logger = options.logger;
    this.settings = options.settings;
  }

  /** The scheduled task ids, one per shard. */
  taskIds(): string[] {
    const n = this.settings.shards;
    return Array.from(
      { length: n },
      (_, i) => `devops-performance-collect-${i}-of-${n}`,
    );
  }

  async schedule(scheduler: SchedulerService): Promise<void> {
    const ids = this.taskIds();
    for (let shard = 0; shard < ids.length; shard++) {
      await scheduler.scheduleTask({
        id: ids[shard],
        frequency: this.settings.frequency,
        timeout: this.settings.timeout,
        scope: 'global',
        fn: async signal => {
          const outcome = await this.runScheduledTick(shard, { signal });
          if (outcome.skipped) {
            this.logger.debug(
              `Performance collection of shard ${shard + 1}/${
                ids.length
              } skipped: ${outcome.reason}`,
            );
            return;
          }
          const result = outcome.result;
          this.logger.debug(
            `Performance collection of shard ${shard + 1}/${ids.length}: ${
              result.entities
            } entities, ${result.samplesWritten} samples, ${
              result.failures
            } failures in ${result.durationMs} ms`,
          );
        },
      });
    }
  }

  /**
   * A scheduled run of a shard: skipped when the shard's previous run was late and finished less
   * than half an interval ago (the scheduler's catch-up run), else {@link collectShard}, with its
   * start and end recorded for the next run, whichever replica runs it.
   */
  async runScheduledTick(
    shard: number,
    options: { signal?: AbortSignal } = {},
  ): Promise<ScheduledTickOutcome> {
    const taskId = this.taskIds()[shard];
    const intervalMs = durationToMilliseconds(this.settings.frequency);
    const startedAtMs = this.clock();
    const previous = await this.ticks?.getTick(taskId);
    if (
      previous?.late &&
      previous.finishedAtMs !== null &&
      startedAtMs - previous.finishedAtMs < intervalMs / 2
    ) {
      // Cleared, so that the next run on schedule is never taken for a catch-up.
      await this.ticks?.setTick(taskId, { ...previous, late: false });
      return {
        skipped: true,
        reason: `the previous run started late and finished ${
          startedAtMs - previous.finishedAtMs
        } ms ago, less than half the interval`,
      };
    }
    const tick: CollectionTick = {
      startedAtMs,
      finishedAtMs: null,
      late:
        previous !== undefined &&
        startedAtMs - previous.startedAtMs >
          intervalMs + Math.min(intervalMs, SCHEDULER_POLL_MS),
    };
    await this.ticks?.setTick(taskId, tick);
    try {
      const result = await this.collectShard(shard, {
        now: new Date(startedAtMs),
        signal: options.signal,
      });
      return { skipped: false, result };
    } finally {
      await this.ticks?.setTick(taskId, {
        ...tick,
        finishedAtMs: this.clock(),
      });
    }
  }

  /** Runs one tick of one shard: reads the catalog, calls the providers, stores the outcome. */
  async collectShard(
    shard: number,
    options: { now?: Date; signal?: AbortSignal } = {},
  ): Promise<CollectionTickResult> {
    const { shards } = this.settings;
    if (!Number.isInteger(shard) || shard < 0 || shard >= shards) {
      throw new Error(`No shard ${shard}: there are ${shards} shards`);
    }
    const started = Date.now();
    const now = options.now ?? new Date();
    const timeoutMs = durationToMilliseconds(this.settings.timeout);
    const signal = options.signal
      ? AbortSignal.any([options.signal, AbortSignal.timeout(timeoutMs)])
      : AbortSignal.timeout(timeoutMs);

    const { entities, pages } = await this.readShard(shard);
    const groups = new Map<MetricsProvider, Map<string, Entity>>();
    let unhandled = 0;
    for (const [ref, entity] of entities) {
      const provider = this.registry.select(entity);
      if (!provider) {
        unhandled += 1;
        continue;
      }
      let group = groups.get(provider);
      if (!group) {
        group = new Map();
        groups.set(provider, group);
      }
      group.set(ref, entity);
    }

    const outcomes = await Promise.all(
      [...groups].map(([provider, group]) =>
        this.collectGroup(provider, group, now, signal, timeoutMs),
      ),
    );
    const samples: MetricsSample[] = [];
    const succeeded: string[] = [];
    const failed: CollectionFailure[] = [];
    for (const outcome of outcomes) {
      samples.push(...outcome.samples);
      succeeded.push(...outcome.succeeded);
      failed.push(...outcome.failed);
    }

    const samplesWritten = await this.store.insertSamples(samples);
    const change = await this.store.recordCollection({
      at: now,
      succeeded,
      failed,
    });
    const failureByRef = new Map(failed.map(f => [f.entityRef, f]));
    for (const ref of change.newlyStale) {
      const failure = failureByRef.get(ref);
      this.logger.warn(
        `Performance metrics of ${ref} could not be collected by '${failure?.provider}': ${failure?.message}; its data is stale until collection succeeds again`,
        { entityRef: ref, provider: failure?.provider ?? '' },
      );
    }
    for (const ref of change.recovered) {
      this.logger.info(`Performance metrics of ${ref} are collected again`, {
        entityRef: ref,
      });
    }

    return {
      shard,
      entities: entities.size - unhandled,
      unhandled,
      catalogPages: pages,
      samplesWritten,
      failures: failureByRef.size,
      durationMs: Date.now() - started,
    };
  }

  /** The shard's performance-enabled entities, read from the catalog in pages. */
  private async readShard(
    shard: number,
  ): Promise<{ entities: Map<string, Entity>; pages: number }> {
    const entities = new Map<string, Entity>();
    const pages = await readMonitoredEntityPages(
      {
        catalog: this.catalog,
        auth: this.auth,
        area: 'performance',
        pageSize: this.settings.pageSize,
      },
      items => {
        for (const entity of items) {
          const ref = stringifyEntityRef(entity);
          if (shardOf(ref, this.settings.shards) === shard) {
            entities.set(ref, entity);
          }
        }
      },
    );
    return { entities, pages };
  }

  /** One provider's call for all its entities of the shard; never throws. */
  private async collectGroup(
    provider: MetricsProvider,
    group: Map<string, Entity>,
    now: Date,
    signal: AbortSignal,
    timeoutMs: number,
  ): Promise<{
    samples: MetricsSample[];
    succeeded: string[];
    failed: CollectionFailure[];
  }> {
    let result: MetricsCollectionResult;
    try {
      result = await this.withDeadline(
        provider.collect([...group.values()], {
          now,
          signal,
          logger: this.logger.child({ metricsProvider: provider.id }),
        }),
        signal,
        timeoutMs,
      );
    } catch (error) {
      const message = errorMessage(error);
      return {
        samples: [],
        succeeded: [],
        failed: [...group.keys()].map(entityRef => ({
          entityRef,
          provider: provider.id,
          message,
        })),
      };
    }

    const failed = new Map<string, CollectionFailure>();
    // A provider only writes for the entities it was given; a malformed sample fails its entity
    // instead of the whole tick.
    const samples = (result.samples ?? []).filter(s => {
      if (!group.has(s.entityRef)) return false;
      if (
        !(s.timestamp instanceof Date) ||
        !Number.isFinite(s.timestamp.getTime()) ||
        typeof s.environment !== 'string' ||
        s.environment.length === 0
      ) {
        failed.set(s.entityRef, {
          entityRef: s.entityRef,
          provider: provider.id,
          message: `provider '${provider.id}' returned a sample without a valid timestamp and environment`,
        });
        return false;
      }
      return true;
    });
    for (const failure of result.failures ?? []) {
      if (group.has(failure.entityRef)) {
        failed.set(failure.entityRef, {
          entityRef: failure.entityRef,
          provider: provider.id,
          message: failure.message,
        });
      }
    }
    const succeeded = [
      ...new Set(samples.map(s => s.entityRef).filter(ref => !failed.has(ref))),
    ];
    return { samples, succeeded, failed: [...failed.values()] };
  }

  /** Settles with the provider's answer, or fails when the tick's budget runs out first. */
  private withDeadline<T>(
    work: Promise<T>,
    signal: AbortSignal,
    timeoutMs: number,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const onAbort = () =>
        reject(
          new Error(
            `collection timed out after ${Math.round(timeoutMs / 1000)}s`,
          ),
        );
      if (signal.aborted) {
        onAbort();
        return;
      }
      signal.addEventListener('abort', onAbort, { once: true });
      work.then(
        value => {
          signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        error => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  }
}
