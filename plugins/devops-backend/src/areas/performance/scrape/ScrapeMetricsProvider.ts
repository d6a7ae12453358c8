import http from 'node:http';
import https from 'node:https';
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { LoggerService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import {
  DEVOPS_METRICS_URL_ANNOTATION,
  parseEnvironmentUrls,
} from '@devops-growth/backstage-plugin-devops-common';
import {
  AllowedHosts,
  EgressTarget,
  pinnedLookup,
} from '../../../egress/AllowedHosts';
import {
  MetricsCollectionContext,
  MetricsCollectionResult,
  MetricsFailure,
  MetricsProvider,
  MetricsSample,
  describeByteSize,
} from '@devops-growth/backstage-plugin-devops-node';
import {
  deriveValues,
  hasRecognisedMetrics,
  isKeptFamily,
  REQUEST_HISTOGRAM_CONVENTIONS,
  ScrapeSnapshot,
  snapshotFromFamilies,
} from './derive';
import { ExpositionParser } from './exposition';
import {
  describeContentType,
  describeMs,
  describeParseError,
} from './messages';
import { KEY, readScrapeSettings, ScrapeSettings } from './settings';

/** Snapshots older than this are dropped (the target left the catalog or this replica). */
const SNAPSHOT_MAX_AGE_MS = 60 * 60 * 1000;

interface Target {
  entity: Entity;
  entityRef: string;
  environment: string;
  url: string;
}

/**
 * The embedded metrics provider (id `scrape`): reads each entity's Prometheus text exposition
 * endpoint, declared by `devops-growth.io/metrics-url` (one URL, or `environment=url` pairs), and
 * derives latency quantiles, throughput, error rate, CPU and memory from two consecutive scrapes.
 *
 * Direct scrape costs one HTTP request per entity and environment and tick by nature: it suits a
 * portal with tens or hundreds of services and needs no Prometheus. At scale, the Prometheus
 * module reads everything with one PromQL query per metric per tick instead.
 *
 * Only hosts in `devops.allowedHosts` are requested (see {@link AllowedHosts}): the host is
 * resolved once, its address checked, and the connection pinned to that address. Redirects are
 * not followed. No message a failure produces quotes response bytes: they name the HTTP status,
 * the content type and the line number.
 *
 * The previous scrape of each (entity, environment, URL) is kept in this process's memory only:
 * after a restart, or when the collection shard moves to another replica, the first tick has no
 * previous scrape and yields memory only (no rates, no quantiles); the next tick is complete.
 */
export class ScrapeMetricsProvider implements MetricsProvider {
  readonly id = 'scrape';
  private readonly snapshots = new Map<string, ScrapeSnapshot>();
  private lastEviction = 0;

  static fromConfig(
    config: Config,
    options: { logger: LoggerService; allowedHosts?: AllowedHosts },
  ) {
    return new ScrapeMetricsProvider(
      readScrapeSettings(config),
      options.logger,
      options.allowedHosts ?? AllowedHosts.fromConfig(config),
    );
  }

  constructor(
    private readonly settings: ScrapeSettings,
    private readonly logger: LoggerService,
    private readonly allowedHosts: AllowedHosts,
  ) {}

  handles(entity: Entity): boolean {
    return Boolean(
      entity.metadata.annotations?.[DEVOPS_METRICS_URL_ANNOTATION]?.trim(),
    );
  }

  async collect(
    entities: Entity[],
    context: MetricsCollectionContext,
  ): Promise<MetricsCollectionResult> {
    const samples: MetricsSample[] = [];
    const failures: MetricsFailure[] = [];
    const targets: Target[] = [];
    for (const entity of entities) {
      const entityRef = stringifyEntityRef(entity);
      const annotation =
        entity.metadata.annotations?.[DEVOPS_METRICS_URL_ANNOTATION] ?? '';
      let urls: Map<string, string>;
      try {
        urls = parseEnvironmentUrls(annotation);
      } catch (error) {
        failures.push({
          entityRef,
          message: `Invalid ${DEVOPS_METRICS_URL_ANNOTATION} annotation: ${
            (error as Error).message
          }`,
        });
        continue;
      }
      for (const [environment, url] of urls) {
        const refused = this.allowedHosts.check(url);
        if (refused) {
          failures.push({ entityRef, message: `GET ${url}: ${refused}` });
        } else {
          targets.push({ entity, entityRef, environment, url });
        }
      }
    }

    let next = 0;
    const worker = async () => {
      while (next < targets.length && !context.signal.aborted) {
        const target = targets[next++];
        try {
          const sample = await this.scrapeTarget(target, context);
          if (sample) {
            samples.push(sample);
          }
        } catch (error) {
          failures.push({
            entityRef: target.entityRef,
            message: (error as Error).message,
          });
        }
      }
    };
    await Promise.all(
      Array.from(
        { length: Math.min(this.settings.concurrency, targets.length) },
        worker,
      ),
    );
    for (const target of targets.slice(next)) {
      failures.push({
        entityRef: target.entityRef,
        message: `GET ${target.url}: not scraped, the collection was aborted`,
      });
    }
    this.evict(Date.now());
    return { samples, failures };
  }

  private async scrapeTarget(
    target: Target,
    context: MetricsCollectionContext,
  ): Promise<MetricsSample | undefined> {
    const snapshot = await this.scrape(target.url, context.signal);
    const key = `${target.entityRef}\u0000${target.environment}\u0000${target.url}`;
    const previous = this.snapshots.get(key);
    this.snapshots.set(key, snapshot);
    const values = deriveValues(previous, snapshot);
    if (Object.values(values).every(v => v === null)) {
      this.logger.debug(
        `Scraped ${target.url} for ${target.entityRef}: first scrape, rates follow at the next tick`,
      );
      return undefined;
    }
    return {
      entityRef: target.entityRef,
      environment: target.environment,
      timestamp: context.now,
      values,
    };
  }

  /** One GET of a metrics endpoint, parsed while it streams in. */
  private async scrape(
    url: string,
    signal: AbortSignal,
  ): Promise<ScrapeSnapshot> {
    const { timeoutMs, maxBodySize } = this.settings;
    const controller = new AbortController();
    const timer = setTimeout(
      () =>
        controller.abort(new Error(`timed out after ${describeMs(timeoutMs)}`)),
      timeoutMs,
    );
    const onAbort = () =>
      controller.abort(new Error('aborted: the collection ran out of time'));
    signal.addEventListener('abort', onAbort);
    if (signal.aborted) onAbort();
    try {
      // DNS is not abortable: the tick's budget and the scrape timeout still end the wait.
      const target = await Promise.race([
        this.allowedHosts.resolve(url),
        new Promise<never>((_, reject) => {
          if (controller.signal.aborted) reject(controller.signal.reason);
          controller.signal.addEventListener('abort', () =>
            reject(controller.signal.reason),
          );
        }),
      ]);
      const { body, at, contentType } = await this.get(
        target,
        controller.signal,
      );
      if (/^\s*text\/html/i.test(contentType)) {
        body.destroy();
        throw new Error(
          `HTTP 200 with ${describeContentType(
            contentType,
          )}, not the Prometheus text format`,
        );
      }
      const parser = new ExpositionParser({ keep: isKeptFamily });
      const parse = <T>(step: () => T) =>
        parsing(step, contentType, this.logger, url);
      const decoder = new StringDecoder('utf8');
      let bytes = 0;
      const abort = () => body.destroy(controller.signal.reason as Error);
      controller.signal.addEventListener('abort', abort);
      if (controller.signal.aborted) abort();
      try {
        for await (const chunk of body as AsyncIterable<Buffer>) {
          bytes += chunk.length;
          if (bytes > maxBodySize) {
            throw new Error(
              `body larger than ${describeByteSize(
                maxBodySize,
              )} (${KEY}.maxBodySize)`,
            );
          }
          parse(() => parser.push(decoder.write(chunk)));
        }
        parse(() => parser.push(decoder.end()));
      } finally {
        controller.signal.removeEventListener('abort', abort);
        body.destroy();
      }
      const snapshot = snapshotFromFamilies(
        parse(() => parser.end()),
        at,
      );
      if (!hasRecognisedMetrics(snapshot)) {
        throw new Error(
          `no recognised metrics (expected one of ${REQUEST_HISTOGRAM_CONVENTIONS.flatMap(
            c => c.names,
          ).join(
            ', ',
          )}, process_cpu_seconds_total or process_resident_memory_bytes)`,
        );
      }
      return snapshot;
    } catch (error) {
      const reason = controller.signal.aborted
        ? (controller.signal.reason as Error)
        : (error as Error);
      throw new Error(`GET ${url}: ${reason.message}`);
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
  }

  /**
   * Sends the request to the checked address (the socket's lookup answers it, no second DNS
   * query); resolves with the (decompressed) body once a 2xx status arrived.
   */
  private get(
    target: EgressTarget,
    signal: AbortSignal,
  ): Promise<{ body: Readable; at: number; contentType: string }> {
    const { maxBodySize } = this.settings;
    return new Promise((resolve, reject) => {
      const client = target.url.protocol === 'https:' ? https : http;
      const request = client.get(
        target.url,
        {
          agent: false,
          lookup: pinnedLookup(target),
          signal,
          headers: {
            accept: 'text/plain;version=0.0.4',
            'accept-encoding': 'gzip',
            'user-agent': 'backstage-devops-scrape',
          },
        },
        response => {
          const at = Date.now();
          const status = response.statusCode ?? 0;
          if (status >= 400 || status < 200) {
            response.resume();
            reject(new Error(`HTTP ${status}`));
            return;
          }
          if (status >= 300) {
            response.resume();
            reject(
              new Error(
                `HTTP ${status}, a redirect: redirects are not followed, declare the final URL`,
              ),
            );
            return;
          }
          const declared = Number(response.headers['content-length']);
          const gzip = /gzip/i.test(response.headers['content-encoding'] ?? '');
          if (!gzip && Number.isFinite(declared) && declared > maxBodySize) {
            response.destroy();
            reject(
              new Error(
                `body of ${describeByteSize(
                  declared,
                )} larger than ${describeByteSize(
                  maxBodySize,
                )} (${KEY}.maxBodySize)`,
              ),
            );
            return;
          }
          let body: Readable = response;
          if (gzip) {
            const gunzip = createGunzip();
            response.on('error', e => gunzip.destroy(e));
            body = response.pipe(gunzip);
          }
          resolve({
            body,
            at,
            contentType: String(response.headers['content-type'] ?? ''),
          });
        },
      );
      request.on('error', error => {
        const code = (error as NodeJS.ErrnoException).code;
        reject(
          code && !error.message.includes(code)
            ? new Error(`${code}: ${error.message}`)
            : error,
        );
      });
    });
  }

  private evict(now: number) {
    if (now - this.lastEviction < 5 * 60 * 1000) {
      return;
    }
    this.lastEviction = now;
    for (const [key, snapshot] of this.snapshots) {
      if (now - snapshot.at > SNAPSHOT_MAX_AGE_MS) {
        this.snapshots.delete(key);
      }
    }
  }
}

/**
 * Runs a step of the parser; a parse error becomes a message naming the line only. The parser's
 * own message, which quotes the text, goes to the debug log for the operator.
 */
function parsing<T>(
  step: () => T,
  contentType: string,
  logger: LoggerService,
  url: string,
): T {
  try {
    return step();
  } catch (error) {
    logger.debug(`Scrape of ${url}: ${(error as Error).message}`);
    throw new Error(describeParseError(error as Error, contentType));
  }
}
