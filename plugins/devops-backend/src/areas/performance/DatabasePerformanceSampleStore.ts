import {
  COLLECTED_METRICS,
  PerformancePoint,
  PerformanceStaleness,
} from '@devops-growth/backstage-plugin-devops-common';
import { MetricsSample } from '@devops-growth/backstage-plugin-devops-node';
import { Knex } from 'knex';
import { chunks, IN_CHUNK, INSERT_CHUNK } from '../../database/helpers';
import {
  CollectionFailure,
  CollectionStatusChange,
  PerformanceSampleStore,
} from './PerformanceSampleStore';
import {
  COLUMN,
  ENVIRONMENTS,
  HOURLY,
  MAX_ERROR_LENGTH,
  METRIC_COLUMNS,
  numberOrNull,
  SAMPLES,
  SIX_HOURS,
  STATUS,
  TEN_MINUTES,
  TEN_MINUTES_MS,
  upsertRollups,
} from './performanceTables';

type StatusRow = {
  entity_ref: string;
  provider: string | null;
  stale_since_ms: number | string | null;
  last_error: string | null;
  last_success_ms: number | string | null;
  last_attempt_ms: number | string;
};

/** A finite number, or null (NaN and infinities from a broken source are not stored). */
function finiteOrNull(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** Rounds to `digits` decimals: enough for the card and the API, and a much smaller response. */
function rounded(value: unknown, digits: number): number | null {
  const n = numberOrNull(value);
  if (n === null) return null;
  const scale = 10 ** digits;
  return Math.round(n * scale) / scale;
}

/**
 * A stored row as a point. Values are rounded to what is meaningful (milliseconds and requests
 * per second to 3 decimals, the error rate to 6, CPU cores to 4, memory to whole bytes); series
 * of hundreds of points are built per request, so this is written out rather than generic.
 */
function toPoint(
  atMs: unknown,
  row: Record<string, unknown>,
): PerformancePoint {
  return {
    at: new Date(Number(atMs)).toISOString(),
    p50Ms: rounded(row.p50_ms, 3),
    p95Ms: rounded(row.p95_ms, 3),
    p99Ms: rounded(row.p99_ms, 3),
    throughput: rounded(row.throughput, 3),
    errorRate: rounded(row.error_rate, 6),
    cpuCores: rounded(row.cpu_cores, 4),
    memoryBytes: rounded(row.memory_bytes, 0),
    authFailureRps: rounded(row.auth_failure_rps, 4),
    rateLimitedRps: rounded(row.rate_limited_rps, 4),
  };
}

/** Knex implementation of {@link PerformanceSampleStore}, for SQLite and PostgreSQL. */
export class DatabasePerformanceSampleStore implements PerformanceSampleStore {
  constructor(private readonly db: Knex) {}

  async insertSamples(samples: MetricsSample[]): Promise<number> {
    // One row per key, the last sample winning: PostgreSQL refuses an upsert that touches the
    // same row twice in one statement.
    const rows = new Map<string, Record<string, string | number | null>>();
    for (const sample of samples) {
      const atMs = sample.timestamp.getTime();
      if (!Number.isFinite(atMs)) {
        throw new Error(
          `Invalid timestamp in a sample of ${sample.entityRef} (${sample.environment})`,
        );
      }
      const row: Record<string, string | number | null> = {
        entity_ref: sample.entityRef,
        environment: sample.environment,
        at_ms: atMs,
      };
      for (const metric of COLLECTED_METRICS) {
        row[COLUMN[metric]] = finiteOrNull(sample.values[metric]);
      }
      rows.set(
        JSON.stringify([sample.entityRef, sample.environment, atMs]),
        row,
      );
    }
    if (rows.size === 0) return 0;
    // The newest sample time per entity and environment, for the environment list.
    const environments = new Map<
      string,
      { entity_ref: string; environment: string; last_at_ms: number }
    >();
    for (const row of rows.values()) {
      const key = JSON.stringify([row.entity_ref, row.environment]);
      const atMs = row.at_ms as number;
      const known = environments.get(key);
      if (!known || known.last_at_ms < atMs) {
        environments.set(key, {
          entity_ref: row.entity_ref as string,
          environment: row.environment as string,
          last_at_ms: atMs,
        });
      }
    }
    await this.db.transaction(async trx => {
      for (const chunk of chunks([...rows.values()], INSERT_CHUNK)) {
        await trx(SAMPLES)
          .insert(chunk)
          .onConflict(['entity_ref', 'environment', 'at_ms'])
          .merge(METRIC_COLUMNS);
      }
      // The 10-minute roll-ups of the buckets these samples fall in, recomputed from the raw
      // samples, so the 24-hour chart never waits for the maintenance task.
      let minAt = Infinity;
      let maxAt = -Infinity;
      for (const row of rows.values()) {
        minAt = Math.min(minAt, row.at_ms as number);
        maxAt = Math.max(maxAt, row.at_ms as number);
      }
      const refs = [
        ...new Set([...rows.values()].map(r => r.entity_ref as string)),
      ];
      for (const chunk of chunks(refs, IN_CHUNK)) {
        await upsertRollups(trx, {
          table: TEN_MINUTES,
          timeColumn: 'bucket_ms',
          bucketMs: TEN_MINUTES_MS,
          fromMs: minAt - (minAt % TEN_MINUTES_MS),
          toMs: maxAt - (maxAt % TEN_MINUTES_MS) + TEN_MINUTES_MS,
          entityRefs: chunk,
        });
      }
      for (const chunk of chunks([...environments.values()], INSERT_CHUNK)) {
        await trx(ENVIRONMENTS)
          .insert(chunk)
          .onConflict(['entity_ref', 'environment'])
          .merge({
            // Never move backwards when an older sample arrives late.
            last_at_ms: trx.raw(
              'CASE WHEN ?? > excluded.last_at_ms THEN ?? ELSE excluded.last_at_ms END',
              [`${ENVIRONMENTS}.last_at_ms`, `${ENVIRONMENTS}.last_at_ms`],
            ),
          });
      }
    });
    return rows.size;
  }

  async recordCollection(outcome: {
    at: Date;
    succeeded: string[];
    failed: CollectionFailure[];
  }): Promise<CollectionStatusChange> {
    const atMs = outcome.at.getTime();
    // An entity both collected and failed (one environment down) counts as failed.
    const failed = new Map<string, CollectionFailure>();
    for (const failure of outcome.failed)
      failed.set(failure.entityRef, failure);
    const succeeded = [...new Set(outcome.succeeded)].filter(
      ref => !failed.has(ref),
    );

    return this.db.transaction(async trx => {
      const previous = new Map<string, StatusRow>();
      for (const refs of chunks([...succeeded, ...failed.keys()], IN_CHUNK)) {
        const rows: StatusRow[] = await trx(STATUS).whereIn('entity_ref', refs);
        for (const row of rows) previous.set(row.entity_ref, row);
      }

      const recovered = succeeded.filter(
        ref => numberOrNull(previous.get(ref)?.stale_since_ms) !== null,
      );
      for (const chunk of chunks(succeeded, INSERT_CHUNK)) {
        await trx(STATUS)
          .insert(
            chunk.map(ref => ({
              entity_ref: ref,
              provider: null,
              stale_since_ms: null,
              last_error: null,
              last_success_ms: atMs,
              last_attempt_ms: atMs,
            })),
          )
          .onConflict('entity_ref')
          .merge([
            'stale_since_ms',
            'last_error',
            'last_success_ms',
            'last_attempt_ms',
          ]);
      }

      const newlyStale: string[] = [];
      const failedRows = [...failed.values()].map(failure => {
        const since = numberOrNull(
          previous.get(failure.entityRef)?.stale_since_ms,
        );
        if (since === null) newlyStale.push(failure.entityRef);
        return {
          entity_ref: failure.entityRef,
          provider: failure.provider,
          // The outage started at its first failure; later failures keep that time.
          stale_since_ms: since ?? atMs,
          last_error: failure.message.slice(0, MAX_ERROR_LENGTH),
          last_attempt_ms: atMs,
        };
      });
      for (const chunk of chunks(failedRows, INSERT_CHUNK)) {
        await trx(STATUS)
          .insert(chunk.map(row => ({ ...row, last_success_ms: null })))
          .onConflict('entity_ref')
          .merge([
            'provider',
            'stale_since_ms',
            'last_error',
            'last_attempt_ms',
          ]);
      }
      return { newlyStale, recovered };
    });
  }

  async getStaleness(entityRef: string): Promise<PerformanceStaleness | null> {
    const row: StatusRow | undefined = await this.db(STATUS)
      .where({ entity_ref: entityRef })
      .first();
    const since = numberOrNull(row?.stale_since_ms);
    if (!row || since === null) return null;
    const lastSuccess = numberOrNull(row.last_success_ms);
    return {
      since: new Date(since).toISOString(),
      error: row.last_error ?? '',
      source: row.provider ?? '',
      lastSuccessAt:
        lastSuccess === null ? null : new Date(lastSuccess).toISOString(),
    };
  }

  async listEnvironments(entityRef: string): Promise<string[]> {
    const rows: Array<{ environment: string }> = await this.db(ENVIRONMENTS)
      .select('environment')
      .where({ entity_ref: entityRef });
    return rows.map(r => r.environment).sort();
  }

  async getLatestSample(
    entityRef: string,
    environment: string,
  ): Promise<PerformancePoint | undefined> {
    const row = await this.db(SAMPLES)
      .where({ entity_ref: entityRef, environment })
      .orderBy('at_ms', 'desc')
      .first();
    return row ? toPoint(row.at_ms, row) : undefined;
  }

  async readRawSeries(options: {
    entityRef: string;
    environment: string;
    from: Date;
    to: Date;
    bucketMs: number;
  }): Promise<PerformancePoint[]> {
    const bucketMs = Math.floor(options.bucketMs);
    if (!(bucketMs >= 1)) {
      throw new Error(`Invalid bucket size ${options.bucketMs} ms`);
    }
    // Integer arithmetic on bigint epoch milliseconds: the same in SQLite and PostgreSQL.
    const bucket = this.db.raw('(at_ms - (at_ms % ?))', [bucketMs]);
    const rows = await this.db(SAMPLES)
      .select({ bucket_ms: bucket })
      .select(
        METRIC_COLUMNS.map(c =>
          this.db.raw('avg(??) as ??', [c, c]),
        ) as unknown as string[],
      )
      .where({
        entity_ref: options.entityRef,
        environment: options.environment,
      })
      .andWhere('at_ms', '>=', options.from.getTime())
      .andWhere('at_ms', '<', options.to.getTime())
      .groupBy('bucket_ms')
      .orderBy('bucket_ms', 'asc');
    return rows.map((row: Record<string, unknown>) =>
      toPoint(row.bucket_ms, row),
    );
  }

  async readHourlySeries(options: {
    entityRef: string;
    environment: string;
    from: Date;
    to: Date;
  }): Promise<PerformancePoint[]> {
    return this.readRollupSeries(HOURLY, 'hour_ms', options);
  }

  async readSixHourSeries(options: {
    entityRef: string;
    environment: string;
    from: Date;
    to: Date;
  }): Promise<PerformancePoint[]> {
    return this.readRollupSeries(SIX_HOURS, 'bucket_ms', options);
  }

  async readTenMinuteSeries(options: {
    entityRef: string;
    environment: string;
    from: Date;
    to: Date;
  }): Promise<PerformancePoint[]> {
    return this.readRollupSeries(TEN_MINUTES, 'bucket_ms', options);
  }

  /** The rows of a roll-up table in [from, to), oldest first. */
  private async readRollupSeries(
    table: string,
    timeColumn: string,
    options: { entityRef: string; environment: string; from: Date; to: Date },
  ): Promise<PerformancePoint[]> {
    const rows = await this.db(table)
      .select([timeColumn, ...METRIC_COLUMNS])
      .where({
        entity_ref: options.entityRef,
        environment: options.environment,
      })
      .andWhere(timeColumn, '>=', options.from.getTime())
      .andWhere(timeColumn, '<', options.to.getTime())
      .orderBy(timeColumn, 'asc');
    return rows.map((row: Record<string, unknown>) =>
      toPoint(row[timeColumn], row),
    );
  }

  async readRawPoints(options: {
    entityRef: string;
    environment: string;
    from: Date;
    to: Date;
  }): Promise<PerformancePoint[]> {
    const rows = await this.db(SAMPLES)
      .select(['at_ms', ...METRIC_COLUMNS])
      .where({
        entity_ref: options.entityRef,
        environment: options.environment,
      })
      .andWhere('at_ms', '>=', options.from.getTime())
      .andWhere('at_ms', '<', options.to.getTime())
      .orderBy('at_ms', 'asc');
    return rows.map((row: Record<string, unknown>) =>
      toPoint(row.at_ms as number, row),
    );
  }
}
