import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isActiveDeployStatus } from '@devops-growth/backstage-plugin-devops-common';
import { scriptRuns, ScriptRun } from './__testUtils__/invocationChecks';
import {
  describeWithPostgres,
  PostgresBackends,
  startPostgresBackends,
} from './__testUtils__/postgresBackends';
import { Scenario } from './__testUtils__/scenario';

/*
 * A backend frozen longer than its lease (SIGSTOP: a long GC pause, a VM frozen, a partition
 * from the database), with a second backend on the same PostgreSQL: the second takes the deploy
 * over once the lease has expired and resumes it; the frozen one, once it runs again, must stop
 * its own script at its next lease renewal and never touch the deploy again.
 *
 * While the first backend is frozen its script keeps running (it is a separate process) beside
 * the second backend's: a lease without fencing cannot prevent that; DEVOPS_ATTEMPT is what a
 * script can use as a fencing token. What is asserted is that the overlap ends promptly.
 */

jest.setTimeout(300_000);

const LEASE_SECONDS = 5;
const ENTITY = 'frozen-svc';
const ENVIRONMENT = 'one';

describeWithPostgres('a backend frozen longer than its lease', () => {
  const root = mkdtempSync(join(tmpdir(), 'devops-reliability-frozen-'));
  const scenario = Scenario.create(root);
  let postgres: PostgresBackends | undefined;

  beforeAll(async () => {
    await scenario.metrics.start();
    postgres = await startPostgresBackends({
      scenario,
      names: ['a', 'b'],
      entities: [
        {
          name: ENTITY,
          strategy: 'canary',
          environments: [ENVIRONMENT],
          canarySteps: [100],
        },
      ],
      environments: [{ name: ENVIRONMENT, withStatus: true }],
      leaseSeconds: LEASE_SECONDS,
    });
  }, 300_000);

  afterAll(async () => {
    for (const backend of postgres?.backends ?? []) {
      try {
        process.kill(backend.pid, 'SIGCONT');
      } catch {
        // gone
      }
    }
    await postgres?.close();
    await scenario.metrics.stop();
    if (!process.env.RELIABILITY_KEEP) {
      rmSync(root, { recursive: true, force: true });
    }
  });

  const waitFor = async <T>(
    what: string,
    probe: () => T | undefined,
    timeoutMs = 60_000,
  ): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${what}`);
      await sleep(100);
    }
  };

  it('is taken over, resumed once, and the frozen backend stops its script when it wakes', async () => {
    const backends = postgres!.backends;
    const client = scenario.client(backends[0].url);
    scenario.seedState(ENVIRONMENT, ENTITY, '1.0.0');
    scenario.park(ENVIRONMENT, ENTITY, 'deploy');
    const started = await client.startDeploy(ENTITY, {
      environment: ENVIRONMENT,
      version: '2.0.0',
    });
    expect(started.status).toBe(201);
    const id: string = started.body.id;
    const deployRuns = () =>
      scriptRuns(scenario.invocations()).filter(
        r => r.deployId === id && r.op === 'deploy',
      );

    // The deploy script runs (held) on whichever backend claimed it: freeze that backend.
    const first = await waitFor('the first deploy run', () => deployRuns()[0]);
    const frozen = backends.find(b => b.pid === first.backend)!;
    const other = backends.find(b => b !== frozen)!;
    expect(frozen).toBeDefined();
    process.kill(frozen.pid, 'SIGSTOP');
    const frozenAt = Date.now();

    // The other backend takes the deploy over after the lease and runs the phase again.
    const second = await waitFor('the other backend to take over', () =>
      deployRuns().find(r => r.backend === other.pid),
    );
    const takenOverAfterMs = second.start - frozenAt;
    await sleep(1000);
    process.kill(frozen.pid, 'SIGCONT');
    const wokeAt = Date.now();
    const stopped = await waitFor('the frozen backend to stop its script', () =>
      deployRuns().find(r => r.pid === first.pid && r.end !== Infinity),
    );
    scenario.unparkAll();

    let final;
    const deadline = Date.now() + 120_000;
    do {
      await sleep(500);
      final = (await scenario.client(other.url).deploy(id)).body;
    } while (isActiveDeployStatus(final.status) && Date.now() < deadline);

    const runsAfterFreeze = (runs: ScriptRun[]) =>
      runs.filter(r => r.backend === frozen.pid && r.start > frozenAt);
    expect({
      status: final.status,
      resumes: final.events
        .filter(e => e.type === 'resume')
        .map(e => e.message),
      // not before the lease expired
      takenOverInTime: takenOverAfterMs >= LEASE_SECONDS * 1000 - 1500,
      // the frozen backend's script ends at its next renewal (a third of the lease) plus the
      // provider's kill grace of 3 s, with a few seconds of slack for this machine
      stoppedWithinMs:
        stopped.end - wokeAt < (LEASE_SECONDS / 3) * 1000 + 3000 + 5000,
      stoppedHow: stopped.outcome,
      deployRuns: deployRuns().map(
        r => `${r.backend === frozen.pid ? 'frozen' : 'other'} ${r.outcome}`,
      ),
      frozenBackendRunsAfterFreeze: runsAfterFreeze(
        scriptRuns(scenario.invocations()),
      ),
    }).toEqual({
      status: 'succeeded',
      resumes: [expect.stringContaining('resuming phase deploy')],
      takenOverInTime: true,
      stoppedWithinMs: true,
      stoppedHow: 'failed',
      deployRuns: ['frozen failed', 'other ok'],
      frozenBackendRunsAfterFreeze: [],
    });
  });
});
