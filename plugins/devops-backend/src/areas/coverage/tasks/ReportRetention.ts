import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds, HumanDuration } from '@backstage/types';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { DevopsStore } from '../database';

const BATCH_SIZE = 200;

export interface RetentionSettings {
  maxAge: HumanDuration;
  maxReportsPerSeries: number;
  frequency: HumanDuration;
}

export function readRetentionSettings(config: Config): RetentionSettings {
  const duration = (key: string, fallback: HumanDuration) =>
    config.has(key) ? readDurationFromConfig(config, { key }) : fallback;
  const maxReportsPerSeries =
    config.getOptionalNumber('devops.retention.maxReportsPerSeries') ?? 500;
  if (!Number.isInteger(maxReportsPerSeries) || maxReportsPerSeries < 2) {
    throw new Error(
      `Invalid config at devops.retention.maxReportsPerSeries: expected a whole number of at least 2 (deltas need two reports), got ${maxReportsPerSeries}`,
    );
  }
  return {
    maxAge: duration('devops.retention.maxAge', { days: 180 }),
    maxReportsPerSeries,
    frequency: duration('devops.retention.frequency', { hours: 1 }),
  };
}

/**
 * Deletes reports past the retention limits in small batches, yielding to the event loop between
 * batches, so pruning a large backlog never blocks request handling for long.
 */
export class RetentionPruner {
  constructor(
    private readonly store: DevopsStore,
    private readonly settings: RetentionSettings,
    private readonly logger: LoggerService,
  ) {}

  async schedule(scheduler: SchedulerService) {
    await scheduler.scheduleTask({
      id: 'devops-report-retention',
      frequency: this.settings.frequency,
      timeout: { minutes: 30 },
      initialDelay: { minutes: 1 },
      scope: 'global',
      fn: async () => {
        await this.prune();
      },
    });
  }

  async prune(now: Date = new Date()): Promise<number> {
    const olderThan = new Date(
      now.getTime() - durationToMilliseconds(this.settings.maxAge),
    );
    let deleted = 0;
    for (;;) {
      const n = await this.store.pruneReports({
        olderThan,
        keepPerSeries: this.settings.maxReportsPerSeries,
        batchSize: BATCH_SIZE,
      });
      deleted += n;
      if (n === 0) break;
      await yieldToEventLoop();
    }
    if (deleted > 0) {
      this.logger.info(`Deleted ${deleted} reports past retention`);
    }
    return deleted;
  }
}
