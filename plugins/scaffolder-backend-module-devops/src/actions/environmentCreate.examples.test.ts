import { EntityEnvironment } from '@devops-growth/backstage-plugin-devops-common';
import yaml from 'yaml';
import {
  ADA,
  APP_BASE_URL,
  createTestDatabases,
  startDevopsBackend,
  stepContext,
} from '../__testUtils__/devopsBackend';
import { examples } from './environmentCreate.examples';

jest.setTimeout(120_000);

const databases = createTestDatabases();
const inputOf = (i: number) => yaml.parse(examples[i].example).steps[0].input;
const ENVIRONMENTS = '/entities/component/default/checkout/environments';

describe.each(databases.eachSupportedId())(
  'devops:environment:create examples against the DevOps backend on %s',
  id => {
    it('creates a preview environment with a time to live, then answers it again unchanged', async () => {
      const backend = await startDevopsBackend({
        knex: await databases.init(id),
      });
      const before = Date.now();
      const run = stepContext(inputOf(0), { stepId: 'preview' });
      await backend.actions['devops:environment:create'].handler(run.ctx);

      expect(run.outputs).toEqual({
        name: 'pr-123',
        basedOn: 'staging',
        target: 'checkout-pr-123',
        expiresAt: expect.any(String),
        created: true,
        cardUrl: `${APP_BASE_URL}/catalog/default/component/checkout/devops`,
        cardPath: '/catalog/default/component/checkout/devops',
      });
      const expiresIn = Date.parse(run.outputs.expiresAt as string) - before;
      expect(expiresIn).toBeGreaterThanOrEqual(3 * 86_400_000 - 1000);
      expect(expiresIn).toBeLessThan(3 * 86_400_000 + 60_000);
      const stored: EntityEnvironment = await backend.get(
        `${ENVIRONMENTS}/pr-123`,
      );
      expect(stored).toMatchObject({
        name: 'pr-123',
        basedOn: 'staging',
        createdBy: ADA,
        status: 'active',
      });

      // Another task with the same input: the environment exists with these values.
      const again = stepContext(inputOf(0), { taskId: 'task-2' });
      await backend.actions['devops:environment:create'].handler(again.ctx);
      expect(again.outputs.created).toBe(false);
      expect(again.outputs.name).toBe('pr-123');
    });

    it('creates an environment kept until deleted, with its own target, and deploys to it', async () => {
      const backend = await startDevopsBackend({
        knex: await databases.init(id),
      });
      const run = stepContext(inputOf(1), { stepId: 'environment' });
      await backend.actions['devops:environment:create'].handler(run.ctx);
      expect(run.outputs).toMatchObject({
        name: 'loadtest',
        basedOn: 'staging',
        target: 'checkout-loadtest',
        created: true,
      });
      expect(run.outputs).not.toHaveProperty('expiresAt');

      const deploy = stepContext(
        {
          entityRef: 'component:default/checkout',
          environment: 'loadtest',
          version: '2.0.0',
        },
        { stepId: 'deploy' },
      );
      await backend.actions['devops:deploy'].handler(deploy.ctx);
      expect(deploy.outputs.status).toBe('succeeded');
      expect(
        backend.calls().filter(c => c.deployId === deploy.outputs.deployId)[0],
      ).toMatchObject({ op: 'deploy', target: 'checkout-loadtest' });
    });
  },
);
