import { Knex } from 'knex';
import request from 'supertest';
import { createTestDatabases } from '../../__testUtils__/databases';
import { migrateToLatest } from '../../database/migrations';
import {
  deployableEntity,
  startDeploysBackend,
  testProvider,
} from './__testUtils__/deploysBackend';

jest.setTimeout(120_000);

const checkout = deployableEntity('checkout');

const deploysConfig = {
  promotionChain: ['staging', 'production'],
  defaults: { provider: 'test', gates: { coverage: false, security: false } },
  environments: [{ name: 'staging' }, { name: 'production' }],
};
const URL = '/api/devops/entities/component/default/checkout/deploys';

const databases = createTestDatabases();

/**
 * A retried request (same idempotency key) answers the deploy or incident the first one created,
 * with 200, whatever planning it again would decide now.
 */
describe.each(databases.eachSupportedId())(
  'idempotent retries of the deploys routes on %s',
  id => {
    let knex: Knex;
    beforeEach(async () => {
      knex = await databases.init(id);
      await migrateToLatest(knex);
    });

    const start = (
      options: {
        denied?: string[];
        deploys?: object;
        versions?: string[];
      } = {},
    ) =>
      startDeploysBackend({
        knex,
        entities: [checkout],
        deploys: options.deploys ?? deploysConfig,
        provider: testProvider(options.versions ?? ['1.2.0', '1.1.0', '1.0.0']),
        denied: options.denied,
      });

    /** What the engine would do: the deploy ends succeeded and frees its environment. */
    const finish = (deployId: string) =>
      knex('devops_deploys')
        .where({ id: deployId })
        .update({
          status: 'succeeded',
          phase: 'done',
          active_key: null,
          next_run_ms: null,
          finished_ms: Date.parse('2026-12-01T12:00:00Z'),
        });

    const push = (
      server: Awaited<ReturnType<typeof start>>['server'],
      version: string,
      deployedAt: string,
    ) =>
      request(server).post(`${URL}/pushed`).send({
        environment: 'staging',
        version,
        deployedAt,
        outcome: 'succeeded',
      });

    it('answers a finished rollback retried without a version with that rollback, not "no earlier good version"', async () => {
      const b = await start();
      await push(b.server, '1.0.0', '2026-12-01T08:00:00Z');
      await push(b.server, '1.1.0', '2026-12-01T09:00:00Z');
      const body = { environment: 'staging', reason: 'errors after 1.1.0' };
      const first = await request(b.server)
        .post(`${URL}/rollback`)
        .set('Idempotency-Key', 'rb-1')
        .send(body);
      expect(first.status).toBe(201);
      expect(first.body.version).toBe('1.0.0');
      await finish(first.body.id);

      // 1.0.0 now runs and nothing succeeded before it: planned again, this would be a 400.
      const retry = await request(b.server)
        .post(`${URL}/rollback`)
        .set('Idempotency-Key', 'rb-1')
        .send(body);
      expect(retry.status).toBe(200);
      expect(retry.body).toMatchObject({
        id: first.body.id,
        kind: 'rollback',
        version: '1.0.0',
        status: 'succeeded',
      });
      expect(b.engine.wakes).toBe(1);
      const history = await request(b.server).get(`${URL}/history`);
      expect(history.body.total).toBe(3);
    });

    it('answers a deploy retried while another deploy is active, or once its version is no longer listed, with that deploy', async () => {
      const b = await start();
      const body = { environment: 'staging', version: '1.1.0' };
      const first = await request(b.server)
        .post(URL)
        .set('Idempotency-Key', 'ci-1')
        .send(body);
      expect(first.status).toBe(201);
      await finish(first.body.id);
      const other = await request(b.server)
        .post(URL)
        .send({ environment: 'staging', version: '1.2.0' });
      expect(other.status).toBe(201);

      const retry = await request(b.server)
        .post(URL)
        .set('Idempotency-Key', 'ci-1')
        .send(body);
      expect(retry.status).toBe(200);
      expect(retry.body).toMatchObject({
        id: first.body.id,
        version: '1.1.0',
        status: 'succeeded',
      });

      // Another replica whose provider no longer lists 1.1.0 answers the same.
      const later = await start({ versions: ['2.0.0'] });
      const again = await request(later.server)
        .post(URL)
        .send({ ...body, idempotencyKey: 'ci-1' });
      expect(again.status).toBe(200);
      expect(again.body.id).toBe(first.body.id);
    });

    it('answers a retried override without checking the override permission again, and audits no new override', async () => {
      const frozen = {
        ...deploysConfig,
        environments: [
          { name: 'staging' },
          {
            name: 'production',
            gates: {
              promotionChain: false,
              freezeWindows: [
                {
                  name: 'Change freeze',
                  days: [1, 2, 3, 4, 5, 6, 7],
                  from: '00:00',
                  to: '23:59',
                },
              ],
            },
          },
        ],
      };
      const body = {
        environment: 'production',
        version: '1.2.0',
        idempotencyKey: 'hotfix-9',
        overrides: [{ gate: 'freeze-window', reason: 'hotfix for INC-9' }],
      };
      const b = await start({ deploys: frozen });
      const first = await request(b.server).post(URL).send(body);
      expect(first.status).toBe(201);

      const denied = await start({
        deploys: frozen,
        denied: ['devops.deploy.gate.override'],
      });
      const retry = await request(denied.server).post(URL).send(body);
      expect(retry.status).toBe(200);
      expect(retry.body.id).toBe(first.body.id);
      expect(
        denied.audit.filter(e => e.eventId.endsWith('deploy-gate-override')),
      ).toEqual([]);
      // A new deploy with an override is still refused without the permission.
      const fresh = await request(denied.server)
        .post(URL)
        .send({ ...body, idempotencyKey: 'hotfix-10' });
      expect(fresh.status).toBe(403);
    });

    it('answers retried promotions, pushed deploys and incidents after the environment left the config', async () => {
      const b = await start();
      const pushed = await request(b.server).post(`${URL}/pushed`).send({
        environment: 'staging',
        version: '1.1.0',
        deployedAt: '2026-12-01T08:00:00Z',
        outcome: 'succeeded',
        idempotencyKey: 'push-1',
      });
      expect(pushed.status).toBe(201);
      const promoted = await request(b.server)
        .post(`${URL}/promote`)
        .set('Idempotency-Key', 'promote-1')
        .send({ environment: 'production' });
      expect(promoted.status).toBe(201);
      const incident = await request(b.server).post(`${URL}/incidents`).send({
        environment: 'staging',
        title: 'Checkout errors',
        startedAt: '2026-12-01T09:00:00Z',
        deployId: pushed.body.id,
        idempotencyKey: 'inc-1',
      });
      expect(incident.status).toBe(201);

      // The same database behind a config without staging (and production alone in the chain).
      const later = await start({
        deploys: {
          ...deploysConfig,
          promotionChain: ['production'],
          environments: [{ name: 'production' }],
        },
      });
      const pushRetry = await request(later.server).post(`${URL}/pushed`).send({
        environment: 'staging',
        version: '1.1.0',
        deployedAt: '2026-12-01T08:00:00Z',
        outcome: 'succeeded',
        idempotencyKey: 'push-1',
      });
      expect([pushRetry.status, pushRetry.body.id]).toEqual([
        200,
        pushed.body.id,
      ]);
      const promoteRetry = await request(later.server)
        .post(`${URL}/promote`)
        .set('Idempotency-Key', 'promote-1')
        .send({ environment: 'production' });
      expect([promoteRetry.status, promoteRetry.body.id]).toEqual([
        200,
        promoted.body.id,
      ]);
      const incidentRetry = await request(later.server)
        .post(`${URL}/incidents`)
        .send({
          environment: 'staging',
          title: 'Checkout errors',
          startedAt: '2026-12-01T09:00:00Z',
          deployId: pushed.body.id,
          idempotencyKey: 'inc-1',
        });
      expect([incidentRetry.status, incidentRetry.body.id]).toEqual([
        200,
        incident.body.id,
      ]);
      // Without a key, the unknown environment is still a 400.
      const unkeyed = await request(later.server)
        .post(`${URL}/incidents`)
        .send({
          environment: 'staging',
          title: 'Checkout errors',
          startedAt: '2026-12-01T09:00:00Z',
        });
      expect(unkeyed.status).toBe(400);
    });
  },
);
