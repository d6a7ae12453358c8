import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { createBackendModule } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  devopsMetricsProvidersExtensionPoint,
  MetricsProvider,
} from '@devops-growth/backstage-plugin-devops-node';
import { devopsPlugin } from '../../plugin';

jest.setTimeout(60_000);

const checkout: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    namespace: 'default',
    annotations: {
      'devops-growth.io/monitoring': 'performance',
      'devops-growth.io/metrics-source': 'test-source',
    },
  },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
};

function moduleWith(provider: MetricsProvider) {
  return createBackendModule({
    pluginId: 'devops',
    moduleId: `metrics-${provider.id}`,
    register(reg) {
      reg.registerInit({
        deps: { providers: devopsMetricsProvidersExtensionPoint },
        async init({ providers }) {
          providers.addProvider(provider);
        },
      });
    },
  });
}

describe('metrics providers of modules', () => {
  it('are called by the scheduled collection for the entities that name them', async () => {
    let resolveCalled: (refs: string[]) => void;
    const called = new Promise<string[]>(resolve => {
      resolveCalled = resolve;
    });
    const provider: MetricsProvider = {
      id: 'test-source',
      handles: () => false,
      async collect(entities, { now }) {
        resolveCalled(entities.map(e => stringifyEntityRef(e)));
        return {
          samples: entities.map(e => ({
            entityRef: stringifyEntityRef(e),
            environment: 'production',
            timestamp: now,
            values: { p95Ms: 100 },
          })),
          failures: [],
        };
      },
    };
    const backend = await startTestBackend({
      features: [
        devopsPlugin,
        moduleWith(provider),
        catalogServiceMock.factory({ entities: [checkout] }),
        mockServices.rootConfig.factory({
          data: {
            devops: { performance: { collection: { frequency: '1s' } } },
          },
        }),
      ],
    });
    await expect(called).resolves.toEqual(['component:default/checkout']);
    await backend.stop();
  });

  it('cannot take the id of the built-in scrape provider', async () => {
    const impostor: MetricsProvider = {
      id: 'scrape',
      handles: () => false,
      collect: async () => ({ samples: [], failures: [] }),
    };
    await expect(
      startTestBackend({
        features: [
          devopsPlugin,
          moduleWith(impostor),
          catalogServiceMock.factory({ entities: [] }),
        ],
      }),
    ).rejects.toThrow(
      "A metrics provider with id 'scrape' is already registered",
    );
  });

  it('refuses to start with invalid collection settings', async () => {
    await expect(
      startTestBackend({
        features: [
          devopsPlugin,
          catalogServiceMock.factory({ entities: [] }),
          mockServices.rootConfig.factory({
            data: { devops: { performance: { collection: { shards: 0 } } } },
          }),
        ],
      }),
    ).rejects.toThrow('devops.performance.collection.shards');
  });
});
