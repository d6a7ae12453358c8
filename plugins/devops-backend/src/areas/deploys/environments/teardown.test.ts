import { mockServices, TestDatabaseId } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  DeployProviderContext,
  DeployTarget,
} from '@devops-growth/backstage-plugin-devops-node';
import { Knex } from 'knex';
import { createTestDatabases } from '../../../__testUtils__/databases';
import { migrateToLatest } from '../../../database/migrations';
import { DatabaseDeployStore } from '../DatabaseDeployStore';
import {
  queued,
  TestProvider,
  testSettings,
} from '../engine/__testUtils__/fixtures';
import { DeploySettings } from '../types';
import { DatabaseEnvironmentStore } from './DatabaseEnvironmentStore';
import {
  createEnvironmentTeardownTask,
  EnvironmentTeardownRunner,
  teardownBackoffMs,
} from './teardown';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const REF = 'component:default/checkout';
const T0 = new Date('2026-12-02T10:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

/** The staging block the provider must get for a preview based on staging. */
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

/** A provider whose teardown the test scripts; records every target and context it got. */
class TearingProvider extends TestProvider {
  teardowns: Array<{ target: DeployTarget; ctx: DeployProviderContext }> = [];
  script: Array<'fail' | 'ok' | 'hang'> = [];

  async teardown(target: DeployTarget, ctx: DeployProviderContext) {
    this.teardowns.push({ target, ctx });
    const next = this.script.shift() ?? 'ok';
    if (next === 'fail') {
      throw new Error(`kubectl delete ${target.name}: connection refused`);
    }
    if (next === 'hang') await new Promise(() => {});
  }
}

describe('teardownBackoffMs', () => {
  it('doubles from teardownRetry and stops growing at teardownMaxRetry', () => {
    const previews = {
      ...testSettings().previews,
      teardownRetryMs: 60_000,
      teardownMaxRetryMs: 3_600_000,
    };
    expect(
      [1, 2, 3, 6, 7, 8, 5000].map(a => teardownBackoffMs(previews, a) / 1000),
    ).toEqual([60, 120, 240, 1920, 3600, 3600, 3600]);
  });

  it('is scheduled as a global task at teardownFrequency', async () => {
    const scheduler = mockServices.scheduler.mock();
    const settings = testSettings();
    await createEnvironmentTeardownTask(
      {} as EnvironmentTeardownRunner,
      settings,
    ).schedule(scheduler);
    expect(scheduler.scheduleTask).toHaveBeenCalledWith(
      expect.objectContaining({
        id: 'devops-deploy-environment-teardown',
        frequency: { milliseconds: 60_000 },
        scope: 'global',
      }),
    );
  });
});

describe.each(databases.eachSupportedId())(
  'environment teardown on %p',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;
    let store: DatabaseEnvironmentStore;
    let deploys: DatabaseDeployStore;
    let now: Date;

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      await migrateToLatest(knex);
      store = new DatabaseEnvironmentStore(knex);
      deploys = new DatabaseDeployStore(knex);
      now = T0;
    });

    function runner(
      provider: TestProvider,
      settings: DeploySettings = testSettings(),
    ) {
      return new EnvironmentTeardownRunner({
        settings,
        config,
        store,
        deploys,
        providers: {
          get: id => (id === provider.id ? provider : undefined),
          ids: () => [provider.id],
        },
        logger: mockServices.logger.mock(),
        clock: () => now,
      });
    }

    const createPreview = (name: string, expiresAt: Date | null) =>
      store.create({
        entityRef: REF,
        name,
        basedOn: 'staging',
        provider: 'test',
        target: `checkout-${name}`,
        createdBy: 'user:default/ada',
        createdAt: T0,
        expiresAt,
      });

    it('tears an expired environment down, retrying failures with a doubled wait, through the base block', async () => {
      const provider = new TearingProvider();
      provider.script = ['fail', 'fail', 'ok'];
      const teardown = runner(provider);
      await createPreview('pr-1', at(60));

      now = at(30);
      expect(await teardown.run()).toEqual({
        expired: 0,
        tornDown: [],
        failed: [],
        waiting: [],
      });
      expect(provider.teardowns).toHaveLength(0);

      now = at(60);
      expect(await teardown.run()).toMatchObject({
        expired: 1,
        failed: [`${REF} pr-1`],
      });
      const { target, ctx } = provider.teardowns[0];
      expect(target).toMatchObject({
        environment: 'pr-1',
        name: 'checkout-pr-1',
        basedOn: 'staging',
      });
      expect(target.config.getString('cluster')).toBe('stage-1');
      expect(ctx.timeoutMs).toBe(3000);
      expect(await store.get(REF, 'pr-1')).toMatchObject({
        status: 'tearing-down',
        teardown: {
          cause: 'expired',
          requestedBy: 'devops:teardown',
          requestedAt: at(60).toISOString(),
          attempts: 1,
          lastAttemptAt: at(60).toISOString(),
          lastError: 'kubectl delete checkout-pr-1: connection refused',
          nextAttemptAt: at(120).toISOString(),
          finishedAt: null,
        },
      });

      // Not due yet: no call.
      now = at(119);
      await teardown.run();
      expect(provider.teardowns).toHaveLength(1);

      now = at(120);
      await teardown.run();
      expect((await store.get(REF, 'pr-1'))?.teardown).toMatchObject({
        attempts: 2,
        nextAttemptAt: at(240).toISOString(),
      });

      now = at(240);
      expect(await teardown.run()).toMatchObject({
        tornDown: [`${REF} pr-1`],
      });
      expect(await store.get(REF, 'pr-1')).toMatchObject({
        status: 'torn-down',
        teardown: {
          attempts: 3,
          lastError: null,
          nextAttemptAt: null,
          finishedAt: at(240).toISOString(),
        },
      });
      now = at(10_000);
      await teardown.run();
      expect(provider.teardowns).toHaveLength(3);
    });

    it('stops a teardown past the base environment’s phase timeout and records it as failed', async () => {
      const provider = new TearingProvider();
      provider.script = ['hang'];
      const teardown = runner(provider, testSettings({ phaseTimeoutMs: 1000 }));
      await createPreview('pr-2', null);
      await store.requestTeardown(REF, 'pr-2', {
        cause: 'deleted',
        by: 'user:default/ada',
        reason: 'PR closed',
        at: T0,
      });
      const started = Date.now();
      expect(await teardown.run()).toMatchObject({ failed: [`${REF} pr-2`] });
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect(provider.teardowns[0].ctx.signal.aborted).toBe(true);
      expect(await store.get(REF, 'pr-2')).toMatchObject({
        status: 'tearing-down',
        teardown: {
          cause: 'deleted',
          requestedBy: 'user:default/ada',
          reason: 'PR closed',
          attempts: 1,
          lastError:
            "the test provider's teardown did not finish within 1 s (the phase timeout of staging)",
          nextAttemptAt: at(60).toISOString(),
        },
      });
    });

    it('counts a provider without teardown as a failed attempt naming it, waiting at most teardownMaxRetry', async () => {
      const provider = new TestProvider();
      const settings = testSettings();
      settings.previews.teardownMaxRetryMs = 150_000;
      const teardown = runner(provider, settings);
      await createPreview('pr-3', at(1));
      const waits: number[] = [];
      for (let i = 0; i < 4; i++) {
        now = at(1_000 * (i + 1));
        await teardown.run();
        const state = (await store.get(REF, 'pr-3'))!.teardown!;
        waits.push((Date.parse(state.nextAttemptAt!) - now.getTime()) / 1000);
        expect(state).toMatchObject({
          attempts: i + 1,
          lastError:
            'the test deploy provider cannot tear environments down (it has no teardown): remove target checkout-pr-3 by hand; attempts go on until the provider can',
        });
      }
      expect(waits).toEqual([60, 120, 150, 150]);
      expect((await store.get(REF, 'pr-3'))?.status).toBe('tearing-down');
    });

    it('waits for a deploy in flight in the environment without counting an attempt', async () => {
      const provider = new TearingProvider();
      const teardown = runner(provider);
      await createPreview('pr-4', at(10));
      const deploy = await deploys.create(
        queued({ environment: 'pr-4', target: 'checkout-pr-4' }),
      );
      now = at(20);
      expect(await teardown.run()).toMatchObject({
        expired: 1,
        waiting: [`${REF} pr-4`],
      });
      expect(provider.teardowns).toHaveLength(0);
      const waiting = (await store.get(REF, 'pr-4'))!;
      expect(waiting.teardown).toMatchObject({
        attempts: 0,
        lastError: null,
      });
      // Claimed until the longest timeout and a margin have passed: not taken again before.
      const retryAt = Date.parse(waiting.teardown!.nextAttemptAt!);
      expect(retryAt).toBeGreaterThan(now.getTime());

      // The engine's side, cut short: it claims the deploy and finishes it.
      await deploys.claimDue(
        'replica-a',
        new Date(Date.now() + 1000),
        60_000,
        1,
      );
      expect(
        await deploys.update(deploy.deploy.id, 'replica-a', {
          status: 'succeeded',
          finishedAt: at(30),
        }),
      ).toBe(true);
      now = new Date(retryAt);
      expect(await teardown.run()).toMatchObject({
        tornDown: [`${REF} pr-4`],
      });
    });
  },
);
