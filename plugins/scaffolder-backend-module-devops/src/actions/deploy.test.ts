import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { DeployDetail } from '@devops-growth/backstage-plugin-devops-common';
import {
  ADA,
  APP_BASE_URL,
  createTestDatabases,
  DevopsTestBackend,
  startDevopsBackend,
  stepContext,
} from '../__testUtils__/devopsBackend';

jest.setTimeout(120_000);

const databases = createTestDatabases();
const CHECKOUT = 'component:default/checkout';
const CARD = `${APP_BASE_URL}/catalog/default/component/checkout/devops`;
const HISTORY = '/entities/component/default/checkout/deploys/history';

const historyTotal = async (backend: DevopsTestBackend) =>
  (await backend.get(HISTORY)).total as number;

/** A succeeded deploy the CI pushed: what staging runs before the test. */
const pushed = (
  backend: DevopsTestBackend,
  version: string,
  minutesAgo: number,
) =>
  backend.post('/entities/component/default/checkout/deploys/pushed', {
    environment: 'staging',
    version,
    deployedAt: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
    outcome: 'succeeded',
  });

describe.each(databases.eachSupportedId())(
  'devops:deploy and devops:rollback on %s',
  id => {
    let backend: DevopsTestBackend;
    const start = async (denied?: string[]) => {
      backend = await startDevopsBackend({
        knex: await databases.init(id),
        denied,
      });
      return backend;
    };

    it('dry run: reports the gates and starts nothing, also when a gate fails', async () => {
      await start();
      const allowed = await backend.run(
        'devops:deploy',
        { environment: 'staging', version: '1.0.0' },
        { dryRun: true },
      );
      expect(allowed.outputs).toEqual({
        cardUrl: CARD,
        cardPath: '/catalog/default/component/checkout/devops',
        environment: 'staging',
        version: '1.0.0',
        strategy: 'rolling',
        allowed: true,
        gates: expect.arrayContaining([
          expect.objectContaining({
            gate: 'promotion-chain',
            status: 'skipped',
          }),
        ]),
      });
      expect(allowed.logs).toContain(
        'info Dry run: the deploy of 1.0.0 to staging (rolling, from nothing) would start; nothing was started',
      );

      // Production without 1.0.0 having run in staging: blocked, reported, not failed.
      const blocked = await backend.run(
        'devops:deploy',
        { environment: 'production', version: '1.0.0' },
        { dryRun: true },
      );
      expect(blocked.outputs.allowed).toBe(false);
      expect(blocked.outputs.gates).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            gate: 'promotion-chain',
            title: 'Promotion chain',
            status: 'failed',
          }),
        ]),
      );
      expect(blocked.logs).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^warn Gate promotion-chain: failed: /),
          expect.stringMatching(
            /^warn Dry run: the deploy of 1.0.0 to production would be blocked/,
          ),
        ]),
      );
      expect(await historyTotal(backend)).toBe(0);

      await pushed(backend, '0.9.0', 60);
      await pushed(backend, '1.0.0', 30);
      const rollback = await backend.run(
        'devops:rollback',
        { environment: 'staging', reason: 'rehearsal' },
        { dryRun: true },
      );
      expect(rollback.outputs).toMatchObject({
        version: '0.9.0',
        allowed: true,
      });
      expect(rollback.outputs).not.toHaveProperty('deployId');
      expect(rollback.logs).toContain(
        'info Dry run: the rollback of 0.9.0 to staging (rolling, from 1.0.0) would start; nothing was started',
      );

      // Only the two pushed deploys; the deploy script never ran.
      expect(await historyTotal(backend)).toBe(2);
      expect(backend.calls()).toEqual([]);
    });

    it('a retried step follows the deploy it started instead of starting another', async () => {
      await start();
      const checkpoints = new Map();
      const input = { environment: 'staging', version: '1.1.0', wait: false };
      const first = await backend.run('devops:deploy', input, { checkpoints });
      // The task is retried: the checkpoint answers the deploy it started.
      const retried = await backend.run('devops:deploy', input, {
        checkpoints,
      });
      expect(retried.outputs.deployId).toBe(first.outputs.deployId);
      // The checkpoint was lost (a crash before it was stored): the idempotency key, from the
      // task and step ids, makes the backend answer the same deploy.
      const recovered = await backend.run('devops:deploy', input);
      expect(recovered.outputs.deployId).toBe(first.outputs.deployId);
      expect(recovered.logs).toContain(
        `info Following deploy ${first.outputs.deployId} of 1.1.0 to staging, started earlier with the idempotency key scaffolder:task-1:deploy (a retried step does not start another)`,
      );
      expect(await historyTotal(backend)).toBe(1);

      // Another task (or step) is another deploy: here, a conflict with the one in flight or,
      // once it is final, a new one.
      await waitFinal(backend, first.outputs.deployId as string);
      const other = await backend.run('devops:deploy', input, {
        taskId: 'task-2',
      });
      expect(other.outputs.deployId).not.toBe(first.outputs.deployId);
      await waitFinal(backend, other.outputs.deployId as string);
      expect(
        backend
          .calls()
          .filter(c => c.op === 'deploy')
          .map(c => c.deployId),
      ).toEqual([first.outputs.deployId, other.outputs.deployId]);
    });

    it('wait: logs the progress and fails on a rolled-back deploy with its outcome', async () => {
      await start();
      await pushed(backend, '1.0.0', 30);
      const step = stepContext({
        entityRef: CHECKOUT,
        environment: 'staging',
        version: '2.0.0-bad',
      });
      const error = await backend.actions['devops:deploy']
        .handler(step.ctx)
        .catch(e => e);
      expect(error.message).toMatch(
        new RegExp(
          `^The deploy ${step.outputs.deployId} of 2.0.0-bad to staging ended rolled-back: .*exited with code 3.*\\. See ${CARD}$`,
        ),
      );
      expect(step.outputs.status).toBe('rolled-back');
      expect(step.logs).toEqual(
        expect.arrayContaining([
          'info [phase] Phase deploy',
          expect.stringMatching(/^info \[status\] Rolling back: /),
          expect.stringMatching(/^info \[status\] rolled-back: /),
        ]),
      );
      const deploy: DeployDetail = await backend.get(
        `/deploys/${step.outputs.deployId}`,
      );
      expect(deploy.status).toBe('rolled-back');
    });

    it('says what to do when the entity is unknown', async () => {
      await start();
      const error = await backend
        .run('devops:deploy', {
          entityRef: 'component:default/nope',
          environment: 'staging',
          version: '1.0.0',
        })
        .catch(e => e);
      expect(error).toBeInstanceOf(NotFoundError);
      expect(error.message).toBe(
        "Entity 'component:default/nope' was not found in the catalog. Check the step's entityRef 'component:default/nope': it must name an entity in the catalog that user:default/ada can see",
      );
      const notARef = await backend
        .run('devops:deploy', {
          entityRef: 'component:',
          environment: 'staging',
          version: '1.0.0',
        })
        .catch(e => e);
      expect(notARef).toBeInstanceOf(InputError);
      expect(notARef.message).toMatch(
        /^entityRef 'component:' is not an entity reference: write <kind>:<namespace>\/<name>/,
      );
    });

    it('says how to override a failed gate and which permission that needs', async () => {
      await start();
      const error = await backend
        .run('devops:deploy', {
          environment: 'production',
          version: '1.0.0',
        })
        .catch(e => e);
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toMatch(
        /^The deploy of 1.0.0 to production is blocked by 1 failed gate: promotion-chain: /,
      );
      expect(error.message).toContain(
        `To deploy anyway, give the step's input overrides: [{"gate":"promotion-chain","reason":"<why it is safe to deploy>"}]; the user running the template needs the permission devops.deploy.gate.override on ${CHECKOUT}`,
      );
      expect(await historyTotal(backend)).toBe(0);
    });

    it('names the deploy in flight and the card when another one runs', async () => {
      await start();
      const running = await backend.run('devops:deploy', {
        environment: 'staging',
        version: 'slow-1.0.0',
        wait: false,
      });
      const error = await backend
        .run(
          'devops:deploy',
          { environment: 'staging', version: '1.0.1' },
          { taskId: 'task-2' },
        )
        .catch(e => e);
      expect(error).toBeInstanceOf(ConflictError);
      const runningId = running.outputs.deployId;
      expect(error.message).toMatch(
        new RegExp(
          `^Deploy ${runningId} of slow-1.0.0 is already (queued|running) in staging\\. `,
        ),
      );
      expect(error.message).toContain(
        `Wait for it to finish or abort it on the entity's DevOps tab (${CARD}, deploy ${runningId}; aborting needs devops.deploy.abort), then run the step again`,
      );
      await waitFinal(backend, runningId as string);
    });

    it('names the permission the user lacks', async () => {
      await start(['devops.deploy.create', 'devops.deploy.rollback']);
      const error = await backend
        .run('devops:deploy', {
          environment: 'staging',
          version: '1.0.0',
        })
        .catch(e => e);
      expect(error).toBeInstanceOf(NotAllowedError);
      expect(error.message).toBe(
        `Not allowed: devops.deploy.create on ${CHECKOUT}. The user running the template (${ADA}) needs the permission devops.deploy.create on ${CHECKOUT}: ask an administrator to grant it in the permission policy`,
      );
      const rollback = await backend
        .run('devops:rollback', {
          environment: 'staging',
          reason: 'INC-1',
        })
        .catch(e => e);
      expect(rollback.message).toContain(
        'needs the permission devops.deploy.rollback',
      );
    });

    it('lists the known environments for an unknown one', async () => {
      await start();
      const error = await backend
        .run('devops:deploy', {
          environment: 'qa',
          version: '1.0.0',
        })
        .catch(e => e);
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toMatch(/^Unknown environment 'qa': .*staging.*/);
      expect(error.message).toMatch(/production/);
      expect(error.message).toMatch(
        /\. Set the step's environment to one of them$/,
      );
    });

    it('refuses a timeout it cannot read before calling the backend', async () => {
      await start();
      const error = await backend
        .run('devops:deploy', {
          environment: 'staging',
          version: '1.0.0',
          timeout: 'soon',
        })
        .catch(e => e);
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toMatch(/^timeout 'soon' is not a duration/);
      expect(backend.permissionRequests).toEqual([]);
    });
  },
);

async function waitFinal(backend: DevopsTestBackend, id: string) {
  for (let i = 0; i < 200; i++) {
    const deploy: DeployDetail = await backend.get(`/deploys/${id}`);
    if (
      !['queued', 'running', 'paused', 'rolling-back'].includes(deploy.status)
    )
      return deploy;
    await new Promise(r => setTimeout(r, 100));
  }
  throw new Error(`deploy ${id} did not finish`);
}
