import {
  createBackendPlugin,
  coreServices,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  devopsMetricsProvidersExtensionPoint,
  MetricsProvider,
} from '@devops-growth/backstage-plugin-devops-node';
import prometheusModule from './index';

/** Stands in for the DevOps backend: owns the extension point and records what is added. */
function devopsPluginRecording(providers: MetricsProvider[]) {
  return createBackendPlugin({
    pluginId: 'devops',
    register(reg) {
      reg.registerExtensionPoint(devopsMetricsProvidersExtensionPoint, {
        addProvider: (...added) => providers.push(...added),
      });
      reg.registerInit({
        deps: { logger: coreServices.logger },
        async init() {},
      });
    },
  });
}

describe('devops prometheus module', () => {
  it('adds the prometheus provider for the configured instances', async () => {
    const providers: MetricsProvider[] = [];
    await startTestBackend({
      features: [
        devopsPluginRecording(providers),
        prometheusModule,
        mockServices.rootConfig.factory({
          data: {
            devops: {
              prometheus: {
                instances: [{ name: 'main', baseUrl: 'http://prom:9090' }],
              },
            },
          },
        }),
      ],
    });
    expect(providers.map(p => p.id)).toEqual(['prometheus']);
  });

  it('adds nothing without instances and says so once', async () => {
    const providers: MetricsProvider[] = [];
    const logger = mockServices.logger.mock();
    await startTestBackend({
      features: [
        devopsPluginRecording(providers),
        prometheusModule,
        mockServices.rootConfig.factory({ data: {} }),
        logger.factory,
      ],
    });
    expect(providers).toEqual([]);
    expect(logger.info).toHaveBeenCalledTimes(1);
    expect(logger.info).toHaveBeenCalledWith(
      expect.stringContaining('No Prometheus instance configured'),
    );
  });

  it('stops the backend from starting with an invalid configuration', async () => {
    await expect(
      startTestBackend({
        features: [
          devopsPluginRecording([]),
          prometheusModule,
          mockServices.rootConfig.factory({
            data: {
              devops: {
                prometheus: {
                  instances: [
                    {
                      name: 'main',
                      baseUrl: 'http://prom:9090',
                      queries: { p95Ms: 'x{{{selector}}} {{grupBy}}' },
                    },
                  ],
                },
              },
            },
          }),
        ],
      }),
    ).rejects.toThrow(
      'devops.prometheus.instances[0].queries.p95Ms: unknown placeholder {{grupBy}}',
    );
  });
});
