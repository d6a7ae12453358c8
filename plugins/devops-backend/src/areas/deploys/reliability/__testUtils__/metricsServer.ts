import { createServer, Server } from 'node:http';

/**
 * Prometheus text exposition for the canary and baseline of each environment: an
 * `http_request_duration_seconds` histogram that grows by the same simulated traffic on both
 * sides (no regression), so the analysis promotes. A parked environment answers 503, so its
 * analysis stays inconclusive (the deploy waits in the analysis phase).
 */
export class MetricsServer {
  private server: Server | undefined;
  private port = 0;
  private readonly parked = new Set<string>();
  private readonly counts = new Map<string, number[]>();
  private readonly served = new Map<string, number>();

  static readonly BOUNDS = [0.025, 0.05, 0.1, 0.25, 0.5, 1];

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const match = /^\/metrics\/([^/]+)\/(canary|baseline|service)$/.exec(
        req.url ?? '',
      );
      if (!match) {
        res.writeHead(404).end();
        return;
      }
      if (this.parked.has(match[1]) || this.parked.has('*')) {
        res.writeHead(503).end('parked by the test');
        return;
      }
      const key = `${match[1]}/${match[2]}`;
      this.served.set(key, (this.served.get(key) ?? 0) + 1);
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(this.exposition(`${match[1]}/${match[2]}`));
    });
    await new Promise<void>(done =>
      this.server!.listen(0, '127.0.0.1', () => done()),
    );
    const address = this.server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
  }

  async stop(): Promise<void> {
    await new Promise<void>(done =>
      this.server ? this.server.close(() => done()) : done(),
    );
  }

  host(): string {
    return `127.0.0.1:${this.port}`;
  }

  url(environment: string, side: 'canary' | 'baseline' | 'service'): string {
    return `http://127.0.0.1:${this.port}/metrics/${environment}/${side}`;
  }

  /** How many successful scrapes of the environment's side were answered. */
  scrapes(
    environment: string,
    side: 'canary' | 'baseline' | 'service',
  ): number {
    return this.served.get(`${environment}/${side}`) ?? 0;
  }

  /** Answers 503 for the environment's metrics, or every environment's without one. */
  park(environment = '*') {
    this.parked.add(environment);
  }

  unparkAll() {
    this.parked.clear();
  }

  /** 200 more requests since the last scrape, spread over the buckets with a little noise. */
  private exposition(key: string): string {
    const counts = this.counts.get(key) ?? MetricsServer.BOUNDS.map(() => 0);
    const share = [0.3, 0.4, 0.2, 0.07, 0.02, 0.01];
    let cumulative = 0;
    for (let i = 0; i < counts.length; i++) {
      cumulative += Math.round(200 * share[i] * (0.9 + Math.random() * 0.2));
      counts[i] += cumulative;
    }
    this.counts.set(key, counts);
    const total = counts[counts.length - 1];
    const lines = [
      '# TYPE http_request_duration_seconds histogram',
      ...MetricsServer.BOUNDS.map(
        (le, i) =>
          `http_request_duration_seconds_bucket{status_code="200",le="${le}"} ${counts[i]}`,
      ),
      `http_request_duration_seconds_bucket{status_code="200",le="+Inf"} ${total}`,
      `http_request_duration_seconds_sum{status_code="200"} ${(
        total * 0.06
      ).toFixed(3)}`,
      `http_request_duration_seconds_count{status_code="200"} ${total}`,
    ];
    return `${lines.join('\n')}\n`;
  }
}
