import { NotAllowedError } from '@backstage/errors';
import {
  ADA,
  createTestDatabases,
  DevopsTestBackend,
  startDevopsBackend,
  stepContext,
} from '../__testUtils__/devopsBackend';

jest.setTimeout(120_000);

const databases = createTestDatabases();
const CHECKOUT = 'component:default/checkout';
const ENVIRONMENTS = '/entities/component/default/checkout/environments';

describe.each(databases.eachSupportedId())(
  'devops:environment:create and devops:environment:delete on %s',
  id => {
    let backend: DevopsTestBackend;
    const start = async (denied?: string[]) => {
      backend = await startDevopsBackend({
        knex: await databases.init(id),
        denied,
      });
    };

    it('dry run: says what would be created or deleted and changes nothing', async () => {
      await start();
      const create = await backend.run(
        'devops:environment:create',
        { name: 'pr-7', timeToLive: '12h' },
        { dryRun: true },
      );
      expect(create.outputs).toMatchObject({
        name: 'pr-7',
        basedOn: 'staging',
        target: 'checkout-pr-7',
        expiresAt: expect.any(String),
        created: false,
      });
      expect(create.logs).toEqual([
        expect.stringMatching(
          /^info Dry run: pr-7 would be created: based on staging, target checkout-pr-7, torn down at .+; nothing was stored$/,
        ),
      ]);
      expect((await backend.get(ENVIRONMENTS)).items).toEqual([]);

      await backend.post(ENVIRONMENTS, { name: 'pr-7' });
      const again = await backend.run(
        'devops:environment:create',
        { name: 'pr-7' },
        { dryRun: true },
      );
      expect(again.logs[0]).toMatch(
        /^info Dry run: pr-7 exists with these values already/,
      );
      const remove = await backend.run(
        'devops:environment:delete',
        { name: 'pr-7' },
        { dryRun: true },
      );
      expect(remove.outputs).toEqual({ status: 'active', attempts: 0 });
      expect((await backend.get(`${ENVIRONMENTS}/pr-7`)).status).toBe('active');
      expect(backend.calls()).toEqual([]);
    });

    it('wait: logs each failed teardown attempt and fails on timeout with the last error', async () => {
      await start();
      await backend.run('devops:environment:create', {
        name: 'pr-8',
        target: 'checkout-stuck',
      });
      const step = stepContext(
        { entityRef: CHECKOUT, name: 'pr-8', wait: true, timeout: '4s' },
        { stepId: 'teardown' },
      );
      const error = await backend.actions['devops:environment:delete']
        .handler(step.ctx)
        .catch(e => e);
      expect(error.message).toMatch(
        /^pr-8 is still tearing-down after the step's timeout of 4s \(\d+ attempts, last error: .*the platform refused to delete checkout-stuck.*\); the teardown goes on in the DevOps backend: see http:\/\/backstage.test:3000\/catalog\/default\/component\/checkout\/devops$/,
      );
      expect(step.outputs.status).toBe('tearing-down');
      expect(step.outputs.attempts).toBeGreaterThanOrEqual(1);
      expect(step.logs).toEqual(
        expect.arrayContaining([
          expect.stringMatching(
            /^warn Teardown attempt 1 failed: .*the platform refused to delete checkout-stuck/,
          ),
        ]),
      );
    });

    it('names the permission a user without devops.environment.create lacks', async () => {
      await start(['devops.environment.create', 'devops.environment.delete']);
      const error = await backend
        .run('devops:environment:create', {
          name: 'pr-9',
        })
        .catch(e => e);
      expect(error).toBeInstanceOf(NotAllowedError);
      expect(error.message).toContain(
        `The user running the template (${ADA}) needs the permission devops.environment.create on ${CHECKOUT}`,
      );
      expect((await backend.get(ENVIRONMENTS)).items).toEqual([]);
    });
  },
);
