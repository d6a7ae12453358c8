import {
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  SignalPayload,
  signalsServiceRef,
} from '@backstage/plugin-signals-node';
import {
  DeployProvider,
  devopsDeployProvidersExtensionPoint,
} from '@devops-growth/backstage-plugin-devops-node';
import request from 'supertest';
import { createTestDatabases } from './__testUtils__/databases';
import { devopsPlugin } from './plugin';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'devops backend plugin on %p',
  databaseId => {
    it('migrates once at start-up and mounts every area under /api/devops', async () => {
      const knex = await databases.init(databaseId);
      const { server } = await startTestBackend({
        features: [
          devopsPlugin,
          mockServices.database.factory({ knex }),
          catalogServiceMock.factory({ entities: [] }),
        ],
      });
      // Every area's tables exist after one start.
      for (const table of [
        'devops_reports',
        'devops_perf_samples',
        'devops_load_test_runs',
      ]) {
        expect(await knex.schema.hasTable(table)).toBe(true);
      }
      const health = await request(server).get('/api/devops/health');
      expect(health.body).toEqual({ status: 'ok' });
      // The coverage area's routes and the performance area's routes answer.
      const formats = await request(server).get('/api/devops/formats');
      expect(formats.body.formats).toEqual(
        expect.arrayContaining(['lcov', 'junit']),
      );
      const coverage = await request(server).get(
        '/api/devops/entities/component/default/ghost/coverage',
      );
      expect(coverage.status).toBe(404);
      const performance = await request(server).get(
        '/api/devops/entities/component/default/ghost/performance',
      );
      expect(performance.status).toBe(404);
      expect(performance.body.error.message).toBe(
        "Entity 'component:default/ghost' was not found in the catalog",
      );
    });

    it('refuses to start on a wrong config value, naming the key', async () => {
      const knex = await databases.init(databaseId);
      await expect(
        startTestBackend({
          features: [
            devopsPlugin,
            mockServices.database.factory({ knex }),
            catalogServiceMock.factory({ entities: [] }),
            mockServices.rootConfig.factory({
              data: { devops: { coverage: { retention: { maxAge: 'soon' } } } },
            }),
          ],
        }),
      ).rejects.toThrow('devops.coverage.retention.maxAge');
    });

    it('runs a deploy started through the API with a provider a module registered', async () => {
      const knex = await databases.init(databaseId);
      // The provider of an imaginary platform: it runs what it was asked to, and says so.
      const calls: string[] = [];
      let serving: string | null = '1.0.0';
      let canary: { version: string; weight: number } | null = null;
      const provider: DeployProvider = {
        id: 'platform',
        strategies: ['canary'],
        resumable: false,
        async listVersions() {
          return ['1.1.0', '1.0.0'];
        },
        async deploy(op) {
          calls.push(`deploy ${op.target.name} ${op.version}`);
          canary = { version: op.version, weight: 0 };
        },
        async setWeight(op) {
          calls.push(`weight ${op.weight}`);
          canary = { version: op.version, weight: op.weight! };
        },
        async promote(op) {
          calls.push(`promote ${op.version}`);
          serving = op.version;
          canary = null;
        },
        async rollback(op) {
          calls.push(`rollback ${op.previousVersion}`);
          canary = null;
        },
        async status() {
          return { version: serving, healthy: true, canary };
        },
      };
      const signals: SignalPayload[] = [];
      const { server } = await startTestBackend({
        features: [
          devopsPlugin,
          createBackendModule({
            pluginId: 'devops',
            moduleId: 'platform-deploys',
            register(env) {
              env.registerInit({
                deps: { providers: devopsDeployProvidersExtensionPoint },
                async init({ providers }) {
                  providers.addProvider(provider);
                },
              });
            },
          }),
          createServiceFactory({
            service: signalsServiceRef,
            deps: {},
            factory: () => ({
              async publish(signal) {
                signals.push(signal as SignalPayload);
              },
            }),
          }),
          mockServices.database.factory({ knex }),
          catalogServiceMock.factory({
            entities: [
              {
                apiVersion: 'backstage.io/v1alpha1',
                kind: 'Component',
                metadata: {
                  name: 'shop',
                  annotations: {
                    'devops-growth.io/monitoring': 'deploy',
                    'devops-growth.io/deploy-target': 'shop-web',
                  },
                },
                spec: { type: 'service', owner: 'team-a' },
              },
            ],
          }),
          mockServices.rootConfig.factory({
            data: {
              devops: {
                deploys: {
                  promotionChain: ['production'],
                  engine: { pollInterval: '100ms' },
                  // One canary step at 100 %: no analysis interval to wait for (this test has no
                  // metrics); the analysis has its own tests.
                  defaults: {
                    provider: 'platform',
                    strategy: 'canary',
                    canarySteps: [100],
                    analysis: { stepPause: { seconds: 0 } },
                    gates: { coverage: false, security: false },
                  },
                },
              },
            },
          }),
        ],
      });
      const base = '/api/devops/entities/component/default/shop/deploys';
      const started = await request(server)
        .post(base)
        .send({ environment: 'production', version: '1.1.0' });
      expect(started.status).toBe(201);
      const id = started.body.id;

      let detail: any;
      for (let i = 0; i < 100; i++) {
        detail = (await request(server).get(`/api/devops/deploys/${id}`)).body;
        if (detail.status !== 'queued' && detail.status !== 'running') break;
        await new Promise(r => setTimeout(r, 100));
      }
      expect({
        status: detail.status,
        events: detail.events.map((e: any) => e.message),
      }).toEqual({ status: 'succeeded', events: expect.any(Array) });
      expect(calls).toEqual([
        'deploy shop-web 1.1.0',
        'weight 100',
        'promote 1.1.0',
      ]);
      expect(detail.events.map((e: any) => e.type)).toContain('phase');

      const summary = await request(server).get(base);
      expect(summary.body.environments).toEqual([
        expect.objectContaining({
          name: 'production',
          running: expect.objectContaining({ version: '1.1.0', deployId: id }),
          active: null,
        }),
      ]);
      // The card heard of every change on the entity's channel, ending with the success.
      expect(
        signals.every(
          s => s.channel === 'devops:deploys:component:default/shop',
        ),
      ).toBe(true);
      expect(signals.map(s => s.message.status)).toEqual(
        expect.arrayContaining(['queued', 'running', 'succeeded']),
      );
    });
  },
);
