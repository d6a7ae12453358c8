import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { FindingStore } from '../FindingStore';
import { FindingsSettings } from '../settings';

const BATCH_SIZE = 500;

/**
 * Reopens accepted findings whose acceptance expired, in batches, each with an `expired` event.
 * Reads treat an expired acceptance as open already, so a late run changes no figure.
 */
export class AcceptanceExpiry {
  constructor(
    private readonly store: Pick<FindingStore, 'reopenExpired'>,
    private readonly settings: Pick<FindingsSettings, 'maintenanceFrequency'>,
    private readonly logger: LoggerService,
  ) {}

  async schedule(scheduler: SchedulerService) {
    await scheduler.scheduleTask({
      id: 'devops-security-acceptance-expiry',
      frequency: this.settings.maintenanceFrequency,
      timeout: { minutes: 15 },
      initialDelay: { minutes: 1 },
      scope: 'global',
      fn: async () => {
        await this.run();
      },
    });
  }

  async run(now: Date = new Date()): Promise<number> {
    let reopened = 0;
    for (;;) {
      const n = await this.store.reopenExpired(now.getTime(), BATCH_SIZE);
      reopened += n;
      if (n < BATCH_SIZE) break;
      await yieldToEventLoop();
    }
    if (reopened > 0) {
      this.logger.info(
        `Reopened ${reopened} findings whose acceptance expired`,
      );
    }
    return reopened;
  }
}
