import { SignalsService } from '@backstage/plugin-signals-node';
import { devopsDeployEnvironmentPermission } from '@devops-growth/backstage-plugin-devops-common';
import { DeployProvider } from '@devops-growth/backstage-plugin-devops-node';
import { AreaContext, AreaTask, DevopsAreaParts } from '../types';
import { createCanaryAnalysis } from './analysis/CanaryAnalysisRunner';
import { DatabaseDeployStore } from './DatabaseDeployStore';
import { providerConfig } from './deployPlan';
import { checkDeployEnvironments } from './environmentChecks';
import { DeploysService } from './DeploysService';
import { createDeploySignalPublisher } from './deploySignals';
import { createDeploysRouter } from './deploysRoutes';
import { computeDora } from './dora';
import { createDeployEngine, recordDeployImpacts } from './engine';
import { DatabaseDriftStore } from './drift/DatabaseDriftStore';
import { createDriftSweepTask } from './drift/driftSweep';
import { DatabaseEnvironmentStore } from './environments/DatabaseEnvironmentStore';
import { EnvironmentDirectory } from './environments/EnvironmentDirectory';
import { EnvironmentsService } from './environments/EnvironmentsService';
import {
  createEnvironmentTeardownTask,
  EnvironmentTeardownRunner,
} from './environments/teardown';
import { createDeployGates } from './gates';
import { builtInDeployProviders, DeployProviderRegistry } from './providers';
import { readDeploySettings } from './settings';
import {
  CanaryMetricsReader,
  CoverageGateReader,
  DeployEngine,
  SecurityGateReader,
} from './types';

export { DeploysService } from './DeploysService';
export { EnvironmentsService } from './environments/EnvironmentsService';

/** How often the impact task looks for finished deploys whose window after them has passed. */
const IMPACT_FREQUENCY = { minutes: 1 };

/**
 * The deploys area: deploys and rollbacks as persisted state machines run by this replica's
 * engine (started with the backend, stopped at shutdown), their safety gates (reading the
 * coverage and security areas through their services), the canary analysis (reading the
 * performance area's metrics), pushed deploys, incidents, DORA, and the card's summary. Every
 * change of a deploy is published as a signal. Per-entity environments (previews) are created
 * and deleted through the API and torn down by the teardown task; the drift sweep compares what
 * the last successful deploy left with what the providers report.
 */
export function createDeploysArea(
  context: AreaContext,
  options: {
    coverage: CoverageGateReader;
    security: SecurityGateReader;
    performance: { canaryMetrics(): CanaryMetricsReader };
    moduleProviders: DeployProvider[];
    signals: SignalsService;
  },
): DevopsAreaParts & {
  service: DeploysService;
  environments: EnvironmentsService;
  engine: DeployEngine;
} {
  const { config, logger } = context;
  const settings = readDeploySettings(config);
  const store = new DatabaseDeployStore(context.knex);
  const environmentStore = new DatabaseEnvironmentStore(context.knex);
  const environments = new EnvironmentDirectory({
    settings,
    store: environmentStore,
  });
  const drift = new DatabaseDriftStore(context.knex);

  // The built-in command provider goes through the same registry as those of modules.
  const providers = new DeployProviderRegistry();
  providers.add(
    ...builtInDeployProviders({ logger }),
    ...options.moduleProviders,
  );
  // Refuse to start with an uninstalled provider or a wrong `command:` block, naming the key.
  checkDeployEnvironments(config, settings, providers);

  const analysis = createCanaryAnalysis({
    reader: options.performance.canaryMetrics(),
  });
  const notify = createDeploySignalPublisher(options.signals, logger);
  const engine = createDeployEngine({
    store,
    providers,
    analysis,
    settings,
    environments,
    catalog: context.catalog,
    auth: context.auth,
    logger: logger.child({ area: 'deploys' }),
    listener: notify,
    providerConfig: (environment, providerId) =>
      providerConfig(config, environment, providerId),
  });
  const gates = createDeployGates({
    settings,
    store,
    coverage: options.coverage,
    security: options.security,
  });
  const service = new DeploysService({
    settings,
    config,
    store,
    environments,
    drift,
    providers,
    gates,
    engine,
    computeDora,
    notify,
    logger,
  });

  const teardown = new EnvironmentTeardownRunner({
    settings,
    config,
    store: environmentStore,
    deploys: store,
    providers,
    logger: logger.child({ area: 'deploys', task: 'environment-teardown' }),
  });
  const environmentsService = new EnvironmentsService({
    settings,
    store: environmentStore,
    deploys: store,
    providers,
    teardown,
    logger: logger.child({ area: 'deploys' }),
  });

  context.lifecycle.addStartupHook(() => engine.start());
  context.lifecycle.addShutdownHook(() => engine.stop());

  const impacts: AreaTask = {
    async schedule(scheduler) {
      await scheduler.scheduleTask({
        id: 'devops-deploy-impacts',
        frequency: IMPACT_FREQUENCY,
        timeout: { minutes: 5 },
        initialDelay: { seconds: 30 },
        scope: 'global',
        fn: async () => {
          await recordDeployImpacts(store, analysis, settings, new Date(), {
            logger,
          });
        },
      });
    },
  };

  return {
    service,
    environments: environmentsService,
    engine,
    router: createDeploysRouter(context, service, environmentsService),
    permissions: settings.environments.map(e =>
      devopsDeployEnvironmentPermission(e.name),
    ),
    tasks: [
      impacts,
      createEnvironmentTeardownTask(teardown, settings),
      createDriftSweepTask({
        settings,
        config,
        store,
        environments,
        drift,
        providers,
        catalog: context.catalog,
        auth: context.auth,
        logger: logger.child({ area: 'deploys', task: 'drift-sweep' }),
      }),
    ],
  };
}
