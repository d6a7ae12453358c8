import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { createTestDatabases } from '../../../__testUtils__/databases';
import { migrateToLatest } from '../../../database/migrations';
import { DatabaseReportStore } from '../DatabaseReportStore';
import { readCoverageSettings } from '../settings';
import { ReportRetention } from './ReportRetention';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe('ReportRetention', () => {
  it('reads durations and limits from config, with defaults', () => {
    expect(readCoverageSettings(new ConfigReader({})).retention).toEqual({
      maxAge: { days: 180 },
      maxReportsPerSeries: 500,
      frequency: { hours: 1 },
    });
    expect(
      readCoverageSettings(
        new ConfigReader({
          devops: {
            coverage: {
              retention: {
                maxAge: '30d',
                maxReportsPerSeries: 20,
                frequency: { minutes: 5 },
              },
            },
          },
        }),
      ).retention,
    ).toEqual({
      maxAge: { weeks: 4, days: 2 },
      maxReportsPerSeries: 20,
      frequency: { minutes: 5 },
    });
    expect(() =>
      readCoverageSettings(
        new ConfigReader({
          devops: { coverage: { retention: { maxReportsPerSeries: 1 } } },
        }),
      ),
    ).toThrow(/devops\.coverage\.retention\.maxReportsPerSeries.*at least 2/);
  });

  it.each(databases.eachSupportedId())(
    'deletes a backlog larger than one batch on %p, keeping the newest reports of each series',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await migrateToLatest(knex);
      const store = new DatabaseReportStore(knex);
      const now = Date.parse('2026-11-25T12:00:00Z');
      for (let i = 0; i < 450; i++) {
        await store.insertTestReport(
          {
            entityRef: 'component:default/a',
            format: 'junit',
            name: 'unit',
            commitSha: 'abcdef1',
            branch: 'main',
            sizeBytes: 10,
            createdAt: new Date(now - i * 60_000),
          },
          {
            kind: 'tests',
            cases: [
              { suite: 's', name: 't', outcome: 'passed', durationMs: 1 },
            ],
          },
        );
      }
      const pruner = new ReportRetention(
        store,
        {
          maxAge: { days: 180 },
          maxReportsPerSeries: 25,
          frequency: { hours: 1 },
        },
        mockServices.logger.mock(),
      );
      expect(await pruner.prune(new Date(now))).toBe(425);
      const left = await store.listReports({
        entityRef: 'component:default/a',
        limit: 100,
      });
      expect(left).toHaveLength(25);
      expect(left[0].createdAt).toBe('2026-11-25T12:00:00.000Z');
      expect(await pruner.prune(new Date(now))).toBe(0);
    },
  );
});
