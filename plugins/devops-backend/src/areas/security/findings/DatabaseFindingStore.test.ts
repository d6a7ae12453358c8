import { TestDatabaseId } from '@backstage/backend-test-utils';
import { ParsedFinding } from '@devops-growth/backstage-plugin-devops-node';
import { Knex } from 'knex';
import { createTestDatabases } from '../../../__testUtils__/databases';
import { migrateToLatest } from '../../../database/migrations';
import { clearFindingTables } from './__testUtils__/findings';
import { DAY_MS, dedupeFindings } from './analysis';
import { DatabaseFindingStore } from './DatabaseFindingStore';
import { ScanInput, ScanRunInput } from './FindingStore';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const ENTITY = 'component:default/shop';
const SLA = { critical: 1, high: 7, medium: 30, low: 90 };
const T0 = Date.parse('2026-11-01T10:00:00Z');

function finding(rule: string, overrides: Partial<ParsedFinding> = {}) {
  return {
    ruleId: rule,
    title: `Title of ${rule}`,
    message: `Message of ${rule}`,
    category: 'code',
    severity: 'high',
    toolSeverity: 'error',
    location: { path: `src/${rule}.ts`, line: 1 },
    ...overrides,
  } as ParsedFinding;
}

function run(
  findings: ParsedFinding[],
  overrides: Partial<ScanRunInput> = {},
): ScanRunInput {
  return {
    tool: 'CodeQL',
    toolVersion: '2.19.0',
    category: '',
    findings: dedupeFindings(findings),
    toolErrorCount: 0,
    ...overrides,
  };
}

function scan(
  atMs: number,
  runs: ScanRunInput[],
  overrides: Partial<ScanInput> = {},
): ScanInput {
  return {
    entityRef: ENTITY,
    branch: 'main',
    commitSha: `c${atMs}`,
    format: 'sarif',
    sizeBytes: 100,
    scannedAt: new Date(atMs),
    sla: SLA,
    runs,
    ...overrides,
  };
}

async function byRule(
  store: DatabaseFindingStore,
  nowMs: number,
  branch = 'main',
) {
  const { items } = await store.listFindings({
    entityRef: ENTITY,
    branch,
    order: 'oldest',
    limit: 100,
    offset: 0,
    nowMs,
  });
  return Object.fromEntries(items.map(f => [`${f.tool}/${f.ruleId}`, f]));
}

describe.each(databases.eachSupportedId())(
  'DatabaseFindingStore on %p',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;
    let store: DatabaseFindingStore;
    const count = async (table: string) =>
      Number((await knex(table).count({ n: '*' }))[0].n);
    beforeAll(async () => {
      knex = await databases.init(databaseId);
      await migrateToLatest(knex);
    });
    beforeEach(async () => {
      await clearFindingTables(knex);
      store = new DatabaseFindingStore(knex);
    });

    it('opens, sees, fixes and reopens a finding as a regression on the same row', async () => {
      const first = await store.recordScan(
        scan(T0, [run([finding('a'), finding('b'), finding('a')])]),
      );
      expect(first).toMatchObject({ new: 2, reopened: 0, fixed: 0, open: 2 });
      expect(first.findingCount).toBe(2);
      const opened = (await byRule(store, T0))['CodeQL/a'];
      expect(opened).toMatchObject({
        status: 'open',
        regression: false,
        reopenCount: 0,
        firstSeenAt: new Date(T0).toISOString(),
        slaDueAt: new Date(T0 + 7 * DAY_MS).toISOString(),
        slaBreached: false,
        scanCategory: '',
        location: { path: 'src/a.ts', line: 1 },
      });

      // Seen again with a new severity and title: refreshed; b is absent: fixed.
      const t1 = T0 + DAY_MS;
      expect(
        await store.recordScan(
          scan(t1, [
            run([finding('a', { severity: 'critical', title: 'Renamed' })]),
          ]),
        ),
      ).toMatchObject({ new: 0, reopened: 0, fixed: 1, open: 1 });
      let all = await byRule(store, t1);
      expect(all['CodeQL/a']).toMatchObject({
        id: opened.id,
        severity: 'critical',
        title: 'Renamed',
        lastSeenAt: new Date(t1).toISOString(),
        firstSeenAt: new Date(T0).toISOString(),
        slaDueAt: new Date(T0 + DAY_MS).toISOString(),
      });
      expect(all['CodeQL/b']).toMatchObject({
        status: 'fixed',
        fixedAt: new Date(t1).toISOString(),
      });

      // b comes back: the same row, a regression, SLA from the reopening.
      const t2 = T0 + 3 * DAY_MS;
      expect(
        await store.recordScan(scan(t2, [run([finding('a'), finding('b')])])),
      ).toMatchObject({ new: 0, reopened: 1, fixed: 0, open: 2 });
      all = await byRule(store, t2 + 8 * DAY_MS);
      expect(all['CodeQL/b']).toMatchObject({
        id: (await byRule(store, t1))['CodeQL/b'].id,
        status: 'open',
        regression: true,
        reopenCount: 1,
        fixedAt: null,
        firstSeenAt: new Date(T0).toISOString(),
        slaDueAt: new Date(t2 + 7 * DAY_MS).toISOString(),
        slaBreached: true,
      });
      expect(await count('devops_security_findings')).toBe(2);
      expect(
        (await store.listEvents(all['CodeQL/b'].id)).map(e => [e.kind, e.at]),
      ).toEqual([
        ['opened', new Date(T0).toISOString()],
        ['fixed', new Date(t1).toISOString()],
        ['reopened', new Date(t2).toISOString()],
      ]);

      const counts = await store.openCounts(ENTITY, 'main', t2 + 8 * DAY_MS);
      expect(counts).toEqual({
        open: { critical: 0, high: 2, medium: 0, low: 0 },
        breaches: 2,
      });
    });

    it('keeps streams of other tools, categories and branches apart', async () => {
      await store.recordScan(
        scan(T0, [
          run([finding('a')]),
          run([finding('a')], { category: 'backend' }),
          run([finding('t')], { tool: 'Trivy', toolVersion: '0.56.1' }),
        ]),
      );
      await store.recordScan(
        scan(T0, [run([finding('a')])], { branch: 'feature' }),
      );
      // An empty CodeQL scan of main with no category fixes only that stream.
      const result = await store.recordScan(scan(T0 + 1000, [run([])]));
      expect(result).toMatchObject({ fixed: 1, open: 0 });
      const { items } = await store.listFindings({
        entityRef: ENTITY,
        branch: 'main',
        status: ['open'],
        order: 'severity',
        limit: 10,
        offset: 0,
        nowMs: T0 + 1000,
      });
      expect(items.map(f => [f.tool, f.scanCategory, f.ruleId]).sort()).toEqual(
        [
          ['CodeQL', 'backend', 'a'],
          ['Trivy', '', 't'],
        ],
      );
      expect((await byRule(store, T0, 'feature'))['CodeQL/a'].status).toBe(
        'open',
      );
      expect((await store.listStreams(ENTITY)).map(s => s.branch)).toEqual([
        'main',
        'feature',
        'main',
        'main',
      ]);
    });

    it('changes nothing on an older scan or a failed run, but records it', async () => {
      await store.recordScan(scan(T0, [run([finding('a'), finding('b')])]));
      const late = await store.recordScan(scan(T0 - 1000, [run([])]));
      expect(late).toMatchObject({ new: 0, fixed: 0, open: 2 });
      const failed = await store.recordScan(
        scan(T0 + 1000, [run([finding('c')], { toolErrorCount: 1 })]),
      );
      expect(failed).toMatchObject({ new: 1, fixed: 0, open: 3 });
      const scans = await knex('devops_security_scans').orderBy('scanned_ms');
      expect(scans.map(s => [Boolean(s.stale), s.finding_count])).toEqual([
        [true, 0],
        [false, 2],
        [false, 1],
      ]);
    });

    it('accepts with an expiry, counts it open once expired, and reopens it', async () => {
      await store.recordScan(scan(T0, [run([finding('a')])]));
      const [a] = (
        await store.listFindings({
          entityRef: ENTITY,
          branch: 'main',
          order: 'oldest',
          limit: 1,
          offset: 0,
          nowMs: T0,
        })
      ).items;
      const until = T0 + 10 * DAY_MS;
      const accepted = await store.changeStatus({
        id: a.id,
        nowMs: T0 + 1,
        actor: 'user:default/ann',
        check: current => {
          expect(current).toBe('open');
          return {
            status: 'accepted',
            reason: 'behind the VPN',
            acceptedUntilMs: until,
          };
        },
      });
      expect(accepted).toMatchObject({
        status: 'accepted',
        statusReason: 'behind the VPN',
        statusChangedBy: 'user:default/ann',
        acceptedUntil: new Date(until).toISOString(),
        slaBreached: false,
      });
      // Seen again: stays accepted.
      await store.recordScan(scan(T0 + DAY_MS, [run([finding('a')])]));
      expect((await store.getFinding(a.id, T0 + DAY_MS))?.status).toBe(
        'accepted',
      );
      expect(
        (await store.openCounts(ENTITY, 'main', T0 + DAY_MS)).open.high,
      ).toBe(0);
      // Past the expiry, before the task ran: open at read time.
      expect((await store.getFinding(a.id, until))?.status).toBe('open');
      expect((await store.openCounts(ENTITY, 'main', until)).open.high).toBe(1);
      expect(await store.reopenExpired(until - 1, 10)).toBe(0);
      expect(await store.reopenExpired(until, 10)).toBe(1);
      expect(await knex('devops_security_findings').first()).toMatchObject({
        status: 'open',
        accepted_until_ms: null,
      });
      expect(
        (await store.listEvents(a.id)).map(e => [e.kind, e.actor]),
      ).toEqual([
        ['opened', null],
        ['accepted', 'user:default/ann'],
        ['expired', null],
      ]);
    });

    it('stores nothing of a report whose insert fails', async () => {
      await store.recordScan(scan(T0, [run([finding('a')])]));
      const before = await knex('devops_security_findings').select('*');
      await expect(
        store.recordScan(
          scan(T0 + 1000, [
            run([finding('b')]),
            // A title the column cannot hold (NOT NULL), after the first run went in and
            // fixed a.
            run([finding('c', { title: null as unknown as string })], {
              tool: 'Semgrep',
            }),
          ]),
        ),
      ).rejects.toMatchObject({
        // Matched on the message: better-sqlite3's error class may come from another jest realm.
        message: expect.stringMatching(/NOT NULL|not-null/),
      });
      expect(await knex('devops_security_findings').select('*')).toEqual(
        before,
      );
      expect(await count('devops_security_scans')).toBe(1);
      expect(await count('devops_security_finding_events')).toBe(0);
    });

    it('gives facts per entity on the branch of its latest scan, in bulk', async () => {
      await store.recordScan(
        scan(T0, [run([finding('a', { severity: 'critical' }), finding('b')])]),
      );
      await store.recordScan(
        scan(T0 + 1000, [run([finding('x', { severity: 'low' })])], {
          branch: 'release',
        }),
      );
      const facts = await store.facts(
        [ENTITY, 'component:default/none'],
        T0 + 2 * DAY_MS,
      );
      expect(facts.get(ENTITY)).toEqual({
        lastScanAt: new Date(T0 + 1000),
        open: { critical: 0, high: 0, medium: 0, low: 1 },
        pastSla: { critical: 0, high: 0, medium: 0, low: 0 },
      });
      expect(facts.get('component:default/none')).toEqual({
        lastScanAt: null,
        open: { critical: 0, high: 0, medium: 0, low: 0 },
        pastSla: { critical: 0, high: 0, medium: 0, low: 0 },
      });
      await store.recordScan(
        scan(T0 + 2000, [
          run([finding('a', { severity: 'critical' }), finding('b')]),
        ]),
      );
      expect(
        (await store.facts([ENTITY], T0 + 2 * DAY_MS)).get(ENTITY),
      ).toMatchObject({
        open: { critical: 1, high: 1, medium: 0, low: 0 },
        pastSla: { critical: 1, high: 0, medium: 0, low: 0 },
      });
    });

    it('filters lists by status and severity with a total, and keeps snapshots for the trend', async () => {
      await store.recordScan(
        scan(T0, [
          run([
            finding('a', { severity: 'low' }),
            finding('b', { severity: 'critical' }),
            finding('c', { severity: 'medium' }),
          ]),
        ]),
      );
      await store.recordScan(
        scan(T0 + DAY_MS, [
          run([
            finding('b', { severity: 'critical' }),
            finding('c', { severity: 'medium' }),
          ]),
        ]),
      );
      const page = await store.listFindings({
        entityRef: ENTITY,
        branch: 'main',
        status: ['open', 'fixed'],
        severity: ['critical', 'low'],
        order: 'severity',
        limit: 1,
        offset: 0,
        nowMs: T0 + DAY_MS,
      });
      expect(page.total).toBe(2);
      expect(page.items.map(f => f.ruleId)).toEqual(['b']);
      const snapshots = await store.listSnapshots(ENTITY, 'main', T0 + 1);
      expect(snapshots.map(s => [s.scannedMs, s.open])).toEqual([
        [T0, { critical: 1, high: 0, medium: 1, low: 1 }],
        [T0 + DAY_MS, { critical: 1, high: 0, medium: 1, low: 0 }],
      ]);
    });

    it('prunes fixed findings, old scans and empty streams past retention', async () => {
      await store.recordScan(scan(T0, [run([finding('a'), finding('b')])]));
      await store.recordScan(scan(T0 + DAY_MS, [run([finding('a')])]));
      await store.recordScan(scan(T0, [run([finding('z')], { tool: 'Old' })]));
      await store.recordScan(scan(T0 + DAY_MS, [run([], { tool: 'Old' })]));
      const events = () =>
        knex('devops_security_finding_events').select('kind', 'finding_id');
      expect((await events()).map(e => e.kind)).toEqual(['fixed', 'fixed']);
      let deleted = 0;
      for (;;) {
        const n = await store.prune(T0 + 2 * DAY_MS, 1);
        if (n === 0) break;
        deleted += n;
      }
      // b and z (fixed), the 4 scans, the Old stream (nothing left).
      expect(deleted).toBe(7);
      expect((await store.listStreams(ENTITY)).map(s => s.tool)).toEqual([
        'CodeQL',
      ]);
      expect(Object.keys(await byRule(store, T0))).toEqual(['CodeQL/a']);
      // The history of the deleted findings went with them.
      expect(await events()).toEqual([]);
    });
  },
);
