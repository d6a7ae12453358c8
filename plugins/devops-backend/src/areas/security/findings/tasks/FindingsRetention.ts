import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { durationToMilliseconds } from '@backstage/types';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { FindingStore } from '../FindingStore';
import { FindingsSettings } from '../settings';

const BATCH_SIZE = 200;

/**
 * Deletes findings fixed longer ago than `devops.security.retention`, scans older than it, and
 * streams with nothing left, in small batches, yielding to the event loop between them.
 */
export class FindingsRetention {
  constructor(
    private readonly store: Pick<FindingStore, 'prune'>,
    private readonly settings: Pick<
      FindingsSettings,
      'retention' | 'maintenanceFrequency'
    >,
    private readonly logger: LoggerService,
  ) {}

  async schedule(scheduler: SchedulerService) {
    await scheduler.scheduleTask({
      id: 'devops-security-findings-retention',
      frequency: this.settings.maintenanceFrequency,
      timeout: { minutes: 30 },
      initialDelay: { minutes: 2 },
      scope: 'global',
      fn: async () => {
        await this.prune();
      },
    });
  }

  async prune(now: Date = new Date()): Promise<number> {
    const olderThanMs =
      now.getTime() - durationToMilliseconds(this.settings.retention);
    let deleted = 0;
    for (;;) {
      const n = await this.store.prune(olderThanMs, BATCH_SIZE);
      deleted += n;
      if (n === 0) break;
      await yieldToEventLoop();
    }
    if (deleted > 0) {
      this.logger.info(
        `Deleted ${deleted} fixed findings, scans and streams past retention`,
      );
    }
    return deleted;
  }
}
