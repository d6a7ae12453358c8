import { TestDatabaseId, mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { MetricsSample } from '@devops-growth/backstage-plugin-devops-node';
import { Knex } from 'knex';
import { createTestDatabases } from '../../__testUtils__/databases';
import { migrateToLatest } from '../../database/migrations';
import { AllowedHosts } from '../../egress/AllowedHosts';
import { DatabaseLoadTestStore } from './DatabaseLoadTestStore';
import { DatabasePerformanceRollupStore } from './DatabasePerformanceRollupStore';
import { DatabasePerformanceSampleStore } from './DatabasePerformanceSampleStore';
import { DatabasePerformanceTargetStore } from './DatabasePerformanceTargetStore';
import { DatabaseRequestMetricsStore } from './DatabaseRequestMetricsStore';
import { LoadTestRunner } from './LoadTestRunner';
import { MetricsProviderRegistry } from './MetricsProviderRegistry';
import { PerformanceService } from './PerformanceService';
import { readPerformanceAnalysisSettings } from './settings';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const CHECKOUT = 'component:default/checkout';
const PAYMENTS = 'component:default/payments';
const SEARCH = 'component:default/search';
const T0 = Date.parse('2026-12-01T10:00:00Z');
const MIN = 60_000;
const HOUR = 3_600_000;
const STALE_AFTER_MS = 3 * MIN;

function sample(
  entityRef: string,
  atMs: number,
  values: MetricsSample['values'],
  environment = 'production',
): MetricsSample {
  return { entityRef, environment, timestamp: new Date(atMs), values };
}

function service(knex: Knex) {
  const settings = readPerformanceAnalysisSettings(new ConfigReader({}));
  const loadTests = new DatabaseLoadTestStore(knex);
  return new PerformanceService({
    samples: new DatabasePerformanceSampleStore(knex),
    requests: new DatabaseRequestMetricsStore(knex),
    staleAfterMs: STALE_AFTER_MS,
    targets: new DatabasePerformanceTargetStore(knex),
    loadTests,
    runner: new LoadTestRunner(
      loadTests,
      settings.loadTests,
      mockServices.logger.mock(),
      AllowedHosts.fromConfig(new ConfigReader({})),
    ),
    registry: new MetricsProviderRegistry(),
    settings,
  });
}

/** Counts the statements `run` sends to the database. */
async function countQueries(knex: Knex, run: () => Promise<unknown>) {
  let queries = 0;
  const listener = () => {
    queries += 1;
  };
  knex.on('query', listener);
  try {
    await run();
  } finally {
    knex.removeListener('query', listener);
  }
  return queries;
}

/** Many entity refs that have no data, around the given ones. */
const manyRefs = (known: string[]) => [
  ...Array.from({ length: 3000 }, (_, i) => `component:default/other-${i}`),
  ...known,
];

describe.each(databases.eachSupportedId())(
  'PerformanceService request metrics on %p',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;
    let samples: DatabasePerformanceSampleStore;
    let performance: PerformanceService;

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      await migrateToLatest(knex);
      samples = new DatabasePerformanceSampleStore(knex);
      performance = service(knex);
    });

    it('stores the 401/403 and 429 rates with the samples, null where the source has none', async () => {
      await samples.insertSamples([
        sample(CHECKOUT, T0, {
          throughput: 12,
          authFailureRps: 0.25,
          rateLimitedRps: 0.0125,
        }),
        sample(CHECKOUT, T0 + MIN, { throughput: 11, memoryBytes: 1e8 }),
      ]);
      const points = await samples.readRawPoints({
        entityRef: CHECKOUT,
        environment: 'production',
        from: new Date(T0),
        to: new Date(T0 + HOUR),
      });
      expect(
        points.map(p => [p.throughput, p.authFailureRps, p.rateLimitedRps]),
      ).toEqual([
        [12, 0.25, 0.0125],
        [11, null, null],
      ]);
      // A sample at the same time replaces the rates too.
      await samples.insertSamples([
        sample(CHECKOUT, T0, { throughput: 12, authFailureRps: 30 }),
      ]);
      expect(
        await samples.getLatestSample(CHECKOUT, 'production'),
      ).toMatchObject({ authFailureRps: null, rateLimitedRps: null });
      const [first] = await samples.readRawPoints({
        entityRef: CHECKOUT,
        environment: 'production',
        from: new Date(T0),
        to: new Date(T0 + MIN),
      });
      expect(first).toMatchObject({ authFailureRps: 30, rateLimitedRps: null });
    });

    it('averages the rates in the 10-minute, hourly and 6-hour roll-ups, like throughput', async () => {
      // Two hours of samples every 10 minutes: 401/403 at 1/s in the first hour but for a burst
      // of 50/s in its first 10 minutes; 429 only in the second hour.
      const rows: MetricsSample[] = [];
      for (let i = 0; i < 12; i++) {
        const firstHour = i < 6;
        let authFailureRps = firstHour ? 1 : 0;
        if (i === 0) authFailureRps = 50;
        rows.push(
          sample(CHECKOUT, T0 + i * 10 * MIN, {
            throughput: 100,
            authFailureRps,
            rateLimitedRps: firstHour ? 0 : 3,
          }),
        );
      }
      // A sample without status codes does not pull the means down.
      rows.push(sample(CHECKOUT, T0 + 5 * MIN, { throughput: 100 }));
      await samples.insertSamples(rows);

      const where = {
        entityRef: CHECKOUT,
        environment: 'production',
        from: new Date(T0),
        to: new Date(T0 + 2 * HOUR),
      };
      const tenMinutes = await samples.readTenMinuteSeries(where);
      expect(tenMinutes[0]).toMatchObject({
        authFailureRps: 50,
        rateLimitedRps: 0,
      });
      expect(tenMinutes.map(p => p.rateLimitedRps)).toEqual([
        0, 0, 0, 0, 0, 0, 3, 3, 3, 3, 3, 3,
      ]);

      const rollups = new DatabasePerformanceRollupStore(knex);
      expect(
        await rollups.rollupHours(new Date(T0), new Date(T0 + 2 * HOUR)),
      ).toBe(2);
      const hourly = await samples.readHourlySeries(where);
      expect(hourly.map(p => [p.rateLimitedRps, p.throughput])).toEqual([
        [0, 100],
        [3, 100],
      ]);
      expect(hourly[0].authFailureRps).toBeCloseTo((50 + 5) / 6, 4);
      expect(hourly[1].authFailureRps).toBe(0);
      const sixHours = await samples.readSixHourSeries({
        ...where,
        from: new Date(T0 - 6 * HOUR),
        to: new Date(T0 + 6 * HOUR),
      });
      // The hours' means weighted by their sample counts (7 and 6), as for every metric.
      expect(sixHours).toHaveLength(1);
      expect(sixHours[0].authFailureRps).toBeCloseTo(
        (((50 + 5) / 6) * 7) / 13,
        4,
      );
      expect(sixHours[0].rateLimitedRps).toBeCloseTo((3 * 6) / 13, 4);
    });

    it('reads the recent requests of many entities in one query, by entity and environment', async () => {
      await samples.insertSamples([
        sample(PAYMENTS, T0, {
          throughput: 5,
          authFailureRps: 0.1,
          rateLimitedRps: 0,
          errorRate: 0.01,
        }),
        sample(CHECKOUT, T0 + 2 * MIN, { throughput: 20, authFailureRps: 40 }),
        sample(CHECKOUT, T0 + MIN, { throughput: 10, authFailureRps: 0.5 }),
        sample(CHECKOUT, T0, { throughput: 8 }, 'staging'),
        // Outside the range, and an entity nobody asked for.
        sample(CHECKOUT, T0 - MIN, { throughput: 1 }),
        sample(CHECKOUT, T0 + 10 * MIN, { throughput: 1 }),
        sample(SEARCH, T0 + MIN, { throughput: 99 }),
      ]);

      let series: Awaited<ReturnType<PerformanceService['recentRequests']>> =
        [];
      const queries = await countQueries(knex, async () => {
        series = await performance.recentRequests(
          manyRefs([PAYMENTS, CHECKOUT]),
          new Date(T0),
          new Date(T0 + 10 * MIN),
        );
      });
      expect(queries).toBe(1);
      expect(series).toEqual([
        {
          entityRef: CHECKOUT,
          environment: 'production',
          points: [
            {
              at: new Date(T0 + MIN),
              throughput: 10,
              authFailureRps: 0.5,
              rateLimitedRps: null,
              errorRate: null,
            },
            {
              at: new Date(T0 + 2 * MIN),
              throughput: 20,
              authFailureRps: 40,
              rateLimitedRps: null,
              errorRate: null,
            },
          ],
        },
        {
          entityRef: CHECKOUT,
          environment: 'staging',
          points: [
            {
              at: new Date(T0),
              throughput: 8,
              authFailureRps: null,
              rateLimitedRps: null,
              errorRate: null,
            },
          ],
        },
        {
          entityRef: PAYMENTS,
          environment: 'production',
          points: [
            {
              at: new Date(T0),
              throughput: 5,
              authFailureRps: 0.1,
              rateLimitedRps: 0,
              errorRate: 0.01,
            },
          ],
        },
      ]);
      expect(
        await countQueries(knex, async () =>
          expect(
            await performance.recentRequests([], new Date(0), new Date()),
          ).toEqual([]),
        ),
      ).toBe(0);
    });

    it('reads the hourly means of many entities in one query', async () => {
      const rows: MetricsSample[] = [];
      for (let minute = 0; minute < 180; minute += 15) {
        const hour = Math.floor(minute / 60);
        rows.push(
          sample(CHECKOUT, T0 + minute * MIN, {
            throughput: 10 * (hour + 1),
            authFailureRps: minute === 60 ? 8 : 0,
            rateLimitedRps: 0.5,
          }),
          sample(PAYMENTS, T0 + minute * MIN, { throughput: 1 }),
        );
      }
      await samples.insertSamples(rows);
      await new DatabasePerformanceRollupStore(knex).rollupHours(
        new Date(T0),
        new Date(T0 + 3 * HOUR),
      );

      let series: Awaited<ReturnType<PerformanceService['hourlyRequests']>> =
        [];
      const queries = await countQueries(knex, async () => {
        series = await performance.hourlyRequests(
          manyRefs([CHECKOUT]),
          new Date(T0 + HOUR),
          new Date(T0 + 3 * HOUR),
        );
      });
      expect(queries).toBe(1);
      expect(series).toHaveLength(1);
      expect(series[0]).toMatchObject({
        entityRef: CHECKOUT,
        environment: 'production',
      });
      expect(
        series[0].points.map(p => [
          p.at.toISOString(),
          p.throughput,
          p.authFailureRps,
          p.rateLimitedRps,
        ]),
      ).toEqual([
        [new Date(T0 + HOUR).toISOString(), 20, 2, 0.5],
        [new Date(T0 + 2 * HOUR).toISOString(), 30, 0, 0.5],
      ]);
    });

    it('tells for thousands of entities in two queries when each was last sampled and whether it is stale', async () => {
      const now = new Date(T0 + HOUR);
      const FAILING = 'component:default/failing';
      const OLD = 'component:default/old';
      const EMPTY = 'component:default/empty';
      await samples.insertSamples([
        sample(CHECKOUT, now.getTime() - 2 * MIN, { throughput: 1 }),
        sample(CHECKOUT, now.getTime() - MIN, { throughput: 1 }, 'staging'),
        sample(FAILING, now.getTime() - 30 * MIN, { throughput: 1 }),
        sample(OLD, now.getTime() - 30 * MIN, { throughput: 1 }),
      ]);
      await samples.recordCollection({
        at: new Date(now.getTime() - 30 * MIN),
        succeeded: [CHECKOUT, FAILING, OLD, EMPTY],
        failed: [],
      });
      await samples.recordCollection({
        at: new Date(now.getTime() - MIN),
        succeeded: [CHECKOUT, OLD, EMPTY],
        failed: [
          { entityRef: FAILING, provider: 'scrape', message: 'timed out' },
        ],
      });

      const refs = manyRefs([CHECKOUT, FAILING, OLD, EMPTY]);
      let facts = new Map<
        string,
        { lastSampleAt: Date | null; stale: boolean }
      >();
      const queries = await countQueries(knex, async () => {
        facts = await performance.performanceFacts(refs, now);
      });
      expect(queries).toBe(2);
      expect(facts.size).toBe(refs.length);
      expect(facts.get(CHECKOUT)).toEqual({
        // The newest of its environments.
        lastSampleAt: new Date(now.getTime() - MIN),
        stale: false,
      });
      expect(facts.get(FAILING)).toEqual({
        lastSampleAt: new Date(now.getTime() - 30 * MIN),
        stale: true,
      });
      // Collected without error, but no sample for longer than the limit.
      expect(facts.get(OLD)).toEqual({
        lastSampleAt: new Date(now.getTime() - 30 * MIN),
        stale: true,
      });
      expect(facts.get(EMPTY)).toEqual({ lastSampleAt: null, stale: true });
      expect(facts.get('component:default/other-7')).toEqual({
        lastSampleAt: null,
        stale: true,
      });
      // Right at the limit it is still fresh.
      const atLimit = await performance.performanceFacts(
        [CHECKOUT],
        new Date(now.getTime() - MIN + STALE_AFTER_MS),
      );
      expect(atLimit.get(CHECKOUT)?.stale).toBe(false);
    });
  },
);
