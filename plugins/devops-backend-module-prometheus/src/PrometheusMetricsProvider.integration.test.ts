import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, Server } from 'node:http';
import { AddressInfo, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { readPrometheusInstances } from './config';
import { PrometheusMetricsProvider } from './PrometheusMetricsProvider';

/*
 * The real Prometheus server (Debian's /usr/bin/prometheus, 2.42) scrapes a small service
 * instrumented with prom-client that serves a known latency distribution and known shares of
 * 500s and of 401/403s (no 429); the provider's collect() must report that P95, the error rate,
 * the 401/403 rate in proportion to throughput, and a 429 rate of 0.
 */

const PROMETHEUS = '/usr/bin/prometheus';
const inCi = !!process.env.CI && process.env.CI !== 'false';
const available = existsSync(PROMETHEUS);

/** Histogram buckets (seconds) of the test service. */
const BUCKETS = [0.05, 0.1, 0.2, 0.4, 0.8];
/**
 * Handling delays (ms), used in turn by request number. Each sits well inside one bucket (at
 * least 29 ms below its upper bound) so that the measured durations, slightly longer than the
 * delays, stay in the intended bucket: 10 x (0, 50], 5 x (50, 100], 3 x (100, 200], 2 x (200, 400].
 * True P95 of the list: 300 ms.
 */
const DELAYS = [
  20, 70, 20, 150, 20, 70, 20, 300, 20, 70, 20, 150, 20, 70, 20, 300, 20, 70,
  20, 150,
];
const REQUESTS = 200;
const CONCURRENCY = 10;
/** Every 10th request is answered with a 500: an error rate of 0.1. */
const isError = (i: number) => i % 10 === 9;
/** One request in 20 is answered 401, another one in 20 403: a tenth of all requests. */
function statusOf(i: number): number {
  if (isError(i)) return 500;
  if (i % 20 === 3) return 401;
  if (i % 20 === 13) return 403;
  return 200;
}

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise(resolve => server.close(resolve));
  return port;
}

/**
 * What `histogram_quantile(q, ...)` returns for these observations: the bucket whose cumulative
 * count first reaches `q * total`, interpolated linearly between its lower and upper bounds.
 */
function histogramQuantile(q: number, observations: number[]): number {
  const rank = q * observations.length;
  let lower = 0;
  let below = 0;
  for (const upper of BUCKETS) {
    const count = observations.filter(o => o <= upper).length;
    if (count >= rank) {
      return lower + (upper - lower) * ((rank - below) / (count - below));
    }
    lower = upper;
    below = count;
  }
  return BUCKETS[BUCKETS.length - 1];
}

const describeIfPrometheus = available || inCi ? describe : describe.skip;
if (!available && !inCi) {
  // eslint-disable-next-line no-console
  console.warn(
    `Skipping the Prometheus integration test: ${PROMETHEUS} is not installed (apt-get install prometheus). Under CI=true it fails instead.`,
  );
}

describeIfPrometheus(
  `PrometheusMetricsProvider against the real Prometheus (${PROMETHEUS})`,
  () => {
    jest.setTimeout(60_000);

    let prometheus: ChildProcess | undefined;
    let prometheusLog = '';
    let prometheusUrl = '';
    let service: Server | undefined;
    let servicePort = 0;
    let dir = '';
    /** Every duration the service measured, in seconds. */
    const observed: number[] = [];

    beforeAll(async () => {
      if (!available) {
        throw new Error(
          `${PROMETHEUS} is missing: CI must install the Debian prometheus package for this test`,
        );
      }

      // The instrumented service.
      const registry = new Registry();
      collectDefaultMetrics({ register: registry });
      const histogram = new Histogram({
        name: 'http_request_duration_seconds',
        help: 'Duration of HTTP requests in seconds',
        labelNames: ['status_code'],
        buckets: BUCKETS,
        registers: [registry],
      });
      // Series exist (at 0) from the first scrape on, so every bucket's increase over the
      // range starts from the same zero and rate() extrapolates all of them alike.
      // No 429 series at all: the rate-limited query must answer 0 through its fallback.
      for (const status of ['200', '401', '403', '500']) {
        histogram.zero({ status_code: status });
      }
      service = createServer(async (req, res) => {
        const url = new URL(req.url ?? '/', 'http://localhost');
        if (url.pathname === '/metrics') {
          res.writeHead(200, { 'content-type': registry.contentType });
          res.end(await registry.metrics());
          return;
        }
        const i = Number(url.searchParams.get('i'));
        const started = process.hrtime.bigint();
        await new Promise(resolve =>
          setTimeout(resolve, DELAYS[i % DELAYS.length]),
        );
        const status = statusOf(i);
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        observed.push(seconds);
        histogram.observe({ status_code: String(status) }, seconds);
        res.writeHead(status);
        res.end();
      });
      await new Promise<void>(resolve =>
        service!.listen(0, '127.0.0.1', resolve),
      );
      servicePort = (service.address() as AddressInfo).port;

      // Prometheus, scraping it every second.
      dir = await mkdtemp(join(tmpdir(), 'devops-prometheus-'));
      await writeFile(
        join(dir, 'prometheus.yml'),
        [
          'global:',
          '  scrape_interval: 1s',
          '  scrape_timeout: 1s',
          '  evaluation_interval: 1s',
          'scrape_configs:',
          '  - job_name: devops-test',
          '    static_configs:',
          `      - targets: ['127.0.0.1:${servicePort}']`,
          '        labels:',
          '          service: checkout',
          '          env: test',
          '',
        ].join('\n'),
      );
      const port = await freePort();
      prometheusUrl = `http://127.0.0.1:${port}`;
      prometheus = spawn(
        PROMETHEUS,
        [
          `--config.file=${join(dir, 'prometheus.yml')}`,
          `--storage.tsdb.path=${join(dir, 'data')}`,
          `--web.listen-address=127.0.0.1:${port}`,
          '--log.level=warn',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      prometheus.stdout?.on('data', d => (prometheusLog += d));
      prometheus.stderr?.on('data', d => (prometheusLog += d));
      await waitFor('Prometheus to be ready', async () => {
        const res = await fetch(`${prometheusUrl}/-/ready`);
        return res.ok;
      });
      // The zeros must be scraped before the load starts.
      await waitFor(
        'the first scrape',
        async () =>
          (await instantValue('sum(http_request_duration_seconds_count)')) ===
          0,
      );
    });

    afterAll(async () => {
      if (prometheus && prometheus.exitCode === null) {
        const exited = new Promise(resolve =>
          prometheus!.once('exit', resolve),
        );
        prometheus.kill('SIGTERM');
        const timer = setTimeout(() => prometheus?.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      await new Promise(resolve =>
        service ? service.close(resolve) : resolve(undefined),
      );
      if (dir) {
        await rm(dir, { recursive: true, force: true });
      }
    });

    async function instantValue(query: string): Promise<number | undefined> {
      const res = await fetch(
        `${prometheusUrl}/api/v1/query?query=${encodeURIComponent(query)}`,
      );
      const body = await res.json();
      const value = body?.data?.result?.[0]?.value?.[1];
      return value === undefined ? undefined : Number(value);
    }

    async function waitFor(what: string, check: () => Promise<boolean>) {
      const deadline = Date.now() + 20_000;
      for (;;) {
        try {
          if (await check()) return;
        } catch {
          // not yet
        }
        if (prometheus?.exitCode !== null) {
          throw new Error(
            `Prometheus exited while waiting for ${what}:\n${prometheusLog}`,
          );
        }
        if (Date.now() > deadline) {
          throw new Error(`Timed out waiting for ${what}:\n${prometheusLog}`);
        }
        await new Promise(resolve => setTimeout(resolve, 200));
      }
    }

    it('collects the P95, error rate and 401/403 and 429 rates of the known distribution', async () => {
      // Drive the load: REQUESTS requests, CONCURRENCY at a time.
      let next = 0;
      const statuses: number[] = [];
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < REQUESTS) {
            const i = next++;
            const res = await fetch(
              `http://127.0.0.1:${servicePort}/work?i=${i}`,
            );
            await res.arrayBuffer();
            statuses.push(res.status);
          }
        }),
      );
      expect(statuses.filter(s => s === 500)).toHaveLength(REQUESTS / 10);
      expect(statuses.filter(s => s === 401 || s === 403)).toHaveLength(
        REQUESTS / 10,
      );

      await waitFor(
        'the final counts to be scraped',
        async () =>
          (await instantValue(
            'sum(http_request_duration_seconds_count{service="checkout"})',
          )) === REQUESTS,
      );
      const now = new Date();

      const provider = new PrometheusMetricsProvider(
        readPrometheusInstances(
          new ConfigReader({
            devops: {
              prometheus: {
                instances: [
                  {
                    name: 'local',
                    baseUrl: prometheusUrl,
                    environmentLabel: 'env',
                    // Longer than the whole test, so the window starts before the first (zero)
                    // scrape and holds every request.
                    range: '2m',
                  },
                ],
              },
            },
          }),
        ),
      );
      const entity = (
        name: string,
        annotations: Record<string, string> = {},
      ): Entity => ({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name, namespace: 'default', annotations },
        spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
      });
      const result = await provider.collect(
        [
          entity('checkout'),
          // The same series through a custom selector (the label_replace path of the query).
          entity('checkout-by-job', {
            'devops-growth.io/prometheus-selector': 'job="devops-test"',
          }),
          entity('not-scraped'),
        ],
        {
          now,
          signal: new AbortController().signal,
          logger: mockServices.logger.mock(),
        },
      );

      expect(result.failures).toEqual([]);
      expect(
        result.samples.map(s => [s.entityRef, s.environment]).sort(),
      ).toEqual([
        ['component:default/checkout', 'test'],
        ['component:default/checkout-by-job', 'test'],
      ]);

      // The bucket error: histogram_quantile only knows how many observations fell in each
      // bucket, and interpolates linearly inside the bucket holding the quantile's rank. So the
      // estimate lies in the same bucket as the true P95 (at most one bucket width, here 200 ms,
      // away from it), and it equals the interpolation computed from the service's own
      // measurements. With the nominal delays above that is 200 + 200 * (190 - 180) / (200 - 180)
      // = 300 ms; on a loaded machine a delay can overrun into the next bucket, which moves the
      // expected value a little, so the test compares against what the service measured.
      const trueP95 = [...observed].sort((a, b) => a - b)[
        Math.ceil(0.95 * observed.length) - 1
      ];
      const bucketUpper = BUCKETS.find(b => trueP95 <= b)!;
      const bucketLower = BUCKETS[BUCKETS.indexOf(bucketUpper) - 1] ?? 0;
      const expectedP95Ms = histogramQuantile(0.95, observed) * 1000;

      for (const sample of result.samples) {
        const {
          p95Ms,
          errorRate,
          throughput,
          memoryBytes,
          cpuCores,
          authFailureRps,
          rateLimitedRps,
        } = sample.values;
        expect(p95Ms).toBeGreaterThan(bucketLower * 1000);
        expect(p95Ms).toBeLessThanOrEqual(bucketUpper * 1000);
        expect(p95Ms).toBeCloseTo(expectedP95Ms, 3);
        // 20 of 200 requests answered 500; both rates are extrapolated by the same factor.
        expect(errorRate).toBeCloseTo(0.1, 9);
        expect(throughput).toBeGreaterThan(0);
        // 20 of 200 answered 401 or 403, extrapolated like throughput; no 429 series: 0, not
        // absent.
        expect(authFailureRps! / throughput!).toBeCloseTo(0.1, 9);
        expect(rateLimitedRps).toBe(0);
        // prom-client's default process metrics.
        expect(memoryBytes).toBeGreaterThan(10 * 1024 * 1024);
        expect(cpuCores).toBeGreaterThanOrEqual(0);
      }
    });
  },
);
