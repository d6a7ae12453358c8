import { rawValues } from '../../__testUtils__/performance';
import { TestDatabaseId } from '@backstage/backend-test-utils';
import { PerformanceValues } from '@devops-growth/backstage-plugin-devops-common';
import { MetricsSample } from '@devops-growth/backstage-plugin-devops-node';
import { Knex } from 'knex';
import { createTestDatabases } from '../../__testUtils__/databases';
import { migrateToLatest } from '../../database/migrations';
import { DatabasePerformanceRollupStore } from './DatabasePerformanceRollupStore';
import { DatabasePerformanceSampleStore } from './DatabasePerformanceSampleStore';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const ENTITY = 'component:default/checkout';
const OTHER = 'component:default/payments';
const T0 = Date.parse('2026-11-26T10:00:00Z');
const MIN = 60_000;
const HOUR = 3_600_000;

const NO_VALUES: PerformanceValues = {
  p50Ms: null,
  p95Ms: null,
  p99Ms: null,
  throughput: null,
  errorRate: null,
  cpuCores: null,
  memoryBytes: null,
  authFailureRps: null,
  rateLimitedRps: null,
};

function sample(
  atMs: number,
  values: Partial<PerformanceValues>,
  over: Partial<Pick<MetricsSample, 'entityRef' | 'environment'>> = {},
): MetricsSample {
  return {
    entityRef: ENTITY,
    environment: 'production',
    timestamp: new Date(atMs),
    values,
    ...over,
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

describe.each(databases.eachSupportedId())(
  'DatabasePerformanceSampleStore on %p',
  (databaseId: TestDatabaseId) => {
    let store: DatabasePerformanceSampleStore;
    let rollups: DatabasePerformanceRollupStore;
    let knex: Knex;

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      await migrateToLatest(knex);
      store = new DatabasePerformanceSampleStore(knex);
      rollups = new DatabasePerformanceRollupStore(knex);
    });

    it('stores samples, replacing one at the same entity, environment and time', async () => {
      expect(
        await store.insertSamples([
          sample(T0, { p95Ms: 120, throughput: 50 }),
          sample(T0 + MIN, { p95Ms: 130, memoryBytes: 2 ** 31 }),
        ]),
      ).toBe(2);
      // Same key again, in a later call and twice within one call: the last value wins.
      expect(
        await store.insertSamples([
          sample(T0 + MIN, { p95Ms: 999 }),
          sample(T0 + MIN, { p95Ms: 140, errorRate: 0.02 }),
        ]),
      ).toBe(1);

      expect(await store.getLatestSample(ENTITY, 'production')).toEqual({
        ...NO_VALUES,
        at: iso(T0 + MIN),
        p95Ms: 140,
        errorRate: 0.02,
      });
      expect(
        await rawValues(store, {
          entityRef: ENTITY,
          environment: 'production',
          metric: 'p95Ms',
          from: new Date(T0),
          to: new Date(T0 + HOUR),
        }),
      ).toEqual([120, 140]);
      expect(await store.getLatestSample(ENTITY, 'staging')).toBeUndefined();
    });

    it('inserts more samples than fit in one statement', async () => {
      const many = Array.from({ length: 2600 }, (_, i) =>
        sample(T0 + i * 1000, { p50Ms: i, throughput: 1 }),
      );
      expect(await store.insertSamples(many)).toBe(2600);
      const values = await rawValues(store, {
        entityRef: ENTITY,
        environment: 'production',
        metric: 'p50Ms',
        from: new Date(T0),
        to: new Date(T0 + 3 * HOUR),
      });
      expect(values).toHaveLength(2600);
      expect(values[2599]).toBe(2599);
    });

    it('lists environments with raw samples or roll-ups, sorted', async () => {
      await store.insertSamples([
        sample(T0, { p95Ms: 1 }, { environment: 'staging' }),
        sample(T0, { p95Ms: 1 }, { environment: 'production' }),
        sample(T0, { p95Ms: 1 }, { environment: 'qa', entityRef: OTHER }),
      ]);
      expect(await store.listEnvironments(ENTITY)).toEqual([
        'production',
        'staging',
      ]);
      await rollups.rollupHours(new Date(T0), new Date(T0 + HOUR));
      // Raw samples gone, the roll-ups keep the environments listed.
      await rollups.pruneSamples(new Date(T0 + HOUR), 100);
      expect(await store.listEnvironments(ENTITY)).toEqual([
        'production',
        'staging',
      ]);
      // A late sample does not make an environment look older than it is; once the roll-ups of
      // an environment are pruned too, it is no longer listed.
      await store.insertSamples([
        sample(T0 + 3 * HOUR, { p95Ms: 1 }, { environment: 'production' }),
      ]);
      await store.insertSamples([
        sample(T0 + 2 * HOUR, { p95Ms: 1 }, { environment: 'production' }),
      ]);
      while ((await rollups.pruneRollups(new Date(T0 + 2 * HOUR), 100)) > 0);
      expect(await store.listEnvironments(ENTITY)).toEqual(['production']);
    });

    it('keeps 10-minute roll-ups current with every insert, the bucket in progress included', async () => {
      await store.insertSamples([
        sample(T0, { p95Ms: 100, throughput: 10 }),
        sample(T0 + 4 * MIN, { p95Ms: 200 }),
        sample(T0 + 12 * MIN, { p95Ms: 700 }),
        sample(T0, { p95Ms: 5 }, { entityRef: OTHER }),
      ]);
      const read = () =>
        store.readTenMinuteSeries({
          entityRef: ENTITY,
          environment: 'production',
          from: new Date(T0),
          to: new Date(T0 + HOUR),
        });
      expect(await read()).toEqual([
        { ...NO_VALUES, at: iso(T0), p95Ms: 150, throughput: 10 },
        { ...NO_VALUES, at: iso(T0 + 10 * MIN), p95Ms: 700 },
      ]);
      // A later tick in the same bucket, and a sample replaced: the bucket is recomputed.
      await store.insertSamples([
        sample(T0 + 14 * MIN, { p95Ms: 900 }),
        sample(T0 + 12 * MIN, { p95Ms: 500 }),
      ]);
      expect((await read()).map(p => p.p95Ms)).toEqual([150, 700]);
      // Same as bucketing the raw samples in the query.
      expect(
        (
          await store.readRawSeries({
            entityRef: ENTITY,
            environment: 'production',
            from: new Date(T0),
            to: new Date(T0 + HOUR),
            bucketMs: 10 * MIN,
          })
        ).map(p => p.p95Ms),
      ).toEqual([150, 700]);
    });

    it('reads raw samples unbucketed, oldest first, within [from, to)', async () => {
      await store.insertSamples([
        sample(T0 + 2 * MIN, { p95Ms: 30, errorRate: 0.5 }),
        sample(T0, { p95Ms: 10 }),
        sample(T0 + 1 * MIN, { p95Ms: 20 }),
        sample(T0 + 3 * MIN, { p95Ms: 40 }),
      ]);
      const points = await store.readRawPoints({
        entityRef: ENTITY,
        environment: 'production',
        from: new Date(T0),
        to: new Date(T0 + 3 * MIN),
      });
      expect(points.map(p => [p.at, p.p95Ms, p.errorRate])).toEqual([
        [new Date(T0).toISOString(), 10, null],
        [new Date(T0 + MIN).toISOString(), 20, null],
        [new Date(T0 + 2 * MIN).toISOString(), 30, 0.5],
      ]);
    });

    it('averages raw samples into buckets in the database, ignoring missing values', async () => {
      await store.insertSamples([
        sample(T0, { p95Ms: 100, throughput: 10 }),
        sample(T0 + 1 * MIN, { p95Ms: 200, throughput: null }),
        sample(T0 + 4 * MIN, { p95Ms: 300, throughput: 30 }),
        sample(T0 + 5 * MIN, { p95Ms: 500 }),
        sample(T0 + 9 * MIN, { p95Ms: 700 }),
        // Outside the window, or another environment: not counted.
        sample(T0 + 10 * MIN, { p95Ms: 10_000 }),
        sample(T0, { p95Ms: 10_000 }, { environment: 'staging' }),
      ]);
      const series = await store.readRawSeries({
        entityRef: ENTITY,
        environment: 'production',
        from: new Date(T0),
        to: new Date(T0 + 10 * MIN),
        bucketMs: 5 * MIN,
      });
      expect(series).toEqual([
        { ...NO_VALUES, at: iso(T0), p95Ms: 200, throughput: 20 },
        { ...NO_VALUES, at: iso(T0 + 5 * MIN), p95Ms: 600 },
      ]);
    });

    it('rolls up complete hours into means and tail maxima, idempotently', async () => {
      await store.insertSamples([
        sample(T0 + 5 * MIN, { p95Ms: 100, p99Ms: 300, throughput: 10 }),
        sample(T0 + 35 * MIN, { p95Ms: 200, p99Ms: 500, throughput: 30 }),
        sample(T0 + 50 * MIN, { p95Ms: 300, p99Ms: 400 }),
        sample(T0 + HOUR + MIN, { p95Ms: 1000 }),
        // The hour in progress (T0 + 2h) is not rolled up.
        sample(T0 + 2 * HOUR + MIN, { p95Ms: 5000 }),
        sample(T0 + 10 * MIN, { p95Ms: 50 }, { entityRef: OTHER }),
      ]);
      const now = new Date(T0 + 2 * HOUR + 30 * MIN);
      expect(await rollups.rollupHours(new Date(T0 + 20 * MIN), now)).toBe(3);
      expect(await rollups.rollupHours(new Date(T0), now)).toBe(3);

      const hourly = await store.readHourlySeries({
        entityRef: ENTITY,
        environment: 'production',
        from: new Date(T0 - HOUR),
        to: new Date(T0 + 24 * HOUR),
      });
      expect(hourly).toEqual([
        {
          ...NO_VALUES,
          at: iso(T0),
          p95Ms: 200,
          p99Ms: 400,
          throughput: 20,
        },
        { ...NO_VALUES, at: iso(T0 + HOUR), p95Ms: 1000 },
      ]);
      // The 6-hour roll-up (06:00-12:00) of those hours: the means weighted by the hours' sample
      // counts, which is the mean of the samples ((100 + 200 + 300 + 1000) / 4).
      expect(
        await store.readSixHourSeries({
          entityRef: ENTITY,
          environment: 'production',
          from: new Date(T0 - 6 * HOUR),
          to: new Date(T0 + 24 * HOUR),
        }),
      ).toEqual([
        {
          ...NO_VALUES,
          at: iso(T0 - 4 * HOUR),
          p95Ms: 400,
          p99Ms: 400,
          throughput: 20,
        },
      ]);
      // A late sample in an already rolled-up hour is included when the hour is rolled up again.
      await store.insertSamples([sample(T0 + 55 * MIN, { p95Ms: 600 })]);
      await rollups.rollupHours(new Date(T0), now);
      const [first] = await store.readHourlySeries({
        entityRef: ENTITY,
        environment: 'production',
        from: new Date(T0),
        to: new Date(T0 + HOUR),
      });
      expect(first.p95Ms).toBe(300);
    });

    it('keeps the sample count and the maxima of P95 and P99 in the roll-ups', async () => {
      await store.insertSamples([
        sample(T0, { p95Ms: 100, p99Ms: 150 }),
        sample(T0 + MIN, { p95Ms: 180, p99Ms: 900 }),
      ]);
      await rollups.rollupHours(new Date(T0), new Date(T0 + HOUR));
      const rows = await knex('devops_perf_hourly').select(
        'sample_count',
        'max_p95_ms',
        'max_p99_ms',
      );
      expect(
        rows.map(r => [Number(r.sample_count), r.max_p95_ms, r.max_p99_ms]),
      ).toEqual([[2, 180, 900]]);
    });

    it('prunes raw samples and roll-ups in bounded batches, oldest first', async () => {
      await store.insertSamples(
        Array.from({ length: 25 }, (_, i) =>
          sample(T0 + i * MIN, { p95Ms: i }),
        ),
      );
      const before = new Date(T0 + 20 * MIN);
      expect(await rollups.pruneSamples(before, 8)).toBe(8);
      expect(await rollups.pruneSamples(before, 8)).toBe(8);
      expect(await rollups.pruneSamples(before, 8)).toBe(4);
      expect(await rollups.pruneSamples(before, 8)).toBe(0);
      expect(
        await rawValues(store, {
          entityRef: ENTITY,
          environment: 'production',
          metric: 'p95Ms',
          from: new Date(0),
          to: new Date(T0 + HOUR),
        }),
      ).toEqual([20, 21, 22, 23, 24]);

      await store.insertSamples(
        Array.from({ length: 5 }, (_, i) =>
          sample(T0 + i * HOUR, { p95Ms: i }),
        ),
      );
      await rollups.rollupHours(new Date(T0), new Date(T0 + 5 * HOUR));
      expect(await rollups.pruneRollups(new Date(T0 + 3 * HOUR), 2)).toBe(2);
      expect(await rollups.pruneRollups(new Date(T0 + 3 * HOUR), 2)).toBe(1);
      const left = await store.readHourlySeries({
        entityRef: ENTITY,
        environment: 'production',
        from: new Date(0),
        to: new Date(T0 + 24 * HOUR),
      });
      expect(left.map(p => p.at)).toEqual([
        iso(T0 + 3 * HOUR),
        iso(T0 + 4 * HOUR),
      ]);
    });

    it('tracks staleness from the first failure of an outage until recovery', async () => {
      expect(await store.getStaleness(ENTITY)).toBeNull();
      expect(
        await store.recordCollection({
          at: new Date(T0),
          succeeded: [ENTITY, OTHER],
          failed: [],
        }),
      ).toEqual({ newlyStale: [], recovered: [] });
      expect(await store.getStaleness(ENTITY)).toBeNull();

      const failure = (message: string) => ({
        entityRef: ENTITY,
        provider: 'scrape',
        message,
      });
      expect(
        await store.recordCollection({
          at: new Date(T0 + MIN),
          succeeded: [OTHER],
          failed: [failure('GET http://checkout/metrics: connection refused')],
        }),
      ).toEqual({ newlyStale: [ENTITY], recovered: [] });
      expect(
        await store.recordCollection({
          at: new Date(T0 + 2 * MIN),
          succeeded: [OTHER],
          failed: [failure('GET http://checkout/metrics: timed out after 5s')],
        }),
      ).toEqual({ newlyStale: [], recovered: [] });
      expect(await store.getStaleness(ENTITY)).toEqual({
        since: iso(T0 + MIN),
        error: 'GET http://checkout/metrics: timed out after 5s',
        source: 'scrape',
        lastSuccessAt: iso(T0),
      });
      expect(await store.getStaleness(OTHER)).toBeNull();

      expect(
        await store.recordCollection({
          at: new Date(T0 + 3 * MIN),
          succeeded: [ENTITY, OTHER],
          failed: [],
        }),
      ).toEqual({ newlyStale: [], recovered: [ENTITY] });
      expect(await store.getStaleness(ENTITY)).toBeNull();

      // A new outage starts at its own first failure; an entity that never succeeded has no last success.
      await store.recordCollection({
        at: new Date(T0 + 10 * MIN),
        succeeded: [],
        failed: [
          failure('HTTP 500'),
          {
            entityRef: 'component:default/new',
            provider: 'prometheus',
            message: 'no series',
          },
        ],
      });
      expect(await store.getStaleness(ENTITY)).toMatchObject({
        since: iso(T0 + 10 * MIN),
        lastSuccessAt: iso(T0 + 3 * MIN),
      });
      expect(await store.getStaleness('component:default/new')).toEqual({
        since: iso(T0 + 10 * MIN),
        error: 'no series',
        source: 'prometheus',
        lastSuccessAt: null,
      });
    });

    it('counts an entity both collected and failed in the same tick as failed', async () => {
      const change = await store.recordCollection({
        at: new Date(T0),
        succeeded: [ENTITY],
        failed: [
          { entityRef: ENTITY, provider: 'scrape', message: 'staging down' },
        ],
      });
      expect(change).toEqual({ newlyStale: [ENTITY], recovered: [] });
      expect((await store.getStaleness(ENTITY))?.error).toBe('staging down');
    });

    it('keeps the roll-up watermark and finds the oldest sample', async () => {
      expect(await rollups.getRollupWatermark()).toBeUndefined();
      expect(await rollups.getOldestSampleTime()).toBeUndefined();
      await rollups.setRollupWatermark(new Date(T0));
      await rollups.setRollupWatermark(new Date(T0 + HOUR));
      expect(await rollups.getRollupWatermark()).toEqual(new Date(T0 + HOUR));
      await store.insertSamples([
        sample(T0 + 5 * MIN, {}),
        sample(T0 + MIN, {}),
      ]);
      expect(await rollups.getOldestSampleTime()).toEqual(new Date(T0 + MIN));
    });
  },
);
