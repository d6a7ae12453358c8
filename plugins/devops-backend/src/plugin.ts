import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { devopsPermissions } from '@devops-growth/backstage-plugin-devops-common';
import {
  devopsMetricsProvidersExtensionPoint,
  devopsReportParsersExtensionPoint,
  MetricsProvider,
  ReportParser,
} from '@devops-growth/backstage-plugin-devops-node';
import { DatabaseDevopsStore } from './database';
import { AllowedHosts } from './performance/allowedHosts';
import {
  readPerformanceCollectionSettings,
  readPerformanceRetentionSettings,
} from './performance/collectionSettings';
import { DatabasePerformanceStore } from './performance/DatabasePerformanceStore';
import { MetricsCollector } from './performance/MetricsCollector';
import { MetricsProviderRegistry } from './performance/MetricsProviderRegistry';
import { PerformanceMaintenance } from './performance/PerformanceMaintenance';
import { readPerformanceAnalysisSettings } from './performance/analysisSettings';
import { DatabasePerformanceTargetStore } from './performance/DatabasePerformanceTargetStore';
import { LoadTestRunner } from './performance/LoadTestRunner';
import { PerformanceService } from './performance/PerformanceService';
import { ScrapeMetricsProvider } from './performance/scrape';
import { builtInReportParsers } from './reports/parsers';
import { parseByteSize } from './reports/body';
import { QualityService, readQualitySettings } from './service/QualityService';
import { ReportParserRegistry } from './reports/ReportParserRegistry';
import {
  readRetentionSettings,
  RetentionPruner,
} from './service/RetentionPruner';
import { createRouter } from './service/router';

/**
 * The DevOps Growth Engine backend plugin: report ingestion, storage, analysis and REST API
 * under `/api/devops`.
 * @public
 */
export const devopsPlugin = createBackendPlugin({
  pluginId: 'devops',
  register(env) {
    const moduleParsers: ReportParser[] = [];
    env.registerExtensionPoint(devopsReportParsersExtensionPoint, {
      addParser(...parsers) {
        moduleParsers.push(...parsers);
      },
    });
    const moduleMetricsProviders: MetricsProvider[] = [];
    env.registerExtensionPoint(devopsMetricsProvidersExtensionPoint, {
      addProvider(...providers) {
        moduleMetricsProviders.push(...providers);
      },
    });

    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        auth: coreServices.auth,
        scheduler: coreServices.scheduler,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        lifecycle: coreServices.lifecycle,
        catalog: catalogServiceRef,
      },
      async init(deps) {
        const { config, logger, database, scheduler, httpRouter } = deps;
        // Built-in formats go through the same registry as those of modules.
        const parsers = new ReportParserRegistry();
        parsers.add(...builtInReportParsers(), ...moduleParsers);

        const maxBodySize = parseByteSize(
          config.getOptional<number | string>('devops.reports.maxBodySize') ??
            '64mb',
          'devops.reports.maxBodySize',
        );
        const store = await DatabaseDevopsStore.create({ database });
        const quality = new QualityService(store, readQualitySettings(config));
        const pruner = new RetentionPruner(
          store,
          readRetentionSettings(config),
          logger,
        );
        await pruner.schedule(scheduler);

        // The built-in scrape provider goes first, through the same registry as modules' ones.
        const metricsProviders = new MetricsProviderRegistry();
        metricsProviders.add(
          ScrapeMetricsProvider.fromConfig(config, { logger }),
          ...moduleMetricsProviders,
        );
        // One migrations directory for the whole plugin: the first store ran all of it.
        const performanceStore = await DatabasePerformanceStore.create({
          database,
          skipMigrations: true,
        });
        const collector = new MetricsCollector({
          store: performanceStore,
          registry: metricsProviders,
          catalog: deps.catalog,
          auth: deps.auth,
          logger,
          settings: readPerformanceCollectionSettings(config),
        });
        await collector.schedule(scheduler);
        const maintenance = new PerformanceMaintenance(
          performanceStore,
          readPerformanceRetentionSettings(config),
          logger,
        );
        await maintenance.schedule(scheduler);

        const analysisSettings = readPerformanceAnalysisSettings(config);
        const targetStore = await DatabasePerformanceTargetStore.create({
          database,
          skipMigrations: true,
        });
        // Runs a dead process left running are failed once past their deadline.
        const interrupted = await targetStore.failInterruptedLoadTests();
        if (interrupted > 0) {
          logger.warn(
            `Marked ${interrupted} load test(s) interrupted by a backend restart as failed`,
          );
        }
        const runner = new LoadTestRunner(
          targetStore,
          analysisSettings.loadTests,
          logger,
        );
        deps.lifecycle.addShutdownHook(() => runner.stopAll());
        const performance = {
          allowedHosts: AllowedHosts.fromConfig(config),
          service: new PerformanceService(
            performanceStore,
            targetStore,
            metricsProviders,
            analysisSettings,
          ),
          targetStore,
          runner,
        };

        deps.permissionsRegistry.addPermissions(devopsPermissions);
        httpRouter.use(
          await createRouter({
            ...deps,
            store,
            parsers,
            quality,
            maxBodySize,
            performance,
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
