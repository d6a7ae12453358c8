import { TestDatabaseId } from '@backstage/backend-test-utils';
import { ParsedFinding } from '@devops-growth/backstage-plugin-devops-node';
import { createTestDatabases } from '../../../__testUtils__/databases';
import { migrateToLatest } from '../../../database/migrations';
import { scanInput } from './__testUtils__/findings';
import { DatabaseFindingStore } from './DatabaseFindingStore';
import { UPSERT_CHUNK } from './upsertFindings';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const T0 = Date.parse('2026-11-01T10:00:00Z');
const N = UPSERT_CHUNK + 500;

function findings(n: number, lineShift: number): ParsedFinding[] {
  return Array.from({ length: n }, (_, i) => ({
    ruleId: `rule-${i % 7}`,
    title: `Finding ${i}`,
    message: `It's "quoted", with a \\ backslash, ünïcode and a\nnew line: ${i}`,
    category: i % 2 ? 'code' : 'secret',
    severity: i % 3 ? 'medium' : 'critical',
    toolSeverity: 'warning',
    location: { path: `.\\src\\file${i}.ts`, line: 10 + lineShift },
    snippet: `const token${i} = read();`,
    package:
      i === 0
        ? { name: 'left-pad', version: null, fixedVersion: null }
        : undefined,
    advisory: i === 0 ? { id: 'GHSA-1', url: null, cvssScore: 7.5 } : undefined,
    helpUri: i === 1 ? 'https://example.invalid/rule' : null,
  }));
}

describe.each(databases.eachSupportedId())(
  'the findings upsert on %p',
  (databaseId: TestDatabaseId) => {
    it('writes and matches more findings than one statement holds, keeping every field', async () => {
      const knex = await databases.init(databaseId);
      await migrateToLatest(knex);
      const store = new DatabaseFindingStore(knex);
      const scan = (atMs: number, list: ParsedFinding[]) =>
        store.recordScan(scanInput(atMs, list, 'Gitleaks'));
      expect(await scan(T0, findings(N, 0))).toMatchObject({
        new: N,
        open: N,
      });
      // The lines moved (the snippets did not): the same findings; the last one is gone.
      expect(await scan(T0 + 1000, findings(N - 1, 25))).toMatchObject({
        new: 0,
        fixed: 1,
        open: N - 1,
      });
      const { items, total } = await store.listFindings({
        entityRef: 'component:default/a',
        branch: 'main',
        status: ['open'],
        order: 'oldest',
        limit: 2,
        offset: 0,
        nowMs: T0 + 1000,
      });
      expect(total).toBe(N - 1);
      const byTitle = Object.fromEntries(items.map(f => [f.title, f]));
      const all = await store.listFindings({
        entityRef: 'component:default/a',
        branch: 'main',
        order: 'oldest',
        limit: N,
        offset: 0,
        nowMs: T0 + 1000,
      });
      const first = all.items.find(f => f.title === 'Finding 0')!;
      expect(first).toMatchObject({
        message: `It's "quoted", with a \\ backslash, ünïcode and a\nnew line: 0`,
        category: 'secret',
        severity: 'critical',
        location: { path: 'src/file0.ts', line: 35 },
        package: { name: 'left-pad', version: null, fixedVersion: null },
        advisory: { id: 'GHSA-1', url: null, cvssScore: 7.5 },
        helpUri: null,
        lastSeenAt: new Date(T0 + 1000).toISOString(),
        firstSeenAt: new Date(T0).toISOString(),
      });
      expect(all.items.find(f => f.title === 'Finding 1')?.helpUri).toBe(
        'https://example.invalid/rule',
      );
      expect(Object.keys(byTitle)).toHaveLength(2);
      await knex.destroy();
    });

    it('stores lone surrogates (which PostgreSQL JSON refuses) as U+FFFD, and drops lines an integer cannot hold', async () => {
      const knex = await databases.init(databaseId);
      await migrateToLatest(knex);
      const store = new DatabaseFindingStore(knex);
      // Finding 1: no package, so each location is a finding of its own.
      const hostile = findings(2, 0)[1];
      await store.recordScan(
        scanInput(T0, [
          {
            ...hostile,
            title: 'cut \uD83D',
            message: '\uDE00 and \uD83D\uDE00',
          },
          {
            ...hostile,
            ruleId: 'other',
            location: { path: 'src/b.ts', line: 2 ** 40 },
          },
          {
            ...hostile,
            ruleId: 'third',
            location: { path: 'src/c.ts', line: 1.5 },
          },
        ]),
      );
      const rows = await knex('devops_security_findings').orderBy('rule_id');
      expect(rows.map(r => [r.rule_id, r.location_line])).toEqual([
        ['other', null],
        ['rule-1', 10],
        ['third', null],
      ]);
      const row = rows[1];
      expect([row.title, row.message]).toEqual([
        'cut \uFFFD',
        '\uFFFD and \uD83D\uDE00',
      ]);
      await knex.destroy();
    });

    it('serialises concurrent uploads of one new stream: one row per identity, the newer scan wins', async () => {
      const knex = await databases.init(databaseId);
      await migrateToLatest(knex);
      const store = new DatabaseFindingStore(knex);
      const [older, newer] = await Promise.all([
        store.recordScan(scanInput(T0, findings(300, 0))),
        store.recordScan(scanInput(T0 + 1000, findings(200, 0))),
      ]);
      // Whichever ran first, the finished state is the newer scan's: 200 open, 100 fixed or
      // never opened (when the older one ran second, as a stale scan).
      expect(older.new + newer.new).toBeGreaterThanOrEqual(200);
      const open = await store.openCounts('component:default/a', 'main', T0);
      expect(open.open.critical + open.open.medium).toBe(200);
      expect(
        Number((await knex('devops_security_findings').count({ n: '*' }))[0].n),
      ).toBeLessThanOrEqual(300);
      expect(
        (await knex('devops_security_streams').select('last_scan_ms')).map(r =>
          Number(r.last_scan_ms),
        ),
      ).toEqual([T0 + 1000]);
      await knex.destroy();
    });
  },
);
