import { DeployDetail } from '@devops-growth/backstage-plugin-devops-common';
import yaml from 'yaml';
import {
  ADA,
  createTestDatabases,
  DevopsTestBackend,
  startDevopsBackend,
  stepContext,
} from '../__testUtils__/devopsBackend';
import { examples } from './rollback.examples';

jest.setTimeout(120_000);

const databases = createTestDatabases();
const inputOf = (i: number) => yaml.parse(examples[i].example).steps[0].input;

/** Staging ran 1.4.0, then 1.4.1, and runs 1.4.2 now: pushed deploys, the CI's record. */
async function history(backend: DevopsTestBackend) {
  const at = (minutes: number) =>
    new Date(Date.now() - minutes * 60_000).toISOString();
  for (const [version, minutes] of [
    ['1.4.0', 90],
    ['1.4.1', 60],
    ['1.4.2', 30],
  ] as const) {
    await backend.post('/entities/component/default/checkout/deploys/pushed', {
      environment: 'staging',
      version,
      deployedAt: at(minutes),
      outcome: 'succeeded',
    });
  }
}

describe.each(databases.eachSupportedId())(
  'devops:rollback examples against the DevOps backend on %s',
  id => {
    it('rolls staging back to the previous good version and waits until it runs', async () => {
      const backend = await startDevopsBackend({
        knex: await databases.init(id),
      });
      await history(backend);
      const run = stepContext(inputOf(0), { stepId: 'rollback' });
      await backend.actions['devops:rollback'].handler(run.ctx);

      const rollback: DeployDetail = await backend.get(
        `/deploys/${run.outputs.deployId}`,
      );
      expect(rollback).toMatchObject({
        kind: 'rollback',
        environment: 'staging',
        version: '1.4.1',
        previousVersion: '1.4.2',
        reason: 'INC-42: checkout errors since 1.4.2',
        status: 'succeeded',
        createdBy: ADA,
      });
      expect(run.outputs).toMatchObject({
        status: 'succeeded',
        version: '1.4.1',
        environment: 'staging',
      });
      expect(
        backend
          .calls()
          .filter(c => c.deployId === rollback.id)
          .map(c => c.op),
      ).toContain('deploy');
    });

    it('rolls back to a named version', async () => {
      const backend = await startDevopsBackend({
        knex: await databases.init(id),
      });
      await history(backend);
      const run = stepContext(inputOf(1), { stepId: 'rollback' });
      await backend.actions['devops:rollback'].handler(run.ctx);

      const rollback: DeployDetail = await backend.get(
        `/deploys/${run.outputs.deployId}`,
      );
      expect(rollback).toMatchObject({
        kind: 'rollback',
        version: '1.4.0',
        status: 'succeeded',
        createdBy: ADA,
        reason: 'INC-43: 1.4.1 leaks memory too',
      });
      expect(backend.permissionRequests.map(r => r.permission.name)).toContain(
        'devops.deploy.rollback',
      );
    });
  },
);
