import yaml from 'yaml';
import {
  createTestDatabases,
  DevopsTestBackend,
  startDevopsBackend,
  stepContext,
} from '../__testUtils__/devopsBackend';
import { examples } from './environmentDelete.examples';

jest.setTimeout(120_000);

const databases = createTestDatabases();
const inputOf = (i: number) => yaml.parse(examples[i].example).steps[0].input;
const ENVIRONMENTS = '/entities/component/default/checkout/environments';

async function create(backend: DevopsTestBackend, name: string) {
  await backend.post(ENVIRONMENTS, { name });
}

describe.each(databases.eachSupportedId())(
  'devops:environment:delete examples against the DevOps backend on %s',
  id => {
    it('starts the teardown of a preview environment and ends', async () => {
      const backend = await startDevopsBackend({
        knex: await databases.init(id),
      });
      await create(backend, 'pr-123');
      const run = stepContext(inputOf(0), { stepId: 'teardown' });
      await backend.actions['devops:environment:delete'].handler(run.ctx);

      expect(['tearing-down', 'torn-down']).toContain(run.outputs.status);
      const stored = await backend.get(`${ENVIRONMENTS}/pr-123`);
      expect(stored.teardown).toMatchObject({
        cause: 'deleted',
        requestedBy: 'user:default/ada',
        reason: 'pull request 123 merged',
      });
      expect(backend.permissionRequests.map(r => r.permission.name)).toContain(
        'devops.environment.delete',
      );
    });

    it('waits until the provider has torn the environment down', async () => {
      const backend = await startDevopsBackend({
        knex: await databases.init(id),
      });
      await create(backend, 'loadtest');
      const run = stepContext(inputOf(1), { stepId: 'teardown' });
      await backend.actions['devops:environment:delete'].handler(run.ctx);

      expect(run.outputs).toEqual({ status: 'torn-down', attempts: 1 });
      expect(run.logs).toContain('info loadtest is torn down');
      expect(
        backend
          .calls()
          .filter(c => c.op === 'teardown')
          .map(c => c.target),
      ).toEqual(['checkout-loadtest']);
    });
  },
);
