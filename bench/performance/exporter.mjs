// A synthetic Prometheus exporter (node:http) serving prom-client-convention series for N
// services: `http_request_duration_seconds` (histogram with prom-client's default buckets,
// `method` and `status_code` labels, some 5xx), `process_cpu_seconds_total` and
// `process_resident_memory_bytes`, each series labelled `service="svc-0001"`,
// `env="production"`. The counters advance with wall time at each scrape: every service has its
// own request rate, log-normal latency distribution, error share, CPU cost and memory size
// (deterministic, from a seeded PRNG), with ±10 % noise per scrape.
//
// The services are split into shards, one page each (`/metrics/<shard>`), so that Prometheus
// scrapes them as separate targets in parallel.
import { createServer } from 'node:http';

/** prom-client's default histogram buckets, in seconds. */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The label combinations of the request histogram and their share of a service's requests. */
const ROUTES = [
  { method: 'GET', statusCode: '200', share: 0.78 },
  { method: 'POST', statusCode: '201', share: 0.2 },
  { method: 'GET', statusCode: '500', share: 0.02 }, // scaled by the service's error factor
];

/** Mulberry32: a small seeded PRNG, so that every run serves the same services. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Abramowitz-Stegun 7.1.26 (error below 1.5e-7), enough for bucket shares. */
function erf(x) {
  const sign = x < 0 ? -1 : 1;
  const ax = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * ax);
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) *
      t +
      0.254829592) *
      t *
      Math.exp(-ax * ax);
  return sign * y;
}

const normalCdf = z => 0.5 * (1 + erf(z / Math.SQRT2));

export const serviceName = i => `svc-${String(i + 1).padStart(4, '0')}`;

/** The services' fixed characteristics. */
function makeServices(count) {
  const random = prng(20261126);
  const services = [];
  for (let i = 0; i < count; i++) {
    const rps = 2 + random() * 58; // 2..60 requests per second
    const medianS = 0.015 + random() * 0.25; // 15..265 ms
    const sigma = 0.5 + random() * 0.5;
    const errorFactor = 0.25 + random() * 2.5; // 0.5 %..5.5 % of requests answered with 5xx
    const meanS = medianS * Math.exp((sigma * sigma) / 2);
    // Cumulative share of requests at or under each bucket bound.
    const cumulative = BUCKETS.map(le =>
      normalCdf((Math.log(le) - Math.log(medianS)) / sigma),
    );
    const shares = ROUTES.map(r =>
      r.statusCode === '500' ? r.share * errorFactor : r.share,
    );
    const total = shares.reduce((a, b) => a + b, 0);
    services.push({
      name: serviceName(i),
      rps,
      meanS,
      cumulative,
      routeShares: shares.map(s => s / total),
      cpuPerRequest: 0.0005 + random() * 0.003, // CPU seconds per request
      baseCpu: 0.01 + random() * 0.05, // cores when idle
      memoryBytes: (80 + random() * 320) * 1024 * 1024,
      // Cumulative state, per route: a count per bucket (floats; printed floored), count, sum.
      routes: ROUTES.map(() => ({
        buckets: new Float64Array(BUCKETS.length),
        count: 0,
        sum: 0,
      })),
      cpuSeconds: random() * 100,
    });
  }
  return services;
}

/** Advances a service's counters by `dt` seconds of traffic. */
function advance(service, dt, random) {
  const noise = () => 0.9 + random() * 0.2;
  const requests = service.rps * dt * noise();
  service.routes.forEach((route, r) => {
    const n = requests * service.routeShares[r];
    for (let b = 0; b < BUCKETS.length; b++) {
      route.buckets[b] += n * service.cumulative[b];
    }
    route.count += n;
    route.sum += n * service.meanS * noise();
  });
  service.cpuSeconds +=
    (service.baseCpu + requests * service.cpuPerRequest) * noise();
}

function render(services) {
  const lines = [
    '# HELP http_request_duration_seconds Duration of HTTP requests in seconds',
    '# TYPE http_request_duration_seconds histogram',
  ];
  for (const s of services) {
    const common = `service="${s.name}",env="production"`;
    ROUTES.forEach((route, r) => {
      const state = s.routes[r];
      const labels = `${common},method="${route.method}",status_code="${route.statusCode}"`;
      const count = Math.floor(state.count);
      for (let b = 0; b < BUCKETS.length; b++) {
        lines.push(
          `http_request_duration_seconds_bucket{le="${
            BUCKETS[b]
          }",${labels}} ${Math.min(count, Math.floor(state.buckets[b]))}`,
        );
      }
      lines.push(
        `http_request_duration_seconds_bucket{le="+Inf",${labels}} ${count}`,
        `http_request_duration_seconds_sum{${labels}} ${state.sum}`,
        `http_request_duration_seconds_count{${labels}} ${count}`,
      );
    });
  }
  lines.push(
    '# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.',
    '# TYPE process_cpu_seconds_total counter',
  );
  for (const s of services) {
    lines.push(
      `process_cpu_seconds_total{service="${s.name}",env="production"} ${s.cpuSeconds}`,
    );
  }
  lines.push(
    '# HELP process_resident_memory_bytes Resident memory size in bytes.',
    '# TYPE process_resident_memory_bytes gauge',
  );
  for (const s of services) {
    lines.push(
      `process_resident_memory_bytes{service="${
        s.name
      }",env="production"} ${Math.round(s.memoryBytes)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Starts the exporter on a free port of 127.0.0.1. Returns the port, the shard paths to scrape
 * and `close()`.
 */
export async function startExporter({ services: count, shards }) {
  const services = makeServices(count);
  const random = prng(7);
  const perShard = Math.ceil(count / shards);
  const state = Array.from({ length: shards }, (_, k) => ({
    services: services.slice(k * perShard, (k + 1) * perShard),
    last: Date.now(),
  }));
  // Every service starts with some history, so that the first scrapes already see traffic.
  for (const shard of state) {
    for (const s of shard.services) advance(s, 60, random);
  }
  let scrapes = 0;
  const server = createServer((req, res) => {
    const match = /^\/metrics\/(\d+)$/.exec(req.url ?? '');
    const shard = match ? state[Number(match[1])] : undefined;
    if (!shard) {
      res.writeHead(404).end('not found\n');
      return;
    }
    const now = Date.now();
    const dt = (now - shard.last) / 1000;
    shard.last = now;
    for (const s of shard.services) advance(s, dt, random);
    scrapes++;
    res.writeHead(200, {
      'content-type': 'text/plain; version=0.0.4; charset=utf-8',
    });
    res.end(render(shard.services));
  });
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    paths: state.map((_, k) => `/metrics/${k}`),
    seriesPerService: ROUTES.length * (BUCKETS.length + 3) + 2,
    scrapes: () => scrapes,
    close: () => new Promise(resolve => server.close(resolve)),
  };
}
