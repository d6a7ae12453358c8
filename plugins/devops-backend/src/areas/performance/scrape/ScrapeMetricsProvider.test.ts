import http from 'node:http';
import { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { mockServices } from '@backstage/backend-test-utils';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { readScrapeSettings, ScrapeMetricsProvider } from '.';
import { AllowedHosts, HostResolver } from '../../../egress/AllowedHosts';

const logger = mockServices.logger.mock();

function entity(name: string, metricsUrl?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      annotations: metricsUrl
        ? { 'devops-growth.io/metrics-url': metricsUrl }
        : {},
    },
    spec: {},
  };
}

const servers: http.Server[] = [];

/** Connections accepted by the test's servers, all listening on 127.0.0.1. */
let connections = 0;

async function serve(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  server.on('connection', () => {
    connections += 1;
  });
  servers.push(server);
  await new Promise<void>(resolve =>
    server.listen(0, '127.0.0.1', () => resolve()),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
}

afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise(resolve => server.close(resolve));
  }
});

function context() {
  return {
    now: new Date('2026-11-25T12:00:00Z'),
    signal: new AbortController().signal,
    logger,
  };
}

describe('readScrapeSettings', () => {
  it('has defaults', () => {
    expect(readScrapeSettings(new ConfigReader({}))).toEqual({
      timeoutMs: 5000,
      concurrency: 16,
      maxBodySize: 10 * 1024 * 1024,
    });
  });

  it('reads the keys', () => {
    expect(
      readScrapeSettings(
        new ConfigReader({
          devops: {
            performance: {
              scrape: { timeout: '2s', concurrency: 4, maxBodySize: '512kb' },
            },
          },
        }),
      ),
    ).toEqual({ timeoutMs: 2000, concurrency: 4, maxBodySize: 512 * 1024 });
  });

  it('refuses bad values naming the key', () => {
    expect(() =>
      readScrapeSettings(
        new ConfigReader({
          devops: { performance: { scrape: { concurrency: 0 } } },
        }),
      ),
    ).toThrow('devops.performance.scrape.concurrency');
    expect(() =>
      readScrapeSettings(
        new ConfigReader({
          devops: { performance: { scrape: { maxBodySize: 'lots' } } },
        }),
      ),
    ).toThrow('devops.performance.scrape.maxBodySize');
  });
});

describe('ScrapeMetricsProvider', () => {
  it('handles entities with a metrics URL', () => {
    const provider = ScrapeMetricsProvider.fromConfig(new ConfigReader({}), {
      logger,
    });
    expect(provider.id).toBe('scrape');
    expect(provider.handles(entity('a', 'http://x/metrics'))).toBe(true);
    expect(provider.handles(entity('b'))).toBe(false);
  });

  it('derives values between two collects of real prom-client services, while broken ones fail alone', async () => {
    const register = new Registry();
    collectDefaultMetrics({ register });
    const histogram = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Duration of HTTP requests in seconds',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [register],
    });
    histogram.observe(
      { method: 'GET', route: '/before', status_code: '500' },
      0.9,
    );
    const good = await serve(async (_req, res) => {
      res.setHeader('content-type', register.contentType);
      res.end(await register.metrics());
    });
    const unavailable = await serve((_req, res) => {
      res.statusCode = 503;
      res.end('Service Unavailable');
    });
    const hanging = await serve(() => {});
    const garbage = await serve((_req, res) => {
      res.setHeader('content-type', 'text/plain');
      res.end('<html><body>Login required</body></html>\n');
    });
    const oversize = await serve((_req, res) => {
      res.setHeader('content-type', 'text/plain; version=0.0.4');
      // Valid comment lines, streamed without a Content-Length: only the cap can stop it.
      const line = `# ${'x'.repeat(1000)}\n`;
      let sent = 0;
      const write = () => {
        while (sent < 2000 && res.write(line)) sent++;
        if (sent < 2000) res.once('drain', write);
        else res.end();
      };
      write();
    });
    const unrelated = await serve((_req, res) => {
      res.end('# TYPE queue_depth gauge\nqueue_depth 3\n');
    });
    const closed = await serve(() => {});
    const closedServer = servers[servers.length - 1];
    closedServer.close();

    const provider = ScrapeMetricsProvider.fromConfig(
      new ConfigReader({
        devops: {
          allowedHosts: ['127.0.0.1'],
          performance: {
            scrape: {
              // Long enough for a real prom-client answer on a loaded 2-core machine.
              timeout: { seconds: 3 },
              maxBodySize: '64kb',
              concurrency: 3,
            },
          },
        },
      }),
      { logger },
    );
    const entities = [
      entity('good', `production=${good}`),
      entity('unavailable', unavailable),
      entity('hanging', hanging),
      entity('garbage', garbage),
      entity('oversize', oversize),
      entity('unrelated', unrelated),
      entity('refused', closed),
      entity('bad-annotation', 'ftp://example.com/metrics'),
    ];

    const t0 = Date.now();
    const first = await provider.collect(entities, context());
    const t1 = Date.now();

    // First scrape: memory only.
    expect(first.samples).toHaveLength(1);
    expect(first.samples[0]).toMatchObject({
      entityRef: 'component:default/good',
      environment: 'production',
      timestamp: new Date('2026-11-25T12:00:00Z'),
      values: {
        p95Ms: null,
        throughput: null,
        errorRate: null,
        cpuCores: null,
        authFailureRps: null,
        rateLimitedRps: null,
      },
    });
    expect(first.samples[0].values.memoryBytes).toBeGreaterThan(1e6);
    const failures = Object.fromEntries(
      first.failures.map(f => [f.entityRef, f.message]),
    );
    expect(failures).toEqual({
      'component:default/unavailable': `GET ${unavailable}: HTTP 503`,
      'component:default/hanging': `GET ${hanging}: timed out after 3s`,
      'component:default/garbage': `GET ${garbage}: line 1 is not in the Prometheus text format (HTTP 200, content type text/plain)`,
      'component:default/oversize': `GET ${oversize}: body larger than 64 kB (devops.performance.scrape.maxBodySize)`,
      'component:default/unrelated': expect.stringMatching(
        /^GET http:\/\/127\.0\.0\.1:\d+\/metrics: no recognised metrics \(expected one of http_request_duration_seconds, /,
      ),
      'component:default/refused': expect.stringMatching(
        new RegExp(`^GET ${closed}: connect ECONNREFUSED`),
      ),
      'component:default/bad-annotation':
        "Invalid devops-growth.io/metrics-url annotation: 'ftp://example.com/metrics' is not an http or https URL",
    });

    // Between the scrapes: 40 requests, 4 answered 502; 36 at 40 ms, 4 at 200 ms.
    for (let i = 0; i < 36; i++) {
      histogram.observe(
        { method: 'GET', route: '/api/prices', status_code: '200' },
        0.04,
      );
    }
    for (let i = 0; i < 4; i++) {
      histogram.observe(
        { method: 'GET', route: '/api/prices', status_code: '502' },
        0.2,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 250));
    const t2 = Date.now();
    const second = await provider.collect(entities, context());
    const t3 = Date.now();

    expect(second.samples).toHaveLength(1);
    const values = second.samples[0].values;
    expect(values.errorRate).toBeCloseTo(0.1, 10);
    // Statuses are labelled, none was 401, 403 or 429.
    expect(values.authFailureRps).toBe(0);
    expect(values.rateLimitedRps).toBe(0);
    // Cumulative: 0.025 → 0, 0.05 → 36, 0.1 → 36, 0.25 → 40. P50: rank 20 in (0.025, 0.05].
    expect(values.p50Ms).toBeCloseTo((0.025 + 0.025 * (20 / 36)) * 1000, 9);
    // P95: rank 38 in (0.1, 0.25]: 0.1 + 0.15 × 2/4.
    expect(values.p95Ms).toBeCloseTo(175, 9);
    expect(values.p99Ms).toBeCloseTo((0.1 + 0.15 * (3.6 / 4)) * 1000, 9);
    // 40 requests over the time between the two responses.
    expect(values.throughput).toBeGreaterThanOrEqual((40 / (t3 - t0)) * 1000);
    expect(values.throughput).toBeLessThanOrEqual((40 / (t2 - t1)) * 1000);
    expect(values.cpuCores).toBeGreaterThanOrEqual(0);
    expect(values.memoryBytes).toBeGreaterThan(1e6);
    expect(second.failures).toHaveLength(7);
  }, 30_000);

  it('reads gzip bodies and refuses HTML pages', async () => {
    const text =
      '# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes 123456789\n';
    const gzipped = await serve((req, res) => {
      expect(req.headers.accept).toBe('text/plain;version=0.0.4');
      res.setHeader('content-type', 'text/plain; version=0.0.4');
      res.setHeader('content-encoding', 'gzip');
      res.end(gzipSync(text));
    });
    const html = await serve((_req, res) => {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end('<!DOCTYPE html><html><body>Sign in</body></html>');
    });
    const provider = ScrapeMetricsProvider.fromConfig(
      new ConfigReader({ devops: { allowedHosts: ['127.0.0.1'] } }),
      { logger },
    );
    const result = await provider.collect(
      [entity('zipped', gzipped), entity('html', `staging=${html}`)],
      context(),
    );
    expect(result.samples).toEqual([
      {
        entityRef: 'component:default/zipped',
        environment: 'default',
        timestamp: new Date('2026-11-25T12:00:00Z'),
        values: expect.objectContaining({ memoryBytes: 123456789 }),
      },
    ]);
    expect(result.failures).toEqual([
      {
        entityRef: 'component:default/html',
        message: `GET ${html}: HTTP 200 with content type text/html, not the Prometheus text format`,
      },
    ]);
  });

  describe('egress', () => {
    const exposition =
      '# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes 1024\n';
    let url: string;
    let port: string;
    beforeAll(async () => {
      url = await serve((_req, res) => {
        res.setHeader('content-type', 'text/plain; version=0.0.4');
        res.end(exposition);
      });
      port = new URL(url).port;
    });
    beforeEach(() => {
      connections = 0;
    });

    /** `svc.example.test` exists only in this resolver, and points at the test's server. */
    const dns: HostResolver = async hostname => {
      if (hostname === 'svc.example.test') {
        return [{ address: '127.0.0.1', family: 4 }];
      }
      throw Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' });
    };
    const provider = (allowedHosts?: string[]) =>
      new ScrapeMetricsProvider(
        readScrapeSettings(new ConfigReader({})),
        logger,
        AllowedHosts.fromConfig(
          new ConfigReader(allowedHosts ? { devops: { allowedHosts } } : {}),
          { resolve: dns },
        ),
      );

    it('requests no entity-declared host while devops.allowedHosts is unset', async () => {
      const result = await provider().collect(
        [
          entity('local', url),
          entity('metadata', 'http://169.254.169.254/latest/meta-data/'),
        ],
        context(),
      );
      expect(result.samples).toEqual([]);
      expect(result.failures).toEqual([
        {
          entityRef: 'component:default/local',
          message: `GET ${url}: host '127.0.0.1:${port}' may not be requested: devops.allowedHosts is not set, and without it the backend requests no host a catalog entity declares. Allow it with this line in app-config.yaml: devops: { allowedHosts: ['127.0.0.1:${port}'] }`,
        },
        {
          entityRef: 'component:default/metadata',
          message: expect.stringContaining(
            "devops: { allowedHosts: ['169.254.169.254'] }",
          ),
        },
      ]);
      expect(connections).toBe(0);
    });

    it('connects to a loopback address only when an entry names it, and never to the metadata address', async () => {
      const entities = [
        entity('by-address', url),
        entity('by-wildcard', `http://svc.example.test:${port}/metrics`),
        entity('metadata', 'http://169.254.169.254/latest/meta-data/'),
      ];
      const unlisted = await provider(['*.example.test']).collect(
        entities,
        context(),
      );
      expect(unlisted.samples).toEqual([]);
      expect(
        Object.fromEntries(
          unlisted.failures.map(f => [f.entityRef, f.message]),
        ),
      ).toEqual({
        'component:default/by-address': `GET ${url}: host '127.0.0.1:${port}' is not in devops.allowedHosts; add '127.0.0.1:${port}' to it to allow it`,
        'component:default/by-wildcard': `GET http://svc.example.test:${port}/metrics: 'svc.example.test' resolves to a loopback address, which only an exact host entry ('svc.example.test' or 'svc.example.test:${port}', not *.domain) or an IP/CIDR entry in devops.allowedHosts admits`,
        'component:default/metadata':
          "GET http://169.254.169.254/latest/meta-data/: host '169.254.169.254' is not in devops.allowedHosts; add '169.254.169.254' to it to allow it",
      });
      expect(connections).toBe(0);

      const listed = await provider([
        `127.0.0.1:${port}`,
        `svc.example.test:${port}`,
        '*.example.test',
      ]).collect(entities, context());
      expect(listed.samples.map(x => x.entityRef).sort()).toEqual([
        'component:default/by-address',
        'component:default/by-wildcard',
      ]);
      expect(listed.failures.map(x => x.entityRef)).toEqual([
        'component:default/metadata',
      ]);
      // The system resolver does not know svc.example.test: that scrape reached the server
      // through the address the list checked, not through a second lookup.
      expect(connections).toBe(2);
    });

    it('does not follow redirects, and never quotes what came back', async () => {
      const secret = 'AKIA-SECRET-d41d8cd98f00';
      const page = `<!DOCTYPE html><html><body>${secret}</body></html>`;
      const answers: http.RequestListener[] = [
        (_req, res) => {
          res.setHeader('content-type', 'text/html');
          res.end(page);
        },
        (_req, res) => {
          res.setHeader('content-type', 'text/plain');
          res.end(`${secret}\n`);
        },
        (_req, res) => {
          res.setHeader('content-type', `text/${secret}`);
          res.end(`# TYPE x gauge\nx{a="${secret}`);
        },
        (_req, res) => {
          res.statusCode = 500;
          res.setHeader('content-type', 'text/plain');
          res.end(page);
        },
        (_req, res) => {
          res.statusCode = 302;
          res.setHeader('location', `http://169.254.169.254/${secret}`);
          res.end(page);
        },
      ];
      const urls = await Promise.all(answers.map(serve));
      const result = await ScrapeMetricsProvider.fromConfig(
        new ConfigReader({ devops: { allowedHosts: ['127.0.0.1'] } }),
        { logger },
      ).collect(
        urls.map((u, i) => entity(`answer-${i}`, u)),
        context(),
      );
      expect(result.failures.map(f => f.message)).toEqual([
        `GET ${urls[0]}: HTTP 200 with content type text/html, not the Prometheus text format`,
        `GET ${urls[1]}: line 1 is not in the Prometheus text format (HTTP 200, content type text/plain)`,
        `GET ${urls[2]}: line 2 is not in the Prometheus text format (HTTP 200, another content type)`,
        `GET ${urls[3]}: HTTP 500`,
        `GET ${urls[4]}: HTTP 302, a redirect: redirects are not followed, declare the final URL`,
      ]);
      expect(JSON.stringify(result)).not.toContain('SECRET');
    });
  });

  it('stops when the collection is aborted', async () => {
    const hanging = await serve(() => {});
    const provider = ScrapeMetricsProvider.fromConfig(
      new ConfigReader({
        devops: {
          allowedHosts: ['127.0.0.1'],
          performance: { scrape: { concurrency: 1 } },
        },
      }),
      { logger },
    );
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const result = await provider.collect(
      [entity('one', hanging), entity('two', hanging)],
      { ...context(), signal: controller.signal },
    );
    expect(result.failures).toEqual([
      {
        entityRef: 'component:default/one',
        message: `GET ${hanging}: aborted: the collection ran out of time`,
      },
      {
        entityRef: 'component:default/two',
        message: `GET ${hanging}: not scraped, the collection was aborted`,
      },
    ]);
  });
});
