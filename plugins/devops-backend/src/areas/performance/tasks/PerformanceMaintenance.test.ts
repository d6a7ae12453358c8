import { rawValues } from '../../../__testUtils__/performance';
import { mockServices, TestDatabaseId } from '@backstage/backend-test-utils';
import { createTestDatabases } from '../../../__testUtils__/databases';
import { migrateToLatest } from '../../../database/migrations';
import { DatabasePerformanceRollupStore } from '../DatabasePerformanceRollupStore';
import { DatabasePerformanceSampleStore } from '../DatabasePerformanceSampleStore';
import { PerformanceMaintenance } from './PerformanceMaintenance';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const ENTITY = 'component:default/checkout';
const NOW = Date.parse('2026-11-26T10:30:00Z');
const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const sampleAt = (atMs: number, p95Ms: number) => ({
  entityRef: ENTITY,
  environment: 'production',
  timestamp: new Date(atMs),
  values: { p95Ms },
});

describe.each(databases.eachSupportedId())(
  'PerformanceMaintenance on %p',
  (databaseId: TestDatabaseId) => {
    let store: DatabasePerformanceSampleStore;
    let rollups: DatabasePerformanceRollupStore;
    let maintenance: PerformanceMaintenance;
    let logger: ReturnType<typeof mockServices.logger.mock>;

    beforeEach(async () => {
      const knex = await databases.init(databaseId);
      await migrateToLatest(knex);
      store = new DatabasePerformanceSampleStore(knex);
      rollups = new DatabasePerformanceRollupStore(knex);
      logger = mockServices.logger.mock();
      maintenance = new PerformanceMaintenance(
        rollups,
        {
          raw: { days: 7 },
          rollups: { days: 90 },
          frequency: { minutes: 10 },
          batchSize: 3,
        },
        logger,
      );
    });

    const hourly = () =>
      store.readHourlySeries({
        entityRef: ENTITY,
        environment: 'production',
        from: new Date(0),
        to: new Date(NOW + DAY),
      });

    it('rolls up the complete hours since the watermark, then only the new ones', async () => {
      // Three days of one sample per hour, plus samples in the hour in progress.
      const start = NOW - 3 * DAY;
      await store.insertSamples([
        ...Array.from({ length: 72 }, (_, i) => sampleAt(start + i * HOUR, i)),
        sampleAt(NOW - 10 * MIN, 1000),
      ]);
      const first = await maintenance.run(new Date(NOW));
      expect(first.rolledUp).toBe(72);
      let series = await hourly();
      expect(series).toHaveLength(72);
      // The hour in progress (10:00-11:00) is not rolled up yet.
      expect(series[series.length - 1].at).toBe('2026-11-26T09:00:00.000Z');
      expect(await rollups.getRollupWatermark()).toEqual(
        new Date('2026-11-26T10:00:00Z'),
      );

      // An hour later the hour in progress is complete and is the only new roll-up.
      await store.insertSamples([sampleAt(NOW + 5 * MIN, 2000)]);
      const second = await maintenance.run(new Date(NOW + HOUR));
      series = await hourly();
      expect(series).toHaveLength(73);
      expect(series[72]).toMatchObject({
        at: '2026-11-26T10:00:00.000Z',
        p95Ms: 1500,
      });
      // Only the overlap hour before the watermark and the new hour were computed again.
      expect(second.rolledUp).toBe(2);
    });

    it('deletes raw samples and roll-ups past retention in batches, keeping the rest', async () => {
      const old = NOW - 8 * DAY;
      await store.insertSamples([
        // 8 old raw samples (3 batches of at most 3) and 2 recent ones.
        ...Array.from({ length: 8 }, (_, i) => sampleAt(old + i * MIN, 100)),
        sampleAt(NOW - 2 * HOUR, 200),
        sampleAt(NOW - HOUR, 300),
      ]);
      const pruneSamples = jest.spyOn(rollups, 'pruneSamples');
      const result = await maintenance.run(new Date(NOW));
      expect(result.samplesDeleted).toBe(8);
      // The 8 old samples fell in one 10-minute bucket; the recent ones in two others, kept.
      expect(result.tenMinuteRollupsDeleted).toBe(1);
      expect(
        await store.readTenMinuteSeries({
          entityRef: ENTITY,
          environment: 'production',
          from: new Date(NOW - DAY),
          to: new Date(NOW),
        }),
      ).toHaveLength(2);
      expect(pruneSamples.mock.calls.map(([, limit]) => limit)).toEqual([
        3, 3, 3,
      ]);
      expect(
        await rawValues(store, {
          entityRef: ENTITY,
          environment: 'production',
          metric: 'p95Ms',
          from: new Date(0),
          to: new Date(NOW),
        }),
      ).toEqual([200, 300]);
      // The old hours were rolled up before their raw samples went.
      expect((await hourly()).map(p => p.p95Ms)).toEqual([100, 200, 300]);
      expect(logger.info).toHaveBeenCalledWith(
        'Deleted 8 raw performance samples, 1 10-minute roll-ups and 0 hourly and 6-hour roll-ups past retention',
      );

      // 91 days later, the roll-ups are past retention too.
      const later = await maintenance.run(new Date(NOW + 91 * DAY));
      // 3 hourly roll-ups and the 2 of 6 hours they fell in (old, and recent).
      expect(later.rollupsDeleted).toBe(5);
      expect(await hourly()).toEqual([]);
      expect(
        await store.readSixHourSeries({
          entityRef: ENTITY,
          environment: 'production',
          from: new Date(0),
          to: new Date(NOW + 92 * DAY),
        }),
      ).toEqual([]);
    });

    it('does nothing on an empty store', async () => {
      expect(await maintenance.run(new Date(NOW))).toEqual({
        rolledUp: 0,
        samplesDeleted: 0,
        tenMinuteRollupsDeleted: 0,
        rollupsDeleted: 0,
      });
      expect(logger.info).not.toHaveBeenCalled();
    });
  },
);
