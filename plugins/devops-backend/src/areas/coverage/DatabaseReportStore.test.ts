import { TestDatabaseId } from '@backstage/backend-test-utils';
import { ParsedCoverageReport } from '@devops-growth/backstage-plugin-devops-node';
import { createTestDatabases } from '../../__testUtils__/databases';
import { migrateToLatest } from '../../database/migrations';
import { DatabaseReportStore } from './DatabaseReportStore';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const ENTITY = 'component:default/payments';

function coverage(linesCovered: number, files = 2): ParsedCoverageReport {
  return {
    kind: 'coverage',
    totals: {
      lines: { covered: linesCovered, total: 100 },
      branches: { covered: 5, total: 10 },
      functions: { covered: 3, total: 4 },
      statements: null,
    },
    files: Array.from({ length: files }, (_, i) => ({
      path: `src/file${i}.ts`,
      lines: { covered: i === 0 ? 0 : 10, total: 10 },
      branches: null,
      functions: { covered: 1, total: 1 },
      statements: null,
    })),
  };
}

const meta = (
  over: Partial<{
    name: string;
    branch: string;
    createdAt: Date;
    commitSha: string;
  }> = {},
) => ({
  entityRef: ENTITY,
  format: 'lcov',
  name: 'unit',
  commitSha: 'abc1234',
  branch: 'main',
  sizeBytes: 1234,
  ...over,
});

describe.each(databases.eachSupportedId())(
  'DatabaseReportStore on %p',
  (databaseId: TestDatabaseId) => {
    let store: DatabaseReportStore;

    beforeEach(async () => {
      const knex = await databases.init(databaseId);
      await migrateToLatest(knex);
      store = new DatabaseReportStore(knex);
    });

    it('stores a coverage report with totals, absent metrics and per-file summaries', async () => {
      const report = await store.insertCoverageReport(meta(), coverage(72, 3));
      expect(report.coverage).toEqual({
        lines: { covered: 72, total: 100 },
        branches: { covered: 5, total: 10 },
        functions: { covered: 3, total: 4 },
        statements: null,
      });
      expect(report.absentMetrics).toEqual(['statements']);
      expect(report.itemCount).toBe(3);

      expect(await store.getReport(report.id)).toEqual(report);
      const files = await store.listCoverageFiles(report.id, { limit: 10 });
      expect(files.map(f => f.path)).toEqual([
        'src/file0.ts',
        'src/file1.ts',
        'src/file2.ts',
      ]);
      expect(files[0].lines).toEqual({ covered: 0, total: 10 });
      expect(files[0].branches).toBeNull();
    });

    it('stores thousands of files in one report (chunked inserts)', async () => {
      const report = await store.insertCoverageReport(
        meta(),
        coverage(50, 2345),
      );
      const page = await store.listCoverageFiles(report.id, {
        limit: 1000,
        offset: 2000,
      });
      expect(page).toHaveLength(345);
    });

    it('stores test runs counting outcomes from the test cases', async () => {
      const report = await store.insertTestReport(meta({ name: 'unit' }), {
        kind: 'tests',
        cases: [
          { suite: 'a', name: 'passes', outcome: 'passed', durationMs: 12.4 },
          {
            suite: 'a',
            name: 'fails',
            outcome: 'failed',
            durationMs: 300,
            message: 'x'.repeat(5000),
          },
          { suite: 'b', name: 'errs', outcome: 'errored', durationMs: null },
          { suite: 'b', name: 'skips', outcome: 'skipped', durationMs: 0 },
        ],
      });
      expect(report.tests).toEqual({
        total: 4,
        passed: 1,
        failed: 1,
        errored: 1,
        skipped: 1,
        durationMs: 312,
      });
      const slowest = await store.listSlowestTests(report.id, 2);
      expect(slowest.map(t => [t.name, t.durationMs])).toEqual([
        ['fails', 300],
        ['passes', 12],
      ]);
    });

    it('lists reports newest first per series, and the series of an entity', async () => {
      const t0 = Date.parse('2026-11-01T10:00:00Z');
      const a = await store.insertCoverageReport(
        meta({ createdAt: new Date(t0) }),
        coverage(60),
      );
      const b = await store.insertCoverageReport(
        meta({ createdAt: new Date(t0 + 1000) }),
        coverage(70),
      );
      await store.insertCoverageReport(
        meta({ branch: 'feature/x', createdAt: new Date(t0 + 2000) }),
        coverage(10),
      );
      await store.insertCoverageReport(
        meta({ name: 'e2e', createdAt: new Date(t0 + 500) }),
        coverage(20),
      );

      const main = await store.listReports({
        entityRef: ENTITY,
        kind: 'coverage',
        name: 'unit',
        branch: 'main',
        limit: 10,
      });
      expect(main.map(r => r.id)).toEqual([b.id, a.id]);
      expect(main[0].createdAt).toBe('2026-11-01T10:00:01.000Z');

      const series = await store.listSeries(ENTITY);
      expect(series.map(s => [s.name, s.branch])).toEqual([
        ['unit', 'feature/x'],
        ['unit', 'main'],
        ['e2e', 'main'],
      ]);
      expect(await store.listSeries('component:default/other')).toEqual([]);
    });

    it('returns every occurrence of tests that failed at least once in the given runs', async () => {
      const run = (outcome: 'passed' | 'failed', sha: string, at: number) =>
        store.insertTestReport(
          meta({ commitSha: sha, createdAt: new Date(at) }),
          {
            kind: 'tests',
            cases: [
              { suite: 's', name: 'stable', outcome: 'passed', durationMs: 1 },
              { suite: 's', name: 'wobbly', outcome, durationMs: 1 },
            ],
          },
        );
      const r1 = await run('passed', 'aaaaaaa', 1000);
      const r2 = await run('failed', 'aaaaaaa', 2000);
      const occurrences = await store.listOccurrencesOfFailingTests([
        r1.id,
        r2.id,
      ]);
      expect(
        occurrences.map(o => [o.name, o.outcome, o.commitSha]).sort(),
      ).toEqual([
        ['wobbly', 'failed', 'aaaaaaa'],
        ['wobbly', 'passed', 'aaaaaaa'],
      ]);
      expect(await store.listOccurrencesOfFailingTests([r1.id])).toEqual([]);
    });

    it('prunes old reports and surplus reports per series in batches, with their rows', async () => {
      const now = Date.parse('2026-11-25T00:00:00Z');
      const old = await store.insertCoverageReport(
        meta({ createdAt: new Date(now - 200 * 86400_000) }),
        coverage(1),
      );
      const kept: string[] = [];
      for (let i = 0; i < 5; i++) {
        const r = await store.insertCoverageReport(
          meta({ createdAt: new Date(now - (5 - i) * 1000) }),
          coverage(i),
        );
        kept.push(r.id);
      }
      const other = await store.insertCoverageReport(
        meta({ name: 'e2e', createdAt: new Date(now) }),
        coverage(1),
      );

      const options = {
        olderThan: new Date(now - 180 * 86400_000),
        keepPerSeries: 3,
        batchSize: 2,
      };
      const deleted: number[] = [];
      for (
        let n = await store.pruneReports(options);
        n > 0;
        n = await store.pruneReports(options)
      ) {
        deleted.push(n);
      }
      expect(deleted.reduce((a, b) => a + b, 0)).toBe(3); // the old one and the two oldest recent ones
      expect(deleted.every(n => n <= 2)).toBe(true);
      expect(await store.getReport(old.id)).toBeUndefined();
      expect(await store.listCoverageFiles(old.id, { limit: 10 })).toEqual([]);
      const remaining = await store.listReports({
        entityRef: ENTITY,
        name: 'unit',
        limit: 10,
      });
      expect(remaining.map(r => r.id)).toEqual(kept.slice(2).reverse());
      expect(await store.getReport(other.id)).toBeDefined();
    });
  },
);
