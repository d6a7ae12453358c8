import { DeployDetail } from '@devops-growth/backstage-plugin-devops-common';
import yaml from 'yaml';
import {
  ADA,
  APP_BASE_URL,
  createTestDatabases,
  startDevopsBackend,
  stepContext,
} from '../__testUtils__/devopsBackend';
import { examples } from './deploy.examples';

jest.setTimeout(120_000);

const databases = createTestDatabases();
const inputOf = (i: number) => yaml.parse(examples[i].example).steps[0].input;

describe.each(databases.eachSupportedId())(
  'devops:deploy examples against the DevOps backend on %s',
  id => {
    it('deploys to staging and waits until it succeeded, as the user running the template', async () => {
      const backend = await startDevopsBackend({
        knex: await databases.init(id),
      });
      const action = backend.actions['devops:deploy'];
      const run = stepContext(inputOf(0));
      await action.handler(run.ctx);

      const deployId = run.outputs.deployId as string;
      const deploy: DeployDetail = await backend.get(`/deploys/${deployId}`);
      expect(deploy).toMatchObject({
        entityRef: 'component:default/checkout',
        environment: 'staging',
        version: '1.4.2',
        commitSha: '4f1c2a9e0b7d3c5a8e6f1d2b3c4a5e6f7a8b9c0d',
        status: 'succeeded',
        createdBy: ADA,
      });
      expect(run.outputs).toEqual({
        deployId,
        status: 'succeeded',
        version: '1.4.2',
        environment: 'staging',
        strategy: 'rolling',
        allowed: true,
        cardUrl: `${APP_BASE_URL}/catalog/default/component/checkout/devops`,
        cardPath: '/catalog/default/component/checkout/devops',
        gates: expect.arrayContaining([
          expect.objectContaining({ gate: 'promotion-chain' }),
        ]),
      });
      // The deploy script ran once for this deploy; the step logged the engine's progress.
      expect(
        backend
          .calls()
          .filter(c => c.deployId === deployId && c.op === 'deploy'),
      ).toHaveLength(1);
      expect(run.logs).toEqual(
        expect.arrayContaining([
          expect.stringMatching(
            new RegExp(
              `^info Started deploy ${deployId} of 1.4.2 to staging \\(rolling\\) for ${ADA}`,
            ),
          ),
          'info [phase] Phase deploy',
          'info [phase] Phase health',
          expect.stringMatching(
            /^info \[analysis\] Analysis interval 1: promote: not analysed/,
          ),
          `info The deploy ${deployId} of 1.4.2 to staging succeeded`,
        ]),
      );
      // The DevOps backend checked the deploy permission for Ada's request.
      expect(backend.permissionRequests.map(r => r.permission.name)).toContain(
        'devops.deploy.create',
      );
    });

    it('starts a production hotfix over its failed promotion-chain gate without waiting', async () => {
      const backend = await startDevopsBackend({
        knex: await databases.init(id),
      });
      const run = stepContext(inputOf(1));
      await backend.actions['devops:deploy'].handler(run.ctx);

      const deployId = run.outputs.deployId as string;
      expect(['queued', 'running']).toContain(run.outputs.status);
      expect(run.outputs.gates).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            gate: 'promotion-chain',
            status: 'overridden',
            overriddenBy: ADA,
            overrideReason:
              'CHG-1234: checkout is down in production, no time for staging',
          }),
        ]),
      );
      const deploy: DeployDetail = await backend.get(`/deploys/${deployId}`);
      expect(deploy).toMatchObject({
        environment: 'production',
        version: '1.4.3-hotfix.1',
        createdBy: ADA,
      });
      expect(backend.permissionRequests.map(r => r.permission.name)).toEqual(
        expect.arrayContaining([
          'devops.deploy.create',
          'devops.deploy.gate.override',
        ]),
      );
      // It goes on without the step: wait for it here so the backend stops with nothing running.
      for (let i = 0; i < 100; i++) {
        const now: DeployDetail = await backend.get(`/deploys/${deployId}`);
        if (now.status === 'succeeded') break;
        await new Promise(r => setTimeout(r, 100));
      }
    });
  },
);
