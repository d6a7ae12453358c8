import { TestDatabaseId } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ParsedCoverageReport } from '@devops-growth/backstage-plugin-devops-node';
import { ConfigReader } from '@backstage/config';
import { createTestDatabases } from '../../__testUtils__/databases';
import { migrateToLatest } from '../../database/migrations';
import { CoverageService } from './CoverageService';
import { DatabaseReportStore } from './DatabaseReportStore';
import { readCoverageSettings } from './settings';

jest.setTimeout(60_000);

const databases = createTestDatabases();

function entity(
  name: string,
  annotations: Record<string, string> = {
    'devops-growth.io/monitoring': 'enabled',
  },
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service', owner: 'team-a' },
  };
}

const lines = (covered: number | null): ParsedCoverageReport => ({
  kind: 'coverage',
  totals: {
    lines: covered === null ? null : { covered, total: 100 },
    branches: null,
    functions: null,
    statements: null,
  },
  files: [],
});

const meta = (
  name: string,
  createdAt: string,
  over: { branch?: string; name?: string } = {},
) => ({
  entityRef: `component:default/${name}`,
  format: 'lcov',
  name: over.name ?? 'unit',
  commitSha: 'abc1234',
  branch: over.branch ?? 'main',
  sizeBytes: 10,
  createdAt: new Date(createdAt),
});

describe.each(databases.eachSupportedId())(
  'CoverageService.coverageFacts on %p',
  (databaseId: TestDatabaseId) => {
    let store: DatabaseReportStore;
    let service: CoverageService;

    beforeEach(async () => {
      const knex = await databases.init(databaseId);
      await migrateToLatest(knex);
      await knex('devops_coverage_files').delete();
      await knex('devops_test_cases').delete();
      await knex('devops_reports').delete();
      store = new DatabaseReportStore(knex);
      service = new CoverageService(
        store,
        readCoverageSettings(
          new ConfigReader({ devops: { coverage: { gate: { lines: 80 } } } }),
        ),
      );
    });

    it("judges each entity's newest coverage report against its gate", async () => {
      // a: an older passing report, then a failing one on another branch and report name.
      await store.insertCoverageReport(
        meta('a', '2026-12-01T10:00:00Z'),
        lines(90),
      );
      await store.insertCoverageReport(
        meta('a', '2026-12-02T10:00:00Z', { branch: 'feature', name: 'e2e' }),
        lines(50),
      );
      // A newer test report is not a coverage report.
      await store.insertTestReport(meta('a', '2026-12-03T10:00:00Z'), {
        kind: 'tests',
        cases: [
          {
            suite: 's',
            name: 't',
            outcome: 'passed',
            durationMs: 1,
          },
        ],
      });
      // b: passes the config gate (80) but not its own annotation's gate (95).
      await store.insertCoverageReport(
        meta('b', '2026-12-01T10:00:00Z'),
        lines(90),
      );
      // c: a report without line coverage.
      await store.insertCoverageReport(
        meta('c', '2026-12-01T11:00:00Z'),
        lines(null),
      );
      // e: passes.
      await store.insertCoverageReport(
        meta('e', '2026-12-01T12:00:00Z'),
        lines(85),
      );

      const facts = await service.coverageFacts([
        entity('a'),
        entity('b', {
          'devops-growth.io/monitoring': 'coverage,security',
          'devops-growth.io/coverage-gate': '95',
        }),
        entity('c'),
        entity('d'),
        entity('e'),
        entity('off', { 'devops-growth.io/monitoring': 'performance' }),
      ]);
      expect(Object.fromEntries(facts)).toEqual({
        'component:default/a': {
          gate: 'failed',
          lastReportAt: new Date('2026-12-02T10:00:00Z'),
        },
        'component:default/b': {
          gate: 'failed',
          lastReportAt: new Date('2026-12-01T10:00:00Z'),
        },
        'component:default/c': {
          gate: 'unknown',
          lastReportAt: new Date('2026-12-01T11:00:00Z'),
        },
        'component:default/d': { gate: 'unknown', lastReportAt: null },
        'component:default/e': {
          gate: 'passed',
          lastReportAt: new Date('2026-12-01T12:00:00Z'),
        },
      });
    });

    it('reads thousands of entities in a few queries', async () => {
      const entities = Array.from({ length: 1300 }, (_, i) => entity(`s${i}`));
      await store.insertCoverageReport(
        meta('s1299', '2026-12-01T10:00:00Z'),
        lines(81),
      );
      const facts = await service.coverageFacts(entities);
      expect(facts.size).toBe(1300);
      expect(facts.get('component:default/s1299')?.gate).toBe('passed');
      expect(facts.get('component:default/s0')?.gate).toBe('unknown');
      expect(await service.coverageFacts([])).toEqual(new Map());
    });
  },
);
