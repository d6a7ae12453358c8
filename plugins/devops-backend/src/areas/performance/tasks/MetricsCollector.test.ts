import { rawValues } from '../../../__testUtils__/performance';
import { mockServices, TestDatabaseId } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  MetricsCollectionContext,
  MetricsCollectionResult,
  MetricsProvider,
} from '@devops-growth/backstage-plugin-devops-node';
import { createTestDatabases } from '../../../__testUtils__/databases';
import { migrateToLatest } from '../../../database/migrations';
import { DatabasePerformanceSampleStore } from '../DatabasePerformanceSampleStore';
import { PerformanceCollectionSettings } from '../settings';
import { DatabaseCollectionTickStore } from './CollectionTickStore';
import { MetricsCollector } from './MetricsCollector';
import { shardOf } from './shards';
import { MetricsProviderRegistry } from '../MetricsProviderRegistry';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const T0 = Date.parse('2026-11-26T10:00:00Z');
const MIN = 60_000;

function entity(
  name: string,
  annotations: Record<string, string> = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
  };
}
const ref = (name: string) => `component:default/${name}`;

/** Answers for every entity it is given: P95 is the length of the entity's name times 10. */
class FixedProvider implements MetricsProvider {
  readonly id = 'fixed';
  readonly batches: string[][] = [];
  handles(e: Entity) {
    return Boolean(e.metadata.annotations?.['devops-growth.io/metrics-url']);
  }
  async collect(
    entities: Entity[],
    context: MetricsCollectionContext,
  ): Promise<MetricsCollectionResult> {
    this.batches.push(entities.map(e => stringifyEntityRef(e)));
    return {
      samples: entities.map(e => ({
        entityRef: stringifyEntityRef(e),
        environment: 'production',
        timestamp: context.now,
        values: { p95Ms: e.metadata.name.length * 10, throughput: 5 },
      })),
      failures: [],
    };
  }
}

/** A source that is down until `recover()`: every call throws. */
class BrokenProvider implements MetricsProvider {
  readonly id = 'broken';
  calls = 0;
  down = true;
  handles() {
    return false;
  }
  async collect(
    entities: Entity[],
    context: MetricsCollectionContext,
  ): Promise<MetricsCollectionResult> {
    this.calls += 1;
    if (this.down) {
      throw new Error('Prometheus at http://prom:9090 answered 503');
    }
    return {
      samples: entities.map(e => ({
        entityRef: stringifyEntityRef(e),
        environment: 'production',
        timestamp: context.now,
        values: { p95Ms: 42 },
      })),
      failures: [],
    };
  }
}

/** Collects every entity except `failing`, which it reports as a failure. */
class PartialProvider implements MetricsProvider {
  readonly id = 'partial';
  failing: string | undefined = ref('c1');
  handles() {
    return false;
  }
  async collect(
    entities: Entity[],
    context: MetricsCollectionContext,
  ): Promise<MetricsCollectionResult> {
    const result: MetricsCollectionResult = { samples: [], failures: [] };
    for (const e of entities) {
      const entityRef = stringifyEntityRef(e);
      if (entityRef === this.failing) {
        result.failures.push({
          entityRef,
          message: `GET http://${e.metadata.name}/metrics: timed out after 5s`,
        });
      } else {
        result.samples.push({
          entityRef,
          environment: 'staging',
          timestamp: context.now,
          values: { errorRate: 0.01 },
        });
      }
    }
    return result;
  }
}

const source = (id: string) => ({
  'devops-growth.io/monitoring': 'performance',
  'devops-growth.io/metrics-source': id,
});

const baseEntities: Entity[] = [
  entity('a1', source('fixed')),
  entity('a2', source('fixed')),
  entity('a3', source('fixed')),
  // Picked by `handles`, without naming a source.
  entity('a4', {
    'devops-growth.io/monitoring': 'enabled',
    'devops-growth.io/metrics-url': 'http://a4/metrics',
  }),
  entity('b1', source('broken')),
  entity('c1', source('partial')),
  entity('c2', source('partial')),
  // Monitored, but not for performance: never collected.
  entity('d1', {
    'devops-growth.io/monitoring': 'coverage,deploy',
    'devops-growth.io/metrics-url': 'http://d1/metrics',
  }),
  // Not monitored at all.
  entity('e1', { 'devops-growth.io/metrics-url': 'http://e1/metrics' }),
  // Performance enabled, but no provider handles it.
  entity('f1', { 'devops-growth.io/monitoring': 'performance' }),
];

const settings = (
  over: Partial<PerformanceCollectionSettings> = {},
): PerformanceCollectionSettings => ({
  frequency: { minutes: 1 },
  timeout: { seconds: 50 },
  shards: 1,
  pageSize: 500,
  ...over,
});

describe.each(databases.eachSupportedId())(
  'MetricsCollector on %p',
  (databaseId: TestDatabaseId) => {
    let store: DatabasePerformanceSampleStore;
    let fixed: FixedProvider;
    let broken: BrokenProvider;
    let partial: PartialProvider;
    let registry: MetricsProviderRegistry;
    let logger: ReturnType<typeof mockServices.logger.mock>;

    beforeEach(async () => {
      const knex = await databases.init(databaseId);
      await migrateToLatest(knex);
      store = new DatabasePerformanceSampleStore(knex);
      fixed = new FixedProvider();
      broken = new BrokenProvider();
      partial = new PartialProvider();
      registry = new MetricsProviderRegistry();
      registry.add(fixed, broken, partial);
      logger = mockServices.logger.mock();
    });

    function collector(
      entities: Entity[] = baseEntities,
      over: Partial<PerformanceCollectionSettings> = {},
      catalog = catalogServiceMock({ entities }),
    ) {
      return new MetricsCollector({
        store,
        registry,
        catalog,
        auth: mockServices.auth(),
        logger,
        settings: settings(over),
      });
    }

    it('stores the samples of performance-enabled entities, one provider call per tick', async () => {
      const result = await collector().collectShard(0, { now: new Date(T0) });
      expect(result).toMatchObject({
        shard: 0,
        entities: 7,
        unhandled: 1,
        catalogPages: 1,
        samplesWritten: 5,
        failures: 2,
      });
      expect(fixed.batches).toEqual([
        [ref('a1'), ref('a2'), ref('a3'), ref('a4')],
      ]);
      expect(broken.calls).toBe(1);

      expect(
        await store.getLatestSample(ref('a3'), 'production'),
      ).toMatchObject({
        at: new Date(T0).toISOString(),
        p95Ms: 20,
        throughput: 5,
      });
      expect(
        await store.getLatestSample(ref('a4'), 'production'),
      ).toMatchObject({ p95Ms: 20 });
      expect(await store.getLatestSample(ref('c2'), 'staging')).toMatchObject({
        errorRate: 0.01,
      });
      for (const name of ['d1', 'e1', 'f1', 'b1', 'c1']) {
        expect(await store.listEnvironments(ref(name))).toEqual([]);
      }
      expect(await store.getStaleness(ref('b1'))).toMatchObject({
        error: 'Prometheus at http://prom:9090 answered 503',
        source: 'broken',
      });
      expect(await store.getStaleness(ref('c1'))).toMatchObject({
        error: 'GET http://c1/metrics: timed out after 5s',
        source: 'partial',
      });
      expect(await store.getStaleness(ref('a1'))).toBeNull();
      expect(await store.getStaleness(ref('c2'))).toBeNull();
    });

    it('logs a failing entity once per outage and once on recovery, while the others carry on', async () => {
      const c = collector();
      for (let tick = 0; tick < 3; tick++) {
        await c.collectShard(0, { now: new Date(T0 + tick * MIN) });
      }
      expect(logger.warn).toHaveBeenCalledTimes(2);
      const warnings = logger.warn.mock.calls.map(call => String(call[0]));
      expect(warnings).toEqual(
        expect.arrayContaining([
          expect.stringMatching(
            /component:default\/b1.*'broken'.*Prometheus at http:\/\/prom:9090 answered 503/,
          ),
          expect.stringMatching(
            /component:default\/c1.*'partial'.*GET http:\/\/c1\/metrics: timed out after 5s/,
          ),
        ]),
      );
      expect(logger.info).not.toHaveBeenCalled();
      // The stale data is dated from the first failure; the healthy entities got all three ticks.
      expect((await store.getStaleness(ref('b1')))?.since).toBe(
        new Date(T0).toISOString(),
      );
      const a1Values = await rawValues(store, {
        entityRef: ref('a1'),
        environment: 'production',
        metric: 'p95Ms',
        from: new Date(T0),
        to: new Date(T0 + 10 * MIN),
      });
      expect(a1Values).toEqual([20, 20, 20]);

      broken.down = false;
      partial.failing = undefined;
      await c.collectShard(0, { now: new Date(T0 + 3 * MIN) });
      await c.collectShard(0, { now: new Date(T0 + 4 * MIN) });
      expect(logger.warn).toHaveBeenCalledTimes(2);
      expect(logger.info).toHaveBeenCalledTimes(2);
      expect(
        logger.info.mock.calls.map(call => String(call[0])).sort(),
      ).toEqual([
        `Performance metrics of ${ref('b1')} are collected again`,
        `Performance metrics of ${ref('c1')} are collected again`,
      ]);
      expect(await store.getStaleness(ref('b1'))).toBeNull();
      expect(
        await store.getLatestSample(ref('b1'), 'production'),
      ).toMatchObject({ p95Ms: 42 });
    });

    it('splits the entities over two shards disjointly and completely', async () => {
      const many = Array.from({ length: 40 }, (_, i) =>
        entity(`svc-${i}`, source('fixed')),
      );
      const c = collector(many, { shards: 2 });
      expect(c.taskIds()).toEqual([
        'devops-performance-collect-0-of-2',
        'devops-performance-collect-1-of-2',
      ]);
      const r0 = await c.collectShard(0, { now: new Date(T0) });
      const r1 = await c.collectShard(1, { now: new Date(T0) });
      const [shard0, shard1] = fixed.batches;
      expect(fixed.batches).toHaveLength(2);
      expect(shard0.length).toBeGreaterThan(0);
      expect(shard1.length).toBeGreaterThan(0);
      expect(shard0.filter(r => shard1.includes(r))).toEqual([]);
      expect([...shard0, ...shard1].sort()).toEqual(
        many.map(e => stringifyEntityRef(e)).sort(),
      );
      expect(r0.entities + r1.entities).toBe(40);
      expect(r0.samplesWritten + r1.samplesWritten).toBe(40);
      // The same split on every replica: it depends on the ref only.
      for (const r of shard1) expect(shardOf(r, 2)).toBe(1);
      await expect(c.collectShard(2)).rejects.toThrow(
        'No shard 2: there are 2 shards',
      );
    });

    it('reads the catalog in pages smaller than the number of entities', async () => {
      const many = [
        ...Array.from({ length: 10 }, (_, i) =>
          entity(`svc-${i}`, source('fixed')),
        ),
        entity('quiet', { 'devops-growth.io/monitoring': 'coverage' }),
        // Left out by the catalog query itself (4 more would make a fifth page).
        ...Array.from({ length: 4 }, (_, i) => entity(`unmonitored-${i}`)),
      ];
      const catalog = catalogServiceMock({ entities: many });
      const query = jest.spyOn(catalog, 'queryEntities');
      const result = await collector(
        many,
        { pageSize: 3 },
        catalog,
      ).collectShard(0, { now: new Date(T0) });
      // 11 entities carry the monitoring annotation: 4 pages of at most 3.
      expect(result.catalogPages).toBe(4);
      expect(query).toHaveBeenCalledTimes(4);
      for (const [request] of query.mock.calls) {
        expect(request).toMatchObject({
          limit: 3,
          fields: [
            'kind',
            'metadata.name',
            'metadata.namespace',
            'metadata.annotations',
          ],
        });
      }
      expect(fixed.batches).toHaveLength(1);
      expect(fixed.batches[0]).toHaveLength(10);
      expect(result.samplesWritten).toBe(10);
    });

    it('fails an entity whose sample is malformed, storing the rest of the batch', async () => {
      const sloppy: MetricsProvider = {
        id: 'sloppy',
        handles: () => false,
        collect: async (entities, { now }) => ({
          samples: entities.map(e => ({
            entityRef: stringifyEntityRef(e),
            environment: 'production',
            timestamp: e.metadata.name === 'bad' ? new Date('garbage') : now,
            values: { p95Ms: 7 },
          })),
          failures: [],
        }),
      };
      registry.add(sloppy);
      const result = await collector([
        entity('bad', source('sloppy')),
        entity('good', source('sloppy')),
      ]).collectShard(0, { now: new Date(T0) });
      expect(result).toMatchObject({ samplesWritten: 1, failures: 1 });
      expect(
        await store.getLatestSample(ref('good'), 'production'),
      ).toMatchObject({ p95Ms: 7 });
      expect((await store.getStaleness(ref('bad')))?.error).toBe(
        "provider 'sloppy' returned a sample without a valid timestamp and environment",
      );
    });

    it('fails the entities of a provider that outlives the time budget, and only those', async () => {
      const hanging: MetricsProvider = {
        id: 'hanging',
        handles: () => false,
        collect: (_entities, context) =>
          new Promise((_resolve, reject) => {
            // Honours the signal, like a provider using fetch(…, { signal }) would.
            context.signal.addEventListener('abort', () =>
              reject(new Error('aborted')),
            );
          }),
      };
      registry.add(hanging);
      const entities = [
        entity('slow', source('hanging')),
        entity('a1', source('fixed')),
      ];
      const result = await collector(entities, {
        timeout: { milliseconds: 200 },
      }).collectShard(0, { now: new Date(T0) });
      expect(result).toMatchObject({
        entities: 2,
        samplesWritten: 1,
        failures: 1,
      });
      expect((await store.getStaleness(ref('slow')))?.error).toMatch(
        /timed out|aborted/,
      );
      expect(await store.getStaleness(ref('a1'))).toBeNull();
    });

    describe('scheduled runs', () => {
      const SECOND = 1000;
      let knex: Knex;
      let clock: number;
      beforeEach(async () => {
        knex = await databases.init(databaseId);
        await migrateToLatest(knex);
        clock = T0;
      });

      /** A replica: its own collector, sharing the database, on the test's clock. */
      const replica = () =>
        new MetricsCollector({
          store,
          registry,
          catalog: catalogServiceMock({ entities: baseEntities }),
          auth: mockServices.auth(),
          logger,
          settings: settings({
            frequency: { seconds: 10 },
            timeout: { seconds: 10 },
          }),
          ticks: new DatabaseCollectionTickStore(knex),
          clock: () => clock,
        });

      it('skips the catch-up run right after a late run, whichever replica runs it', async () => {
        const a = replica();
        const b = replica();
        const ran = async (on: MetricsCollector, at: number) => {
          clock = T0 + at * SECOND;
          return !(await on.runScheduledTick(0)).skipped;
        };
        expect(await ran(a, 0)).toBe(true);
        expect(await ran(a, 10)).toBe(true);
        // Replica a starts the run of 20 s and dies: its start is all it wrote.
        await new DatabaseCollectionTickStore(knex).setTick(
          'devops-performance-collect-0-of-1',
          { startedAtMs: T0 + 20 * SECOND, finishedAtMs: null, late: false },
        );
        // Its claim expires at 30 s, the janitor frees it at 75 s: b runs late, then the
        // scheduler's catch-up run follows within a poll. It is skipped, on b or on a third replica.
        expect(await ran(b, 75)).toBe(true);
        expect(await ran(replica(), 78)).toBe(false);
        // The next runs on schedule collect.
        expect(await ran(b, 85)).toBe(true);
        expect(await ran(b, 95)).toBe(true);
        expect(fixed.batches).toHaveLength(5);
        expect(
          (
            await store.readRawSeries({
              entityRef: ref('a1'),
              environment: 'production',
              from: new Date(T0),
              to: new Date(T0 + 100 * SECOND),
              bucketMs: SECOND,
            })
          ).map(p => (Date.parse(p.at) - T0) / SECOND),
        ).toEqual([0, 10, 75, 85, 95]);
      });

      it('never skips runs on schedule, even when a run takes more than half the interval', async () => {
        const slow = replica();
        const original = fixed.collect.bind(fixed);
        // Each run takes 8 s of the 10 s interval (the test's clock advances inside it).
        fixed.collect = async (entities, context) => {
          clock += 8 * SECOND;
          return original(entities, context);
        };
        for (const at of [0, 10, 20, 30]) {
          clock = T0 + at * SECOND;
          expect((await slow.runScheduledTick(0)).skipped).toBe(false);
        }
        expect(fixed.batches).toHaveLength(4);
      });
    });
  },
);

describe('MetricsCollector scheduling', () => {
  it('schedules one global task per shard with the configured frequency and timeout', async () => {
    const scheduler = mockServices.scheduler.mock();
    const c = new MetricsCollector({
      store: {} as DatabasePerformanceSampleStore,
      registry: new MetricsProviderRegistry(),
      catalog: catalogServiceMock(),
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
      settings: settings({
        shards: 3,
        frequency: { seconds: 30 },
        timeout: { seconds: 20 },
      }),
    });
    await c.schedule(scheduler);
    expect(scheduler.scheduleTask.mock.calls.map(([task]) => task)).toEqual(
      [0, 1, 2].map(i =>
        expect.objectContaining({
          id: `devops-performance-collect-${i}-of-3`,
          scope: 'global',
          frequency: { seconds: 30 },
          timeout: { seconds: 20 },
        }),
      ),
    );
  });

  it('assigns shards by a stable hash of the entity ref', () => {
    expect(shardOf('component:default/checkout', 1)).toBe(0);
    expect(shardOf('component:default/checkout', 7)).toBe(
      shardOf('Component:default/checkout', 7),
    );
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++)
      counts[shardOf(`component:default/s${i}`, 4)]++;
    for (const n of counts) expect(n).toBeGreaterThan(800);
  });
});
