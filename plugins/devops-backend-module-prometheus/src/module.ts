import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { devopsMetricsProvidersExtensionPoint } from '@devops-growth/backstage-plugin-devops-node';
import { PrometheusMetricsProvider } from './PrometheusMetricsProvider';

/**
 * Adds the `prometheus` metrics provider to the DevOps backend, reading
 * `devops.prometheus.instances`. An invalid configuration stops the backend at start-up.
 * @public
 */
export const devopsModulePrometheus = createBackendModule({
  pluginId: 'devops',
  moduleId: 'prometheus',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        metrics: devopsMetricsProvidersExtensionPoint,
      },
      async init({ config, logger, metrics }) {
        const provider = PrometheusMetricsProvider.fromConfig(config);
        if (!provider) {
          logger.info(
            'No Prometheus instance configured under devops.prometheus.instances; the prometheus metrics provider is not registered',
          );
          return;
        }
        metrics.addProvider(provider);
        logger.info(
          `Registered the prometheus metrics provider for instance(s) ${provider
            .instanceNames()
            .join(', ')}`,
        );
      },
    });
  },
});
