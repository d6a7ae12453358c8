import { TestDatabaseId } from '@backstage/backend-test-utils';
import { createTestDatabases } from '../../../__testUtils__/databases';
import { DeploySettings } from '../types';
import {
  eventually,
  final,
  queued,
  ScriptedAnalysis,
  testSettings,
  TestProvider,
  useEngineDatabase,
} from './__testUtils__/fixtures';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'deploy engine failures and aborts on %p',
  (databaseId: TestDatabaseId) => {
    const db = useEngineDatabase(databases, databaseId);
    const setUp = (
      provider: TestProvider,
      analysis?: ScriptedAnalysis,
      settings?: DeploySettings,
    ) => db.engine({ provider, analysis, settings });

    it('aborts a canary in the middle of a step: stops the call, asks the provider to abort, rolls back', async () => {
      const provider = new TestProvider('1.1.0');
      provider.behaviour.set('setWeight', 'hang');
      const { engine, store } = setUp(provider);
      const { deploy } = await store.create(
        queued({ strategy: 'canary', steps: [10, 100] }),
      );
      engine.start();
      await eventually(async () => provider.callsOf('setWeight').length > 0);
      expect(
        await store.requestAbort(
          deploy.id,
          'user:default/bob',
          'wrong version',
          new Date(),
        ),
      ).toBe(true);
      engine.wake();
      const done = await final(store, deploy.id);

      expect(done).toMatchObject({
        status: 'aborted',
        outcome: 'aborted by user:default/bob: wrong version',
      });
      expect(
        provider.calls.map(c => c.method).filter(m => m !== 'status'),
      ).toEqual(['deploy', 'setWeight', 'abort', 'rollback']);
      const abort = (await store.events(deploy.id)).find(
        e => e.type === 'abort',
      );
      expect(abort).toMatchObject({
        message: 'Aborted by user:default/bob: wrong version',
        data: { by: 'user:default/bob', reason: 'wrong version' },
      });
      // The environment is free again.
      expect(await store.active(deploy.entityRef)).toEqual([]);
    });

    it('aborts a queued deploy before it starts without calling the provider', async () => {
      const provider = new TestProvider('1.1.0');
      const { engine, store } = setUp(provider);
      const { deploy } = await store.create(queued());
      await store.requestAbort(deploy.id, 'user:default/bob', null, new Date());
      engine.start();
      const done = await final(store, deploy.id);
      expect(done).toMatchObject({
        status: 'aborted',
        outcome: 'aborted by user:default/bob before it started',
      });
      expect(provider.calls).toEqual([]);
    });

    it('rolls back with a reason when a phase times out on a provider that ignores its signal', async () => {
      const provider = new TestProvider('1.1.0');
      provider.behaviour.set('deploy', 'hang-ignoring-signal');
      const { engine, store } = setUp(
        provider,
        undefined,
        testSettings({ phaseTimeoutMs: 300 }),
      );
      const { deploy } = await store.create(queued());
      engine.start();
      const done = await final(store, deploy.id);
      expect(done).toMatchObject({
        status: 'rolled-back',
        outcome: 'phase deploy timed out after 300 ms; 1.1.0 runs again',
      });
      expect(provider.callsOf('rollback')).toHaveLength(1);
    });

    it('rolls back when the new version does not become healthy in time, quoting the last status', async () => {
      const provider = new TestProvider('1.1.0');
      provider.behaviour.set('deploy', async () => {
        provider.state.healthy = false;
        provider.state.message = '0/2 replicas ready';
      });
      const { engine, store } = setUp(
        provider,
        undefined,
        testSettings({ healthTimeoutMs: 200 }),
      );
      const { deploy } = await store.create(queued());
      engine.start();
      const done = await final(store, deploy.id);
      expect(done.status).toBe('rolled-back');
      expect(done.outcome).toBe(
        '1.2.0 was not healthy within 200 ms (the provider reported 1.2.0, not healthy: 0/2 replicas ready); 1.1.0 runs again',
      );
      expect(provider.callsOf('status').length).toBeGreaterThan(1);
    });

    it('rolls back with the provider error message', async () => {
      const provider = new TestProvider('1.1.0');
      provider.behaviour.set(
        'deploy',
        new Error(
          'deploy.mjs exited with code 3: image checkout:1.2.0 not found',
        ),
      );
      const { engine, store } = setUp(provider);
      const { deploy } = await store.create(queued());
      engine.start();
      const done = await final(store, deploy.id);
      expect(done).toMatchObject({
        status: 'rolled-back',
        outcome:
          'phase deploy failed: deploy.mjs exited with code 3: image checkout:1.2.0 not found; 1.1.0 runs again',
      });
    });

    it('removes a failed first deploy and ends failed', async () => {
      const provider = new TestProvider(null);
      provider.behaviour.set('promote', new Error('exit code 1'));
      const { engine, store } = setUp(provider);
      const { deploy } = await store.create(queued({ previousVersion: null }));
      engine.start();
      const done = await final(store, deploy.id);
      expect(done.status).toBe('failed');
      expect(done.outcome).toBe(
        'phase promote failed: exit code 1; the new version was removed (a first deploy has no previous version to return to)',
      );
      expect(provider.callsOf('rollback')).toMatchObject([
        { previousVersion: null },
      ]);
      expect(provider.state.version).toBeNull();
    });

    it('ends failed with both reasons when the rollback fails too', async () => {
      const provider = new TestProvider('1.1.0');
      provider.behaviour.set('deploy', new Error('exit code 2'));
      provider.behaviour.set(
        'rollback',
        new Error('exit code 4: cluster unreachable'),
      );
      const { engine, store } = setUp(provider);
      const { deploy } = await store.create(queued());
      engine.start();
      const done = await final(store, deploy.id);
      expect(done).toMatchObject({
        status: 'failed',
        outcome:
          'phase deploy failed: exit code 2; the rollback failed too: phase rollback failed: exit code 4: cluster unreachable',
      });
      expect(await store.active(deploy.entityRef)).toEqual([]);
    });

    it('fails a deploy whose provider is not installed without calling anything', async () => {
      const provider = new TestProvider('1.1.0');
      const { engine, store } = setUp(provider);
      const { deploy } = await store.create(queued({ provider: 'argocd' }));
      engine.start();
      const done = await final(store, deploy.id);
      expect(done).toMatchObject({
        status: 'failed',
        outcome: 'deploy provider argocd is not installed (known: test)',
      });
      expect(provider.calls).toEqual([]);
    });
  },
);
