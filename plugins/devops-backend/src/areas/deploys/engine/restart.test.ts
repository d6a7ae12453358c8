import { TestDatabaseId } from '@backstage/backend-test-utils';
import { createTestDatabases } from '../../../__testUtils__/databases';
import { DatabaseDeployStore } from '../DatabaseDeployStore';
import { DeployUpdate } from '../types';
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
const LEASE_MS = 3000;

describe.each(databases.eachSupportedId())(
  'deploy engine restarts and replicas on %p',
  (databaseId: TestDatabaseId) => {
    const db = useEngineDatabase(databases, databaseId);

    function replica(
      owner: string,
      provider: TestProvider,
      analysis = new ScriptedAnalysis(),
    ) {
      return db.engine({
        provider,
        analysis,
        settings: testSettings({}, {}, { leaseMs: LEASE_MS }),
        owner,
      });
    }

    /**
     * A replica that was killed (kill -9) in the middle of a deploy: it claimed it, stored where
     * it was, and never renewed nor released its lease.
     */
    async function crashedIn(store: DatabaseDeployStore, change: DeployUpdate) {
      const { deploy } = await store.create(
        queued({ strategy: 'canary', steps: [10, 50, 100] }),
      );
      const now = new Date();
      await store.claimDue('crashed-replica', now, 100, 1);
      await store.update(deploy.id, 'crashed-replica', {
        status: 'running',
        startedAt: now,
        phaseStartedAt: now,
        phaseDeadline: new Date(now.getTime() + 3000),
        nextRunAt: now,
        ...change,
      });
      return deploy.id;
    }

    it('resumes a resumable canary at its step after a restart, without repeating earlier steps', async () => {
      const provider = new TestProvider('1.1.0');
      provider.state.canary = { version: '1.2.0', weight: 50 };
      const b = replica('replica-b', provider);
      const id = await crashedIn(b.store, {
        phase: 'step',
        stepIndex: 1,
        weight: 50,
      });
      b.engine.start();
      const done = await final(b.store, id);

      expect(done).toMatchObject({ status: 'succeeded', attempt: 2 });
      expect(provider.callsOf('deploy')).toEqual([]);
      // The interrupted step's weight is set again (idempotent), then the deploy goes on.
      expect(
        provider.callsOf('setWeight').map(c => [c.weight, c.attempt]),
      ).toEqual([
        [50, 2],
        [100, 2],
      ]);
      const events = await b.store.events(id);
      const resume = events.find(e => e.type === 'resume')!;
      expect(resume.message).toBe('Attempt 2: resuming phase step');
      expect(resume.data).toMatchObject({
        attempt: 2,
        phase: 'step',
        status: { version: '1.1.0', canary: { version: '1.2.0', weight: 50 } },
      });
      expect(
        events.filter(e => e.type === 'step').map(e => e.data?.weight),
      ).toEqual([100]);
    });

    it('takes over from a replica that stopped in the middle of an analysis, at that step', async () => {
      const provider = new TestProvider('1.1.0');
      const a = replica(
        'replica-a',
        provider,
        new ScriptedAnalysis(['promote', 'hang']),
      );
      const { deploy } = await a.store.create(
        queued({ strategy: 'canary', steps: [10, 50, 100] }),
      );
      a.engine.start();
      await eventually(async () => {
        const d = await a.store.get(deploy.id);
        return d?.phase === 'analysis' && d.stepIndex === 1;
      });
      await a.engine.stop();
      expect(await a.store.get(deploy.id)).toMatchObject({
        status: 'running',
        phase: 'analysis',
        stepIndex: 1,
        leaseOwner: null,
      });

      const analysisB = new ScriptedAnalysis();
      const b = replica('replica-b', provider, analysisB);
      b.engine.start();
      const done = await final(b.store, deploy.id);
      expect(done).toMatchObject({ status: 'succeeded', attempt: 2 });
      expect(provider.callsOf('deploy')).toHaveLength(1);
      expect(
        provider.callsOf('setWeight').map(c => [c.weight, c.attempt]),
      ).toEqual([
        [10, 1],
        [50, 1],
        [100, 2],
      ]);
      expect(analysisB.inputs.map(i => [i.step, i.interval])).toEqual([[1, 1]]);
      // The verdict stored before the restart still reaches the analysis (cumulative evidence).
      expect(analysisB.inputs[0].previous).toMatchObject({
        decision: 'promote',
        step: 0,
      });
    });

    it('rolls back a deploy a restart interrupted when its provider cannot resume', async () => {
      const provider = new TestProvider('1.1.0');
      provider.resumable = false;
      const b = replica('replica-b', provider);
      const id = await crashedIn(b.store, {
        phase: 'analysis',
        stepIndex: 0,
        weight: 10,
      });
      b.engine.start();
      const done = await final(b.store, id);
      expect(done).toMatchObject({
        status: 'rolled-back',
        outcome:
          'interrupted by a backend restart in phase analysis; the provider cannot resume; 1.1.0 runs again',
      });
      expect(
        provider.calls.map(c => c.method).filter(m => m !== 'status'),
      ).toEqual(['rollback']);
      const resume = (await b.store.events(id)).find(e => e.type === 'resume');
      expect(resume?.message).toBe('Attempt 2: provider test cannot resume');
    });

    it('rolls back a resumed deploy whose provider cannot tell its status in time', async () => {
      const provider = new TestProvider('1.1.0');
      provider.behaviour.set('status', () => new Promise(() => {}));
      const b = db.engine({
        provider,
        settings: testSettings(
          { phaseTimeoutMs: 300 },
          {},
          { leaseMs: LEASE_MS },
        ),
        owner: 'replica-b',
      });
      const id = await crashedIn(b.store, { phase: 'health' });
      b.engine.start();
      const done = await final(b.store, id);
      expect(done).toMatchObject({
        status: 'rolled-back',
        outcome:
          "interrupted by a backend restart in phase health; the provider's status failed: phase health timed out after 300 ms; 1.1.0 runs again",
        attempt: 2,
      });
    });

    it('finishes a rollback a restart interrupted, keeping its reason', async () => {
      const provider = new TestProvider('1.1.0');
      const b = replica('replica-b', provider);
      const id = await crashedIn(b.store, {
        status: 'rolling-back',
        phase: 'rollback',
        outcome: 'phase deploy failed: exit code 2',
      });
      b.engine.start();
      const done = await final(b.store, id);
      expect(done).toMatchObject({
        status: 'rolled-back',
        outcome: 'phase deploy failed: exit code 2; 1.1.0 runs again',
      });
      expect(provider.callsOf('rollback')).toHaveLength(1);
    });

    it('stops working on a deploy at once when another replica took its lease', async () => {
      const provider = new TestProvider('1.1.0');
      const analysis = new ScriptedAnalysis(['hang']);
      const a = replica('replica-a', provider, analysis);
      const { deploy } = await a.store.create(queued());
      a.engine.start();
      await eventually(async () => analysis.inputs.length === 1);
      await db
        .knex('devops_deploys')
        .where({ id: deploy.id })
        .update({
          lease_owner: 'replica-b',
          lease_expires_ms: Date.now() + 60_000,
        });
      await eventually(async () => analysis.inputs[0].signal.aborted);
      await new Promise(r => setTimeout(r, LEASE_MS));
      // Nothing more was done nor stored by replica-a: no rollback, no final status.
      expect(await a.store.get(deploy.id)).toMatchObject({
        status: 'running',
        phase: 'analysis',
        leaseOwner: 'replica-b',
      });
      expect(provider.callsOf('rollback')).toEqual([]);
    });

    it('never runs one deploy on two replicas of one database', async () => {
      const provider = new TestProvider('1.1.0');
      provider.behaviour.set(
        'deploy',
        () => new Promise(r => setTimeout(r, 30)),
      );
      const a = replica('replica-a', provider);
      const b = replica('replica-b', provider);
      const ids: string[] = [];
      for (let i = 0; i < 8; i++) {
        ids.push(
          (await a.store.create(queued({ environment: `env-${i}` }))).deploy.id,
        );
      }
      a.engine.start();
      b.engine.start();
      const done = await Promise.all(ids.map(id => final(a.store, id, 30_000)));

      expect(done.map(d => d.status)).toEqual(Array(8).fill('succeeded'));
      expect(done.map(d => d.attempt)).toEqual(Array(8).fill(1));
      const deploys = provider.callsOf('deploy').map(c => c.deployId);
      expect(deploys.sort()).toEqual([...ids].sort());
    });
  },
);
