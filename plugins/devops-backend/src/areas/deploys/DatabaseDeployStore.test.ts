import { TestDatabaseId } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { createTestDatabases } from '../../__testUtils__/databases';
import { migrateToLatest } from '../../database/migrations';
import { DatabaseDeployStore } from './DatabaseDeployStore';
import { NewDeploy } from './types';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const A = 'component:default/checkout';
const T0 = new Date('2026-12-02T10:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

function newDeploy(over: Partial<NewDeploy> = {}): NewDeploy {
  return {
    entityRef: A,
    environment: 'production',
    kind: 'deploy',
    version: '1.2.0',
    previousVersion: '1.1.0',
    commitSha: null,
    commitAt: null,
    strategy: 'canary',
    steps: [10, 50, 100],
    provider: 'command',
    target: 'checkout',
    createdBy: 'user:default/ada',
    reason: null,
    rollbackOf: null,
    gates: [],
    idempotencyKey: null,
    status: 'queued',
    createdAt: T0,
    ...over,
  };
}

describe.each(databases.eachSupportedId())(
  'DatabaseDeployStore on %p',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;
    let store: DatabaseDeployStore;

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      await migrateToLatest(knex);
      store = new DatabaseDeployStore(knex);
    });

    it('stores a queued deploy, due at once, with a status event', async () => {
      const result = await store.create(newDeploy());
      expect(result.created).toBe(true);
      const deploy = (await store.get(result.deploy.id))!;
      expect(deploy.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(deploy).toMatchObject({
        status: 'queued',
        phase: 'deploy',
        steps: [10, 50, 100],
        attempt: 0,
        nextRunAt: T0,
        leaseOwner: null,
        createdAt: T0.toISOString(),
      });
      const events = await store.events(deploy.id);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        type: 'status',
        message: 'deploy of 1.2.0 to production queued by user:default/ada',
      });
    });

    it('answers the active deploy for a second start in the same environment, but not in another', async () => {
      const first = await store.create(newDeploy());
      const second = await store.create(newDeploy({ version: '1.3.0' }));
      expect(second).toEqual({
        created: false,
        reason: 'active',
        deploy: expect.objectContaining({ id: first.deploy.id }),
      });
      const staging = await store.create(newDeploy({ environment: 'staging' }));
      expect(staging.created).toBe(true);
      // A pushed deploy is final: it never blocks nor is blocked.
      const pushed = await store.create(
        newDeploy({ kind: 'pushed', status: 'succeeded', finishedAt: at(5) }),
      );
      expect(pushed.created).toBe(true);
      expect(pushed.deploy.nextRunAt).toBeNull();
      expect((await store.active(A)).map(d => d.environment)).toEqual([
        'production',
        'staging',
      ]);
    });

    it('creates exactly one deploy for 20 concurrent starts with one idempotency key', async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, () =>
          store.create(newDeploy({ idempotencyKey: 'ci-run-42' })),
        ),
      );
      expect(results.filter(r => r.created)).toHaveLength(1);
      const id = results.find(r => r.created)!.deploy.id;
      for (const r of results.filter(x => !x.created)) {
        expect(r).toMatchObject({ reason: 'idempotent', deploy: { id } });
      }
      expect((await store.list({ entityRef: A, limit: 50 })).total).toBe(1);
    });

    it('creates exactly one deploy for 20 concurrent starts in one environment', async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          store.create(newDeploy({ version: `1.2.${i}` })),
        ),
      );
      const created = results.filter(r => r.created);
      expect(created).toHaveLength(1);
      for (const r of results.filter(x => !x.created)) {
        expect(r).toMatchObject({
          reason: 'active',
          deploy: { id: created[0].deploy.id },
        });
      }
      expect((await store.list({ entityRef: A, limit: 50 })).total).toBe(1);
    });

    it('lets exactly one of two owners claim a due deploy, and another claim it once the lease expired', async () => {
      const { deploy } = await store.create(newDeploy());
      const [a, b] = await Promise.all([
        store.claimDue('replica-a', at(1), 30_000, 10),
        store.claimDue('replica-b', at(1), 30_000, 10),
      ]);
      expect(a.length + b.length).toBe(1);
      const winner = a.length === 1 ? 'replica-a' : 'replica-b';
      const loser = winner === 'replica-a' ? 'replica-b' : 'replica-a';
      expect([...a, ...b][0]).toMatchObject({
        id: deploy.id,
        attempt: 1,
        leaseOwner: winner,
        leaseExpiresAt: at(31),
      });
      // Held: nobody else gets it, the loser cannot change it.
      expect(await store.claimDue(loser, at(20), 30_000, 10)).toEqual([]);
      expect(await store.update(deploy.id, loser, { status: 'running' })).toBe(
        false,
      );
      expect(await store.renewLease(deploy.id, winner, at(20), 30_000)).toBe(
        true,
      );
      expect(await store.claimDue(loser, at(40), 30_000, 10)).toEqual([]);
      // The winner stops renewing: after the lease the loser takes over.
      const taken = await store.claimDue(loser, at(51), 30_000, 10);
      expect(taken).toMatchObject([{ id: deploy.id, attempt: 2 }]);
      expect(await store.renewLease(deploy.id, winner, at(52), 30_000)).toBe(
        false,
      );
      expect(await store.update(deploy.id, winner, { status: 'running' })).toBe(
        false,
      );
    });

    it('claims many due deploys between two racing owners without overlap', async () => {
      for (let i = 0; i < 12; i++) {
        await store.create(newDeploy({ environment: `env-${i}` }));
      }
      const [a, b] = await Promise.all([
        store.claimDue('replica-a', at(1), 30_000, 12),
        store.claimDue('replica-b', at(1), 30_000, 12),
      ]);
      const ids = [...a, ...b].map(d => d.id);
      expect(ids).toHaveLength(12);
      expect(new Set(ids).size).toBe(12);
    });

    it('does not claim deploys that are not due yet', async () => {
      const { deploy } = await store.create(newDeploy());
      const [claimed] = await store.claimDue('a', at(1), 1000, 5);
      await store.update(deploy.id, 'a', { nextRunAt: at(60) });
      await store.releaseLease(claimed.id, 'a');
      expect(await store.claimDue('b', at(59), 1000, 5)).toEqual([]);
      expect(await store.claimDue('b', at(60), 1000, 5)).toHaveLength(1);
    });

    it('applies changes with their events while holding the lease, and a final status frees the environment', async () => {
      const { deploy } = await store.create(newDeploy());
      await store.claimDue('a', at(1), 30_000, 5);
      const verdict = {
        decision: 'promote' as const,
        step: 0,
        interval: 1,
        at: at(3).toISOString(),
        metrics: [],
        reason: 'no regression',
      };
      expect(
        await store.update(
          deploy.id,
          'a',
          {
            status: 'running',
            phase: 'analysis',
            stepIndex: 0,
            weight: 10,
            lastVerdict: verdict,
            analysisInterval: 1,
            phaseStartedAt: at(2),
            phaseDeadline: at(62),
            startedAt: at(1),
          },
          [
            {
              type: 'analysis',
              message: 'promote',
              data: { ...verdict },
              at: at(3),
            },
          ],
        ),
      ).toBe(true);
      expect(await store.get(deploy.id)).toMatchObject({
        status: 'running',
        phase: 'analysis',
        stepIndex: 0,
        weight: 10,
        lastVerdict: verdict,
        analysisInterval: 1,
        phaseDeadline: at(62),
        startedAt: at(1).toISOString(),
      });
      expect(
        (await store.events(deploy.id)).map(e => [e.type, e.data?.decision]),
      ).toEqual([
        ['status', undefined],
        ['analysis', 'promote'],
      ]);

      expect(
        await store.update(deploy.id, 'a', {
          status: 'succeeded',
          phase: 'done',
          finishedAt: at(100),
          outcome: 'promoted',
        }),
      ).toBe(true);
      const done = (await store.get(deploy.id))!;
      expect(done).toMatchObject({
        status: 'succeeded',
        nextRunAt: null,
        leaseOwner: null,
        leaseExpiresAt: null,
      });
      // No lease any more: the engine cannot change it again; the environment is free.
      expect(await store.update(deploy.id, 'a', { status: 'running' })).toBe(
        false,
      );
      expect(
        (await store.create(newDeploy({ version: '1.3.0' }))).created,
      ).toBe(true);
      expect(await store.claimDue('a', at(200), 30_000, 5)).toHaveLength(1);
    });

    it('records an abort request once, only while active, and makes a waiting deploy due', async () => {
      const { deploy } = await store.create(newDeploy());
      await store.claimDue('a', at(1), 30_000, 5);
      await store.update(deploy.id, 'a', {
        status: 'paused',
        nextRunAt: at(600),
      });
      await store.releaseLease(deploy.id, 'a');
      expect(await store.abortRequest(deploy.id)).toBeUndefined();
      expect(
        await store.requestAbort(deploy.id, 'user:default/bob', 'bad', at(10)),
      ).toBe(true);
      expect(
        await store.requestAbort(deploy.id, 'user:default/eve', null, at(11)),
      ).toBe(true);
      expect(await store.abortRequest(deploy.id)).toEqual({
        at: at(10),
        by: 'user:default/bob',
        reason: 'bad',
      });
      expect(await store.claimDue('b', at(10), 30_000, 5)).toHaveLength(1);
      await store.update(deploy.id, 'b', { status: 'aborted', phase: 'done' });
      expect(
        await store.requestAbort(deploy.id, 'user:default/bob', null, at(20)),
      ).toBe(false);
    });

    it('lists history newest first, the running version per environment, succeeded versions and markers', async () => {
      const finish = async (
        version: string,
        environment: string,
        seconds: number,
        status: 'succeeded' | 'rolled-back' = 'succeeded',
      ) =>
        (
          await store.create(
            newDeploy({
              kind: 'pushed',
              version,
              environment,
              status,
              createdAt: at(seconds),
              startedAt: at(seconds),
              finishedAt: at(seconds + 5),
            }),
          )
        ).deploy;
      await finish('1.0.0', 'production', 0);
      const p11 = await finish('1.1.0', 'production', 10);
      await finish('1.2.0', 'production', 20, 'rolled-back');
      const p10again = await finish('1.0.0', 'production', 30);
      const s12 = await finish('1.2.0', 'staging', 40);

      const history = await store.list({
        entityRef: A,
        environment: 'production',
        limit: 2,
        offset: 1,
      });
      expect(history.total).toBe(4);
      expect(history.items.map(d => d.version)).toEqual(['1.2.0', '1.1.0']);

      const last = await store.lastSucceeded(A);
      expect([...last.keys()].sort()).toEqual(['production', 'staging']);
      expect(last.get('production')!.id).toBe(p10again.id);
      expect(last.get('staging')!.id).toBe(s12.id);

      expect(await store.succeededVersions(A, 'production', 10)).toEqual([
        { version: '1.0.0', deployId: p10again.id, at: at(35) },
        { version: '1.1.0', deployId: p11.id, at: at(15) },
      ]);
      expect(
        (await store.markers(A, at(10), at(40))).map(m => m.version),
      ).toEqual(['1.1.0', '1.2.0', '1.0.0']);
    });

    it('finds finished deploys without an impact and stores it', async () => {
      const make = async (status: 'succeeded' | 'failed', seconds: number) =>
        (
          await store.create(
            newDeploy({
              kind: 'pushed',
              environment: `e${seconds}`,
              status,
              finishedAt: at(seconds),
            }),
          )
        ).deploy;
      const old = await make('succeeded', 10);
      await make('failed', 20);
      await make('succeeded', 500);
      const due = await store.finishedWithoutImpact({
        before: at(100),
        after: at(0),
        limit: 10,
      });
      expect(due.map(d => d.id)).toEqual([old.id]);
      const impact = {
        windowMinutes: 15,
        before: { errorRatePercent: 1, p95Ms: 100, rps: 5 },
        after: { errorRatePercent: 2, p95Ms: 120, rps: 5 },
        errorRateDeltaPoints: 1,
        p95ChangePercent: 20,
      };
      await store.setImpact(old.id, impact);
      expect((await store.get(old.id))!.impact).toEqual(impact);
      expect(
        await store.finishedWithoutImpact({
          before: at(100),
          after: at(0),
          limit: 10,
        }),
      ).toEqual([]);
    });

    it('counts events by type and pages them', async () => {
      const { deploy } = await store.create(newDeploy());
      await store.appendEvents(
        deploy.id,
        Array.from({ length: 5 }, (_, i) => ({
          type: 'log' as const,
          message: `line ${i}`,
          data: { stream: 'stdout' },
        })),
      );
      expect(await store.countEvents(deploy.id, 'log')).toBe(5);
      const first = await store.events(deploy.id, { limit: 3 });
      const rest = await store.events(deploy.id, { afterId: first[2].id });
      expect([...first, ...rest].map(e => e.message).slice(1)).toEqual([
        'line 0',
        'line 1',
        'line 2',
        'line 3',
        'line 4',
      ]);
    });

    it('records an incident once per idempotency key, also for concurrent reports', async () => {
      const report = {
        entityRef: A,
        environment: 'production',
        title: 'Checkout down',
        deployId: null,
        startedAt: at(100),
        resolvedAt: null,
        reportedBy: 'user:default/ada',
        idempotencyKey: 'pd-1',
        createdAt: at(101),
      };
      const results = await Promise.all(
        Array.from({ length: 10 }, () => store.recordIncident(report)),
      );
      expect(results.filter(r => r.created)).toHaveLength(1);
      expect(new Set(results.map(r => r.incident.id)).size).toBe(1);
      await store.recordIncident({
        ...report,
        environment: 'staging',
        idempotencyKey: null,
        startedAt: at(200),
      });
      expect(
        (await store.incidents({ entityRef: A, since: at(0) })).map(
          i => i.environment,
        ),
      ).toEqual(['production', 'staging']);
      expect(
        await store.incidents({
          entityRef: A,
          environment: 'production',
          since: at(150),
        }),
      ).toEqual([]);
    });
  },
);
