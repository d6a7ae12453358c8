import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { durationToMilliseconds } from '@backstage/types';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { ReportStore } from '../ReportStore';
import { CoverageRetentionSettings } from '../settings';

const BATCH_SIZE = 200;

/**
 * Deletes reports past the retention limits in small batches, yielding to the event loop between
 * batches, so pruning a large backlog never blocks request handling for long.
 */
export class ReportRetention {
  constructor(
    private readonly store: Pick<ReportStore, 'pruneReports'>,
    private readonly settings: CoverageRetentionSettings,
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
