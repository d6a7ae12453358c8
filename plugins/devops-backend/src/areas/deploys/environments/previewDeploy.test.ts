import { mockServices, TestDatabaseId } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  DeployOperation,
  DeployProviderContext,
} from '@devops-growth/backstage-plugin-devops-node';
import { createTestDatabases } from '../../../__testUtils__/databases';
import { migrateToLatest } from '../../../database/migrations';
import { DatabaseDeployStore } from '../DatabaseDeployStore';
import { providerConfig } from '../deployPlan';
import { createDeployEngine } from '../engine';
import {
  ENTITY,
  ENTITY_REF,
  eventually,
  queued,
  ScriptedAnalysis,
  TestProvider,
  testSettings,
} from '../engine/__testUtils__/fixtures';
import { DatabaseEnvironmentStore } from './DatabaseEnvironmentStore';
import { EnvironmentDirectory } from './EnvironmentDirectory';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const config = new ConfigReader({
  devops: {
    deploys: {
      environments: [
        { name: 'staging', test: { cluster: 'stage-1' } },
        { name: 'production', test: { cluster: 'prod-1' } },
      ],
    },
  },
});

/** Records the target of every deploy call the engine makes. */
class TargetRecordingProvider extends TestProvider {
  operations: DeployOperation[] = [];
  timeouts: number[] = [];

  deploy(op: DeployOperation, ctx: DeployProviderContext) {
    this.operations.push(op);
    this.timeouts.push(ctx.timeoutMs);
    return super.deploy(op, ctx);
  }
}

describe.each(databases.eachSupportedId())(
  'a deploy to a per-entity environment on %p',
  (databaseId: TestDatabaseId) => {
    it('runs through the engine with the base environment’s provider block, settings and the environment’s own target', async () => {
      const knex = await databases.init(databaseId);
      await migrateToLatest(knex);
      const store = new DatabaseDeployStore(knex);
      const environmentStore = new DatabaseEnvironmentStore(knex);
      const settings = testSettings();
      // The base's phase timeout, to see that the preview runs with its base's settings.
      settings.environments[0] = {
        ...settings.environments[0],
        phaseTimeoutMs: 2500,
      };
      await environmentStore.create({
        entityRef: ENTITY_REF,
        name: 'pr-7',
        basedOn: 'staging',
        provider: 'test',
        target: 'checkout-pr-7',
        createdBy: 'user:default/ada',
        createdAt: new Date(),
        expiresAt: null,
      });
      const provider = new TargetRecordingProvider();
      const engine = createDeployEngine({
        store,
        providers: {
          get: id => (id === provider.id ? provider : undefined),
          ids: () => [provider.id],
        },
        analysis: new ScriptedAnalysis(),
        settings,
        environments: new EnvironmentDirectory({
          settings,
          store: environmentStore,
        }),
        catalog: catalogServiceMock({ entities: [ENTITY] }),
        auth: mockServices.auth(),
        logger: mockServices.logger.mock(),
        owner: 'replica-a',
        providerConfig: (environment, providerId) =>
          providerConfig(config, environment, providerId),
      });
      const preview = await store.create(
        queued({ environment: 'pr-7', target: 'checkout-pr-7' }),
      );
      const gone = await store.create(
        queued({ environment: 'pr-gone', target: 'checkout-pr-gone' }),
      );
      engine.start();
      try {
        const done = await eventually(async () => {
          const d = await store.get(preview.deploy.id);
          return d?.status === 'succeeded' && d;
        });
        expect(done.version).toBe('1.2.0');
        const failed = await eventually(async () => {
          const d = await store.get(gone.deploy.id);
          return d?.status === 'failed' && d;
        });
        expect(failed.outcome).toContain(
          'environment pr-gone is no longer configured (devops.deploys.environments) nor a per-entity environment of component:default/checkout',
        );
      } finally {
        await engine.stop();
      }
      expect(provider.operations).toHaveLength(1);
      const { target } = provider.operations[0];
      expect(target).toMatchObject({
        environment: 'pr-7',
        name: 'checkout-pr-7',
        basedOn: 'staging',
      });
      expect(target.config.getString('cluster')).toBe('stage-1');
      expect(provider.timeouts).toEqual([2500]);
    });
  },
);
