import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  Deploy,
  isActiveDeployStatus,
} from '@devops-growth/backstage-plugin-devops-common';
import { overlappingRuns, scriptRuns } from './__testUtils__/invocationChecks';
import {
  describeWithPostgres,
  PostgresBackends,
  startPostgresBackends,
} from './__testUtils__/postgresBackends';
import { ApiAnswer, EntitySpec, Scenario } from './__testUtils__/scenario';

/*
 * Two real backend processes on one PostgreSQL database (issue 10, reliability): 50 deploys
 * (25 entities in two environments) requested at once, each request sent three times with the
 * same idempotency key (in the body or the Idempotency-Key header), spread over both backends.
 * Every request is answered 201 or 200 with the same deploy, none 5xx, and each deploy runs
 * exactly once: one `deploy` script run per deploy id, on one backend, never overlapping.
 *
 * Needs BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING (scripts/test.sh sets it when a
 * server answers on 127.0.0.1:5432); the test creates a database of its own and drops it.
 */

jest.setTimeout(300_000);

const ENVIRONMENTS = ['one', 'two'];
const ENTITY_COUNT = 25;
const VERSION = '3.1.4';

describeWithPostgres('two backends on one PostgreSQL', () => {
  const root = mkdtempSync(join(tmpdir(), 'devops-reliability-pg-'));
  let postgres: PostgresBackends | undefined;
  const scenario = Scenario.create(root);
  const entities: EntitySpec[] = Array.from(
    { length: ENTITY_COUNT },
    (_, i) => ({
      name: `svc-${String(i).padStart(2, '0')}`,
      strategy: i % 2 === 0 ? 'canary' : 'blue-green',
      environments: ENVIRONMENTS,
      canarySteps: [100],
    }),
  );

  beforeAll(async () => {
    await scenario.metrics.start();
    postgres = await startPostgresBackends({
      scenario,
      names: ['a', 'b'],
      entities,
      environments: ENVIRONMENTS.map(e => ({ name: e, withStatus: true })),
      leaseSeconds: 10,
    });
  }, 300_000);

  afterAll(async () => {
    await postgres?.close();
    await scenario.metrics.stop();
    if (!process.env.RELIABILITY_KEEP) {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('runs each of 50 concurrent deploys exactly once, retries included', async () => {
    const backends = postgres!.backends;
    const [a, b] = backends.map(backend => scenario.client(backend.url));
    const requests: Array<Promise<ApiAnswer & { key: string }>> = [];
    for (const entity of entities) {
      for (const environment of ENVIRONMENTS) {
        const key = `reliability-${entity.name}-${environment}`;
        const path = a.deploysPath(entity.name);
        const body = { environment, version: VERSION };
        const send = async (
          client: typeof a,
          how: 'body' | 'header',
          delayMs: number,
        ) => {
          await sleep(delayMs);
          const answer = await client.request(
            'POST',
            path,
            how === 'body' ? { ...body, idempotencyKey: key } : body,
            how === 'header' ? { 'idempotency-key': key } : {},
          );
          return { ...answer, key };
        };
        requests.push(send(a, 'body', 0));
        requests.push(send(b, 'header', 0));
        requests.push(
          send(Math.random() < 0.5 ? a : b, 'body', Math.random() * 200),
        );
      }
    }
    const answers = await Promise.all(requests);

    const byKey = new Map<string, Array<ApiAnswer<Deploy>>>();
    for (const answer of answers) {
      byKey.set(answer.key, [...(byKey.get(answer.key) ?? []), answer]);
    }
    const unexpected = answers
      .filter(x => x.status !== 200 && x.status !== 201)
      .map(x => `${x.key}: ${x.status} ${JSON.stringify(x.body)}`);
    expect(unexpected).toEqual([]);
    const badKeys = [...byKey].filter(
      ([, xs]) =>
        xs.filter(x => x.status === 201).length !== 1 ||
        new Set(xs.map(x => x.body.id)).size !== 1,
    );
    expect(
      badKeys.map(
        ([key, xs]) => `${key}: ${xs.map(x => `${x.status} ${x.body.id}`)}`,
      ),
    ).toEqual([]);

    const ids = [...byKey.values()].map(xs => xs[0].body.id);
    expect(new Set(ids).size).toBe(50);

    // Every deploy ends, succeeded.
    const finals = new Map<string, Deploy>();
    const deadline = Date.now() + 180_000;
    while (finals.size < ids.length && Date.now() < deadline) {
      for (const id of ids.filter(i => !finals.has(i))) {
        const answer = await (Math.random() < 0.5 ? a : b).deploy(id);
        expect(answer.status).toBe(200);
        if (!isActiveDeployStatus(answer.body.status))
          finals.set(id, answer.body);
      }
      await sleep(500);
    }
    const notSucceeded = ids
      .filter(id => finals.get(id)?.status !== 'succeeded')
      .map(
        id =>
          `${id}: ${finals.get(id)?.status ?? 'still active'} ${
            finals.get(id)?.outcome ?? ''
          }`,
      );
    expect(notSucceeded).toEqual([]);

    // Each deploy ran exactly once, on one backend at a time.
    const runs = scriptRuns(scenario.invocations());
    const deployRuns = (id: string) =>
      runs.filter(r => r.deployId === id && r.op === 'deploy');
    expect(
      ids
        .filter(id => deployRuns(id).length !== 1)
        .map(id => `${id}: ${deployRuns(id).length} deploy runs`),
    ).toEqual([]);
    expect(ids.flatMap(id => overlappingRuns(runs, id))).toEqual([]);
    // Both backends worked, and nothing else ran the scripts.
    const pids = backends.map(backend => backend.pid).sort();
    expect([...new Set(runs.map(r => r.backend))].sort()).toEqual(pids);
  });
});
