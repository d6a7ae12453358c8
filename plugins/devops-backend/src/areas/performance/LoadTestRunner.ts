import { LoggerService } from '@backstage/backend-plugin-api';
import { LoadTestRun } from '@devops-growth/backstage-plugin-devops-common';
import autocannon from 'autocannon';
import { AllowedHosts, EgressTarget } from '../../egress/AllowedHosts';
import { LoadTestOutcome, LoadTestStore } from './LoadTestStore';
import { LoadTestSettings } from './settings';

/** Seconds a single request may take before autocannon counts it as a timeout. */
const REQUEST_TIMEOUT_SECONDS = 10;

/** Response times in milliseconds, kept in a growing typed array (8 bytes per response). */
class LatencyRecorder {
  private values = new Float64Array(4096);
  private count = 0;

  record(ms: number) {
    if (this.count === this.values.length) {
      const next = new Float64Array(this.values.length * 2);
      next.set(this.values);
      this.values = next;
    }
    this.values[this.count++] = ms;
  }

  /** Nearest-rank percentiles, rounded to 0.01 ms; `null` without responses. */
  percentiles(ps: number[]): Array<number | null> {
    if (this.count === 0) return ps.map(() => null);
    const sorted = this.values.slice(0, this.count).sort();
    return ps.map(p => {
      const rank = Math.min(
        this.count - 1,
        Math.max(0, Math.ceil((p / 100) * this.count) - 1),
      );
      return Math.round(sorted[rank] * 100) / 100;
    });
  }
}

/**
 * The URL autocannon is given: the checked address in place of the host name, so that every
 * (re)connection goes there and no DNS query happens during the run; the `Host` header and TLS
 * server name stay the declared host's.
 */
function pinnedUrl(target: EgressTarget): {
  url: string;
  host: string;
  servername?: string;
} {
  const { url, address, family, port, hostname } = target;
  const pinned = `${url.protocol}//${
    family === 6 ? `[${address}]` : address
  }:${port}${url.pathname}${url.search}`;
  return {
    url: pinned,
    host: url.host,
    servername:
      url.protocol === 'https:' && hostname !== address ? hostname : undefined,
  };
}

/**
 * Runs bounded load tests with autocannon against URLs the entity declares, in the background:
 * {@link LoadTestRunner.start} stores a `running` run and returns it at once; the result (or the
 * failure) is stored when autocannon finishes. The URL passes `devops.allowedHosts` with the
 * same address checks as the scrape provider: the host is resolved and checked before the run is
 * stored, and autocannon connects to that checked address only (see {@link pinnedUrl}); it does
 * not follow redirects (3xx answers count as errors).
 */
export class LoadTestRunner {
  private readonly inFlight = new Map<
    string,
    { promise: Promise<void>; stop: () => void }
  >();

  constructor(
    private readonly store: LoadTestStore,
    readonly settings: LoadTestSettings,
    private readonly logger: LoggerService,
    private readonly allowedHosts: AllowedHosts,
  ) {}

  /**
   * Starts a run. The caller resolves `url` from the entity's own annotation (never from the
   * request) and validates the bounds; the store enforces one running run per entity and the
   * global cap (`ConflictError`). A host outside `devops.allowedHosts`, or one that resolves to
   * an address the list does not admit, is refused with an `InputError` and nothing is stored.
   */
  async start(request: {
    entityRef: string;
    environment: string;
    url: string;
    startedBy: string;
    durationSeconds: number;
    connections: number;
  }): Promise<LoadTestRun> {
    const target = await this.allowedHosts.resolve(request.url);
    const run = await this.store.startLoadTest({
      ...request,
      maxConcurrent: this.settings.maxConcurrent,
    });
    let stop: () => void = () => {};
    const promise = this.execute(run, target, s => {
      stop = s;
    })
      .catch(error =>
        this.logger.error(`Load test ${run.id} could not be recorded`, error),
      )
      .finally(() => this.inFlight.delete(run.id));
    this.inFlight.set(run.id, { promise, stop: () => stop() });
    return run;
  }

  /** Waits for the runs of this process to finish and be stored. */
  async whenIdle(): Promise<void> {
    await Promise.all([...this.inFlight.values()].map(r => r.promise));
  }

  /** Stops the runs of this process (backend shutdown); they are stored as failed. */
  async stopAll(): Promise<void> {
    for (const run of this.inFlight.values()) run.stop();
    await this.whenIdle();
  }

  private async execute(
    run: LoadTestRun,
    target: EgressTarget,
    onStop: (stop: () => void) => void,
  ): Promise<void> {
    const latencies = new LatencyRecorder();
    const pinned = pinnedUrl(target);
    let stopped = false;
    const outcome = await new Promise<LoadTestOutcome>(resolve => {
      try {
        const instance = autocannon(
          {
            url: pinned.url,
            headers: { host: pinned.host },
            servername: pinned.servername,
            duration: run.durationSeconds,
            connections: run.connections,
            timeout: REQUEST_TIMEOUT_SECONDS,
          },
          (error, result) => {
            if (error) {
              resolve({
                status: 'failed',
                error: `autocannon failed: ${error.message ?? String(error)}`,
              });
              return;
            }
            const errors = result.errors + result.non2xx;
            const responses = result['2xx'] + result.non2xx;
            if (stopped) {
              resolve({
                status: 'failed',
                error: 'stopped by a backend shutdown',
                requests: responses,
                errors,
              });
              return;
            }
            if (responses === 0) {
              resolve({
                status: 'failed',
                error: `No response from ${run.url}: ${
                  result.errors
                } request error(s)${
                  result.timeouts
                    ? `, of which ${result.timeouts} timeout(s)`
                    : ''
                }`,
                requests: 0,
                errors,
              });
              return;
            }
            const [p50Ms, p95Ms, p99Ms] = latencies.percentiles([50, 95, 99]);
            resolve({
              status: 'succeeded',
              requests: responses,
              throughput:
                Math.round(
                  (responses / Math.max(result.duration, 0.001)) * 100,
                ) / 100,
              p50Ms,
              p95Ms,
              p99Ms,
              errors,
            });
          },
        );
        instance.on('response', (_client, _status, _bytes, responseTime) =>
          latencies.record(responseTime),
        );
        onStop(() => {
          stopped = true;
          instance.stop();
        });
      } catch (error) {
        resolve({
          status: 'failed',
          error: `autocannon failed: ${(error as Error).message}`,
        });
      }
    });
    const stored = await this.store.finishLoadTest(run.id, outcome);
    if (!stored) {
      this.logger.warn(
        `Load test ${run.id} of ${run.entityRef} finished after it was marked interrupted; its result is dropped`,
      );
    } else {
      this.logger.info(
        `Load test ${run.id} of ${run.entityRef} (${run.environment}) ${
          stored.status
        }${stored.error ? `: ${stored.error}` : ''}`,
      );
    }
  }
}
