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
  'deploy engine strategies on %p',
  (databaseId: TestDatabaseId) => {
    const db = useEngineDatabase(databases, databaseId);
    const setUp = (
      provider: TestProvider,
      analysis?: ScriptedAnalysis,
      settings?: DeploySettings,
    ) => db.engine({ provider, analysis, settings });

    const phases = async (store: { events: Function }, id: string) =>
      ((await store.events(id)) as Array<{ type: string; data: any }>)
        .filter(e => e.type === 'phase')
        .map(e => e.data.phase);

    it('runs a rolling deploy: deploy, health, analysis of after against before, promote', async () => {
      const provider = new TestProvider('1.1.0');
      const analysis = new ScriptedAnalysis();
      const { engine, store, seen } = setUp(provider, analysis);
      const { deploy } = await store.create(queued());
      engine.start();
      const done = await final(store, deploy.id);

      expect(done).toMatchObject({
        status: 'succeeded',
        phase: 'done',
        outcome: '1.2.0 runs in production',
        attempt: 1,
        lastVerdict: { decision: 'promote', step: null, interval: 1 },
      });
      expect(done.startedAt).not.toBeNull();
      expect(done.finishedAt).not.toBeNull();
      expect(await phases(store, deploy.id)).toEqual([
        'deploy',
        'health',
        'analysis',
        'promote',
      ]);
      expect(
        provider.calls.map(c => c.method).filter(m => m !== 'status'),
      ).toEqual(['deploy', 'promote']);
      expect(provider.state.version).toBe('1.2.0');
      expect(analysis.inputs).toHaveLength(1);
      expect(analysis.inputs[0]).toMatchObject({
        locations: undefined,
        step: null,
        interval: 1,
        inconclusiveSoFar: 0,
      });
      // The listener saw every change, ending with the final one (it is told after the store
      // has it, so it may hear of it a moment after the poll above sees it).
      expect(seen.map(d => d.status)).toContain('running');
      await eventually(
        async () => seen[seen.length - 1].status === 'succeeded',
      );
      // Provider output is kept as log events.
      const logs = (await store.events(deploy.id)).filter(
        e => e.type === 'log',
      );
      expect(logs.map(l => l.message)).toEqual([
        'deploy 1.2.0',
        'promote 1.2.0',
      ]);
    });

    it('runs a blue-green deploy onto the idle colour and switches to it', async () => {
      const provider = new TestProvider('1.1.0', 'blue');
      const analysis = new ScriptedAnalysis();
      const { engine, store } = setUp(provider, analysis);
      const { deploy } = await store.create(queued({ strategy: 'blue-green' }));
      engine.start();
      const done = await final(store, deploy.id);

      expect(done).toMatchObject({ status: 'succeeded', colour: 'green' });
      expect(await phases(store, deploy.id)).toEqual([
        'deploy',
        'health',
        'analysis',
        'switch',
      ]);
      expect(provider.callsOf('deploy')[0].colour).toBe('green');
      expect(provider.callsOf('switchColour')[0].colour).toBe('green');
      // The previous colour keeps the previous version for an instant rollback.
      expect(provider.state.colours).toEqual({ blue: '1.1.0', green: '1.2.0' });
      expect(analysis.inputs[0].locations?.canary.annotations).toEqual({
        'devops-growth.io/metrics-url': 'http://canary/metrics',
      });
    });

    it('switches a blue-green deploy first and judges it after the switch when the provider has no metrics for the idle colour, switching back on a failing verdict', async () => {
      const provider = new TestProvider('1.1.0', 'blue');
      Object.assign(provider, { metricsLocations: undefined });
      const analysis = new ScriptedAnalysis(['rollback']);
      const { engine, store } = setUp(provider, analysis);
      const { deploy } = await store.create(queued({ strategy: 'blue-green' }));
      engine.start();
      const done = await final(store, deploy.id);

      expect(done.status).toBe('rolled-back');
      expect(await phases(store, deploy.id)).toEqual([
        'deploy',
        'health',
        'switch',
        'analysis',
        'rollback',
      ]);
      // Judged on the environment after the switch against the window before it.
      expect(analysis.inputs[0].locations).toBeUndefined();
      expect(provider.callsOf('rollback')).toHaveLength(1);
      expect(provider.state.version).toBe('1.1.0');
    });

    it('takes the health of a provider that cannot tell the running version (no status command) as its health check', async () => {
      const provider = new TestProvider('1.1.0');
      Object.assign(provider, {
        status: async () => ({ version: null, healthy: true }),
      });
      const { engine, store } = setUp(provider, new ScriptedAnalysis());
      const { deploy } = await store.create(queued({ strategy: 'rolling' }));
      engine.start();
      expect((await final(store, deploy.id)).status).toBe('succeeded');
    });

    it('starts blue-green on blue when no colour serves yet', async () => {
      const provider = new TestProvider(null, null);
      const { engine, store } = setUp(provider, new ScriptedAnalysis());
      const { deploy } = await store.create(
        queued({ strategy: 'blue-green', previousVersion: null }),
      );
      engine.start();
      expect(await final(store, deploy.id)).toMatchObject({
        status: 'succeeded',
        colour: 'blue',
      });
      expect(provider.callsOf('deploy')[0].colour).toBe('blue');
    });

    it('runs a canary through its steps with an analysis per step, then promotes', async () => {
      const provider = new TestProvider('1.1.0');
      const analysis = new ScriptedAnalysis();
      const { engine, store, seen } = setUp(provider, analysis);
      const { deploy } = await store.create(
        queued({ strategy: 'canary', steps: [10, 50, 100] }),
      );
      engine.start();
      const done = await final(store, deploy.id);

      expect(done).toMatchObject({
        status: 'succeeded',
        weight: 100,
        stepIndex: 2,
      });
      expect(provider.callsOf('deploy')[0].weight).toBe(0);
      expect(provider.callsOf('setWeight').map(c => c.weight)).toEqual([
        10, 50, 100,
      ]);
      expect(provider.callsOf('promote')).toHaveLength(1);
      expect(provider.state).toMatchObject({ version: '1.2.0', canary: null });
      // At 100 % the baseline takes no traffic: no analysis of the last step.
      expect(analysis.inputs.map(i => i.step)).toEqual([0, 1]);
      expect(analysis.inputs[0].locations).toBeDefined();
      // Each interval gets the deploy's last verdict (the evidence so far): none at first.
      expect(analysis.inputs[0].previous).toBeNull();
      expect(analysis.inputs[1].previous).toMatchObject({
        decision: 'promote',
        step: 0,
        interval: 1,
      });
      const events = await store.events(deploy.id);
      expect(
        events.filter(e => e.type === 'step').map(e => e.data?.weight),
      ).toEqual([10, 50, 100]);
      expect(
        events.filter(e => e.type === 'analysis').map(e => e.data?.decision),
      ).toEqual(['promote', 'promote']);
      expect(seen.some(d => d.phase === 'step' && d.weight === 50)).toBe(true);
    });

    it('rolls a canary back when the analysis finds a regression', async () => {
      const provider = new TestProvider('1.1.0');
      const analysis = new ScriptedAnalysis(['promote', 'rollback']);
      const { engine, store } = setUp(provider, analysis);
      const { deploy } = await store.create(
        queued({ strategy: 'canary', steps: [10, 50, 100] }),
      );
      engine.start();
      const done = await final(store, deploy.id);

      expect(done.status).toBe('rolled-back');
      expect(done.outcome).toBe(
        // one sentence: the verdict's full stop does not end up before the semicolon
        'canary analysis: Rolling back: error rate regressed (error rate 4.1 % against 0.3 %: p = 0.002, beyond the +1 point band); 1.1.0 runs again',
      );
      expect(done.lastVerdict).toMatchObject({ decision: 'rollback', step: 1 });
      expect(done.weight).toBe(0);
      expect(provider.callsOf('setWeight').map(c => c.weight)).toEqual([
        10, 50,
      ]);
      expect(provider.callsOf('promote')).toHaveLength(0);
      expect(provider.callsOf('rollback')).toMatchObject([
        { previousVersion: '1.1.0', weight: 0 },
      ]);
      expect(provider.state).toMatchObject({ version: '1.1.0', canary: null });
      const statuses = (await store.events(deploy.id))
        .filter(e => e.type === 'status')
        .map(e => e.data?.status);
      expect(statuses).toEqual([
        'queued',
        'running',
        'rolling-back',
        'rolled-back',
      ]);
    });

    it('pauses on an inconclusive interval and goes on when the next one is clear', async () => {
      const provider = new TestProvider('1.1.0');
      const analysis = new ScriptedAnalysis([
        'continue',
        'continue',
        'promote',
      ]);
      const { engine, store, seen } = setUp(provider, analysis);
      const { deploy } = await store.create(
        queued({ strategy: 'canary', steps: [25, 100] }),
      );
      engine.start();
      const done = await final(store, deploy.id);

      expect(done.status).toBe('succeeded');
      expect(seen.filter(d => d.status === 'paused').length).toBeGreaterThan(0);
      expect(
        analysis.inputs.map(i => [i.interval, i.inconclusiveSoFar]),
      ).toEqual([
        [1, 0],
        [2, 1],
        [3, 2],
      ]);
      // One 'paused' status event while waiting, then running again.
      const statuses = (await store.events(deploy.id))
        .filter(e => e.type === 'status')
        .map(e => e.data?.status);
      expect(statuses).toEqual(['queued', 'running', 'paused', 'succeeded']);
    });

    it('rolls back after too many inconclusive intervals in a row', async () => {
      const provider = new TestProvider('1.1.0');
      const analysis = new ScriptedAnalysis([
        'continue',
        'continue',
        'continue',
      ]);
      const { engine, store } = setUp(
        provider,
        analysis,
        testSettings({}, { maxInconclusiveIntervals: 2 }),
      );
      const { deploy } = await store.create(
        queued({ strategy: 'canary', steps: [25, 100] }),
      );
      engine.start();
      const done = await final(store, deploy.id);
      expect(done.status).toBe('rolled-back');
      expect(done.outcome).toMatch(
        /^canary analysis: 2 inconclusive intervals in a row \(too few samples/,
      );
      expect(analysis.inputs).toHaveLength(2);
    });

    it('keeps at most maxLogLines output lines per deploy', async () => {
      const provider = new TestProvider('1.1.0');
      provider.behaviour.set('deploy', async (_op, ctx) => {
        for (let i = 0; i < 20; i++) ctx.log(`line ${i}`, 'stderr');
      });
      const { engine, store } = setUp(provider, new ScriptedAnalysis());
      const { deploy } = await store.create(queued());
      engine.start();
      await final(store, deploy.id);
      const logs = (await store.events(deploy.id)).filter(
        e => e.type === 'log',
      );
      expect(logs.map(l => l.message)).toEqual([
        'deploy 1.2.0',
        'line 0',
        'line 1',
        'line 2',
        'line 3',
        'output cut: more than 5 lines',
      ]);
      expect(logs[1].data).toEqual({ stream: 'stderr', phase: 'deploy' });
    });
  },
);
