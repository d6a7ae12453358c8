import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { devopsPermissions } from '@devops-growth/backstage-plugin-devops-common';
import {
  ComplianceCheck,
  ComplianceFramework,
  DeployProvider,
  devopsComplianceExtensionPoint,
  devopsDeployProvidersExtensionPoint,
  devopsMetricsProvidersExtensionPoint,
  devopsReportParsersExtensionPoint,
  MetricsProvider,
  readOptionalByteSize,
  ReportParser,
} from '@devops-growth/backstage-plugin-devops-node';
import { createCoverageArea } from './areas/coverage';
import { createDeploysArea } from './areas/deploys';
import { createDeployFactsReader } from './areas/deploys/complianceFacts';
import { readDeploySettings } from './areas/deploys/settings';
import { createPerformanceArea } from './areas/performance';
import { createSecurityArea } from './areas/security';
import { AreaContext } from './areas/types';
import { openDatabase } from './database/migrations';
import { AllowedHosts } from './egress/AllowedHosts';
import { EntityAccess } from './http';
import { builtInReportParsers } from './reports/parsers';
import { ReportParserRegistry } from './reports/ReportParserRegistry';
import { createReportsRouter } from './reports/reportsRoutes';
import { createRouter } from './router';

/**
 * The DevOps Growth Engine backend plugin: report ingestion, storage, analysis and REST API
 * under `/api/devops`, composed of one part per area.
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

    const moduleFrameworks: ComplianceFramework[] = [];
    const moduleChecks: ComplianceCheck[] = [];
    env.registerExtensionPoint(devopsComplianceExtensionPoint, {
      addFramework(...frameworks) {
        moduleFrameworks.push(...frameworks);
      },
      addCheck(...checks) {
        moduleChecks.push(...checks);
      },
    });

    const moduleDeployProviders: DeployProvider[] = [];
    env.registerExtensionPoint(devopsDeployProvidersExtensionPoint, {
      addProvider(...providers) {
        moduleDeployProviders.push(...providers);
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
        signals: signalsServiceRef,
      },
      async init(deps) {
        const { config, scheduler, httpRouter } = deps;
        const context: AreaContext = {
          ...deps,
          knex: await openDatabase(deps.database),
          access: new EntityAccess(deps),
          allowedHosts: AllowedHosts.fromConfig(config),
        };

        // Built-in formats go through the same registry as those of modules.
        const parsers = new ReportParserRegistry();
        parsers.add(...builtInReportParsers(), ...moduleParsers);

        const coverage = createCoverageArea(context);
        const performance = await createPerformanceArea(context, {
          moduleProviders: moduleMetricsProviders,
        });
        const security = createSecurityArea(context, {
          coverage: coverage.service,
          performance: performance.service,
          moduleFrameworks,
          moduleChecks,
          // Compliance checks read the deploy history (gated production deploys, a tested
          // rollback) straight from the deploys tables' read-only queries.
          deploys: createDeployFactsReader({
            knex: context.knex,
            settings: readDeploySettings(config),
          }),
        });
        const deploys = createDeploysArea(context, {
          coverage: coverage.service,
          security: security.service,
          performance: performance.service,
          moduleProviders: moduleDeployProviders,
          signals: deps.signals,
        });
        const areas = [coverage, performance, security, deploys];
        for (const area of areas) {
          for (const task of area.tasks) {
            await task.schedule(scheduler);
          }
        }

        deps.permissionsRegistry.addPermissions([
          ...devopsPermissions,
          ...areas.flatMap(area => area.permissions ?? []),
        ]);
        const reports = createReportsRouter(context, {
          parsers,
          sinks: areas.flatMap(area => area.reportSinks ?? []),
          maxBodySize: readOptionalByteSize(
            config,
            'devops.reports.maxBodySize',
            '64mb',
          ),
        });
        httpRouter.use(createRouter([reports, ...areas.map(a => a.router)]));
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
