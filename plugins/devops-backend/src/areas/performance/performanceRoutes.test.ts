import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { MetricsSample } from '@devops-growth/backstage-plugin-devops-node';
import { Knex } from 'knex';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { createTestDatabases } from '../../__testUtils__/databases';
import { migrateToLatest } from '../../database/migrations';
import { devopsPlugin } from '../../plugin';
import { DatabasePerformanceSampleStore } from './DatabasePerformanceSampleStore';
import { DatabaseLoadTestStore } from './DatabaseLoadTestStore';
import { DatabasePerformanceRollupStore } from './DatabasePerformanceRollupStore';
import { DatabasePerformanceTargetStore } from './DatabasePerformanceTargetStore';
import { INTERRUPTED_MESSAGE } from './LoadTestStore';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const entity = (name: string, annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
});

/** A local service to load: every 10th request answers 500, the others 200 after ~1 ms. */
let target: http.Server;
let targetUrl: string;
let targetRequests = 0;
beforeAll(async () => {
  target = http.createServer((_req, res) => {
    targetRequests += 1;
    const status = targetRequests % 10 === 0 ? 500 : 200;
    setTimeout(() => res.writeHead(status).end('ok'), 1);
  });
  await new Promise<void>(resolve => target.listen(0, '127.0.0.1', resolve));
  targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  await new Promise(resolve => target.close(resolve));
});

function entities(): Entity[] {
  return [
    entity('checkout', {
      'devops-growth.io/monitoring': 'performance',
      'devops-growth.io/target-p95-ms': '300',
      'devops-growth.io/target-p99-ms': 'soon',
      'devops-growth.io/load-test-url': `production=${targetUrl}`,
    }),
    entity('legacy', { 'devops-growth.io/monitoring': 'coverage' }),
    entity('nourl', { 'devops-growth.io/monitoring': 'enabled' }),
    entity('badurl', {
      'devops-growth.io/monitoring': 'performance',
      'devops-growth.io/load-test-url': 'ftp://example.com/',
    }),
    entity('closed', {
      'devops-growth.io/monitoring': 'performance',
      // a port nothing listens on
      'devops-growth.io/load-test-url': 'http://127.0.0.1:9/',
    }),
  ];
}

async function start(
  knex: Knex,
  options: {
    permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
    auditor?: ReturnType<typeof mockServices.auditor.mock>;
    allowedHosts?: string[];
  } = {},
) {
  const backend = await startTestBackend({
    features: [
      devopsPlugin,
      mockServices.database.factory({ knex }),
      catalogServiceMock.factory({ entities: entities() }),
      mockServices.rootConfig.factory({
        data: {
          devops: {
            performance: { loadTests: { maxDuration: '5s' } },
            // The test's load-test target listens on 127.0.0.1.
            allowedHosts: options.allowedHosts ?? ['127.0.0.1'],
          },
        },
      }),
      ...(options.permission
        ? [mockServices.permissions.factory({ result: options.permission })]
        : []),
      ...(options.auditor ? [options.auditor.factory] : []),
    ],
  });
  return backend;
}

const BASE = '/api/devops/entities/component/default';

describe.each(databases.eachSupportedId())(
  'performance routes on %p',
  databaseId => {
    let knex: Knex;
    beforeEach(async () => {
      knex = await databases.init(databaseId);
      await migrateToLatest(knex);
    });

    it('serves the summary: current figures, breaches, regressions, series and recommendations', async () => {
      const backend = await start(knex);
      const samples = new DatabasePerformanceSampleStore(knex);
      const now = Date.now();
      const rows: MetricsSample[] = [];
      // One sample a minute for two hours: P95 ~200 ms the hour before, ~400 ms the last hour.
      for (let i = 1; i <= 119; i++) {
        const recent = i < 60;
        rows.push({
          entityRef: 'component:default/checkout',
          environment: 'production',
          timestamp: new Date(now - i * 60_000),
          values: {
            p50Ms: 20,
            p95Ms: (recent ? 400 : 200) + 10 * Math.sin(i),
            p99Ms: 450,
            throughput: 12,
            errorRate: 0.001,
          },
        });
      }
      rows.push({
        entityRef: 'component:default/checkout',
        environment: 'staging',
        timestamp: new Date(now - 30_000),
        values: { p95Ms: 90 },
      });
      await samples.insertSamples(rows);

      const res = await request(backend.server).get(
        `${BASE}/checkout/performance?window=1h`,
      );
      expect(res.status).toBe(200);
      const summary = res.body;
      expect(summary).toMatchObject({
        entityRef: 'component:default/checkout',
        environment: 'production',
        environments: ['production', 'staging'],
        window: '1h',
        resolution: 'raw',
        bucketMinutes: 1,
        stale: null,
        source: null,
        loadTestEnvironments: ['production'],
        loadTests: [],
      });
      // Served rounded to 3 decimals.
      expect(summary.current.p95Ms).toBeCloseTo(400 + 10 * Math.sin(1), 3);
      // 59 or 60 one-minute buckets, depending on where the minute boundary falls
      expect(summary.series.length).toBeGreaterThanOrEqual(59);
      expect(summary.series.length).toBeLessThanOrEqual(61);
      expect(summary.targets.targets).toEqual({
        p95Ms: 300,
        p99Ms: 1000,
        errorRate: 0.01,
        minThroughput: null,
      });
      expect(summary.targets.sources.p95Ms).toBe('annotation');
      expect(summary.breaches).toEqual([
        {
          target: 'p95Ms',
          limit: 300,
          actual: summary.current.p95Ms,
          source: 'annotation',
        },
      ]);
      expect(summary.regressions.map((r: any) => r.metric)).toEqual(['p95Ms']);
      expect(summary.regressions[0].changePercent).toBeGreaterThan(90);
      expect(summary.recommendations.map((r: any) => r.id)).toEqual([
        'performance.p95-above-target',
        'performance.p95-regression',
        'performance.no-load-test',
        'performance.invalid-target-annotation',
      ]);

      const staging = await request(backend.server).get(
        `${BASE}/checkout/performance?window=24h&environment=staging`,
      );
      expect(staging.status).toBe(200);
      expect(staging.body).toMatchObject({
        environment: 'staging',
        resolution: 'raw',
        breaches: [],
        regressions: [],
      });
      expect(staging.body.current.p95Ms).toBe(90);

      // Long windows read the hourly roll-ups.
      await new DatabasePerformanceRollupStore(knex).rollupHours(
        new Date(now - 3 * 3_600_000),
        new Date(now),
      );
      const week = await request(backend.server).get(
        `${BASE}/checkout/performance?window=7d`,
      );
      expect(week.body.resolution).toBe('hourly');
      expect(week.body.bucketMinutes).toBe(60);
      expect(week.body.series.length).toBeGreaterThanOrEqual(2);
      for (const point of week.body.series) {
        expect(new Date(point.at).getTime() % 3_600_000).toBe(0);
      }
      // 24 hours: the 10-minute roll-ups the inserts keep current.
      const day = await request(backend.server).get(
        `${BASE}/checkout/performance?window=24h`,
      );
      expect(day.body).toMatchObject({ resolution: 'raw', bucketMinutes: 10 });
      expect(day.body.series.length).toBeGreaterThanOrEqual(6);
      for (const point of day.body.series) {
        expect(new Date(point.at).getTime() % 600_000).toBe(0);
      }
      // 30 days: the roll-ups merged into 6-hour points.
      const month = await request(backend.server).get(
        `${BASE}/checkout/performance?window=30d`,
      );
      expect(month.body).toMatchObject({
        resolution: 'hourly',
        bucketMinutes: 360,
      });
      expect(month.body.series.length).toBeGreaterThanOrEqual(1);
      expect(month.body.series.length).toBeLessThanOrEqual(
        week.body.series.length,
      );
      for (const point of month.body.series) {
        expect(new Date(point.at).getTime() % (6 * 3_600_000)).toBe(0);
      }

      // A failing source marks the data stale.
      await samples.recordCollection({
        at: new Date(),
        succeeded: [],
        failed: [
          {
            entityRef: 'component:default/checkout',
            provider: 'scrape',
            message: 'connection refused',
          },
        ],
      });
      const stale = await request(backend.server).get(
        `${BASE}/checkout/performance`,
      );
      expect(stale.body.stale).toMatchObject({
        source: 'scrape',
        error: 'connection refused',
      });
      expect(stale.body.recommendations.map((r: any) => r.id)).toContain(
        'performance.stale-data',
      );
      await backend.stop();
    });

    it('answers 400 for bad queries and entities without the area, 404 for unknown ones', async () => {
      const backend = await start(knex);
      const bad = await request(backend.server).get(
        `${BASE}/checkout/performance?window=2h`,
      );
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toContain('window');
      const legacy = await request(backend.server).get(
        `${BASE}/legacy/performance`,
      );
      expect(legacy.status).toBe(400);
      expect(legacy.body.error.message).toContain(
        'devops-growth.io/monitoring',
      );
      const unknown = await request(backend.server).get(
        `${BASE}/nobody/performance/targets`,
      );
      expect(unknown.status).toBe(404);
      const empty = await request(backend.server).get(
        `${BASE}/nourl/performance`,
      );
      expect(empty.status).toBe(200);
      expect(empty.body).toMatchObject({
        environment: null,
        environments: [],
        current: null,
        series: [],
        recommendations: [],
      });
      await backend.stop();
    });

    it('changes targets with history, refuses bad changes without changing anything', async () => {
      const backend = await start(knex);
      const url = `${BASE}/checkout/performance/targets`;
      const initial = await request(backend.server).get(url);
      expect(initial.status).toBe(200);
      expect(initial.body).toEqual({
        targets: {
          targets: {
            p95Ms: 300,
            p99Ms: 1000,
            errorRate: 0.01,
            minThroughput: null,
          },
          sources: {
            p95Ms: 'annotation',
            p99Ms: 'default',
            errorRate: 'default',
            minThroughput: 'default',
          },
        },
        history: [],
      });

      const put = await request(backend.server)
        .put(url)
        .send({
          changes: { p95Ms: 250, minThroughput: 5 },
          comment: 'after the cache',
        });
      expect(put.status).toBe(200);
      expect(put.body.targets.targets).toMatchObject({
        p95Ms: 250,
        minThroughput: 5,
      });
      expect(put.body.targets.sources).toMatchObject({
        p95Ms: 'api',
        minThroughput: 'api',
      });
      expect(put.body.change).toMatchObject({
        entityRef: 'component:default/checkout',
        changes: { p95Ms: 250, minThroughput: 5 },
        actor: 'user:default/mock',
        comment: 'after the cache',
      });

      const badBodies: unknown[] = [
        {},
        { changes: {} },
        { changes: { p95Ms: -1 } },
        { changes: { p95Ms: 0 } },
        { changes: { p95Ms: '250' } },
        { changes: { errorRate: 1.5 } },
        { changes: { p50Ms: 100 } },
        { changes: { p95Ms: 100 }, actor: 'someone-else' },
        { changes: { p95Ms: 100 }, comment: 'bell\u0007' },
      ];
      for (const body of badBodies) {
        const res = await request(backend.server)
          .put(url)
          .send(body as object);
        expect({ body, status: res.status }).toEqual({ body, status: 400 });
      }
      const malformed = await request(backend.server)
        .put(url)
        .set('Content-Type', 'application/json')
        .send('{"changes": {"p95Ms": ');
      expect(malformed.status).toBe(400);

      const removed = await request(backend.server)
        .put(url)
        .send({ changes: { p95Ms: null } });
      expect(removed.status).toBe(200);
      expect(removed.body.targets.targets.p95Ms).toBe(300);
      expect(removed.body.targets.sources.p95Ms).toBe('annotation');

      const after = await request(backend.server).get(url);
      expect(after.body.history.map((c: any) => c.changes)).toEqual([
        { p95Ms: null },
        { p95Ms: 250, minThroughput: 5 },
      ]);
      expect(after.body.targets.targets.minThroughput).toBe(5);
      await backend.stop();
    });

    it('refuses target changes and load tests without permission', async () => {
      const backend = await start(knex, { permission: AuthorizeResult.DENY });
      const put = await request(backend.server)
        .put(`${BASE}/checkout/performance/targets`)
        .send({ changes: { p95Ms: 250 } });
      expect(put.status).toBe(403);
      const post = await request(backend.server)
        .post(`${BASE}/checkout/performance/load-tests`)
        .send({});
      expect(post.status).toBe(403);
      const read = await request(backend.server).get(
        `${BASE}/checkout/performance`,
      );
      expect(read.status).toBe(403);
      const store = new DatabasePerformanceTargetStore(knex);
      expect(
        await store.listTargetChanges('component:default/checkout'),
      ).toEqual([]);
      expect(await store.getOverrides('component:default/checkout')).toEqual(
        {},
      );
      expect(
        await new DatabaseLoadTestStore(knex).listLoadTests(
          'component:default/checkout',
        ),
      ).toEqual([]);
      await backend.stop();
    });

    it('runs a bounded load test against the declared endpoint, one at a time', async () => {
      const backend = await start(knex);
      const url = `${BASE}/checkout/performance/load-tests`;
      const before = targetRequests;
      const started = await request(backend.server)
        .post(url)
        .send({ durationSeconds: 1, connections: 2 });
      expect(started.status).toBe(202);
      expect(started.body.run).toMatchObject({
        entityRef: 'component:default/checkout',
        environment: 'production',
        url: targetUrl,
        status: 'running',
        startedBy: 'user:default/mock',
        durationSeconds: 1,
        connections: 2,
      });
      const again = await request(backend.server).post(url).send({});
      expect(again.status).toBe(409);

      const id = started.body.run.id;
      let run = started.body.run;
      for (let i = 0; i < 100 && run.status === 'running'; i++) {
        await new Promise(resolve => setTimeout(resolve, 100));
        run = (await request(backend.server).get(`${url}/${id}`)).body;
      }
      expect(run.status).toBe('succeeded');
      const served = targetRequests - before;
      expect(run.requests).toBeGreaterThan(20);
      expect(Math.abs(run.requests - served)).toBeLessThanOrEqual(2 * 2);
      // Every 10th request answered 500.
      expect(run.errors / run.requests).toBeGreaterThan(0.05);
      expect(run.errors / run.requests).toBeLessThan(0.15);
      expect(run.p50Ms).toBeGreaterThan(0);
      expect(run.p95Ms).toBeGreaterThanOrEqual(run.p50Ms);
      expect(run.p99Ms).toBeGreaterThanOrEqual(run.p95Ms);
      expect(run.throughput).toBeGreaterThan(10);

      const list = await request(backend.server).get(url);
      expect(list.body.items.map((r: any) => r.id)).toEqual([id]);
      const summary = await request(backend.server).get(
        `${BASE}/checkout/performance`,
      );
      expect(summary.body.loadTests[0].id).toBe(id);
      expect(summary.body.recommendations.map((r: any) => r.id)).not.toContain(
        'performance.no-load-test',
      );
      expect((await request(backend.server).get(`${url}/nope`)).status).toBe(
        404,
      );
      await backend.stop();
    });

    it('refuses load tests outside the bounds or without a declared endpoint, storing nothing', async () => {
      const backend = await start(knex);
      const post = (name: string, body: object) =>
        request(backend.server)
          .post(`${BASE}/${name}/performance/load-tests`)
          .send(body);
      const cases: Array<[string, object, string]> = [
        [
          'checkout',
          { durationSeconds: 6 },
          'devops.performance.loadTests.maxDuration',
        ],
        ['checkout', { durationSeconds: 0.5 }, 'durationSeconds'],
        [
          'checkout',
          { connections: 11 },
          'devops.performance.loadTests.maxConnections',
        ],
        ['checkout', { url: 'http://evil.example.com/' }, 'url'],
        [
          'checkout',
          { environment: 'staging' },
          'devops-growth.io/load-test-url',
        ],
        ['nourl', {}, 'devops-growth.io/load-test-url'],
        ['badurl', {}, 'devops-growth.io/load-test-url'],
        ['legacy', {}, 'devops-growth.io/monitoring'],
      ];
      for (const [name, body, message] of cases) {
        const res = await post(name, body);
        expect({ name, body, status: res.status }).toEqual({
          name,
          body,
          status: 400,
        });
        expect(res.body.error.message).toContain(message);
      }
      const store = new DatabaseLoadTestStore(knex);
      for (const name of ['checkout', 'nourl', 'badurl', 'legacy']) {
        expect(await store.listLoadTests(`component:default/${name}`)).toEqual(
          [],
        );
      }

      // An endpoint that does not answer: the run fails with a message.
      const started = await post('closed', {
        durationSeconds: 1,
        connections: 1,
      });
      expect(started.status).toBe(202);
      let run = started.body.run;
      for (let i = 0; i < 100 && run.status === 'running'; i++) {
        await new Promise(resolve => setTimeout(resolve, 100));
        run = (
          await request(backend.server).get(
            `${BASE}/closed/performance/load-tests/${run.id}`,
          )
        ).body;
      }
      expect(run.status).toBe('failed');
      expect(run.error).toContain('No response from http://127.0.0.1:9/');
      await backend.stop();
    });

    it('refuses a load test against a host outside devops.allowedHosts', async () => {
      const backend = await start(knex, { allowedHosts: ['*.example.com'] });
      const res = await request(backend.server)
        .post(`${BASE}/checkout/performance/load-tests`)
        .send({ durationSeconds: 1 });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain('is not in devops.allowedHosts');
      expect(
        await new DatabaseLoadTestStore(knex).listLoadTests(
          'component:default/checkout',
        ),
      ).toEqual([]);
      await backend.stop();
    });

    it('fails load tests left running by a dead process at start-up', async () => {
      const store = new DatabaseLoadTestStore(knex);
      const leftover = await store.startLoadTest({
        entityRef: 'component:default/checkout',
        environment: 'production',
        url: targetUrl,
        startedBy: 'user:default/mock',
        durationSeconds: 10,
        connections: 2,
        maxConcurrent: 2,
        at: new Date(Date.now() - 3_600_000),
      });
      const backend = await start(knex);
      // Read the row itself: reads through the API show such runs as failed whether swept or not.
      const row = await knex('devops_load_test_runs')
        .where({ id: leftover.id })
        .first();
      expect(row).toMatchObject({
        status: 'failed',
        error: INTERRUPTED_MESSAGE,
        running_entity_ref: null,
      });
      const res = await request(backend.server).get(
        `${BASE}/checkout/performance/load-tests/${leftover.id}`,
      );
      expect(res.body).toMatchObject({
        status: 'failed',
        error: INTERRUPTED_MESSAGE,
      });
      await backend.stop();
    });

    it('audits target changes and load test starts, failures included', async () => {
      const events: Array<{
        eventId: string;
        meta: unknown;
        outcome?: string;
        result?: unknown;
      }> = [];
      const auditor = mockServices.auditor.mock({
        createEvent: jest.fn(async (options: any) => {
          const event = {
            eventId: options.eventId,
            meta: options.meta,
          } as (typeof events)[number];
          events.push(event);
          return {
            success: jest.fn(async (o?: any) => {
              event.outcome = 'success';
              event.result = o?.meta;
            }),
            fail: jest.fn(async (o: any) => {
              event.outcome = 'fail';
              event.result = o.error.message;
            }),
          };
        }),
      });
      const backend = await start(knex, { auditor });
      const targets = `${BASE}/checkout/performance/targets`;
      await request(backend.server)
        .put(targets)
        .send({ changes: { p99Ms: 900 } });
      await request(backend.server)
        .put(targets)
        .send({ changes: { p99Ms: -1 } });
      const started = await request(backend.server)
        .post(`${BASE}/checkout/performance/load-tests`)
        .send({ durationSeconds: 1, connections: 1 });
      expect(started.status).toBe(202);

      expect(events).toEqual([
        {
          eventId: 'performance-targets-update',
          meta: {
            entityRef: 'component:default/checkout',
            changes: { p99Ms: 900 },
          },
          outcome: 'success',
          result: { changeId: expect.any(String), changes: { p99Ms: 900 } },
        },
        {
          eventId: 'performance-targets-update',
          meta: {
            entityRef: 'component:default/checkout',
            changes: { p99Ms: -1 },
          },
          outcome: 'fail',
          result: expect.stringContaining('p99Ms'),
        },
        {
          eventId: 'load-test-start',
          meta: {
            entityRef: 'component:default/checkout',
            environment: undefined,
            durationSeconds: 1,
            connections: 1,
          },
          outcome: 'success',
          result: {
            runId: started.body.run.id,
            environment: 'production',
            url: targetUrl,
          },
        },
      ]);
      await backend.stop();
    });

    it('stores a run stopped by a backend shutdown as failed', async () => {
      const backend = await start(knex);
      const started = await request(backend.server)
        .post(`${BASE}/checkout/performance/load-tests`)
        .send({ durationSeconds: 5, connections: 1 });
      expect(started.status).toBe(202);
      await new Promise(resolve => setTimeout(resolve, 300));
      await backend.stop();
      const row = await knex('devops_load_test_runs')
        .where({ id: started.body.run.id })
        .first();
      expect(row).toMatchObject({
        status: 'failed',
        error: 'stopped by a backend shutdown',
        running_entity_ref: null,
      });
    });
  },
);
