import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockServices, TestDatabaseId } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { DEVOPS_MONITORING_ANNOTATION } from '@devops-growth/backstage-plugin-devops-common';
import {
  DeployProvider,
  DeployProviderStatus,
  DeployTarget,
} from '@devops-growth/backstage-plugin-devops-node';
import { Knex } from 'knex';
import { createTestDatabases } from '../../../__testUtils__/databases';
import { migrateToLatest } from '../../../database/migrations';
import { DatabaseDeployStore } from '../DatabaseDeployStore';
import { entityEnvironments } from '../deployPlan';
import { CommandDeployProvider, DeployProviderRegistry } from '../providers';
import { readDeploySettings } from '../settings';
import { DeployEnvironments, DeployRecord, DeploySettings } from '../types';
import { DatabaseDriftStore } from './DatabaseDriftStore';
import {
  createDriftSweepTask,
  DRIFT_SWEEP_TASK_ID,
  DriftSweepDeps,
  sweepDrift,
} from './driftSweep';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const fixtures = join(__dirname, '__fixtures__');
const node = process.execPath;
const T0 = new Date('2026-12-02T10:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

function entity(name: string, areas = 'deploy'): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: { [DEVOPS_MONITORING_ANNOTATION]: areas },
    },
    spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
  };
}
const CHECKOUT = entity('checkout');
const CHECKOUT_REF = 'component:default/checkout';

/**
 * A provider outside the project: reports per `<environment>/<target>` what the test set,
 * throws or never answers; counts calls and the most calls in flight at once.
 */
class FakeProvider implements DeployProvider {
  readonly id = 'fake';
  readonly strategies = ['rolling'] as const;
  readonly resumable = false;
  readonly running = new Map<
    string,
    | DeployProviderStatus
    | 'hang'
    | Error
    | (() => Promise<DeployProviderStatus>)
  >();
  delayMs = 20;
  calls = 0;
  inFlight = 0;
  maxInFlight = 0;
  async deploy() {}
  async rollback() {}
  async status(target: DeployTarget): Promise<DeployProviderStatus> {
    this.calls++;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await new Promise(resolve => setTimeout(resolve, this.delayMs));
      const answer = this.running.get(`${target.environment}/${target.name}`);
      if (answer === 'hang') return await new Promise(() => {});
      if (answer instanceof Error) throw answer;
      if (typeof answer === 'function') return await answer();
      return answer ?? { version: null, healthy: false };
    } finally {
      this.inFlight--;
    }
  }
}

describe.each(databases.eachSupportedId())(
  'sweepDrift on %p',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;
    let store: DatabaseDeployStore;
    let drift: DatabaseDriftStore;
    let fake: FakeProvider;
    let stateDir: string;
    let settings: DeploySettings;
    let config: ConfigReader;
    let logger: ReturnType<typeof mockServices.logger.mock>;
    let catalogEntities: Entity[];
    let environments: DeployEnvironments;

    /** What runs in the command provider's target, as its status script reports it. */
    function commandRuns(
      environment: string,
      target: string,
      status: object | null,
    ) {
      const file = join(stateDir, `${environment}.${target}.json`);
      if (status === null) unlinkSync(file);
      else writeFileSync(file, JSON.stringify(status));
    }

    /** A deploy pushed by CI (any version, finished outside). */
    async function pushed(
      entityRef: string,
      environment: string,
      version: string,
      when: Date,
    ): Promise<DeployRecord> {
      const result = await store.create({
        entityRef,
        environment,
        kind: 'pushed',
        version,
        previousVersion: null,
        commitSha: null,
        commitAt: null,
        strategy: 'rolling',
        steps: [],
        provider: 'fake',
        target: 'x',
        createdBy: 'user:default/ci',
        reason: null,
        rollbackOf: null,
        gates: [],
        idempotencyKey: null,
        status: 'succeeded',
        createdAt: when,
        startedAt: when,
        finishedAt: when,
      });
      return result.deploy;
    }

    /** A deploy through the portal: queued, then the engine's update to succeeded. */
    async function queued(
      entityRef: string,
      environment: string,
      version: string,
      when: Date,
    ): Promise<DeployRecord> {
      const result = await store.create({
        entityRef,
        environment,
        kind: 'deploy',
        version,
        previousVersion: null,
        commitSha: null,
        commitAt: null,
        strategy: 'rolling',
        steps: [],
        provider: 'command',
        target: 'checkout',
        createdBy: 'user:default/ada',
        reason: null,
        rollbackOf: null,
        gates: [],
        idempotencyKey: null,
        status: 'queued',
        createdAt: when,
      });
      expect(result.created).toBe(true);
      return result.deploy;
    }
    async function succeeded(
      entityRef: string,
      environment: string,
      version: string,
      when: Date,
    ): Promise<DeployRecord> {
      const deploy = await queued(entityRef, environment, version, when);
      const [claimed] = await store.claimDue('test', when, 60_000, 1);
      expect(claimed.id).toBe(deploy.id);
      expect(
        await store.update(deploy.id, 'test', {
          status: 'succeeded',
          startedAt: when,
          finishedAt: when,
        }),
      ).toBe(true);
      return (await store.get(deploy.id))!;
    }

    function deps(over: Partial<DriftSweepDeps> = {}): DriftSweepDeps {
      const providers = new DeployProviderRegistry();
      providers.add(
        new CommandDeployProvider({
          logger,
          rootDir: fixtures,
          killGraceMs: 200,
        }),
        fake,
      );
      return {
        config,
        store,
        environments,
        drift,
        providers,
        catalog: catalogServiceMock({ entities: catalogEntities }),
        auth: mockServices.auth(),
        logger,
        ...over,
      };
    }

    const warnings = () =>
      logger.warn.mock.calls.map(([message]) => String(message));

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      await migrateToLatest(knex);
      store = new DatabaseDeployStore(knex);
      drift = new DatabaseDriftStore(knex);
      fake = new FakeProvider();
      stateDir = mkdtempSync(join(tmpdir(), 'drift-'));
      const command = (status: boolean) => ({
        env: { DRIFT_STATE_DIR: stateDir },
        deploy: [node, 'status.mjs'],
        rollback: [node, 'status.mjs'],
        ...(status ? { status: [node, 'status.mjs'] } : {}),
      });
      config = new ConfigReader({
        devops: {
          deploys: {
            promotionChain: ['staging', 'production'],
            environments: [
              { name: 'staging', provider: 'fake' },
              {
                name: 'production',
                provider: 'command',
                command: command(true),
              },
              { name: 'qa', provider: 'command', command: command(false) },
              { name: 'legacy', provider: 'uninstalled' },
            ],
          },
        },
      });
      settings = readDeploySettings(config);
      environments = {
        forEntity: async e => entityEnvironments(e, settings),
        resolve: async () => {
          throw new Error('not used by the sweep');
        },
        find: async () => undefined,
      };
      logger = mockServices.logger.mock();
      catalogEntities = [CHECKOUT];
    });

    afterEach(() => rmSync(stateDir, { recursive: true, force: true }));

    it('raises a drift with its evidence when the provider reports another version than the last successful deploy left', async () => {
      const stagingDeploy = await pushed(
        CHECKOUT_REF,
        'staging',
        '1.2.0',
        at(-30),
      );
      const productionDeploy = await succeeded(
        CHECKOUT_REF,
        'production',
        '1.2.0',
        at(-20),
      );
      fake.running.set('staging/checkout', {
        version: '1.1.0',
        healthy: true,
        message: 'changed by hand',
      });
      commandRuns('production', 'checkout', {
        version: '1.0.0',
        healthy: false,
        message: '1/2 replicas ready',
      });

      const counts = await sweepDrift(deps(), at(0));

      expect(counts).toEqual({
        entities: 1,
        entitiesSkipped: 0,
        checked: 2,
        drifted: 2,
        resolved: 0,
        skipped: 0,
      });
      expect(await drift.open(CHECKOUT_REF)).toEqual([
        {
          entityRef: CHECKOUT_REF,
          environment: 'production',
          expected: {
            version: '1.2.0',
            deployId: productionDeploy.id,
            at: at(-20).toISOString(),
          },
          actual: {
            version: '1.0.0',
            healthy: false,
            message: '1/2 replicas ready',
          },
          detectedAt: at(0).toISOString(),
          lastCheckedAt: at(0).toISOString(),
          resolvedAt: null,
        },
        expect.objectContaining({
          environment: 'staging',
          expected: {
            version: '1.2.0',
            deployId: stagingDeploy.id,
            at: at(-30).toISOString(),
          },
          actual: {
            version: '1.1.0',
            healthy: true,
            message: 'changed by hand',
          },
        }),
      ]);
      expect(warnings()).toContain(
        `Drift: ${CHECKOUT_REF} runs 1.0.0 in production, the last deploy (${productionDeploy.id}) left 1.2.0`,
      );
    });

    it('reads nothing running as a drift when the provider can see the target', async () => {
      await succeeded(CHECKOUT_REF, 'production', '1.2.0', at(-20));
      const counts = await sweepDrift(deps(), at(0));
      expect(counts).toMatchObject({ checked: 1, drifted: 1 });
      const [finding] = await drift.open(CHECKOUT_REF);
      expect(finding.actual).toEqual({
        version: null,
        healthy: false,
        message: 'nothing deployed',
      });
    });

    it('raises nothing while what runs is what was deployed, and resolves a finding once it is again', async () => {
      await pushed(CHECKOUT_REF, 'staging', '1.2.0', at(-30));
      await succeeded(CHECKOUT_REF, 'production', '1.2.0', at(-20));
      fake.running.set('staging/checkout', { version: '1.2.0', healthy: true });
      commandRuns('production', 'checkout', {
        version: '1.2.0',
        healthy: true,
      });
      expect(await sweepDrift(deps(), at(0))).toMatchObject({
        checked: 2,
        drifted: 0,
        resolved: 0,
      });
      expect(await drift.open(CHECKOUT_REF)).toEqual([]);

      // Someone changes both by hand.
      fake.running.set('staging/checkout', { version: '1.1.0', healthy: true });
      commandRuns('production', 'checkout', {
        version: '1.1.0',
        healthy: true,
      });
      expect(await sweepDrift(deps(), at(10))).toMatchObject({ drifted: 2 });
      // Still drifted ten minutes later: the findings are refreshed, not doubled.
      commandRuns('production', 'checkout', {
        version: '0.9.0',
        healthy: true,
      });
      expect(await sweepDrift(deps(), at(20))).toMatchObject({ drifted: 2 });
      const [production] = await drift.open(CHECKOUT_REF);
      expect(production).toMatchObject({
        actual: { version: '0.9.0' },
        detectedAt: at(10).toISOString(),
        lastCheckedAt: at(20).toISOString(),
      });

      // Production is redeployed to 1.2.0 by hand; staging's out-of-band 1.1.0 is recorded
      // through the pushed API, which makes it what staging should run.
      commandRuns('production', 'checkout', {
        version: '1.2.0',
        healthy: true,
      });
      await pushed(CHECKOUT_REF, 'staging', '1.1.0', at(25));
      expect(await sweepDrift(deps(), at(30))).toMatchObject({
        checked: 2,
        drifted: 0,
        resolved: 2,
      });
      expect(await drift.open(CHECKOUT_REF)).toEqual([]);
      expect(logger.info).toHaveBeenCalledWith(
        `Drift resolved: ${CHECKOUT_REF} runs 1.2.0 in production again`,
      );

      // A later drift is a new finding.
      commandRuns('production', 'checkout', null);
      await sweepDrift(deps(), at(40));
      const [again] = await drift.open(CHECKOUT_REF);
      expect(again).toMatchObject({
        environment: 'production',
        detectedAt: at(40).toISOString(),
      });
    });

    it('skips an environment while a deploy is active there, leaving its finding as it was', async () => {
      await pushed(CHECKOUT_REF, 'staging', '1.2.0', at(-30));
      fake.running.set('staging/checkout', { version: '1.1.0', healthy: true });
      await sweepDrift(deps(), at(0));
      const calls = fake.calls;

      await queued(CHECKOUT_REF, 'staging', '1.3.0', at(5));
      fake.running.set('staging/checkout', {
        version: '1.3.0',
        healthy: false,
      });
      expect(await sweepDrift(deps(), at(10))).toMatchObject({
        checked: 0,
        drifted: 0,
        resolved: 0,
        skipped: 1,
      });
      expect(fake.calls).toBe(calls);
      const [finding] = await drift.open(CHECKOUT_REF);
      expect(finding).toMatchObject({
        actual: { version: '1.1.0' },
        lastCheckedAt: at(0).toISOString(),
      });
    });

    it('does not raise a drift when a deploy finishes while the provider answers', async () => {
      await pushed(CHECKOUT_REF, 'staging', '1.2.0', at(-30));
      fake.running.set('staging/checkout', async () => {
        await pushed(CHECKOUT_REF, 'staging', '1.3.0', at(1));
        return { version: '1.3.0', healthy: true };
      });
      expect(await sweepDrift(deps(), at(2))).toMatchObject({
        checked: 0,
        drifted: 0,
        skipped: 1,
      });
      expect(await drift.open(CHECKOUT_REF)).toEqual([]);
    });

    it('skips a target without a status command and a provider that is not installed; a failed or slow status is logged, not a drift', async () => {
      await succeeded(CHECKOUT_REF, 'qa', '1.2.0', at(-40));
      await pushed(CHECKOUT_REF, 'legacy', '1.2.0', at(-35));
      await pushed(CHECKOUT_REF, 'staging', '1.2.0', at(-30));
      await succeeded(CHECKOUT_REF, 'production', '1.2.0', at(-20));
      fake.running.set('staging/checkout', 'hang');
      commandRuns('production', 'checkout', {
        fail: 'kubectl: connection refused',
      });
      const started = Date.now();

      const counts = await sweepDrift(deps({ statusTimeoutMs: 3000 }), at(0));

      expect(counts).toEqual({
        entities: 1,
        entitiesSkipped: 0,
        checked: 0,
        drifted: 0,
        resolved: 0,
        skipped: 4,
      });
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(await drift.open(CHECKOUT_REF)).toEqual([]);
      expect(warnings()).toEqual(
        expect.arrayContaining([
          `Drift sweep: ${CHECKOUT_REF} in staging not checked: the fake provider's status failed: no answer within 3 s`,
          expect.stringMatching(
            /^Drift sweep: component:default\/checkout in production not checked: the command provider's status failed: .*kubectl: connection refused/,
          ),
        ]),
      );
      // The target without a status command was never asked (it would answer `version: null`).
      expect(warnings().join('\n')).not.toContain(' in qa ');
    });

    it('skips entities gone from the catalog or without the deploy area, and goes on after one entity fails', async () => {
      const names = ['a', 'b', 'c', 'd', 'e', 'f'];
      for (const name of names) {
        await pushed(`component:default/${name}`, 'staging', '1.0.0', at(-10));
        fake.running.set(`staging/${name}`, {
          version: '0.9.0',
          healthy: true,
        });
      }
      await pushed('component:default/gone', 'staging', '1.0.0', at(-10));
      await pushed(
        'component:default/coverage-only',
        'staging',
        '1.0.0',
        at(-10),
      );
      catalogEntities = [
        ...names.map(n => entity(n)),
        entity('coverage-only', 'coverage'),
      ];
      const failing: DeployEnvironments = {
        ...environments,
        forEntity: async e => {
          if (e.metadata.name === 'c') throw new Error('annotation broken');
          return environments.forEntity(e);
        },
      };

      fake.delayMs = 200;
      const counts = await sweepDrift(
        deps({ environments: failing, concurrency: 2 }),
        at(0),
      );

      expect(counts).toEqual({
        entities: 8,
        entitiesSkipped: 3,
        checked: 5,
        drifted: 5,
        resolved: 0,
        skipped: 0,
      });
      // Never more than two status calls at once (all six would overlap without the bound).
      expect(fake.maxInFlight).toBeLessThanOrEqual(2);
      expect(warnings()).toContain(
        'Drift sweep: could not check component:default/c: annotation broken',
      );
      for (const name of ['a', 'b', 'd', 'e', 'f']) {
        expect(await drift.open(`component:default/${name}`)).toHaveLength(1);
      }
    });

    it('closes the findings of an entity gone from the catalog or without the deploy area', async () => {
      for (const name of ['gone', 'coverage-only']) {
        await pushed(`component:default/${name}`, 'staging', '1.0.0', at(-10));
        fake.running.set(`staging/${name}`, {
          version: '0.9.0',
          healthy: true,
        });
      }
      catalogEntities = [entity('gone'), entity('coverage-only')];
      expect(await sweepDrift(deps(), at(0))).toMatchObject({ drifted: 2 });

      catalogEntities = [entity('coverage-only', 'coverage')];
      expect(await sweepDrift(deps(), at(10))).toMatchObject({
        entitiesSkipped: 2,
        resolved: 2,
        checked: 0,
      });
      expect(await drift.open('component:default/gone')).toEqual([]);
      expect(await drift.open('component:default/coverage-only')).toEqual([]);
      // Back in the catalog, still drifted: a new finding.
      catalogEntities = [entity('gone')];
      expect(await sweepDrift(deps(), at(20))).toMatchObject({ drifted: 1 });
      expect(await drift.open('component:default/gone')).toHaveLength(1);
    });

    it('closes the finding of an environment the entity no longer has', async () => {
      await pushed(CHECKOUT_REF, 'staging', '1.2.0', at(-30));
      fake.running.set('staging/checkout', { version: '1.1.0', healthy: true });
      await sweepDrift(deps(), at(0));
      expect(await drift.open(CHECKOUT_REF)).toHaveLength(1);

      catalogEntities = [
        {
          ...CHECKOUT,
          metadata: {
            ...CHECKOUT.metadata,
            annotations: {
              ...CHECKOUT.metadata.annotations,
              'devops-growth.io/deploy-environments': 'production',
            },
          },
        },
      ];
      expect(await sweepDrift(deps(), at(10))).toMatchObject({ resolved: 1 });
      expect(await drift.open(CHECKOUT_REF)).toEqual([]);
    });

    it('checks a per-entity environment at its own target, ignoring deploys to an earlier one of its name', async () => {
      const base = settings.environments.find(e => e.name === 'production')!;
      const preview = (createdAt: Date) => ({
        ...base,
        name: 'pr-42',
        entityEnvironment: {
          entityRef: CHECKOUT_REF,
          name: 'pr-42',
          basedOn: 'production',
          provider: 'command',
          target: 'checkout-pr-42',
          createdBy: 'user:default/ada',
          createdAt: createdAt.toISOString(),
          expiresAt: null,
          status: 'active' as const,
          teardown: null,
        },
      });
      let created = at(-60);
      const withPreview: DeployEnvironments = {
        ...environments,
        forEntity: async e => [
          ...(await environments.forEntity(e)),
          preview(created),
        ],
      };
      await succeeded(CHECKOUT_REF, 'pr-42', '2.0.0-pr42', at(-30));
      commandRuns('pr-42', 'checkout-pr-42', {
        version: '2.0.0-pr42',
        healthy: true,
      });
      expect(
        await sweepDrift(deps({ environments: withPreview }), at(0)),
      ).toMatchObject({ checked: 1, drifted: 0 });

      // Torn down and created again under the same name: nothing deployed to it yet.
      commandRuns('pr-42', 'checkout-pr-42', null);
      created = at(5);
      expect(
        await sweepDrift(deps({ environments: withPreview }), at(10)),
      ).toMatchObject({ checked: 0, drifted: 0, skipped: 0 });
      expect(await drift.open(CHECKOUT_REF)).toEqual([]);
    });

    it('checks the target the engine deploys to (devops-growth.io/deploy-target)', async () => {
      catalogEntities = [
        {
          ...CHECKOUT,
          metadata: {
            ...CHECKOUT.metadata,
            annotations: {
              ...CHECKOUT.metadata.annotations,
              'devops-growth.io/deploy-target': 'production=checkout-prod',
            },
          },
        },
      ];
      await succeeded(CHECKOUT_REF, 'production', '1.2.0', at(-20));
      commandRuns('production', 'checkout', {
        version: '0.1.0',
        healthy: true,
      });
      commandRuns('production', 'checkout-prod', {
        version: '1.2.0',
        healthy: true,
      });
      expect(await sweepDrift(deps(), at(0))).toMatchObject({
        checked: 1,
        drifted: 0,
      });
    });
  },
);

describe('createDriftSweepTask', () => {
  const taskDeps = (drift: object) => {
    const config = new ConfigReader({ devops: { deploys: { drift } } });
    return {
      settings: readDeploySettings(config),
      config,
      store: {} as DatabaseDeployStore,
      environments: {} as DeployEnvironments,
      drift: {} as DatabaseDriftStore,
      providers: new DeployProviderRegistry(),
      catalog: catalogServiceMock(),
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
    };
  };

  it('schedules one global sweep at devops.deploys.drift.frequency', async () => {
    const scheduler = mockServices.scheduler.mock();
    await createDriftSweepTask(
      taskDeps({ frequency: { minutes: 5 } }),
    ).schedule(scheduler);
    expect(scheduler.scheduleTask).toHaveBeenCalledWith(
      expect.objectContaining({
        id: DRIFT_SWEEP_TASK_ID,
        frequency: { milliseconds: 300_000 },
        scope: 'global',
      }),
    );
    expect(DRIFT_SWEEP_TASK_ID).toBe('devops-deploy-drift-sweep');
  });

  it('is not scheduled when devops.deploys.drift.enabled is false', async () => {
    const scheduler = mockServices.scheduler.mock();
    await createDriftSweepTask(taskDeps({ enabled: false })).schedule(
      scheduler,
    );
    expect(scheduler.scheduleTask).not.toHaveBeenCalled();
  });
});
