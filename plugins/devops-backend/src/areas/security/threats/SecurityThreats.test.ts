import { mockServices, TestDatabaseId } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Knex } from 'knex';
import { createTestDatabases } from '../../../__testUtils__/databases';
import { migrateToLatest } from '../../../database/migrations';
import {
  generateRequests,
  InMemoryRequestMetricsReader,
  MINUTE,
} from './__testUtils__/requestSeries';
import { DatabaseThreatStore } from './DatabaseThreatStore';
import { SecurityThreats } from './SecurityThreats';
import { readThreatSettings } from './settings';

jest.setTimeout(120_000);

const databases = createTestDatabases();
const NOW = Date.parse('2026-12-02T14:00:00Z');
const DAY = 24 * 60 * MINUTE;
const A = 'component:default/shop';
const LOGIN = 'component:default/login';
const B = 'component:default/no-auth-counts';
const C = 'component:default/no-metrics';

function entity(name: string, areas: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: { 'devops-growth.io/monitoring': areas },
    },
    spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
  };
}

/** x12 from NOW+1m to NOW+10m, x6 from NOW+20m to NOW+25m. */
const floods = (t: number) => {
  if (t > NOW && t < NOW + 10 * MINUTE) return 12;
  if (t >= NOW + 20 * MINUTE && t < NOW + 25 * MINUTE) return 6;
  return 1;
};

function reader(): InMemoryRequestMetricsReader {
  const r = new InMemoryRequestMetricsReader();
  const from = NOW - 15 * DAY;
  const to = NOW + 30 * MINUTE;
  r.set(
    A,
    'production',
    generateRequests({ from, to, base: 200, seed: 1, shape: floods }),
  );
  r.set(
    LOGIN,
    'production',
    generateRequests({
      from,
      to,
      base: 50,
      seed: 2,
      extraAuth: t => (t > NOW && t < NOW + 5 * MINUTE ? 40 : 0),
    }),
  );
  r.set(
    B,
    'production',
    generateRequests({ from, to, base: 20, seed: 3, auth: false }),
  );
  return r;
}

describe.each(databases.eachSupportedId())(
  'SecurityThreats on %p',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;
    let metrics: InMemoryRequestMetricsReader;
    let threats: SecurityThreats;
    const at = (minutes: number) => new Date(NOW + minutes * MINUTE);

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      await migrateToLatest(knex);
      metrics = reader();
      threats = new SecurityThreats({
        store: new DatabaseThreatStore(knex),
        settings: readThreatSettings(
          new ConfigReader({
            devops: { security: { threats: { detection: { batchSize: 2 } } } },
          }),
        ),
        reader: metrics,
        entityPages: async onPage => {
          await onPage([A, LOGIN]);
          await onPage([B, C]);
          return 2;
        },
        logger: mockServices.logger.mock(),
      });
    });

    it('raises a flood after two ticks, extends it while it lasts, ends it, and opens a new one for the next', async () => {
      const detection = threats.detection;
      expect(await detection.run(at(0))).toMatchObject({
        entities: 4,
        batches: 2,
        opened: 0,
      });
      // One recentRequests and one hourlyRequests call per batch, not per entity.
      expect(metrics.calls.map(c => [c.kind, c.entityRefs])).toEqual([
        ['recent', [A, LOGIN]],
        ['hourly', [A, LOGIN]],
        ['recent', [B, C]],
        ['hourly', [B, C]],
      ]);
      await detection.run(at(1));
      expect(metrics.calls.filter(c => c.kind === 'hourly')).toHaveLength(2); // cached
      expect(
        (await threats.summary(entity('shop', 'security'), at(1))).active,
      ).toEqual([]);

      await detection.run(at(2));
      const [flood] = (await threats.summary(entity('shop', 'security'), at(2)))
        .active;
      expect(flood).toMatchObject({
        entityRef: A,
        environment: 'production',
        type: 'traffic-flood',
        detector: 'traffic-flood',
        severity: 'critical',
        status: 'open',
        startedAt: at(1).toISOString(),
        lastSeenAt: at(2).toISOString(),
        endedAt: null,
      });
      expect(flood.evidence.summary).toMatch(
        /^Request rate \d+ req\/s, 1[0-3](\.\d+)?x the usual \d+ req\/s of this hour/,
      );

      await threats.changeStatus(
        flood,
        { status: 'mitigated', reason: 'blocked at the CDN' },
        'user:default/alice',
        at(2),
      );
      await detection.run(at(3));
      const extended = await threats.get(flood.id);
      expect(extended).toMatchObject({
        status: 'mitigated',
        lastSeenAt: at(3).toISOString(),
        endedAt: null,
      });

      await detection.run(at(10)); // one quiet point: unsettled
      expect((await threats.get(flood.id))?.endedAt).toBeNull();
      await detection.run(at(11));
      expect((await threats.get(flood.id))?.endedAt).toBe(at(10).toISOString());

      await detection.run(at(21));
      const summary = await threats.summary(entity('shop', 'security'), at(21));
      expect(summary.active).toHaveLength(1);
      expect(summary.active[0]).toMatchObject({
        severity: 'high',
        status: 'open',
        startedAt: at(20).toISOString(),
      });
      expect(summary.recent.map(t => t.id)).toEqual([flood.id]);
      expect(await threats.statusHistory(flood.id)).toEqual([
        expect.objectContaining({
          from: 'open',
          to: 'mitigated',
          actor: 'user:default/alice',
        }),
      ]);
    });

    it('raises a brute force on a 401/403 surge after three ticks', async () => {
      for (const minute of [0, 1, 2]) await threats.detection.run(at(minute));
      expect(
        (await threats.summary(entity('login', 'security'), at(2))).active,
      ).toEqual([]);
      await threats.detection.run(at(3));
      const [threat] = (
        await threats.summary(entity('login', 'security'), at(3))
      ).active;
      expect(threat).toMatchObject({
        type: 'brute-force',
        detector: 'brute-force',
        // 40 per second over the usual 0.5: more than 50 times the baseline.
        severity: 'critical',
        startedAt: at(1).toISOString(),
      });
      expect(threat.evidence.figures[0]).toMatchObject({
        label: 'Authentication failures',
        unit: 'per second',
      });
      expect(threat.evidence.figures[0].value).toBeGreaterThan(40);
    });

    it('says which detector is not monitored and why, never "no threats"', async () => {
      const before = await threats.facts([A, B, C], at(0));
      for (const ref of [A, B, C]) {
        expect(before.get(ref)?.monitoring.map(m => m.state)).toEqual([
          'not-monitored',
          'not-monitored',
          'not-monitored',
        ]);
      }
      await threats.detection.run(at(0));
      const facts = await threats.facts([A, B, C], at(0));
      const monitoring = (ref: string) =>
        Object.fromEntries(
          facts
            .get(ref)!
            .monitoring.map(m => [m.detector, [m.state, m.detail]]),
        );
      expect(monitoring(A)).toEqual({
        // 15 days of history: the same hour of the same weekday, 7 and 14 days ago.
        'traffic-flood': [
          'monitored',
          expect.stringMatching(
            /^request rate of production against the same hour of the same weekday of 2 past weeks \(median \d+ req\/s\)$/,
          ),
        ],
        'brute-force': [
          'monitored',
          expect.stringMatching(/^401\/403 responses of production/),
        ],
        'waf-events': [
          'not-monitored',
          'no WAF or IDS events were uploaded; see POST /reports with format modsecurity',
        ],
      });
      expect(monitoring(B)['brute-force']).toEqual([
        'not-monitored',
        'the metrics source reports no 401/403 counts',
      ]);
      expect(monitoring(B)['traffic-flood'][0]).toBe('monitored');
      expect(monitoring(C)['traffic-flood']).toEqual([
        'not-monitored',
        'no request-rate samples in the last hour',
      ]);
      expect(monitoring(C)['brute-force']).toEqual([
        'not-monitored',
        'no request metrics in the last hour',
      ]);
      expect(facts.get(A)?.monitoring[0].evaluatedAt).toBe(at(0).toISOString());
      expect(facts.get(A)).toMatchObject({
        openThreats: { critical: 0, high: 0, medium: 0, low: 0 },
        unhandledThreats: 0,
      });
    });

    it('records WAF events as threats and marks the detector monitored', async () => {
      const receipt = await threats.recordEvents(
        {
          entity: entity('shop', 'security'),
          format: 'modsecurity',
          sizeBytes: 2048,
          receivedAt: at(5),
        },
        {
          kind: 'security-events',
          events: [1, 2].map(minute => ({
            id: `tx-${minute}`,
            at: at(minute),
            source: 'modsecurity',
            type: 'path-traversal' as const,
            severity: 'critical' as const,
            blocked: true,
            clientIp: '192.0.2.10',
            request: 'GET /../../etc/passwd',
            ruleIds: ['930100'],
            message: 'Path Traversal Attack (/../)',
            environment: 'production',
          })),
        },
      );
      expect(receipt).toMatchObject({
        entityRef: A,
        kind: 'security-events',
        format: 'modsecurity',
        branch: '',
        commitSha: '',
        createdAt: at(5).toISOString(),
        itemCount: 2,
        threats: { opened: 1, updated: 0 },
      });
      const facts = await threats.facts([A], at(5));
      expect(facts.get(A)?.openThreats.critical).toBe(1);
      expect(facts.get(A)?.monitoring[2]).toMatchObject({
        detector: 'waf-events',
        state: 'monitored',
        evaluatedAt: at(5).toISOString(),
      });
      // A day later nobody acknowledged it: unhandled.
      expect(
        (await threats.facts([A], new Date(NOW + DAY + 6 * MINUTE))).get(A)
          ?.unhandledThreats,
      ).toBe(1);
    });

    it('reads the security-enabled entities from the catalog in pages', async () => {
      const fromConfig = SecurityThreats.fromConfig(
        new ConfigReader({
          devops: { security: { threats: { detection: { pageSize: 1 } } } },
        }),
        {
          knex,
          reader: metrics,
          catalog: catalogServiceMock({
            entities: [
              entity('shop', 'security,performance'),
              entity('login', 'enabled'),
              entity('perf-only', 'performance'),
            ],
          }),
          auth: mockServices.auth(),
          logger: mockServices.logger.mock(),
        },
      );
      const result = await fromConfig.detection.run(at(0));
      expect(result.entities).toBe(2);
      expect(
        metrics.calls
          .filter(c => c.kind === 'recent')
          .flatMap(c => c.entityRefs)
          .sort(),
      ).toEqual([LOGIN, A]);
    });
  },
);
