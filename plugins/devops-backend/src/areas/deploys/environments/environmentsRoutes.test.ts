import {
  DeploysSummary,
  EntityEnvironment,
} from '@devops-growth/backstage-plugin-devops-common';
import { DeployTarget } from '@devops-growth/backstage-plugin-devops-node';
import { Knex } from 'knex';
import request from 'supertest';
import { createTestDatabases } from '../../../__testUtils__/databases';
import { migrateToLatest } from '../../../database/migrations';
import {
  deployableEntity,
  startDeploysBackend,
  testProvider,
} from '../__testUtils__/deploysBackend';

jest.setTimeout(120_000);

const entities = [
  deployableEntity('checkout'),
  deployableEntity('stagingonly', {
    'devops-growth.io/deploy-environments': 'staging',
  }),
];
const deploysConfig = {
  promotionChain: ['staging', 'production'],
  defaults: { provider: 'test', gates: { coverage: false, security: false } },
  environments: [
    { name: 'staging', test: { cluster: 'stage-1' } },
    { name: 'production', strategy: 'canary', test: { cluster: 'prod-1' } },
  ],
  previews: {
    basedOn: ['staging', 'production'],
    maxTimeToLive: { days: 7 },
    maxPerEntity: 3,
  },
};
const BASE = '/api/devops/entities/component/default';
const URL = `${BASE}/checkout/environments`;
const VERSIONS = ['1.1.0', '1.0.0'];

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())('environment routes on %s', id => {
  let knex: Knex;
  beforeEach(async () => {
    knex = await databases.init(id);
    await migrateToLatest(knex);
  });

  /** The test provider with a teardown that records its targets. */
  function tearingProvider() {
    const targets: DeployTarget[] = [];
    return {
      targets,
      provider: {
        ...testProvider(VERSIONS),
        teardown: async (target: DeployTarget) => {
          targets.push(target);
        },
      },
    };
  }

  const start = (options: { denied?: string[]; teardown?: boolean } = {}) => {
    const tearing = tearingProvider();
    return startDeploysBackend({
      knex,
      entities,
      deploys: deploysConfig,
      provider:
        options.teardown === false ? testProvider(VERSIONS) : tearing.provider,
      denied: options.denied,
    }).then(b => ({ ...b, teardownTargets: tearing.targets }));
  };

  it('creates an environment (201), answers the same request again (200) and refuses other values (409)', async () => {
    const b = await start();
    const before = Date.now();
    const created = await request(b.server)
      .post(URL)
      .send({ name: 'pr-12', timeToLive: '3d' });
    expect(created.status).toBe(201);
    const environment: EntityEnvironment = created.body;
    expect(environment).toMatchObject({
      entityRef: 'component:default/checkout',
      name: 'pr-12',
      basedOn: 'staging',
      provider: 'test',
      target: 'checkout-pr-12',
      createdBy: 'user:default/mock',
      status: 'active',
      teardown: null,
    });
    const ttl =
      Date.parse(environment.expiresAt!) - Date.parse(environment.createdAt);
    expect(ttl).toBe(3 * 86_400_000);
    expect(Date.parse(environment.createdAt)).toBeGreaterThanOrEqual(
      before - 1000,
    );
    expect(b.audit).toEqual([
      expect.objectContaining({
        eventId: 'environment-create',
        outcome: 'success',
        result: {
          entityRef: 'component:default/checkout',
          environment: 'pr-12',
          basedOn: 'staging',
          target: 'checkout-pr-12',
          expiresAt: environment.expiresAt,
          status: 'active',
          actor: 'user:default/mock',
          created: true,
        },
      }),
    ]);
    expect(b.permissionRequests.map(r => r.permission.name)).toContain(
      'devops.environment.create',
    );

    const again = await request(b.server)
      .post(URL)
      .send({ name: 'pr-12', basedOn: 'staging', timeToLive: '72h' });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(environment);
    expect(b.audit[1].result.created).toBe(false);

    const other = await request(b.server).post(URL).send({
      name: 'pr-12',
      basedOn: 'production',
      target: 'shop-12',
    });
    expect(other.status).toBe(409);
    expect(other.body.error.message).toBe(
      'Environment pr-12 of component:default/checkout exists with other values: basedOn staging (asked production), target checkout-pr-12 (asked shop-12), timeToLive 3d (asked none); delete it first or use another name',
    );
    expect(b.audit[2]).toMatchObject({
      eventId: 'environment-create',
      outcome: 'fail',
    });

    // Another base and an explicit target, kept until deleted.
    const prod = await request(b.server).post(URL).send({
      name: 'load-test',
      basedOn: 'production',
      target: 'checkout-load',
    });
    expect(prod.status).toBe(201);
    expect(prod.body).toMatchObject({
      basedOn: 'production',
      target: 'checkout-load',
      expiresAt: null,
    });

    const list = await request(b.server).get(URL);
    expect(list.status).toBe(200);
    expect(list.body.items.map((e: EntityEnvironment) => e.name)).toEqual([
      'pr-12',
      'load-test',
    ]);
    const one = await request(b.server).get(`${URL}/pr-12`);
    expect(one.status).toBe(200);
    expect(one.body).toEqual(environment);
    const missing = await request(b.server).get(`${URL}/pr-99`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toBe(
      "component:default/checkout has no per-entity environment 'pr-99'",
    );
  });

  it('answers a dry run without storing anything, and says when the environment exists', async () => {
    const b = await start();
    const dry = await request(b.server)
      .post(`${URL}/dry-run`)
      .send({ name: 'pr-5', timeToLive: '12h' });
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({
      exists: false,
      environment: {
        name: 'pr-5',
        basedOn: 'staging',
        target: 'checkout-pr-5',
        status: 'active',
      },
    });
    expect((await request(b.server).get(URL)).body.items).toEqual([]);
    expect(b.audit).toEqual([]);

    await request(b.server).post(URL).send({ name: 'pr-5', timeToLive: '12h' });
    const exists = await request(b.server)
      .post(`${URL}/dry-run`)
      .send({ name: 'pr-5', timeToLive: '12h' });
    expect(exists.status).toBe(200);
    expect(exists.body.exists).toBe(true);
    // The dry run runs the create's checks.
    const bad = await request(b.server)
      .post(`${URL}/dry-run`)
      .send({ name: 'staging' });
    expect(bad.status).toBe(400);
  });

  it('answers every bad request with a 400 saying what is wrong', async () => {
    const b = await start();
    const cases: Array<[string, object, string]> = [
      [
        URL,
        { name: 'pr 12!' },
        'Invalid environment request: name: environment must be 1-63 letters, digits, dots, dashes or underscores',
      ],
      [
        URL,
        { name: 'pr-1', timeToLive: '8d' },
        'timeToLive 8d is longer than devops.deploys.previews.maxTimeToLive (1w)',
      ],
      [
        URL,
        { name: 'pr-1', timeToLive: '3 years' },
        "Invalid environment request: timeToLive: '3 years' is not a time to live: write a whole number and a unit, m (minutes), h (hours), d (days) or w (weeks), such as 12h or 3d",
      ],
      [
        URL,
        { name: 'pr-1', basedOn: 'qa' },
        "A per-entity environment cannot be based on 'qa': devops.deploys.previews.basedOn allows staging, production",
      ],
      [
        URL,
        { name: 'staging' },
        "'staging' is a configured environment (devops.deploys.environments): a per-entity environment needs another name",
      ],
      [
        URL,
        { name: 'pr-1', target: '-x' },
        'Invalid environment request: target: target must be 1-253 letters, digits, dots, dashes, underscores, colons, slashes or @, starting with a letter or digit',
      ],
      [
        `${BASE}/stagingonly/environments`,
        { name: 'pr-1', basedOn: 'production' },
        "A per-entity environment of component:default/stagingonly cannot be based on 'production': it is not one of the entity's environments (annotation devops-growth.io/deploy-environments: staging)",
      ],
    ];
    for (const [url, body, message] of cases) {
      const res = await request(b.server).post(url).send(body);
      expect({
        body,
        status: res.status,
        message: res.body.error?.message,
      }).toEqual({
        body,
        status: 400,
        message,
      });
    }
    const list = await request(b.server).get(`${URL}?all=maybe`);
    expect(list.status).toBe(400);
    expect(list.body.error.message).toBe(
      'Invalid environments query: all: all must be true or false',
    );
    const del = await request(b.server).delete(`${URL}/staging`);
    expect(del.status).toBe(400);
    expect(del.body.error.message).toBe(
      'staging is a configured environment (devops.deploys.environments): only per-entity environments can be deleted',
    );
    expect((await request(b.server).delete(`${URL}/pr-404`)).status).toBe(404);
    expect((await request(b.server).get(URL)).body.items).toEqual([]);
  });

  it('refuses more than maxPerEntity live environments (409 naming the key)', async () => {
    const b = await start();
    for (const name of ['a', 'b', 'c']) {
      expect((await request(b.server).post(URL).send({ name })).status).toBe(
        201,
      );
    }
    const fourth = await request(b.server).post(URL).send({ name: 'd' });
    expect(fourth.status).toBe(409);
    expect(fourth.body.error.message).toBe(
      'component:default/checkout has 3 per-entity environments, the limit of devops.deploys.previews.maxPerEntity (3): delete one first',
    );
    // The same request for an existing one is still answered.
    expect((await request(b.server).post(URL).send({ name: 'a' })).status).toBe(
      200,
    );
  });

  it('checks the create and delete permissions on the entity (403), auditing the refusal', async () => {
    const b = await start({
      denied: ['devops.environment.create', 'devops.environment.delete'],
    });
    const created = await request(b.server).post(URL).send({ name: 'pr-1' });
    expect(created.status).toBe(403);
    expect(created.body.error.message).toBe(
      'Not allowed: devops.environment.create on component:default/checkout',
    );
    const dry = await request(b.server)
      .post(`${URL}/dry-run`)
      .send({ name: 'pr-1' });
    expect(dry.status).toBe(403);
    const deleted = await request(b.server).delete(`${URL}/pr-1`);
    expect(deleted.status).toBe(403);
    expect(b.audit.map(e => [e.eventId, e.outcome])).toEqual([
      ['environment-create', 'fail'],
      ['environment-delete', 'fail'],
    ]);
    expect((await request(b.server).get(URL)).body.items).toEqual([]);
    const resource = b.permissionRequests.find(
      r => r.permission.name === 'devops.environment.create',
    ) as { resourceRef?: string };
    expect(resource.resourceRef).toBe('component:default/checkout');

    const reader = await start({ denied: ['devops.read'] });
    expect((await request(reader.server).get(URL)).status).toBe(403);
    expect((await request(reader.server).get(`${URL}/pr-1`)).status).toBe(403);
  });

  it("needs the base environment's deploy permission to create or delete a per-entity environment (403 naming it)", async () => {
    // created while allowed: pr-1 on the default base (staging, the first of previews.basedOn)
    const allowed = await start();
    expect(
      (await request(allowed.server).post(URL).send({ name: 'pr-1' })).status,
    ).toBe(201);

    const b = await start({ denied: ['devops.deploy.environment.staging'] });
    for (const res of [
      await request(b.server).post(URL).send({ name: 'pr-2' }),
      await request(b.server)
        .post(URL)
        .send({ name: 'pr-2', basedOn: 'staging' }),
      await request(b.server).post(`${URL}/dry-run`).send({ name: 'pr-2' }),
      await request(b.server).delete(`${URL}/pr-1`),
    ]) {
      expect(res.status).toBe(403);
      expect(res.body.error.message).toBe(
        'Not allowed: devops.deploy.environment.staging on component:default/checkout',
      );
    }
    // nothing was created or torn down
    const live = (await request(b.server).get(URL)).body.items;
    expect(
      live.map((e: { name: string; status: string }) => [e.name, e.status]),
    ).toEqual([['pr-1', 'active']]);
    // another base is another permission: production's is granted
    const onProduction = await request(b.server)
      .post(URL)
      .send({ name: 'pr-3', basedOn: 'production' });
    expect(onProduction.status).toBe(201);
    expect((await request(b.server).delete(`${URL}/pr-3`)).status).toBe(202);
    // an unknown name is still a 404, a configured environment a 400
    expect((await request(b.server).delete(`${URL}/pr-9`)).status).toBe(404);
    expect((await request(b.server).delete(`${URL}/staging`)).status).toBe(400);
  });

  it('deploys to a per-entity environment with its own target, then deletes it: 409 while a deploy runs, 202 tearing down, 200 torn down', async () => {
    const b = await start();
    await request(b.server).post(URL).send({ name: 'pr-7' });
    await request(b.server).post(URL).send({ name: 'pr-8' });

    const deploy = await request(b.server)
      .post(`${BASE}/checkout/deploys`)
      .send({ environment: 'pr-7', version: '1.1.0' });
    expect(deploy.status).toBe(201);
    expect(deploy.body).toMatchObject({
      environment: 'pr-7',
      provider: 'test',
      strategy: 'rolling',
      status: 'queued',
    });
    // The deploy goes to the environment's own target (the API does not show it).
    const row = await knex('devops_deploys')
      .where({ id: deploy.body.id })
      .first();
    expect(row.target).toBe('checkout-pr-7');
    // The promotion chain gate does not hold a preview back.
    expect(
      deploy.body.gates.find((g: any) => g.gate === 'promotion-chain'),
    ).toMatchObject({ status: 'skipped' });

    const busy = await request(b.server).delete(`${URL}/pr-7`);
    expect(busy.status).toBe(409);
    expect(busy.body.error.message).toBe(
      `Deploy ${deploy.body.id} of 1.1.0 is queued in pr-7: abort it first (POST /deploys/${deploy.body.id}/abort), then delete the environment`,
    );

    const summary: DeploysSummary = (
      await request(b.server).get(`${BASE}/checkout/deploys`)
    ).body;
    expect(summary.environments.map(e => e.name)).toEqual([
      'staging',
      'production',
      'pr-7',
      'pr-8',
    ]);
    expect(summary.environments[0].entityEnvironment).toBeNull();
    expect(summary.environments[2]).toMatchObject({
      entityEnvironment: { name: 'pr-7', basedOn: 'staging' },
      active: { id: deploy.body.id },
      previousInChain: null,
    });

    // A deploy made outside the portal ran in pr-8.
    const pushed = await request(b.server)
      .post(`${BASE}/checkout/deploys/pushed`)
      .send({
        environment: 'pr-8',
        version: '1.0.0',
        deployedAt: new Date().toISOString(),
        outcome: 'succeeded',
      });
    expect(pushed.status).toBe(201);

    const deleted = await request(b.server)
      .delete(`${URL}/pr-8`)
      .send({ reason: 'PR merged' });
    expect(deleted.status).toBe(202);
    expect(deleted.body).toMatchObject({
      name: 'pr-8',
      status: 'tearing-down',
      teardown: {
        cause: 'deleted',
        requestedBy: 'user:default/mock',
        reason: 'PR merged',
        attempts: 0,
        lastError: null,
      },
    });
    expect(b.teardownKicks.count).toBe(1);
    expect(b.audit.at(-1)).toMatchObject({
      eventId: 'environment-delete',
      outcome: 'success',
      result: {
        environment: 'pr-8',
        status: 'tearing-down',
        reason: 'PR merged',
      },
    });

    // Known while it is torn down, but nothing more deploys to it.
    const refused = await request(b.server)
      .post(`${BASE}/checkout/deploys`)
      .send({ environment: 'pr-8', version: '1.1.0' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(
      /^Environment pr-8 of component:default\/checkout is being torn down \(user:default\/mock deleted it at .*\): deploys to it are refused; create it again once it is torn down$/,
    );
    expect(
      (
        await request(b.server).get(
          `${BASE}/checkout/deploys/history?environment=pr-8`,
        )
      ).status,
    ).toBe(200);
    const recreate = await request(b.server).post(URL).send({ name: 'pr-8' });
    expect(recreate.status).toBe(409);

    // A second delete answers the current state and starts nothing more.
    const again = await request(b.server).delete(`${URL}/pr-8`);
    expect(again.status).toBe(202);
    expect(again.body.teardown.requestedAt).toBe(
      deleted.body.teardown.requestedAt,
    );
    expect(b.teardownKicks.count).toBe(1);

    expect(await b.teardown.run()).toMatchObject({
      tornDown: ['component:default/checkout pr-8'],
    });
    expect(b.teardownTargets).toEqual([
      expect.objectContaining({
        environment: 'pr-8',
        name: 'checkout-pr-8',
        basedOn: 'staging',
      }),
    ]);
    expect(b.teardownTargets[0].config.getString('cluster')).toBe('stage-1');

    const gone = await request(b.server).delete(`${URL}/pr-8`);
    expect(gone.status).toBe(200);
    expect(gone.body).toMatchObject({
      status: 'torn-down',
      teardown: { attempts: 1, lastError: null },
    });
    expect(
      (await request(b.server).get(URL)).body.items.map(
        (e: EntityEnvironment) => e.name,
      ),
    ).toEqual(['pr-7']);
    expect(
      (await request(b.server).get(`${URL}?all=true`)).body.items.map(
        (e: EntityEnvironment) => `${e.name} ${e.status}`,
      ),
    ).toEqual(['pr-7 active', 'pr-8 torn-down']);
    const unknown = await request(b.server)
      .post(`${BASE}/checkout/deploys`)
      .send({ environment: 'pr-8', version: '1.1.0' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(
      /^Unknown environment 'pr-8': the per-entity environment pr-8 of component:default\/checkout was torn down at .*; known environments: staging, production, pr-7$/,
    );
    // The name is free again, and the new pr-8 starts without the old one's versions.
    await new Promise(r => setTimeout(r, 5));
    expect(
      (await request(b.server).post(URL).send({ name: 'pr-8' })).status,
    ).toBe(201);
    const fresh: DeploysSummary = (
      await request(b.server).get(`${BASE}/checkout/deploys`)
    ).body;
    expect(fresh.environments.find(e => e.name === 'pr-8')?.running).toBeNull();
    // Nor the old one's versions to roll back to (the version picker's list, the rollback).
    const versions = await request(b.server).get(
      `${BASE}/checkout/deploys/versions?environment=pr-8`,
    );
    expect(versions.status).toBe(200);
    expect(versions.body.succeeded).toEqual([]);
    const rollback = await request(b.server)
      .post(`${BASE}/checkout/deploys/rollback`)
      .send({ environment: 'pr-8', reason: 'back', version: '1.0.0' });
    expect(rollback.status).toBe(400);
    expect(rollback.body.error.message).toBe(
      "Version '1.0.0' has not succeeded in pr-8, so it is no rollback target; versions that did: none",
    );
    const first = await request(b.server)
      .post(`${BASE}/checkout/deploys`)
      .send({ environment: 'pr-8', version: '1.1.0' });
    expect(first.status).toBe(201);
    expect(first.body.previousVersion).toBeNull();
    // The old environment's deploy stays in the history.
    const history = await request(b.server).get(
      `${BASE}/checkout/deploys/history?environment=pr-8`,
    );
    expect(history.body.items.map((d: any) => d.version)).toEqual([
      '1.1.0',
      '1.0.0',
    ]);
  });

  it('shows a failing teardown in the summary, with its error and next attempt', async () => {
    const b = await start({ teardown: false });
    await request(b.server).post(URL).send({ name: 'pr-3' });
    expect((await request(b.server).delete(`${URL}/pr-3`)).status).toBe(202);
    expect(await b.teardown.run()).toMatchObject({
      failed: ['component:default/checkout pr-3'],
    });
    const summary: DeploysSummary = (
      await request(b.server).get(`${BASE}/checkout/deploys`)
    ).body;
    const state = summary.environments.find(e => e.name === 'pr-3')!;
    expect(state.entityEnvironment).toMatchObject({
      status: 'tearing-down',
      teardown: {
        attempts: 1,
        lastError:
          'the test deploy provider cannot tear environments down (it has no teardown): remove target checkout-pr-3 by hand; attempts go on until the provider can',
      },
    });
    expect(state.entityEnvironment?.teardown?.nextAttemptAt).not.toBeNull();
  });
});
