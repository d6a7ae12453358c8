import http from 'node:http';
import { AddressInfo } from 'node:net';
import { mockServices, TestDatabaseId } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { Histogram, Registry } from 'prom-client';
import { createTestDatabases } from '../../__testUtils__/databases';
import { migrateToLatest } from '../../database/migrations';
import { createCanaryMetricsReader, entityAt } from './canaryMetrics';
import { DatabasePerformanceSampleStore } from './DatabasePerformanceSampleStore';
import { MetricsProviderRegistry } from './MetricsProviderRegistry';
import { ScrapeMetricsProvider } from './scrape';

jest.setTimeout(60_000);

const logger = mockServices.logger.mock();
const servers: http.Server[] = [];

/** A real service's metrics endpoint: a prom-client request histogram with status codes. */
async function metricsServer() {
  const registry = new Registry();
  const histogram = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Request duration',
    labelNames: ['route', 'status_code'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1],
    registers: [registry],
  });
  const server = http.createServer(async (_req, res) => {
    res.setHeader('content-type', registry.contentType);
    res.end(await registry.metrics());
  });
  servers.push(server);
  await new Promise<void>(resolve =>
    server.listen(0, '127.0.0.1', () => resolve()),
  );
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/metrics`,
    host: `127.0.0.1:${port}`,
    /** Records `count` requests of the status, all taking `seconds`. */
    serve(count: number, status: string, seconds: number) {
      for (let i = 0; i < count; i++) {
        histogram.observe({ route: '/api/cart', status_code: status }, seconds);
      }
    },
  };
}

afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise(resolve => server.close(resolve));
  }
});

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'cart',
    annotations: {
      'devops-growth.io/metrics-url': 'production=http://127.0.0.1:1/metrics',
      'backstage.io/source-location': 'url:https://example.com/cart',
    },
  },
  spec: { owner: 'team-a' },
};

const at = (url: string) => ({
  environment: 'production',
  annotations: { 'devops-growth.io/metrics-url': url },
});

const pause = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

describe('createCanaryMetricsReader: sample', () => {
  it('samples canary and baseline through the scrape provider: no rates at the first sample, then error rate, P95 and rps', async () => {
    const canary = await metricsServer();
    const baseline = await metricsServer();
    const forbidden = await metricsServer();
    const registry = new MetricsProviderRegistry();
    registry.add(
      ScrapeMetricsProvider.fromConfig(
        new ConfigReader({
          devops: { allowedHosts: [canary.host, baseline.host] },
        }),
        { logger },
      ),
    );
    const reader = createCanaryMetricsReader({
      registry,
      samples: {} as never, // sampling never reads the store
      logger,
    });
    const locations = { canary: at(canary.url), baseline: at(baseline.url) };
    canary.serve(10, '200', 0.04);
    baseline.serve(10, '200', 0.04);

    const t1 = new Date('2026-12-02T12:00:00Z');
    const first = await reader.sample(entity, locations, t1);
    expect(first).toEqual({
      canary: { at: t1, errorRatePercent: null, p95Ms: null, rps: null },
      baseline: { at: t1, errorRatePercent: null, p95Ms: null, rps: null },
    });

    // Between the samples: the canary answers 20 requests, 5 of them 502 at 400 ms; the baseline
    // 50, one 500.
    canary.serve(15, '200', 0.04);
    canary.serve(5, '502', 0.4);
    baseline.serve(49, '200', 0.04);
    baseline.serve(1, '500', 0.04);
    await pause(50);
    const t2 = new Date('2026-12-02T12:00:10Z');
    const second = await reader.sample(entity, locations, t2);
    expect(second.canary).toMatchObject({ at: t2 });
    expect(second.canary!.errorRatePercent).toBeCloseTo(25, 10);
    expect(second.baseline!.errorRatePercent).toBeCloseTo(2, 10);
    // Canary P95: rank 19 of 20 falls in (0.25, 0.5] s, the 5 slow ones: 250 + 250 × 4/5.
    expect(second.canary!.p95Ms).toBeCloseTo(450, 9);
    // Baseline P95: rank 47.5 in (0, 0.05] s: 50 × 47.5/50.
    expect(second.baseline!.p95Ms).toBeCloseTo(47.5, 9);
    expect(second.canary!.rps).toBeGreaterThan(0);
    expect(second.baseline!.rps! / second.canary!.rps!).toBeGreaterThan(1.5);

    // A location whose host is not in devops.allowedHosts: that side is null.
    const refused = await reader.sample(
      entity,
      { canary: at(forbidden.url), baseline: at(baseline.url) },
      t2,
    );
    expect(refused.canary).toBeNull();
    expect(refused.baseline).not.toBeNull();
    expect(logger.debug).toHaveBeenCalledWith(
      expect.stringContaining(`is not in devops.allowedHosts`),
    );
  });

  it('answers null for a side no metrics provider handles', async () => {
    const reader = createCanaryMetricsReader({
      registry: new MetricsProviderRegistry(),
      samples: {} as never,
    });
    expect(
      await reader.sample(
        entity,
        {
          canary: at('http://127.0.0.1:9/metrics'),
          baseline: { environment: 'production', annotations: {} },
        },
        new Date(),
      ),
    ).toEqual({ canary: null, baseline: null });
  });
});

describe('entityAt', () => {
  it('lays the location annotations over a copy of the entity', () => {
    const copy = entityAt(entity, at('http://canary:9100/metrics'));
    expect(copy.metadata.annotations).toEqual({
      'devops-growth.io/metrics-url': 'http://canary:9100/metrics',
      'backstage.io/source-location': 'url:https://example.com/cart',
    });
    expect(copy.metadata.name).toBe('cart');
    expect(copy.spec).toBe(entity.spec);
    expect(entity.metadata.annotations!['devops-growth.io/metrics-url']).toBe(
      'production=http://127.0.0.1:1/metrics',
    );
  });
});

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'createCanaryMetricsReader: window on %p',
  (databaseId: TestDatabaseId) => {
    it('reads the stored samples of the environment in [from, to)', async () => {
      const knex = await databases.init(databaseId);
      await migrateToLatest(knex);
      const samples = new DatabasePerformanceSampleStore(knex);
      const T0 = Date.parse('2026-12-02T11:00:00Z');
      const stored = (minute: number, environment = 'production') => ({
        entityRef: 'component:default/cart',
        environment,
        timestamp: new Date(T0 + minute * 60_000),
        values: {
          errorRate: 0.01 * minute,
          p95Ms: 100 + minute,
          throughput: 5,
        },
      });
      await samples.insertSamples([
        stored(0),
        stored(1),
        stored(2),
        stored(3),
        stored(1, 'staging'),
      ]);
      const reader = createCanaryMetricsReader({
        registry: new MetricsProviderRegistry(),
        samples,
      });
      const window = await reader.window(
        'component:default/cart',
        'production',
        new Date(T0 + 60_000),
        new Date(T0 + 3 * 60_000),
      );
      expect(window.map(p => p.at.toISOString())).toEqual([
        '2026-12-02T11:01:00.000Z',
        '2026-12-02T11:02:00.000Z',
      ]);
      expect(window[1].values).toMatchObject({
        p95Ms: 102,
        throughput: 5,
        p99Ms: null,
      });
      expect(window[1].values.errorRate).toBeCloseTo(0.02, 10);
    });
  },
);
