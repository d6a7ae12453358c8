import {
  AuthService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { readMonitoredEntityPages } from '../../../monitoredEntities';
import { AreaTask } from '../../../types';
import { ComplianceSettings } from '../settings';
import {
  ComplianceEvaluationCounts,
  SecurityCompliance,
} from '../SecurityCompliance';

/** The scheduled task's id. */
export const COMPLIANCE_EVALUATION_TASK_ID =
  'devops-security-compliance-evaluate';

/** What one run did. */
export interface ComplianceEvaluationRun extends ComplianceEvaluationCounts {
  catalogPages: number;
  prunedResults: number;
  prunedHistoryPoints: number;
  durationMs: number;
}

/**
 * Evaluates every security-enabled entity on a schedule (`devops.security.compliance.evaluation`,
 * hourly by default; one global task, so one replica runs it at a time), then deletes results and
 * history past the retention. The catalog is read in pages of the monitored entities; each page's
 * security-enabled entities are read whole (one `getEntitiesByRefs` call per page, so checks see
 * every field: owner, lifecycle, system, links, and whatever a module's check reads) and evaluated
 * in batches with bulk writes.
 */
export class ComplianceEvaluation implements AreaTask {
  constructor(
    private readonly options: {
      compliance: SecurityCompliance;
      catalog: CatalogService;
      auth: AuthService;
      logger: LoggerService;
      settings: ComplianceSettings['evaluation'];
    },
  ) {}

  async schedule(scheduler: SchedulerService): Promise<void> {
    const { settings, logger } = this.options;
    await scheduler.scheduleTask({
      id: COMPLIANCE_EVALUATION_TASK_ID,
      frequency: settings.frequency,
      timeout: settings.timeout,
      initialDelay: { minutes: 1 },
      scope: 'global',
      fn: async () => {
        const run = await this.run(new Date());
        logger.info(
          `Compliance evaluation: ${run.entities} entities, ${run.results} results, ${run.historyPoints} history points, ${run.removed} removed, ${run.withoutFacts} without facts, ${run.prunedResults} + ${run.prunedHistoryPoints} pruned, in ${run.durationMs} ms`,
        );
      },
    });
  }

  /** One evaluation of every security-enabled entity, then the retention. */
  async run(now: Date): Promise<ComplianceEvaluationRun> {
    const started = Date.now();
    const { compliance, catalog, auth, settings } = this.options;
    const totals: ComplianceEvaluationCounts = {
      entities: 0,
      withoutFrameworks: 0,
      withoutFacts: 0,
      results: 0,
      historyPoints: 0,
      removed: 0,
    };
    const add = (counts: ComplianceEvaluationCounts) => {
      for (const key of Object.keys(totals) as Array<keyof typeof totals>) {
        totals[key] += counts[key];
      }
    };
    const credentials = await auth.getOwnServiceCredentials();
    const pending: Entity[] = [];
    /** Evaluates full batches; with `all`, the rest too. */
    const flush = async (all: boolean) => {
      while (
        pending.length >= settings.batchSize ||
        (all && pending.length > 0)
      ) {
        const batch = pending.splice(0, settings.batchSize);
        add(await compliance.evaluateAndCount(batch, now));
      }
    };
    const catalogPages = await readMonitoredEntityPages(
      { catalog, auth, area: 'security', pageSize: settings.pageSize },
      async page => {
        if (page.length === 0) return;
        const { items } = await catalog.getEntitiesByRefs(
          { entityRefs: page.map(e => stringifyEntityRef(e)) },
          { credentials },
        );
        for (const entity of items) {
          if (entity) pending.push(entity);
        }
        await flush(false);
      },
    );
    await flush(true);
    const pruned = await compliance.prune(now);
    return {
      ...totals,
      catalogPages,
      prunedResults: pruned.results,
      prunedHistoryPoints: pruned.historyPoints,
      durationMs: Date.now() - started,
    };
  }
}
