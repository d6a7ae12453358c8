// Runs Debian's Prometheus server (/usr/bin/prometheus) on a free port with a temporary TSDB,
// scraping the synthetic exporter every second with `honor_labels: true`.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PROMETHEUS_BIN =
  process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

/** Runs an instant query; returns the result vector. */
export async function instantQuery(url, query) {
  const res = await fetch(`${url}/api/v1/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ query }),
  });
  const body = await res.json();
  if (body.status !== 'success') {
    throw new Error(`${query}: ${body.error ?? res.status}`);
  }
  return body.data.result;
}

/**
 * Starts Prometheus scraping `targets` (paths on 127.0.0.1:`exporterPort`). Resolves when it is
 * ready; `stop()` kills it and removes its data.
 */
export async function startPrometheus({ exporterPort, paths }) {
  const dir = mkdtempSync(join(tmpdir(), 'devops-bench-prometheus-'));
  const port = await freePort();
  // One static target per exporter shard; `instance` tells them apart.
  const staticConfigs = paths
    .map(
      (path, k) => `      - targets: ['127.0.0.1:${exporterPort}']
        labels:
          __metrics_path__: '${path}'
          instance: 'exporter-${k}'`,
    )
    .join('\n');
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: bench
    honor_labels: true
    static_configs:
${staticConfigs}
`,
  );
  let log = '';
  const child = spawn(
    PROMETHEUS_BIN,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=1h',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout.on('data', d => (log = (log + d).slice(-4000)));
  child.stderr.on('data', d => (log = (log + d).slice(-4000)));
  const exited = new Promise(resolve => child.once('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(10000)]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`prometheus exited with ${child.exitCode}: ${log}`);
    }
    try {
      const res = await fetch(`${url}/-/ready`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus not ready after 30 s: ${log}`);
    }
    await sleep(200);
  }
  return { url, port, stop, log: () => log };
}

/**
 * Waits until every one of `services` services has at least `samples` samples of its request
 * counter within `range`, so that `rate(...[range])` has data for all of them.
 */
export async function waitForSamples(url, { services, samples, range }) {
  const deadline = Date.now() + 120000;
  const query = `count(count_over_time(http_request_duration_seconds_count{status_code="200"}[${range}]) >= ${samples})`;
  for (;;) {
    const result = await instantQuery(url, query);
    const ready = result.length ? Number(result[0].value[1]) : 0;
    if (ready >= services) return;
    if (Date.now() > deadline) {
      throw new Error(
        `only ${ready} of ${services} services have ${samples} samples in ${range} after 2 min`,
      );
    }
    await sleep(1000);
  }
}
