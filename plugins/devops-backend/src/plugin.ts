import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { devopsPermissions } from '@devops-growth/backstage-plugin-devops-common';
import {
  devopsReportParsersExtensionPoint,
  ReportParser,
} from '@devops-growth/backstage-plugin-devops-node';
import { DatabaseDevopsStore } from './database';
import { builtInReportParsers } from './parsers';
import { parseByteSize } from './service/body';
import { QualityService, readQualitySettings } from './service/QualityService';
import { ReportParserRegistry } from './service/ReportParserRegistry';
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

    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
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

        deps.permissionsRegistry.addPermissions(devopsPermissions);
        httpRouter.use(
          await createRouter({ ...deps, store, parsers, quality, maxBodySize }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
