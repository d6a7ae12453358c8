import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { MetricsCollectionResult } from '@devops-growth/backstage-plugin-devops-node';
import { createServer } from 'node:net';
import {
  FakeAnswer,
  metricOf,
  servicesOf,
  startFakePrometheus,
  vector,
} from './__testUtils__/fakePrometheus';
import { readPrometheusInstances } from './config';
import { PrometheusMetricsProvider } from './PrometheusMetricsProvider';

const now = new Date('2024-05-01T12:00:00.000Z');
const logger = mockServices.logger.mock();

function entity(
  name: string,
  annotations: Record<string, string> = {},
  namespace = 'default',
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace, annotations },
    spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
  };
}

function provider(instances: object[]) {
  return new PrometheusMetricsProvider(
    readPrometheusInstances(
      new ConfigReader({ devops: { prometheus: { instances } } }),
    ),
  );
}

function collect(
  p: PrometheusMetricsProvider,
  entities: Entity[],
  signal: AbortSignal = new AbortController().signal,
) {
  return p.collect(entities, { now, signal, logger });
}

function sampleOf(
  result: MetricsCollectionResult,
  entityRef: string,
  environment = 'default',
) {
  return result.samples.find(
    s => s.entityRef === entityRef && s.environment === environment,
  );
}

/** Base value per metric as Prometheus would return it (latencies in seconds). */
const BASE: Record<string, number> = {
  p50Ms: 0.01,
  p95Ms: 0.05,
  p99Ms: 0.1,
  throughput: 10,
  errorRate: 0.001,
  cpuCores: 0.1,
  memoryBytes: 1_000_000,
  authFailureRps: 0.2,
  rateLimitedRps: 0.05,
};

/**
 * Answers like Prometheus holding, for every service named in the query's regex, series in
 * `production` and `staging`; values encode the service's position and the environment. When
 * the query does not group by `env`, one series per service, with the production values.
 */
function perService(query: string): FakeAnswer {
  const metric = metricOf(query);
  const names = servicesOf(query);
  const environments = query.includes('service, env)')
    ? ['production', 'staging']
    : [undefined];
  return vector(
    names.flatMap(name => {
      const n = Number(name.replace(/\D/g, '')) || 0;
      return environments.map((env, e) => ({
        metric: (env ? { service: name, env } : { service: name }) as Record<
          string,
          string
        >,
        value: BASE[metric] * (n + 1) * (e + 1),
      }));
    }),
  );
}

describe('PrometheusMetricsProvider', () => {
  let fake: Awaited<ReturnType<typeof startFakePrometheus>>;

  beforeEach(async () => {
    fake = await startFakePrometheus(perService);
  });
  afterEach(async () => {
    await fake.close();
  });

  it('handles every entity and has the id prometheus', () => {
    const p = provider([{ name: 'main', baseUrl: fake.baseUrl }]);
    expect(p.id).toBe('prometheus');
    expect(p.handles(entity('anything'))).toBe(true);
  });

  it('sends one form-encoded POST per metric, with the tick time and the configured headers', async () => {
    const p = provider([
      {
        name: 'main',
        baseUrl: `${fake.baseUrl}/`,
        headers: { Authorization: 'Bearer s3cret', 'X-Scope-OrgID': 'team' },
        environmentLabel: 'env',
      },
    ]);
    const result = await collect(p, [entity('svc-1')]);

    expect(fake.requests).toHaveLength(9);
    for (const request of fake.requests) {
      expect(request.method).toBe('POST');
      expect(request.path).toBe('/api/v1/query');
      expect(request.headers['content-type']).toBe(
        'application/x-www-form-urlencoded',
      );
      expect(request.headers.authorization).toBe('Bearer s3cret');
      expect(request.headers['x-scope-orgid']).toBe('team');
      expect(request.form.time).toBe(`${now.getTime() / 1000}.000`);
    }
    expect(fake.requests.map(r => metricOf(r.form.query)).sort()).toEqual(
      Object.keys(BASE).sort(),
    );
    const p95 = fake.requests.find(r => metricOf(r.form.query) === 'p95Ms')!;
    expect(p95.form.query).toBe(
      '(histogram_quantile(0.95, sum by (le, service, env) (rate(http_request_duration_seconds_bucket{service=~"svc-1"}[5m]))))',
    );

    expect(result.failures).toEqual([]);
    expect(result.samples).toHaveLength(2);
    expect(sampleOf(result, 'component:default/svc-1', 'staging')).toEqual({
      entityRef: 'component:default/svc-1',
      environment: 'staging',
      timestamp: now,
      values: {
        p50Ms: 40,
        p95Ms: 200,
        p99Ms: 400,
        throughput: 40,
        errorRate: 0.004,
        cpuCores: 0.4,
        memoryBytes: 4_000_000,
        authFailureRps: 0.8,
        rateLimitedRps: 0.2,
      },
    });
    const authFailures = fake.requests.find(
      r => metricOf(r.form.query) === 'authFailureRps',
    )!;
    expect(authFailures.form.query).toBe(
      '(sum by (service, env) (rate(http_request_duration_seconds_count{service=~"svc-1",status_code=~"401|403"}[5m]))' +
        ' or sum by (service, env) (rate(http_request_duration_seconds_count{service=~"svc-1",status_code=~".+"}[5m])) * 0)',
    );
  });

  it('costs the same 9 requests for 500 entities and maps every series back to its entity and environment', async () => {
    const p = provider([
      { name: 'main', baseUrl: fake.baseUrl, environmentLabel: 'env' },
    ]);
    const entities = Array.from({ length: 500 }, (_, i) =>
      // Dots in names must be escaped in the regex to match only that service.
      entity(i % 50 === 7 ? `svc.${i}` : `svc-${i}`),
    );
    const result = await collect(p, entities);

    expect(fake.requests).toHaveLength(9);
    expect(servicesOf(fake.requests[0].form.query)).toHaveLength(500);
    expect(fake.requests[0].form.query).toContain('svc\\\\.57|');
    expect(result.failures).toEqual([]);
    expect(result.samples).toHaveLength(1000);
    const s = sampleOf(result, 'component:default/svc-321', 'production')!;
    expect(s.values.p95Ms).toBeCloseTo(0.05 * 322 * 1000, 6);
    expect(s.values.throughput).toBeCloseTo(10 * 322, 6);
    const dotted = sampleOf(result, 'component:default/svc.57', 'staging')!;
    expect(dotted.values.memoryBytes).toBe(1_000_000 * 58 * 2);
  });

  it('turns NaN and infinite values into null and ignores series of unknown services', async () => {
    fake.setAnswer(query => {
      const metric = metricOf(query);
      return vector([
        {
          metric: { service: 'svc-1' },
          value: { p95Ms: 'NaN', p99Ms: '+Inf' }[metric] ?? '0.5',
        },
        { metric: { service: 'someone-else' }, value: '1' },
        { metric: {}, value: '1' },
      ]);
    });
    const p = provider([{ name: 'main', baseUrl: fake.baseUrl }]);
    const result = await collect(p, [entity('svc-1')]);
    expect(result.samples).toEqual([
      {
        entityRef: 'component:default/svc-1',
        environment: 'default',
        timestamp: now,
        values: {
          p50Ms: 500,
          p95Ms: null,
          p99Ms: null,
          throughput: 0.5,
          errorRate: 0.5,
          cpuCores: 0.5,
          memoryBytes: 0.5,
          authFailureRps: 0.5,
          rateLimitedRps: 0.5,
        },
      },
    ]);
  });

  it('gives entities sharing a name in different namespaces the same series', async () => {
    const p = provider([{ name: 'main', baseUrl: fake.baseUrl }]);
    const result = await collect(p, [
      entity('svc-3', {}, 'default'),
      entity('svc-3', {}, 'shop'),
    ]);
    expect(servicesOf(fake.requests[0].form.query)).toEqual(['svc-3']);
    expect(
      sampleOf(result, 'component:shop/svc-3', 'default')?.values.cpuCores,
    ).toBeCloseTo(0.4, 6);
    expect(
      sampleOf(result, 'component:default/svc-3', 'default')?.values.cpuCores,
    ).toBeCloseTo(0.4, 6);
  });

  it('adds entities with a custom selector to the same queries, tagged with their ref', async () => {
    fake.setAnswer(query => {
      const answer = perService(query);
      const body = answer.body as any;
      // What Prometheus would return for the label_replace parts.
      const tagged = [
        ...query.matchAll(/label_replace\(.*?, "devops_entity", "([^"]+)"/g),
      ].map(m => m[1]);
      for (const ref of tagged) {
        body.data.result.push({
          metric: { env: 'production', devops_entity: ref },
          value: [1700000000, ref.endsWith('checkout') ? '0.25' : '0.75'],
        });
      }
      return answer;
    });
    const p = provider([
      { name: 'main', baseUrl: fake.baseUrl, environmentLabel: 'env' },
    ]);
    const result = await collect(p, [
      entity('svc-1'),
      entity('checkout', {
        'devops-growth.io/prometheus-selector':
          'app="checkout", namespace="shop",',
      }),
      entity('cart', {
        'devops-growth.io/prometheus-selector': "{app=~'cart|basket'}",
      }),
    ]);

    expect(fake.requests).toHaveLength(9);
    const memory = fake.requests.find(
      r => metricOf(r.form.query) === 'memoryBytes',
    )!.form.query;
    expect(memory).toBe(
      '(sum by (service, env) (process_resident_memory_bytes{service=~"svc-1"}))' +
        ' or label_replace(sum by (env) (process_resident_memory_bytes{app="checkout",namespace="shop"}), "devops_entity", "component:default/checkout", "", "")' +
        ` or label_replace(sum by (env) (process_resident_memory_bytes{app=~'cart|basket'}), "devops_entity", "component:default/cart", "", "")`,
    );
    const errorRate = fake.requests.find(
      r => metricOf(r.form.query) === 'errorRate',
    )!.form.query;
    expect(errorRate).toContain(
      'http_request_duration_seconds_count{app="checkout",namespace="shop",status_code=~"5.."}',
    );

    expect(result.failures).toEqual([]);
    expect(
      sampleOf(result, 'component:default/checkout', 'production')?.values,
    ).toEqual({
      p50Ms: 250,
      p95Ms: 250,
      p99Ms: 250,
      throughput: 0.25,
      errorRate: 0.25,
      cpuCores: 0.25,
      memoryBytes: 0.25,
      authFailureRps: 0.25,
      rateLimitedRps: 0.25,
    });
    expect(
      sampleOf(result, 'component:default/cart', 'production')?.values.p99Ms,
    ).toBe(750);
    expect(
      sampleOf(result, 'component:default/svc-1', 'staging')?.values.p99Ms,
    ).toBeCloseTo(0.1 * 2 * 2 * 1000, 6);
  });

  it('groups custom selectors by a label that does not exist when no environment label is configured', async () => {
    const p = provider([{ name: 'main', baseUrl: fake.baseUrl }]);
    await collect(p, [
      entity('x', { 'devops-growth.io/prometheus-selector': 'job="x"' }),
    ]);
    const throughput = fake.requests.find(
      r => metricOf(r.form.query) === 'throughput',
    )!.form.query;
    expect(throughput).toBe(
      'label_replace(sum by (devops_entity) (rate(http_request_duration_seconds_count{job="x"}[5m])), "devops_entity", "component:default/x", "", "")',
    );
  });

  it('fails only the entity whose selector annotation is invalid', async () => {
    const p = provider([{ name: 'main', baseUrl: fake.baseUrl }]);
    const result = await collect(p, [
      entity('svc-1'),
      entity('broken', {
        'devops-growth.io/prometheus-selector': 'app="x"} or up{',
      }),
      entity('unquoted', { 'devops-growth.io/prometheus-selector': 'app=x' }),
    ]);
    expect(fake.requests).toHaveLength(9);
    expect(fake.requests.some(r => r.form.query.includes('up{'))).toBe(false);
    expect(result.failures).toEqual([
      {
        entityRef: 'component:default/broken',
        message: expect.stringContaining(
          'Invalid annotation devops-growth.io/prometheus-selector \'app="x"} or up{\'',
        ),
      },
      {
        entityRef: 'component:default/unquoted',
        message: expect.stringMatching(
          /^Invalid annotation devops-growth\.io\/prometheus-selector 'app=x': expected a label matcher/,
        ),
      },
    ]);
    expect(result.samples.map(s => s.entityRef)).toEqual([
      'component:default/svc-1',
    ]);
  });

  describe('with several instances', () => {
    let other: Awaited<ReturnType<typeof startFakePrometheus>>;
    beforeEach(async () => {
      other = await startFakePrometheus(perService);
    });
    afterEach(async () => {
      await other.close();
    });

    it('queries each entity on the instance its annotation names, else the first', async () => {
      const p = provider([
        { name: 'eu', baseUrl: fake.baseUrl },
        { name: 'us', baseUrl: other.baseUrl, serviceLabel: 'app' },
      ]);
      other.setAnswer(query =>
        vector(
          servicesOf(query, 'app').map(name => ({
            metric: { app: name },
            value: 2,
          })),
        ),
      );
      const result = await collect(p, [
        entity('svc-1'),
        entity('svc-2', { 'devops-growth.io/prometheus-instance': 'us' }),
        entity('svc-3', { 'devops-growth.io/prometheus-instance': 'mars' }),
      ]);
      expect(fake.requests).toHaveLength(9);
      expect(other.requests).toHaveLength(9);
      expect(servicesOf(fake.requests[0].form.query)).toEqual(['svc-1']);
      expect(servicesOf(other.requests[0].form.query, 'app')).toEqual([
        'svc-2',
      ]);
      expect(
        sampleOf(result, 'component:default/svc-2')?.values.memoryBytes,
      ).toBe(2);
      expect(
        sampleOf(result, 'component:default/svc-1')?.values.memoryBytes,
      ).toBe(2_000_000);
      expect(result.failures).toEqual([
        {
          entityRef: 'component:default/svc-3',
          message:
            "Annotation devops-growth.io/prometheus-instance names the unknown Prometheus instance 'mars' (configured: eu, us)",
        },
      ]);
    });

    it('fails every entity of an instance that is down while the others carry on', async () => {
      const port = await closedPort();
      const p = provider([
        { name: 'up', baseUrl: fake.baseUrl },
        { name: 'down', baseUrl: `http://127.0.0.1:${port}` },
      ]);
      const result = await collect(p, [
        entity('svc-1'),
        entity('svc-2', { 'devops-growth.io/prometheus-instance': 'down' }),
        entity('svc-3', {
          'devops-growth.io/prometheus-instance': 'down',
          'devops-growth.io/prometheus-selector': 'app="x"',
        }),
      ]);
      expect(result.samples.map(s => s.entityRef)).toEqual([
        'component:default/svc-1',
      ]);
      expect(result.failures.map(f => f.entityRef)).toEqual([
        'component:default/svc-2',
        'component:default/svc-3',
      ]);
      expect(result.failures[0].message).toMatch(
        new RegExp(
          `^Prometheus instance 'down' \\(\\w+ query\\): POST http://127\\.0\\.0\\.1:${port}/api/v1/query failed: ECONNREFUSED$`,
        ),
      );
    });
  });

  it.each<[string, FakeAnswer, RegExp]>([
    [
      'an answer that is not JSON',
      { status: 502, body: '<html>Bad Gateway</html>' },
      /answered HTTP 502 with a body that is not JSON: '<html>Bad Gateway<\/html>'/,
    ],
    [
      'status error',
      {
        status: 400,
        body: {
          status: 'error',
          errorType: 'bad_data',
          error: 'parse error: unexpected "}"',
        },
      },
      /query failed with HTTP 400, bad_data: parse error: unexpected "}"/,
    ],
    [
      'a matrix instead of a vector',
      {
        body: { status: 'success', data: { resultType: 'matrix', result: [] } },
      },
      /query returned a matrix where an instant vector was expected/,
    ],
    [
      'JSON that is not an API response',
      { body: { hello: 'world' } },
      /answered JSON that is not a Prometheus API response/,
    ],
  ])(
    'fails every entity of the instance on %s',
    async (_what, answer, message) => {
      fake.setAnswer(query =>
        metricOf(query) === 'cpuCores' ? answer : perService(query),
      );
      const p = provider([{ name: 'main', baseUrl: fake.baseUrl }]);
      const result = await collect(p, [entity('svc-1'), entity('svc-2')]);
      expect(result.samples).toEqual([]);
      expect(result.failures).toEqual([
        {
          entityRef: 'component:default/svc-1',
          message: expect.stringMatching(message),
        },
        {
          entityRef: 'component:default/svc-2',
          message: expect.stringMatching(message),
        },
      ]);
      expect(result.failures[0].message).toMatch(
        /^Prometheus instance 'main' \(cpuCores query\): /,
      );
    },
  );

  it('fails the instance when a query takes longer than its timeout', async () => {
    fake.setAnswer(query => ({ ...perService(query), delayMs: 5_000 }));
    const p = provider([
      { name: 'slow', baseUrl: fake.baseUrl, timeout: '200ms' },
    ]);
    const started = Date.now();
    const result = await collect(p, [entity('svc-1')]);
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(result.failures).toEqual([
      {
        entityRef: 'component:default/svc-1',
        message: expect.stringMatching(
          /^Prometheus instance 'slow' \(\w+ query\): POST http:\/\/.*\/api\/v1\/query timed out after 200ms$/,
        ),
      },
    ]);
  });

  it('stops when the collector aborts the tick', async () => {
    fake.setAnswer(query => ({ ...perService(query), delayMs: 5_000 }));
    const p = provider([{ name: 'main', baseUrl: fake.baseUrl }]);
    const controller = new AbortController();
    setTimeout(
      () => controller.abort(new Error('tick time budget exhausted')),
      100,
    );
    const result = await collect(p, [entity('svc-1')], controller.signal);
    expect(result.failures).toEqual([
      {
        entityRef: 'component:default/svc-1',
        message: expect.stringMatching(
          /^Prometheus instance 'main' \(\w+ query\): POST .* was aborted: tick time budget exhausted$/,
        ),
      },
    ]);
  });

  it('makes no request for an empty batch', async () => {
    const p = provider([{ name: 'main', baseUrl: fake.baseUrl }]);
    expect(await collect(p, [])).toEqual({ samples: [], failures: [] });
    expect(fake.requests).toHaveLength(0);
  });
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise(resolve => server.close(resolve));
  return port;
}
