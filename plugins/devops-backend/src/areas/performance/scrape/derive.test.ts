import fs from 'node:fs';
import path from 'node:path';
import { Histogram, Registry } from 'prom-client';
import {
  deriveValues,
  histogramQuantile,
  isKeptFamily,
  snapshotFromFamilies,
} from './derive';
import { parseExposition } from './exposition';

const fixture = (name: string) =>
  fs.readFileSync(path.join(__dirname, '__fixtures__', name), 'utf8');

const snapshot = (text: string, atSeconds: number) =>
  snapshotFromFamilies(
    parseExposition(text, { keep: isKeptFamily }),
    atSeconds * 1000,
  );

function service() {
  const register = new Registry();
  const histogram = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Duration of HTTP requests in seconds',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [register],
  });
  const observe = (
    times: number,
    seconds: number,
    labels: { route: string; status_code: string; method?: string },
  ) => {
    for (let i = 0; i < times; i++) {
      histogram.observe({ method: 'GET', ...labels }, seconds);
    }
  };
  return { register, observe };
}

describe('deriveValues on prom-client registries', () => {
  it('derives throughput, error rate and interpolated quantiles from the deltas', async () => {
    const { register, observe } = service();
    // Before the first scrape: slow requests that must not count.
    observe(50, 4, { route: '/a', status_code: '200' });
    const before = snapshot(await register.metrics(), 100);
    // Between the scrapes, 100 requests: 60 + 20 (a new route) at 20 ms, 10 at 70 ms answered
    // 500, 10 at 300 ms.
    observe(60, 0.02, { route: '/a', status_code: '200' });
    observe(20, 0.02, { route: '/b', status_code: '200', method: 'POST' });
    observe(10, 0.07, { route: '/a', status_code: '500' });
    observe(10, 0.3, { route: '/a', status_code: '200' });
    const after = snapshot(await register.metrics(), 110);

    const values = deriveValues(before, after);
    expect(values.throughput).toBeCloseTo(10, 10);
    expect(values.errorRate).toBeCloseTo(0.1, 10);
    // Cumulative deltas: le 0.01 → 0, 0.025 → 80, 0.1 → 90, 0.25 → 90, 0.5 → 100.
    // P50: rank 50 in (0.01, 0.025]: 0.01 + 0.015 × 50/80.
    expect(values.p50Ms).toBeCloseTo((0.01 + 0.015 * (50 / 80)) * 1000, 9);
    // P95: rank 95 in (0.25, 0.5]: 0.25 + 0.25 × 5/10 = 375 ms.
    expect(values.p95Ms).toBeCloseTo(375, 9);
    expect(values.p95Ms).toBeGreaterThan(250);
    expect(values.p95Ms).toBeLessThanOrEqual(500);
    // P99: 0.25 + 0.25 × 9/10.
    expect(values.p99Ms).toBeCloseTo(475, 9);
    // No process metrics in this registry.
    expect(values.cpuCores).toBeNull();
    expect(values.memoryBytes).toBeNull();
  });

  it('takes the current counts as the increase after the service restarted', async () => {
    const old = service();
    old.observe(500, 0.02, { route: '/a', status_code: '200' });
    old.observe(500, 0.02, { route: '/a', status_code: '503' });
    const before = snapshot(await old.register.metrics(), 0);
    const restarted = service();
    restarted.observe(30, 0.2, { route: '/a', status_code: '200' });
    restarted.observe(10, 0.02, { route: '/a', status_code: '503' });
    const after = snapshot(await restarted.register.metrics(), 20);

    const values = deriveValues(before, after);
    expect(values.throughput).toBeCloseTo(2, 10);
    expect(values.errorRate).toBeCloseTo(0.25, 10);
    // 10 in (0.01, 0.025], 30 in (0.1, 0.25]: P95 rank 38 → 0.1 + 0.15 × 28/30.
    expect(values.p95Ms).toBeCloseTo((0.1 + 0.15 * (28 / 30)) * 1000, 9);
  });

  it('gives zero throughput and no error rate or quantiles when nothing happened', async () => {
    const { register, observe } = service();
    observe(5, 0.02, { route: '/a', status_code: '500' });
    const text = await register.metrics();
    const values = deriveValues(snapshot(text, 0), snapshot(text, 15));
    expect(values).toEqual({
      p50Ms: null,
      p95Ms: null,
      p99Ms: null,
      throughput: 0,
      errorRate: null,
      cpuCores: null,
      memoryBytes: null,
      authFailureRps: 0,
      rateLimitedRps: 0,
    });
  });

  it('counts 401 and 403 as authentication failures and 429 as rate limited, per second', async () => {
    const { register, observe } = service();
    // Before the first scrape: failures that must not count.
    observe(500, 0.002, { route: '/login', status_code: '401' });
    const before = snapshot(await register.metrics(), 100);
    // In 20 s: 300 failed logins (a burst), 20 forbidden reads, 40 rate-limited logins, 100
    // good requests and 4 server errors.
    observe(300, 0.002, { route: '/login', status_code: '401' });
    observe(20, 0.01, { route: '/admin', status_code: '403' });
    observe(40, 0.001, { route: '/login', status_code: '429' });
    observe(100, 0.02, { route: '/a', status_code: '200' });
    observe(4, 0.02, { route: '/a', status_code: '500' });
    const after = snapshot(await register.metrics(), 120);

    const values = deriveValues(before, after);
    expect(values.authFailureRps).toBeCloseTo(320 / 20, 10);
    expect(values.rateLimitedRps).toBeCloseTo(40 / 20, 10);
    expect(values.throughput).toBeCloseTo(464 / 20, 10);
    // 401, 403 and 429 are client errors, not server errors.
    expect(values.errorRate).toBeCloseTo(4 / 464, 10);
  });

  it('reads the status from a `code` or `status` label too', async () => {
    for (const label of ['code', 'status']) {
      const register = new Registry();
      const histogram = new Histogram({
        name: 'http_request_duration_seconds',
        help: 'Duration of HTTP requests in seconds',
        labelNames: ['handler', label],
        registers: [register],
      });
      const before = snapshot(await register.metrics(), 0);
      for (let i = 0; i < 30; i++) {
        histogram.observe({ handler: '/login', [label]: '403' }, 0.01);
      }
      for (let i = 0; i < 10; i++) {
        histogram.observe({ handler: '/login', [label]: '429' }, 0.01);
      }
      histogram.observe({ handler: '/', [label]: '200' }, 0.01);
      const values = deriveValues(
        before,
        snapshot(await register.metrics(), 10),
      );
      expect([label, values.authFailureRps, values.rateLimitedRps]).toEqual([
        label,
        3,
        1,
      ]);
    }
  });

  it('has no status rates when the histogram carries no status label', async () => {
    const register = new Registry();
    const histogram = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Duration of HTTP requests in seconds',
      labelNames: ['route'],
      registers: [register],
    });
    const before = snapshot(await register.metrics(), 0);
    histogram.observe({ route: '/login' }, 0.01);
    const values = deriveValues(before, snapshot(await register.metrics(), 1));
    expect(values).toMatchObject({
      throughput: 1,
      errorRate: null,
      authFailureRps: null,
      rateLimitedRps: null,
    });
  });

  it('takes the current counts of a restarted service as the increase of its 401s', async () => {
    const old = service();
    old.observe(900, 0.002, { route: '/login', status_code: '401' });
    const before = snapshot(await old.register.metrics(), 0);
    const restarted = service();
    restarted.observe(50, 0.002, { route: '/login', status_code: '401' });
    const values = deriveValues(
      before,
      snapshot(await restarted.register.metrics(), 10),
    );
    expect(values.authFailureRps).toBeCloseTo(5, 10);
  });
});

describe('deriveValues on real fixtures', () => {
  it('yields only memory on the first scrape of a target', () => {
    const first = snapshot(fixture('real/prom-client-15.txt'), 0);
    expect(deriveValues(undefined, first)).toEqual({
      p50Ms: null,
      p95Ms: null,
      p99Ms: null,
      throughput: null,
      errorRate: null,
      cpuCores: null,
      memoryBytes: 66670592,
      authFailureRps: null,
      rateLimitedRps: null,
    });
  });

  it('reads every request of the prom-client fixture as new against an empty target', () => {
    const empty = snapshotFromFamilies([], 0);
    const values = deriveValues(
      empty,
      snapshot(fixture('real/prom-client-15.txt'), 5),
    );
    // 20 + 3 + 1 + 1 requests in 5 s; 3 answered 503 (the 404 is not an error).
    expect(values.throughput).toBeCloseTo(25 / 5, 10);
    expect(values.errorRate).toBeCloseTo(3 / 25, 10);
    // A status label, but no 401, 403 or 429 among them.
    expect(values.authFailureRps).toBe(0);
    expect(values.rateLimitedRps).toBe(0);
  });

  it('reads the demo service’s failed and rate-limited logins by status code', () => {
    const values = deriveValues(
      snapshotFromFamilies([], 0),
      snapshot(fixture('real/demo-service-login.txt'), 10),
    );
    // In 10 s: 5 stock look-ups and 2 logins answered 200, 13 logins 401, 2 logins 429.
    expect(values.throughput).toBeCloseTo(22 / 10, 10);
    expect(values.authFailureRps).toBeCloseTo(13 / 10, 10);
    expect(values.rateLimitedRps).toBeCloseTo(2 / 10, 10);
    expect(values.errorRate).toBe(0);
    expect(values.memoryBytes).toBe(67043328);
  });

  it('recognises the OpenTelemetry exporter’s stable histogram, in seconds', () => {
    const values = deriveValues(
      snapshotFromFamilies([], 0),
      snapshot(fixture('real/otel-exporter-prometheus-0.301.txt'), 10),
    );
    expect(values.throughput).toBeCloseTo(1.4, 10);
    expect(values.errorRate).toBeCloseTo(2 / 14, 10);
    // Cumulative: 0.05 → 8, 0.075 → 12, 0.1 → 14. P95 rank 13.3 in (0.075, 0.1].
    expect(values.p95Ms).toBeCloseTo((0.075 + 0.025 * (1.3 / 2)) * 1000, 9);
  });

  it('recognises the older OpenTelemetry histogram, in milliseconds', () => {
    const families = parseExposition(
      fixture('real/otel-exporter-prometheus-0.301.txt'),
      { keep: isKeptFamily },
    ).filter(f => f.name !== 'http_server_request_duration');
    const current = snapshotFromFamilies(families, 10_000);
    expect(current.requests?.convention).toBe('opentelemetry-legacy');
    const values = deriveValues(snapshotFromFamilies([], 0), current);
    expect(values.errorRate).toBeCloseTo(2 / 14, 10);
    // Same requests, bounds in ms: (75, 100] holds the rank.
    expect(values.p95Ms).toBeCloseTo(75 + 25 * (1.3 / 2), 9);
  });

  it('reads CPU as cores from the counter, with resets', () => {
    const text = (cpu: number, memory: number) =>
      `# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total ${cpu}\n` +
      `# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes ${memory}\n`;
    expect(
      deriveValues(snapshot(text(1.5, 1e8), 0), snapshot(text(3.5, 2e8), 10)),
    ).toMatchObject({ cpuCores: 0.2, memoryBytes: 2e8, throughput: null });
    // The process restarted: 2 s of CPU since.
    expect(
      deriveValues(snapshot(text(100, 1e8), 0), snapshot(text(2, 5e7), 10)),
    ).toMatchObject({ cpuCores: 0.2, memoryBytes: 5e7 });
  });

  it('does not take the Prometheus server’s own histogram for a service’s requests', () => {
    const current = snapshot(fixture('real/prometheus-2.42.txt'), 0);
    expect(current.requests).toBeNull();
    expect(current.cpuSeconds).toBe(0.1);
    expect(current.memoryBytes).toBe(46252032);
  });
});

describe('histogramQuantile', () => {
  const b = (...pairs: Array<[number, number]>) =>
    pairs.map(([upperBound, count]) => ({ upperBound, count }));

  it('returns the highest finite bound for a rank in the +Inf bucket', () => {
    expect(
      histogramQuantile(0.99, b([0.1, 10], [1, 50], [Infinity, 100])),
    ).toBe(1);
  });

  it('interpolates the lowest bucket from 0', () => {
    expect(histogramQuantile(0.5, b([0.2, 100], [Infinity, 100]))).toBeCloseTo(
      0.1,
      12,
    );
  });

  it('returns the lowest bound when it is not positive', () => {
    expect(histogramQuantile(0.5, b([0, 10], [5, 20], [Infinity, 20]))).toBe(0);
  });

  it('answers null where Prometheus answers NaN', () => {
    expect(histogramQuantile(0.5, b([0.1, 10], [1, 20]))).toBeNull();
    expect(histogramQuantile(0.5, b([Infinity, 20]))).toBeNull();
    expect(histogramQuantile(0.5, b([1, 0], [Infinity, 0]))).toBeNull();
  });

  it('repairs non-monotonic counts like Prometheus', () => {
    expect(
      histogramQuantile(0.75, b([1, 10], [2, 8], [4, 20], [Infinity, 20])),
    ).toBeCloseTo(3, 12);
  });
});
