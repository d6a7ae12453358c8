import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { durationToMilliseconds } from '@backstage/types';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { PerformanceRollupStore } from '../PerformanceRollupStore';
import { PerformanceRetentionSettings } from '../settings';

const HOUR_MS = 3_600_000;
/** Hours rolled up per statement, so that a long backlog is worked off in bounded steps. */
const ROLLUP_STEP_HOURS = 24;
/**
 * Hours before the watermark rolled up again: a tick that started before an hour ended may
 * write its samples after that hour was rolled up. Roll-ups are idempotent, so this is safe.
 */
const ROLLUP_OVERLAP_MS = HOUR_MS;

export interface MaintenanceResult {
  /** Hourly rows written. */
  rolledUp: number;
  samplesDeleted: number;
  tenMinuteRollupsDeleted: number;
  rollupsDeleted: number;
}

/**
 * Rolls complete hours of raw samples up into hourly means, then deletes raw samples and
 * roll-ups past retention, in batches with a yield to the event loop between them, so pruning
 * a large backlog never blocks the process for long.
 */
export class PerformanceMaintenance {
  constructor(
    private readonly store: PerformanceRollupStore,
    private readonly settings: PerformanceRetentionSettings,
    private readonly logger: LoggerService,
  ) {}

  async schedule(scheduler: SchedulerService): Promise<void> {
    await scheduler.scheduleTask({
      id: 'devops-performance-maintenance',
      frequency: this.settings.frequency,
      timeout: { minutes: 30 },
      initialDelay: { minutes: 1 },
      scope: 'global',
      fn: async signal => {
        await this.run(new Date(), signal);
      },
    });
  }

  async run(
    now: Date = new Date(),
    signal?: AbortSignal,
  ): Promise<MaintenanceResult> {
    const rolledUp = await this.rollup(now, signal);
    const rawCutoff = new Date(
      now.getTime() - durationToMilliseconds(this.settings.raw),
    );
    const samplesDeleted = await this.pruneInBatches(
      before => this.store.pruneSamples(before, this.settings.batchSize),
      rawCutoff,
      signal,
    );
    // The 10-minute roll-ups serve the raw windows: they go with the raw samples.
    const tenMinuteRollupsDeleted = await this.pruneInBatches(
      before =>
        this.store.pruneTenMinuteRollups(before, this.settings.batchSize),
      rawCutoff,
      signal,
    );
    const rollupsDeleted = await this.pruneInBatches(
      before => this.store.pruneRollups(before, this.settings.batchSize),
      new Date(now.getTime() - durationToMilliseconds(this.settings.rollups)),
      signal,
    );
    if (samplesDeleted > 0 || rollupsDeleted > 0) {
      this.logger.info(
        `Deleted ${samplesDeleted} raw performance samples, ${tenMinuteRollupsDeleted} 10-minute roll-ups and ${rollupsDeleted} hourly and 6-hour roll-ups past retention`,
      );
    }
    return {
      rolledUp,
      samplesDeleted,
      tenMinuteRollupsDeleted,
      rollupsDeleted,
    };
  }

  /** Rolls up every complete hour since the watermark, a day at a time, advancing the watermark. */
  private async rollup(now: Date, signal?: AbortSignal): Promise<number> {
    const end = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
    const watermark = await this.store.getRollupWatermark();
    let from: number;
    if (watermark) {
      from = watermark.getTime() - ROLLUP_OVERLAP_MS;
    } else {
      const oldest = await this.store.getOldestSampleTime();
      if (!oldest) return 0;
      from = Math.floor(oldest.getTime() / HOUR_MS) * HOUR_MS;
    }
    let written = 0;
    while (from < end && !signal?.aborted) {
      const to = Math.min(end, from + ROLLUP_STEP_HOURS * HOUR_MS);
      written += await this.store.rollupHours(new Date(from), new Date(to));
      await this.store.setRollupWatermark(new Date(to));
      from = to;
      await yieldToEventLoop();
    }
    return written;
  }

  private async pruneInBatches(
    prune: (before: Date) => Promise<number>,
    before: Date,
    signal?: AbortSignal,
  ): Promise<number> {
    let deleted = 0;
    while (!signal?.aborted) {
      const n = await prune(before);
      deleted += n;
      if (n < this.settings.batchSize) break;
      await yieldToEventLoop();
    }
    return deleted;
  }
}
