import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
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
  },
);
