import { durationToMilliseconds } from '@backstage/types';
import { MetricsProvider } from '@devops-growth/backstage-plugin-devops-node';
import { AreaContext, DevopsAreaParts } from '../types';
import { DatabaseLoadTestStore } from './DatabaseLoadTestStore';
import { DatabasePerformanceRollupStore } from './DatabasePerformanceRollupStore';
import { DatabasePerformanceSampleStore } from './DatabasePerformanceSampleStore';
import { DatabasePerformanceTargetStore } from './DatabasePerformanceTargetStore';
import { DatabaseRequestMetricsStore } from './DatabaseRequestMetricsStore';
import { LoadTestRunner } from './LoadTestRunner';
import { MetricsProviderRegistry } from './MetricsProviderRegistry';
import { createPerformanceRouter } from './performanceRoutes';
import { PerformanceService } from './PerformanceService';
import { ScrapeMetricsProvider } from './scrape';
import {
  readPerformanceAnalysisSettings,
  readPerformanceCollectionSettings,
  readPerformanceRetentionSettings,
} from './settings';
import { DatabaseCollectionTickStore } from './tasks/CollectionTickStore';
import { MetricsCollector } from './tasks/MetricsCollector';
import { PerformanceMaintenance } from './tasks/PerformanceMaintenance';

export { PerformanceService } from './PerformanceService';

/** Collection ticks without a new sample after which an entity's data counts as stale. */
export const STALE_AFTER_TICKS = 3;

/**
 * The performance area: metrics collected on a schedule from the providers (the built-in
 * `scrape` one first, then those of modules), roll-ups and retention, targets, regressions and
 * load tests, and the card's summary.
 */
export async function createPerformanceArea(
  context: AreaContext,
  options: { moduleProviders: MetricsProvider[] },
): Promise<DevopsAreaParts & { service: PerformanceService }> {
  const { config, knex, logger } = context;
  // The built-in scrape provider goes first, through the same registry as modules' ones.
  const registry = new MetricsProviderRegistry();
  registry.add(
    ScrapeMetricsProvider.fromConfig(config, {
      logger,
      allowedHosts: context.allowedHosts,
    }),
    ...options.moduleProviders,
  );

  const settings = readPerformanceAnalysisSettings(config);
  const collection = readPerformanceCollectionSettings(config);
  const samples = new DatabasePerformanceSampleStore(knex);
  const loadTests = new DatabaseLoadTestStore(knex);
  // Runs a dead process left running are failed once past their deadline.
  const interrupted = await loadTests.failInterruptedLoadTests();
  if (interrupted > 0) {
    logger.warn(
      `Marked ${interrupted} load test(s) interrupted by a backend restart as failed`,
    );
  }
  const runner = new LoadTestRunner(
    loadTests,
    settings.loadTests,
    logger,
    context.allowedHosts,
  );
  context.lifecycle.addShutdownHook(() => runner.stopAll());

  const service = new PerformanceService({
    samples,
    requests: new DatabaseRequestMetricsStore(knex),
    staleAfterMs:
      STALE_AFTER_TICKS * durationToMilliseconds(collection.frequency),
    targets: new DatabasePerformanceTargetStore(knex),
    loadTests,
    runner,
    registry,
    settings,
    logger,
  });
  return {
    service,
    router: createPerformanceRouter(context, service),
    tasks: [
      new MetricsCollector({
        store: samples,
        registry,
        catalog: context.catalog,
        auth: context.auth,
        logger,
        settings: collection,
        ticks: new DatabaseCollectionTickStore(knex),
      }),
      new PerformanceMaintenance(
        new DatabasePerformanceRollupStore(knex),
        readPerformanceRetentionSettings(config),
        logger,
      ),
    ],
  };
}
