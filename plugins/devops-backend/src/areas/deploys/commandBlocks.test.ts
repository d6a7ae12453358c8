import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { createTestDatabases } from '../../__testUtils__/databases';
import { migrateToLatest } from '../../database/migrations';
import { devopsPlugin } from '../../plugin';
import {
  deployableEntity,
  startDeploysBackend,
} from './__testUtils__/deploysBackend';
import { builtInDeployProviders } from './providers';

jest.setTimeout(120_000);

const checkout = deployableEntity('checkout');

const good = { deploy: ['node', 'deploy.mjs'], rollback: ['node', 'back.mjs'] };
const badProduction = {
  promotionChain: ['staging', 'production'],
  defaults: { gates: { coverage: false, security: false } },
  environments: [
    { name: 'staging', command: good },
    { name: 'production', command: { ...good, deploy: 'not a list' } },
  ],
};

const databases = createTestDatabases();

/** The `command:` blocks of the environments: checked at start-up, a 400 naming the key later. */
describe.each(databases.eachSupportedId())(
  'command blocks of the deploy environments on %s',
  id => {
    it('refuses to start the backend with a malformed command block or an uninstalled provider, naming the key', async () => {
      const knex = await databases.init(id);
      const startWith = (deploys: object) =>
        startTestBackend({
          features: [
            devopsPlugin,
            mockServices.database.factory({ knex }),
            catalogServiceMock.factory({ entities: [] }),
            mockServices.rootConfig.factory({ data: { devops: { deploys } } }),
          ],
        });
      await expect(startWith(badProduction)).rejects.toThrow(
        'Invalid config at devops.deploys.environments[1].command.deploy: Invalid input: expected array, received string',
      );
      await expect(
        startWith({ defaults: { command: { deploy: good.deploy } } }),
      ).rejects.toThrow(
        'Invalid config at devops.deploys.defaults.command.rollback: missing',
      );
      await expect(
        startWith({ defaults: { provider: 'argo' } }),
      ).rejects.toThrow(
        "Invalid config at devops.deploys.defaults.provider: no deploy provider 'argo' is installed",
      );
    });

    it('answers a deploy that reaches a malformed block with a 400 naming the key, not a 500', async () => {
      const knex = await databases.init(id);
      await migrateToLatest(knex);
      // This backend has the routes without the area's start-up check: as after a config reload.
      const b = await startDeploysBackend({
        knex,
        entities: [checkout],
        deploys: badProduction,
        provider: builtInDeployProviders({
          logger: mockServices.logger.mock(),
        })[0],
      });
      const url = '/api/devops/entities/component/default/checkout/deploys';
      const deploy = await request(b.server)
        .post(url)
        .send({ environment: 'production', version: '1.0.0' });
      expect(deploy.status).toBe(400);
      expect(deploy.body.error.message).toMatch(
        /^Invalid config at devops\.deploys\.environments\[1\]\.command\.deploy: /,
      );
      const versions = await request(b.server).get(
        `${url}/versions?environment=production`,
      );
      expect(versions.status).toBe(400);
      expect(versions.body.error.message).toMatch(
        /^Invalid config at devops\.deploys\.environments\[1\]\.command\.deploy: /,
      );
    });
  },
);
