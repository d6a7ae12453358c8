import { TestDatabaseId } from '@backstage/backend-test-utils';
import { ParsedSecurityEvent } from '@devops-growth/backstage-plugin-devops-node';
import { Knex } from 'knex';
import { createTestDatabases } from '../../../__testUtils__/databases';
import { migrateToLatest } from '../../../database/migrations';
import { DatabaseThreatStore } from './DatabaseThreatStore';
import { NewThreat } from './lifecycle';
import { EVENTS, MONITORING, THREATS, UPLOADS } from './threatRows';
import { RecordEventsInput } from './ThreatStore';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const A = 'component:default/a';
const B = 'component:default/b';
const T0 = Date.parse('2026-12-02T10:00:00Z');
const MIN = 60_000;
const GAP = 15 * MIN;

function event(
  minute: number,
  over: Partial<ParsedSecurityEvent> = {},
): ParsedSecurityEvent {
  return {
    id: `tx-${minute}`,
    at: new Date(T0 + minute * MIN),
    source: 'modsecurity',
    type: 'sql-injection',
    severity: 'high',
    blocked: true,
    clientIp: '203.0.113.7',
    request: `GET /search?q=%27%20OR%201%3D1--%20${minute}`,
    ruleIds: ['942100'],
    message: 'SQL Injection Attack Detected via libinjection',
    ...over,
  };
}

function upload(
  events: ParsedSecurityEvent[],
  minutesAfterT0: number,
  over: Partial<RecordEventsInput> = {},
): RecordEventsInput {
  return {
    entityRef: A,
    receivedAt: new Date(T0 + minutesAfterT0 * MIN),
    format: 'modsecurity',
    commitSha: '',
    branch: '',
    sizeBytes: 1000,
    events,
    gapMs: GAP,
    retentionMs: 30 * 24 * 60 * MIN,
    ...over,
  };
}

function flood(minute: number, over: Partial<NewThreat> = {}): NewThreat {
  return {
    entityRef: A,
    environment: 'production',
    type: 'traffic-flood',
    detector: 'traffic-flood',
    severity: 'high',
    startedAt: new Date(T0 + minute * MIN),
    lastSeenAt: new Date(T0 + (minute + 1) * MIN),
    evidence: {
      summary: 'Request rate 500 req/s, 5x the usual 100 req/s of this hour',
      figures: [{ label: 'Request rate', value: 500, baseline: 100 }],
      events: [],
    },
    ...over,
  };
}

describe.each(databases.eachSupportedId())(
  'DatabaseThreatStore on %p',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;
    let store: DatabaseThreatStore;

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      await migrateToLatest(knex);
      store = new DatabaseThreatStore(knex);
    });

    it('opens one threat per environment and type, quoting the first 20 events', async () => {
      const events = [
        ...Array.from({ length: 25 }, (_, i) =>
          event(i, { clientIp: `203.0.113.${i % 3}` }),
        ),
        event(3, { id: 'xss-1', type: 'xss', blocked: false }),
        event(4, { id: 'scan-1', type: 'scanner', severity: 'low' }),
        event(5, { id: 'stg-1', environment: 'staging' }),
      ];
      const result = await store.recordEvents(upload(events, 30));
      expect(result).toMatchObject({
        opened: 3,
        updated: 0,
        duplicates: 0,
        ignored: 0,
      });
      const { active } = await store.listForEntity(A, {
        active: 10,
        recent: 10,
      });
      const injection = active.find(
        t => t.type === 'injection' && t.environment === 'default',
      )!;
      expect(injection).toMatchObject({
        detector: 'waf-events',
        status: 'open',
        // high, raised to critical by the XSS request that was not blocked
        severity: 'critical',
        startedAt: new Date(T0).toISOString(),
        lastSeenAt: new Date(T0 + 24 * MIN).toISOString(),
        endedAt: null,
      });
      expect(injection.evidence.events).toHaveLength(20);
      expect(injection.evidence.events[0].at).toBe(new Date(T0).toISOString());
      expect(injection.evidence.eventCount).toBe(26);
      expect(injection.evidence.figures.slice(0, 5)).toEqual([
        { label: 'Events', value: 26 },
        { label: 'Blocked', value: 25 },
        { label: 'Client addresses', value: 4 },
        { label: 'sql-injection', value: 25, unit: 'events' },
        { label: 'xss', value: 1, unit: 'events' },
      ]);
      expect(injection.evidence.summary).toBe(
        'Injection attempts reported by the WAF/IDS (sql-injection, xss): 26 events from 4 client addresses, 1 not blocked',
      );
      expect(active.find(t => t.type === 'attack')?.severity).toBe('low');
      expect(active.find(t => t.environment === 'staging')?.type).toBe(
        'injection',
      );
      expect(await store.monitoring([A])).toEqual([
        expect.objectContaining({
          detector: 'waf-events',
          environment: '',
          state: 'monitored',
        }),
      ]);
    });

    it('counts a re-uploaded log once, with or without event ids', async () => {
      const withIds = [event(0), event(1), event(2)];
      const withoutIds = [event(3, { id: null }), event(4, { id: null })];
      const first = await store.recordEvents(
        upload([...withIds, ...withoutIds], 5),
      );
      expect(first).toMatchObject({ opened: 1, updated: 0, duplicates: 0 });
      const again = await store.recordEvents(
        upload([...withIds, ...withoutIds, withIds[0]], 6),
      );
      expect(again).toMatchObject({ opened: 0, updated: 0, duplicates: 6 });
      const [threat] = (await store.listForEntity(A, { active: 5, recent: 5 }))
        .active;
      expect(threat.evidence.eventCount).toBe(5);
      expect(Number((await knex(EVENTS).count({ n: '*' }))[0].n)).toBe(5);
      expect(Number((await knex(UPLOADS).count({ n: '*' }))[0].n)).toBe(2);
    });

    it('extends a threat within the gap and opens a new one after it', async () => {
      await store.recordEvents(upload([event(0), event(1)], 2));
      const extended = await store.recordEvents(
        upload([event(10, { clientIp: '198.51.100.1' })], 11),
      );
      expect(extended).toMatchObject({ opened: 0, updated: 1 });
      const later = await store.recordEvents(upload([event(40)], 41));
      expect(later).toMatchObject({ opened: 1, updated: 0 });
      const { active } = await store.listForEntity(A, { active: 5, recent: 5 });
      expect(active).toHaveLength(2);
      const [newest, first] = active;
      expect(newest.startedAt).toBe(new Date(T0 + 40 * MIN).toISOString());
      expect(first.lastSeenAt).toBe(new Date(T0 + 10 * MIN).toISOString());
      expect(first.evidence.figures.slice(0, 3)).toEqual([
        { label: 'Events', value: 3 },
        { label: 'Blocked', value: 3 },
        { label: 'Client addresses', value: 2 },
      ]);
      // Quiet for more than the gap: ended at its last event.
      expect(
        await store.endQuietEventThreats(new Date(T0 + 40 * MIN - GAP)),
      ).toBe(1);
      expect((await store.get(first.id))?.endedAt).toBe(first.lastSeenAt);
      expect((await store.get(newest.id))?.endedAt).toBeNull();
    });

    it('ends a threat whose events are older than the gap when they arrive', async () => {
      await store.recordEvents(upload([event(0), event(5)], 60));
      const [threat] = (await store.listForEntity(A, { active: 5, recent: 5 }))
        .active;
      expect(threat.endedAt).toBe(new Date(T0 + 5 * MIN).toISOString());
    });

    it('ignores events older than the retention of event keys, and prunes keys', async () => {
      const result = await store.recordEvents(
        upload([event(0), event(-3 * 24 * 60)], 1, {
          retentionMs: 24 * 60 * MIN,
        }),
      );
      expect(result).toMatchObject({ opened: 1, ignored: 1 });
      expect(await store.pruneEvents(new Date(T0 + 2 * MIN))).toBe(1);
      expect(Number((await knex(UPLOADS).count({ n: '*' }))[0].n)).toBe(0);
    });

    it('stores nothing of a report that fails part-way', async () => {
      await knex.schema.alterTable(EVENTS, table =>
        table.renameColumn('client_ip', 'client_address'),
      );
      // The message, not toThrow(): better-sqlite3's errors may come from another realm.
      await expect(
        store.recordEvents(upload([event(0), event(1)], 2)),
      ).rejects.toHaveProperty('message', expect.stringMatching(/client_ip/));
      expect(Number((await knex(THREATS).count({ n: '*' }))[0].n)).toBe(0);
      expect(Number((await knex(MONITORING).count({ n: '*' }))[0].n)).toBe(0);
      expect(Number((await knex(UPLOADS).count({ n: '*' }))[0].n)).toBe(0);
    });

    it('opens, extends and ends metric threats, replacing the evaluations', async () => {
      const now = new Date(T0 + 2 * MIN);
      await store.applyDetection({
        now,
        entityRefs: [A, B],
        changes: [{ entityRef: A, change: { kind: 'open', threat: flood(0) } }],
        monitoring: [
          {
            entityRef: A,
            detector: 'traffic-flood',
            environment: 'production',
            state: 'monitored',
            detail: 'request rate of production',
            evaluatedAt: now,
          },
          {
            entityRef: A,
            detector: 'traffic-flood',
            environment: 'staging',
            state: 'not-monitored',
            detail: 'no request-rate samples in the last hour',
            evaluatedAt: now,
          },
        ],
      });
      const lasting = await store.lastingMetricThreats([A, B]);
      expect([...lasting.keys()]).toEqual([A]);
      const [threat] = lasting.get(A)!;
      expect(threat).toMatchObject({
        detector: 'traffic-flood',
        environment: 'production',
        severity: 'high',
      });

      // Mitigated while it lasts: extended, not reopened, no new threat.
      await store.changeStatus(
        threat.id,
        { status: 'mitigated', reason: 'rate limit at the edge' },
        'user:default/alice',
        new Date(T0 + 3 * MIN),
      );
      const later = new Date(T0 + 5 * MIN);
      await store.applyDetection({
        now: later,
        entityRefs: [A],
        changes: [
          {
            entityRef: A,
            change: {
              kind: 'extend',
              id: threat.id,
              severity: 'critical',
              lastSeenAt: later,
              evidence: { ...threat.evidence, summary: 'still flooding' },
            },
          },
        ],
        monitoring: [
          {
            entityRef: A,
            detector: 'traffic-flood',
            environment: 'production',
            state: 'monitored',
            detail: 'request rate of production',
            evaluatedAt: later,
          },
        ],
      });
      expect(await store.get(threat.id)).toMatchObject({
        status: 'mitigated',
        severity: 'critical',
        lastSeenAt: later.toISOString(),
        endedAt: null,
        evidence: { summary: 'still flooding' },
        statusChangedBy: 'user:default/alice',
        statusReason: 'rate limit at the edge',
      });
      // The staging row of the earlier evaluation is gone.
      expect(
        (await store.monitoring([A])).map(m => [m.environment, m.state]),
      ).toEqual([['production', 'monitored']]);

      await store.applyDetection({
        now: new Date(T0 + 9 * MIN),
        entityRefs: [A],
        changes: [
          {
            entityRef: A,
            change: {
              kind: 'end',
              id: threat.id,
              endedAt: new Date(T0 + 7 * MIN),
            },
          },
        ],
        monitoring: [],
      });
      expect((await store.get(threat.id))?.endedAt).toBe(
        new Date(T0 + 7 * MIN).toISOString(),
      );
      expect((await store.lastingMetricThreats([A])).size).toBe(0);
      expect(
        (await store.listForEntity(A, { active: 5, recent: 5 })).recent.map(
          t => t.id,
        ),
      ).toEqual([threat.id]);
    });

    it('keeps the status history and counts open and unhandled threats', async () => {
      await store.applyDetection({
        now: new Date(T0 - 2 * 24 * 60 * MIN),
        entityRefs: [A],
        changes: [
          { entityRef: A, change: { kind: 'open', threat: flood(-3000) } },
        ],
        monitoring: [],
      });
      await store.applyDetection({
        now: new Date(T0),
        entityRefs: [A, B],
        changes: [
          {
            entityRef: A,
            change: {
              kind: 'open',
              threat: flood(0, {
                environment: 'staging',
                severity: 'critical',
              }),
            },
          },
          {
            entityRef: B,
            change: {
              kind: 'open',
              threat: flood(0, { entityRef: B, severity: 'medium' }),
            },
          },
        ],
        monitoring: [],
      });
      const { active } = await store.listForEntity(A, { active: 5, recent: 5 });
      const old = active.find(t => t.environment === 'production')!;
      const counts = await store.threatCounts(
        [A, B, 'component:default/none'],
        new Date(T0 - 24 * 60 * MIN),
      );
      expect(counts.get(A)).toEqual({
        open: { critical: 1, high: 1, medium: 0, low: 0 },
        unhandled: 1,
      });
      expect(counts.get(B)).toEqual({
        open: { critical: 0, high: 0, medium: 1, low: 0 },
        unhandled: 0,
      });
      expect(counts.has('component:default/none')).toBe(false);

      await store.changeStatus(
        old.id,
        { status: 'acknowledged' },
        'user:default/bob',
        new Date(T0 + MIN),
      );
      await store.changeStatus(
        old.id,
        { status: 'false-positive', reason: 'load test' },
        'user:default/alice',
        new Date(T0 + 2 * MIN),
      );
      expect(await store.statusHistory(old.id)).toEqual([
        {
          at: new Date(T0 + MIN).toISOString(),
          actor: 'user:default/bob',
          from: 'open',
          to: 'acknowledged',
          reason: null,
        },
        {
          at: new Date(T0 + 2 * MIN).toISOString(),
          actor: 'user:default/alice',
          from: 'acknowledged',
          to: 'false-positive',
          reason: 'load test',
        },
      ]);
      expect(
        (await store.threatCounts([A], new Date(T0 - 24 * 60 * MIN))).get(A),
      ).toEqual({
        open: { critical: 1, high: 0, medium: 0, low: 0 },
        unhandled: 0,
      });
      expect(
        await store.changeStatus(
          '00000000-0000-0000-0000-000000000000',
          { status: 'open' },
          'user:default/bob',
          new Date(T0),
        ),
      ).toBeUndefined();
    });
  },
);
