import { Entity } from '@backstage/catalog-model';
import {
  Deploy,
  DeployDetail,
  DeployDryRun,
  DeploysSummary,
} from '@devops-growth/backstage-plugin-devops-common';
import { Knex } from 'knex';
import request from 'supertest';
import { createTestDatabases } from '../../__testUtils__/databases';
import { migrateToLatest } from '../../database/migrations';
import {
  startDeploysBackend,
  testProvider,
} from './__testUtils__/deploysBackend';

jest.setTimeout(120_000);

function entity(name: string, annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
  };
}

const checkout = entity('checkout', {
  'devops-growth.io/monitoring': 'deploy',
});
const entities = [
  checkout,
  entity('legacy', { 'devops-growth.io/monitoring': 'coverage' }),
  entity('stagingonly', {
    'devops-growth.io/monitoring': 'deploy',
    'devops-growth.io/deploy-environments': 'staging',
  }),
  entity('badstrategy', {
    'devops-growth.io/monitoring': 'deploy',
    'devops-growth.io/deploy-strategy': 'production=big-bang',
  }),
];

const deploysConfig = {
  promotionChain: ['staging', 'production'],
  defaults: { provider: 'test', gates: { coverage: false, security: false } },
  environments: [
    { name: 'staging' },
    {
      name: 'production',
      strategy: 'canary',
      gates: {
        freezeWindows: [
          // Always open: every weekday, all day (the freeze-window test overrides it).
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
const VERSIONS = ['2.0.0', '1.2.0', '1.1.0', '1.0.0'];
const BASE = '/api/devops/entities/component/default';
const SHA = '0123456789abcdef0123456789abcdef01234567';

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())('deploys routes on %s', id => {
  let knex: Knex;
  beforeEach(async () => {
    knex = await databases.init(id);
    await migrateToLatest(knex);
  });

  const start = (options: { denied?: string[]; deploys?: object } = {}) =>
    startDeploysBackend({
      knex,
      entities,
      deploys: options.deploys ?? deploysConfig,
      provider: testProvider(VERSIONS),
      denied: options.denied,
    });
  type Backend = Awaited<ReturnType<typeof start>>;

  const push = (b: Backend, body: object, name = 'checkout') =>
    request(b.server)
      .post(`${BASE}/${name}/deploys/pushed`)
      .send({
        deployedAt: '2026-12-01T10:00:00Z',
        outcome: 'succeeded',
        ...body,
      });

  it('starts a deploy once: 201, the same deploy for a retried key (200), 409 naming the active one', async () => {
    const b = await start();
    const first = await request(b.server)
      .post(`${BASE}/checkout/deploys`)
      .set('Idempotency-Key', 'ci-run-17')
      .send({ environment: 'staging', version: '1.1.0', commitSha: SHA });
    expect(first.status).toBe(201);
    const deploy: Deploy = first.body;
    expect(deploy).toMatchObject({
      entityRef: 'component:default/checkout',
      environment: 'staging',
      kind: 'deploy',
      version: '1.1.0',
      commitSha: SHA,
      strategy: 'rolling',
      steps: [],
      provider: 'test',
      status: 'queued',
      createdBy: 'user:default/mock',
      previousVersion: null,
    });
    expect(deploy.gates.map(g => g.gate)).toEqual([
      'promotion-chain',
      'coverage',
      'freeze-window',
      'security-findings',
      'security-threats',
      'compliance',
    ]);
    expect(deploy).not.toHaveProperty('leaseOwner');
    expect(b.engine.wakes).toBe(1);
    expect(b.signals).toEqual([
      {
        recipients: { type: 'broadcast' },
        channel: 'devops:deploys:component:default/checkout',
        message: {
          deployId: deploy.id,
          environment: 'staging',
          status: 'queued',
          phase: deploy.phase,
        },
      },
    ]);

    const retry = await request(b.server)
      .post(`${BASE}/checkout/deploys`)
      .send({
        environment: 'staging',
        version: '1.1.0',
        idempotencyKey: 'ci-run-17',
      });
    expect(retry.status).toBe(200);
    expect(retry.body.id).toBe(deploy.id);
    expect(b.engine.wakes).toBe(1);

    const second = await request(b.server)
      .post(`${BASE}/checkout/deploys`)
      .send({ environment: 'staging', version: '1.2.0' });
    expect(second.status).toBe(409);
    expect(second.body.error.message).toBe(
      `Deploy ${deploy.id} of 1.1.0 is already queued in staging`,
    );

    const history = await request(b.server).get(
      `${BASE}/checkout/deploys/history`,
    );
    expect(history.body.total).toBe(1);

    const detail = await request(b.server).get(
      `/api/devops/deploys/${deploy.id}`,
    );
    expect(detail.status).toBe(200);
    const body: DeployDetail = detail.body;
    expect(body.id).toBe(deploy.id);
    expect(body.events[0]).toMatchObject({ type: 'status' });

    expect(
      b.audit
        .filter(e => e.eventId === 'deploy-create')
        .map(e => [e.outcome, e.result]),
    ).toEqual([
      [
        'success',
        expect.objectContaining({
          deployId: deploy.id,
          version: '1.1.0',
          environment: 'staging',
          actor: 'user:default/mock',
          created: true,
        }),
      ],
      [
        'success',
        expect.objectContaining({ deployId: deploy.id, created: false }),
      ],
      ['fail', expect.stringContaining('is already queued in staging')],
    ]);
  });

  it('hides a deploy whose entity the caller cannot see behind the unknown-id 404', async () => {
    const b = await start();
    const created = await request(b.server)
      .post(`${BASE}/checkout/deploys`)
      .send({ environment: 'staging', version: '1.1.0' });
    expect(created.status).toBe(201);
    // The same database, a catalog in which the caller does not see checkout.
    const blind = await startDeploysBackend({
      knex,
      entities: entities.filter(e => e.metadata.name !== 'checkout'),
      deploys: deploysConfig,
    });
    const notFound = `Deploy '${created.body.id}' was not found`;
    const read = await request(blind.server).get(
      `/api/devops/deploys/${created.body.id}`,
    );
    expect([read.status, read.body.error.message]).toEqual([404, notFound]);
    const abort = await request(blind.server)
      .post(`/api/devops/deploys/${created.body.id}/abort`)
      .send({});
    expect([abort.status, abort.body.error.message]).toEqual([404, notFound]);
    expect(blind.engine.wakes).toBe(0);
  });

  it('answers every documented 4xx with its message', async () => {
    const b = await start();
    const post = (path: string, body: object) =>
      request(b.server).post(`${BASE}/${path}`).send(body);
    const expectError = async (
      res: Promise<request.Response> | request.Test,
      status: number,
      message: string | RegExp,
    ) => {
      const r = await res;
      const expected = new RegExp(
        typeof message === 'string'
          ? `^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`
          : message,
      );
      expect({ status: r.status, message: r.body.error?.message }).toEqual({
        status,
        message: expect.stringMatching(expected),
      });
    };

    await expectError(
      post('nobody/deploys', { environment: 'staging', version: '1.1.0' }),
      404,
      "Entity 'component:default/nobody' was not found in the catalog",
    );
    await expectError(
      post('legacy/deploys', { environment: 'staging', version: '1.1.0' }),
      400,
      /does not enable the deploy area: set the annotation devops-growth.io\/monitoring/,
    );
    await expectError(
      post('checkout/deploys', { environment: 'qa', version: '1.1.0' }),
      400,
      "Unknown environment 'qa': it is not configured in devops.deploys.environments nor a per-entity environment of component:default/checkout; known environments: staging, production",
    );
    await expectError(
      post('stagingonly/deploys', {
        environment: 'production',
        version: '1.1.0',
      }),
      400,
      "Unknown environment 'production': it is not in the annotation devops-growth.io/deploy-environments of component:default/stagingonly; known environments: staging",
    );
    await expectError(
      post('checkout/deploys', { environment: 'staging', version: '9.9.9' }),
      400,
      "Unknown version '9.9.9': the test provider does not list it for checkout in staging (newest: 2.0.0, 1.2.0, 1.1.0, 1.0.0)",
    );
    await expectError(
      post('checkout/deploys', {
        environment: 'staging',
        version: '../etc/passwd',
      }),
      400,
      /^Invalid deploy request: version: version must be 1-128 letters/,
    );
    await expectError(
      post('checkout/deploys', { environment: 'staging' }),
      400,
      /^Invalid deploy request: version: /,
    );
    await expectError(
      post('checkout/deploys', {
        environment: 'staging',
        version: '1.1.0',
        strategy: 'blue-green',
      }),
      400,
      'Strategy blue-green is not supported by the test provider in staging (supported: rolling, canary)',
    );
    await expectError(
      post('badstrategy/deploys', {
        environment: 'production',
        version: '1.1.0',
      }),
      400,
      "Invalid annotation devops-growth.io/deploy-strategy on component:default/badstrategy: 'big-bang' is not one of rolling, blue-green, canary",
    );
    // Production: 1.1.0 never ran in staging, and the freeze window is open.
    await expectError(
      post('checkout/deploys', { environment: 'production', version: '1.1.0' }),
      400,
      /^The deploy of 1.1.0 to production is blocked by 2 failed gates: promotion-chain: .*staging.*; freeze-window: .*Change freeze.*\. An override needs the permission devops.deploy.gate.override and a reason$/,
    );
    await expectError(
      post('checkout/deploys', {
        environment: 'production',
        version: '1.1.0',
        overrides: [
          {
            gate: 'freeze-window',
            reason: 'hotfix',
            expiresAt: '2020-01-01T00:00:00Z',
          },
        ],
      }),
      400,
      /freeze-window.*2020-01-01T00:00:00/,
    );
    await expectError(
      post('checkout/deploys/promote', { environment: 'staging' }),
      400,
      'staging has no previous environment in the promotion chain of component:default/checkout (staging -> production): deploy a version instead',
    );
    await expectError(
      post('checkout/deploys/promote', { environment: 'production' }),
      400,
      'staging has not run a version of component:default/checkout successfully yet: nothing to promote to production',
    );
    await expectError(
      post('checkout/deploys/rollback', {
        environment: 'staging',
        reason: 'bad',
      }),
      400,
      'staging has no earlier good version of component:default/checkout to roll back to',
    );
    await expectError(
      post('checkout/deploys/rollback', { environment: 'staging' }),
      400,
      /^Invalid rollback request: reason: /,
    );
    await expectError(
      request(b.server)
        .post('/api/devops/deploys/00000000-0000-4000-8000-000000000000/abort')
        .send({}),
      404,
      "Deploy '00000000-0000-4000-8000-000000000000' was not found",
    );
    await expectError(
      request(b.server).get('/api/devops/deploys/not-a-uuid'),
      400,
      'Invalid deploy id: id must be a deploy id',
    );
    await expectError(
      request(b.server).get(
        `${BASE}/checkout/deploys/markers?from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z`,
      ),
      400,
      'Invalid markers query: to must be after from',
    );
    await expectError(
      post('checkout/deploys/pushed', {
        environment: 'staging',
        version: '1.0.0',
        deployedAt: '2026-12-01T10:00:00Z',
        finishedAt: '2026-12-01T09:00:00Z',
        outcome: 'succeeded',
      }),
      400,
      'finishedAt 2026-12-01T09:00:00Z is before deployedAt 2026-12-01T10:00:00Z',
    );
    // Nothing was stored by any of them.
    const history = await request(b.server).get(
      `${BASE}/checkout/deploys/history`,
    );
    expect(history.body).toEqual({ items: [], total: 0 });
  });

  it('overrides failed gates only with the override permission, auditing each override', async () => {
    const overrides = [
      { gate: 'promotion-chain', reason: 'hotfix for INC-12' },
      { gate: 'freeze-window', reason: 'hotfix for INC-12' },
    ];
    const denied = await start({ denied: ['devops.deploy.gate.override'] });
    const refused = await request(denied.server)
      .post(`${BASE}/checkout/deploys`)
      .send({ environment: 'production', version: '1.1.0', overrides });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toBe(
      'Not allowed: devops.deploy.gate.override on component:default/checkout',
    );

    const b = await start();
    const res = await request(b.server)
      .post(`${BASE}/checkout/deploys`)
      .send({ environment: 'production', version: '1.1.0', overrides });
    expect(res.status).toBe(201);
    const deploy: Deploy = res.body;
    expect(deploy.strategy).toBe('canary');
    expect(deploy.steps).toEqual([10, 25, 50, 100]);
    const overridden = deploy.gates.filter(g => g.status === 'overridden');
    expect(
      overridden.map(g => [g.gate, g.override?.by, g.override?.reason]),
    ).toEqual([
      ['promotion-chain', 'user:default/mock', 'hotfix for INC-12'],
      ['freeze-window', 'user:default/mock', 'hotfix for INC-12'],
    ]);
    const events = b.audit.filter(e => e.eventId === 'deploy-gate-override');
    expect(events).toEqual([
      expect.objectContaining({
        severityLevel: 'high',
        outcome: 'success',
        meta: expect.objectContaining({
          entityRef: 'component:default/checkout',
          environment: 'production',
          version: '1.1.0',
          deployId: deploy.id,
          actor: 'user:default/mock',
          gate: 'promotion-chain',
          reason: 'hotfix for INC-12',
        }),
      }),
      expect.objectContaining({
        meta: expect.objectContaining({ gate: 'freeze-window' }),
      }),
    ]);
  });

  it('checks each action against its resource permission on the entity', async () => {
    const b = await start({
      denied: [
        'devops.deploy.create',
        'devops.deploy.promote',
        'devops.deploy.rollback',
        'devops.deploy.record',
      ],
    });
    const cases: Array<[string, object, string]> = [
      [
        'deploys',
        { environment: 'staging', version: '1.1.0' },
        'devops.deploy.create',
      ],
      [
        'deploys/promote',
        { environment: 'production' },
        'devops.deploy.promote',
      ],
      [
        'deploys/rollback',
        { environment: 'staging', reason: 'x' },
        'devops.deploy.rollback',
      ],
      [
        'deploys/dry-run',
        { action: 'deploy', environment: 'staging', version: '1.1.0' },
        'devops.deploy.create',
      ],
      [
        'deploys/dry-run',
        { action: 'rollback', environment: 'staging' },
        'devops.deploy.rollback',
      ],
      [
        'deploys/pushed',
        {
          environment: 'staging',
          version: '1.1.0',
          deployedAt: '2026-12-01T10:00:00Z',
          outcome: 'succeeded',
        },
        'devops.deploy.record',
      ],
      [
        'deploys/incidents',
        {
          environment: 'staging',
          title: 'Down',
          startedAt: '2026-12-01T10:00:00Z',
        },
        'devops.deploy.record',
      ],
    ];
    for (const [path, body, permission] of cases) {
      const res = await request(b.server)
        .post(`${BASE}/checkout/${path}`)
        .send(body);
      expect([path, res.status, res.body.error?.message]).toEqual([
        path,
        403,
        `Not allowed: ${permission} on component:default/checkout`,
      ]);
    }
    const resourceRequests = b.permissionRequests.filter(
      r => 'resourceRef' in r,
    );
    expect(new Set(resourceRequests.map(r => (r as any).resourceRef))).toEqual(
      new Set(['component:default/checkout']),
    );
    const history = await request(b.server).get(
      `${BASE}/checkout/deploys/history`,
    );
    expect(history.body.total).toBe(0);
  });

  it("asks the environment's permission besides the action's, a per-entity environment its base's, and not for records", async () => {
    const allowed = await start();
    const staging = await request(allowed.server)
      .post(`${BASE}/checkout/deploys`)
      .send({ environment: 'staging', version: '1.1.0' });
    expect(staging.status).toBe(201);
    expect(
      (
        await request(allowed.server)
          .post(`${BASE}/checkout/environments`)
          .send({ name: 'pr-1', basedOn: 'staging' })
      ).status,
    ).toBe(201);

    // The same database, a policy refusing staging to this user.
    const b = await start({ denied: ['devops.deploy.environment.staging'] });
    const notStaging =
      'Not allowed: devops.deploy.environment.staging on component:default/checkout';
    const refused: Array<[string, object]> = [
      ['checkout/deploys', { environment: 'staging', version: '1.2.0' }],
      ['checkout/deploys', { environment: 'pr-1', version: '1.2.0' }],
      ['checkout/deploys/promote', { environment: 'staging' }],
      ['checkout/deploys/rollback', { environment: 'staging', reason: 'x' }],
      [
        'checkout/deploys/dry-run',
        { action: 'deploy', environment: 'pr-1', version: '1.2.0' },
      ],
    ];
    for (const [path, body] of refused) {
      const res = await request(b.server).post(`${BASE}/${path}`).send(body);
      expect([path, res.status, res.body.error?.message]).toEqual([
        path,
        403,
        notStaging,
      ]);
    }
    const abort = await request(b.server)
      .post(`/api/devops/deploys/${staging.body.id}/abort`)
      .send({ reason: 'not mine' });
    expect([abort.status, abort.body.error?.message]).toEqual([
      403,
      notStaging,
    ]);
    // Production is another environment: its dry run answers.
    expect(
      (
        await request(b.server).post(`${BASE}/checkout/deploys/dry-run`).send({
          action: 'deploy',
          environment: 'production',
          version: '1.1.0',
        })
      ).status,
    ).toBe(200);
    // A record of what happened elsewhere is not an action in the environment.
    expect(
      (await push(b, { environment: 'staging', version: '1.0.0' })).status,
    ).toBe(201);
    expect(
      b.permissionRequests
        .map(r => r.permission.name)
        .filter(n => n.startsWith('devops.deploy.environment.')),
    ).not.toContain('devops.deploy.environment.pr-1');
  });

  it('records pushed deploys and incidents, promotes and rolls back from them', async () => {
    const b = await start({
      deploys: {
        ...deploysConfig,
        environments: [
          { name: 'staging' },
          { name: 'production', strategy: 'canary' },
        ],
      },
    });
    const pushed = await push(b, {
      environment: 'staging',
      version: '1.2.0',
      commitSha: SHA,
      commitAt: '2026-12-01T08:00:00Z',
      source: 'github-actions',
      idempotencyKey: 'run-1',
    });
    expect(pushed.status).toBe(201);
    expect(pushed.body).toMatchObject({
      kind: 'pushed',
      status: 'succeeded',
      provider: 'github-actions',
      version: '1.2.0',
      createdAt: '2026-12-01T10:00:00.000Z',
    });
    const again = await push(b, {
      environment: 'staging',
      version: '1.2.0',
      idempotencyKey: 'run-1',
    });
    expect([again.status, again.body.id]).toEqual([200, pushed.body.id]);

    // A dry run of the promotion: the version staging runs, its gates, nothing stored.
    const dry = await request(b.server)
      .post(`${BASE}/checkout/deploys/dry-run`)
      .send({ action: 'promote', environment: 'production' });
    expect(dry.status).toBe(200);
    const dryRun: DeployDryRun = dry.body;
    expect(dryRun).toMatchObject({
      kind: 'promote',
      environment: 'production',
      version: '1.2.0',
      strategy: 'canary',
      allowed: true,
      activeDeployId: null,
      previousVersion: null,
    });
    expect(dryRun.gates.find(g => g.gate === 'promotion-chain')?.status).toBe(
      'passed',
    );

    const promoted = await request(b.server)
      .post(`${BASE}/checkout/deploys/promote`)
      .send({ environment: 'production' });
    expect(promoted.status).toBe(201);
    expect(promoted.body).toMatchObject({
      kind: 'promote',
      version: '1.2.0',
      commitSha: SHA,
      commitAt: '2026-12-01T08:00:00.000Z',
      status: 'queued',
    });
    // Audit event ids without the plugin's prefix: the log reads devops.deploy-record.
    expect(
      b.audit
        .filter(e => e.eventId === 'deploy-record')
        .map(e => [e.outcome, e.result?.created]),
    ).toEqual([
      ['success', true],
      ['success', false],
    ]);
    const promoteAudit = b.audit.find(e => e.eventId === 'deploy-promote');
    expect(promoteAudit).toMatchObject({
      outcome: 'success',
      result: {
        deployId: promoted.body.id,
        version: '1.2.0',
        environment: 'production',
      },
    });

    // Abort the queued promotion: 202, the engine is woken; a final deploy cannot be aborted.
    const wakes = b.engine.wakes;
    const aborted = await request(b.server)
      .post(`/api/devops/deploys/${promoted.body.id}/abort`)
      .send({ reason: 'wrong window' });
    expect(aborted.status).toBe(202);
    expect(aborted.body.id).toBe(promoted.body.id);
    expect(b.engine.wakes).toBe(wakes + 1);
    const final = await request(b.server)
      .post(`/api/devops/deploys/${pushed.body.id}/abort`)
      .send({});
    expect(final.status).toBe(409);
    expect(final.body.error.message).toBe(
      `Deploy ${pushed.body.id} of 1.2.0 in staging is already succeeded; only a deploy in flight can be aborted`,
    );
    expect(
      b.audit.filter(e => e.eventId === 'deploy-abort').map(e => e.outcome),
    ).toEqual(['success', 'fail']);
  });

  it('rolls back to the previous good version or a chosen one that succeeded there', async () => {
    const b = await start({
      deploys: {
        ...deploysConfig,
        environments: [{ name: 'staging' }, { name: 'production' }],
      },
    });
    const v1 = await push(b, {
      environment: 'staging',
      version: '1.0.0',
      deployedAt: '2026-12-01T08:00:00Z',
    });
    await push(b, {
      environment: 'staging',
      version: '1.1.0',
      deployedAt: '2026-12-01T09:00:00Z',
    });
    const v3 = await push(b, {
      environment: 'staging',
      version: '1.2.0',
      deployedAt: '2026-12-01T10:00:00Z',
    });
    await push(b, {
      environment: 'staging',
      version: '2.0.0',
      deployedAt: '2026-12-01T11:00:00Z',
      outcome: 'failed',
    });

    const versions = await request(b.server).get(
      `${BASE}/checkout/deploys/versions?environment=staging`,
    );
    expect(versions.body).toEqual({
      environment: 'staging',
      available: VERSIONS,
      succeeded: [
        { version: '1.2.0', deployId: v3.body.id, at: expect.any(String) },
        {
          version: '1.1.0',
          deployId: expect.any(String),
          at: expect.any(String),
        },
        { version: '1.0.0', deployId: v1.body.id, at: expect.any(String) },
      ],
    });

    const never = await request(b.server)
      .post(`${BASE}/checkout/deploys/rollback`)
      .send({ environment: 'staging', version: '2.0.0', reason: 'x' });
    expect(never.status).toBe(400);
    expect(never.body.error.message).toBe(
      "Version '2.0.0' has not succeeded in staging, so it is no rollback target; versions that did: 1.2.0, 1.1.0, 1.0.0",
    );

    const back = await request(b.server)
      .post(`${BASE}/checkout/deploys/rollback`)
      .send({ environment: 'staging', reason: 'errors after 1.2.0' });
    expect(back.status).toBe(201);
    expect(back.body).toMatchObject({
      kind: 'rollback',
      version: '1.1.0',
      previousVersion: '1.2.0',
      rollbackOf: v3.body.id,
      reason: 'errors after 1.2.0',
    });
    expect(
      back.body.gates.find((g: any) => g.gate === 'promotion-chain').status,
    ).toBe('skipped');

    // A chosen version: a queued rollback is active, so a second one is a conflict.
    const chosen = await request(b.server)
      .post(`${BASE}/checkout/deploys/rollback`)
      .send({
        environment: 'staging',
        version: '1.0.0',
        reason: 'further back',
      });
    expect(chosen.status).toBe(409);
    expect(chosen.body.error.message).toBe(
      `Deploy ${back.body.id} of 1.1.0 is already queued in staging`,
    );
    expect(
      b.audit.filter(e => e.eventId === 'deploy-rollback').map(e => e.outcome),
    ).toEqual(['fail', 'success', 'fail']);
  });

  it('summarises environments, history, DORA and recommendations, and answers markers', async () => {
    const b = await start({
      deploys: {
        ...deploysConfig,
        environments: [{ name: 'staging' }, { name: 'production' }],
      },
    });
    const empty = await request(b.server).get(`${BASE}/checkout/deploys`);
    expect(empty.status).toBe(200);
    expect(empty.body.recommendations.map((r: any) => r.id)).toEqual([
      'deploy.none',
    ]);

    const now = Date.now();
    const iso = (daysAgo: number) =>
      new Date(now - daysAgo * 86_400_000).toISOString();
    const good = await push(b, {
      environment: 'production',
      version: '1.0.0',
      deployedAt: iso(50),
    });
    const bad = await push(b, {
      environment: 'production',
      version: '1.1.0',
      deployedAt: iso(40),
    });
    const incident = await request(b.server)
      .post(`${BASE}/checkout/deploys/incidents`)
      .send({
        environment: 'production',
        title: 'Checkout errors',
        startedAt: iso(39),
        deployId: bad.body.id,
        idempotencyKey: 'inc-1',
      });
    expect(incident.status).toBe(201);
    expect(incident.body).toMatchObject({
      environment: 'production',
      deployId: bad.body.id,
      resolvedAt: null,
      reportedBy: 'user:default/mock',
    });
    const sameIncident = await request(b.server)
      .post(`${BASE}/checkout/deploys/incidents`)
      .set('Idempotency-Key', 'inc-1')
      .send({
        environment: 'production',
        title: 'Checkout errors',
        startedAt: iso(39),
      });
    expect([sameIncident.status, sameIncident.body.id]).toEqual([
      200,
      incident.body.id,
    ]);
    const wrongDeploy = await request(b.server)
      .post(`${BASE}/checkout/deploys/incidents`)
      .send({
        environment: 'staging',
        title: 'x',
        startedAt: iso(1),
        deployId: bad.body.id,
      });
    expect(wrongDeploy.status).toBe(400);
    expect(wrongDeploy.body.error.message).toBe(
      `deployId ${bad.body.id} is not a deploy of component:default/checkout in staging`,
    );

    const res = await request(b.server).get(`${BASE}/checkout/deploys`);
    const summary: DeploysSummary = res.body;
    expect(summary.environments).toEqual([
      expect.objectContaining({
        name: 'staging',
        running: null,
        active: null,
        previousInChain: null,
      }),
      expect.objectContaining({
        name: 'production',
        running: { version: '1.1.0', deployId: bad.body.id, at: iso(40) },
        active: null,
        previousInChain: 'staging',
      }),
    ]);
    expect(summary.history.map(d => d.id)).toEqual([bad.body.id, good.body.id]);
    expect(summary.dora.map(d => [d.environment, d.windowDays])).toEqual([
      ['staging', 30],
      ['staging', 90],
      ['production', 30],
      ['production', 90],
    ]);
    const production90 = summary.dora.find(
      d => d.environment === 'production' && d.windowDays === 90,
    )!;
    expect(production90.deployments).toBe(2);
    const ids = summary.recommendations.map(r => r.id);
    expect(ids).toEqual(['deploy.rollback-available', 'deploy.stale']);
    expect(summary.recommendations[0].title).toBe(
      'Rollback to 1.0.0 available in production',
    );

    const markers = await request(b.server).get(
      `${BASE}/checkout/deploys/markers?from=${iso(45)}&to=${iso(0)}`,
    );
    expect(markers.status).toBe(200);
    expect(markers.body.markers.map((m: any) => m.deployId)).toEqual([
      bad.body.id,
    ]);
    expect(
      b.audit.filter(e => e.eventId === 'deploy-incident').map(e => e.outcome),
    ).toEqual(['success', 'success', 'fail']);
  });
});
