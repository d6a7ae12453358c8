import {
  PERFORMANCE_METRICS,
  PerformanceMetric,
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

/** Longest failure message kept. */
const MAX_ERROR_LENGTH = 2000;
const HOUR_MS = 3_600_000;
const ROLLUP_WATERMARK = 'rollup';

const SAMPLES = 'devops_perf_samples';
const HOURLY = 'devops_perf_hourly';
const STATUS = 'devops_perf_status';
const ENVIRONMENTS = 'devops_perf_environments';
const TEN_MINUTES = 'devops_perf_ten_minutes';
const TEN_MINUTES_MS = 600_000;
const SIX_HOURS = 'devops_perf_six_hours';
const SIX_HOURS_MS = 21_600_000;
const WATERMARKS = 'devops_perf_watermarks';

/** The column of each metric, in both the raw and the hourly table. */
const COLUMN: Record<PerformanceMetric, string> = {
  p50Ms: 'p50_ms',
  p95Ms: 'p95_ms',
  p99Ms: 'p99_ms',
  throughput: 'throughput',
  errorRate: 'error_rate',
  cpuCores: 'cpu_cores',
  memoryBytes: 'memory_bytes',
};
const METRIC_COLUMNS = PERFORMANCE_METRICS.map(m => COLUMN[m]);
/** The columns of a roll-up row besides its key, and the upsert clause that replaces them. */
const ROLLUP_COLUMNS = [
  'sample_count',
  ...METRIC_COLUMNS,
  'max_p95_ms',
  'max_p99_ms',
];
const ROLLUP_UPDATES = ROLLUP_COLUMNS.map(c => `${c} = excluded.${c}`).join(
  ', ',
);

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

function numberOrNull(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
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
  };
}

/** Knex implementation of {@link PerformanceSampleStore}, for SQLite and PostgreSQL, plus its maintenance. */
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
      for (const metric of PERFORMANCE_METRICS) {
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
        await this.rollupInto(trx, {
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

  /** Deletes at most `limit` 10-minute roll-ups older than `before`, oldest first. Returns rows deleted. */
  async pruneTenMinuteRollups(before: Date, limit: number): Promise<number> {
    return this.pruneOldest(TEN_MINUTES, 'bucket_ms', before, limit);
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

  /**
   * Computes the hourly roll-ups of every complete hour in [from, to) from the raw samples
   * (`from` is rounded down and `to` down to the hour, so the hour in progress is never rolled
   * up). An hour rolled up again is replaced, so calling this twice changes nothing. Returns the
   * number of hourly rows written.
   */
  async rollupHours(from: Date, to: Date): Promise<number> {
    const fromMs = Math.floor(from.getTime() / HOUR_MS) * HOUR_MS;
    const toMs = Math.floor(to.getTime() / HOUR_MS) * HOUR_MS;
    if (toMs <= fromMs) return 0;
    return this.db.transaction(async trx => {
      await this.rollupInto(trx, {
        table: HOURLY,
        timeColumn: 'hour_ms',
        bucketMs: HOUR_MS,
        fromMs,
        toMs,
      });
      // The 6-hour roll-ups of the same span, from the hourly ones: means weighted by the
      // hours' sample counts, which are the means of the samples.
      const sixFrom = fromMs - (fromMs % SIX_HOURS_MS);
      const sixTo = toMs - (toMs % SIX_HOURS_MS) + SIX_HOURS_MS;
      const weighted = METRIC_COLUMNS.map(
        c =>
          `sum(${c} * sample_count) / nullif(sum(case when ${c} is null then 0 else sample_count end), 0)`,
      ).join(', ');
      await trx.raw(
        `INSERT INTO ${SIX_HOURS}
           (entity_ref, environment, bucket_ms, ${ROLLUP_COLUMNS.join(', ')})
         SELECT entity_ref, environment, hour_ms - (hour_ms % ${SIX_HOURS_MS}), sum(sample_count), ${weighted}, max(max_p95_ms), max(max_p99_ms)
           FROM ${HOURLY}
          WHERE hour_ms >= ? AND hour_ms < ?
          GROUP BY entity_ref, environment, hour_ms - (hour_ms % ${SIX_HOURS_MS})
         ON CONFLICT (entity_ref, environment, bucket_ms) DO UPDATE SET ${ROLLUP_UPDATES}`,
        [sixFrom, sixTo],
      );
      const [{ n }] = await trx
        .from(
          trx(SAMPLES)
            .select(trx.raw(`at_ms - (at_ms % ${HOUR_MS}) as hour_ms`))
            .where('at_ms', '>=', fromMs)
            .andWhere('at_ms', '<', toMs)
            .groupBy('entity_ref', 'environment', 'hour_ms')
            .as('hours'),
        )
        .count({ n: '*' });
      return Number(n);
    });
  }

  /**
   * Upserts the roll-ups (means, sample count, maxima of P95 and P99) of the buckets of
   * `bucketMs` in [fromMs, toMs) from the raw samples, optionally for some entities only.
   * `fromMs` and `toMs` are bucket boundaries.
   */
  private async rollupInto(
    trx: Knex.Transaction,
    options: {
      table: string;
      timeColumn: string;
      bucketMs: number;
      fromMs: number;
      toMs: number;
      entityRefs?: string[];
    },
  ): Promise<void> {
    const { table, timeColumn, bucketMs, fromMs, toMs, entityRefs } = options;
    const means = METRIC_COLUMNS.map(c => `avg(${c})`).join(', ');
    const onlyEntities = entityRefs
      ? `AND entity_ref IN (${entityRefs.map(() => '?').join(', ')})`
      : '';
    await trx.raw(
      `INSERT INTO ${table}
         (entity_ref, environment, ${timeColumn}, ${ROLLUP_COLUMNS.join(', ')})
       SELECT entity_ref, environment, at_ms - (at_ms % ${bucketMs}), count(*), ${means}, max(p95_ms), max(p99_ms)
         FROM ${SAMPLES}
        WHERE at_ms >= ? AND at_ms < ? ${onlyEntities}
        GROUP BY entity_ref, environment, at_ms - (at_ms % ${bucketMs})
       ON CONFLICT (entity_ref, environment, ${timeColumn}) DO UPDATE SET ${ROLLUP_UPDATES}`,
      [fromMs, toMs, ...(entityRefs ?? [])],
    );
  }

  /** Deletes at most `limit` raw samples older than `before`, oldest first. Returns rows deleted. */
  async pruneSamples(before: Date, limit: number): Promise<number> {
    return this.pruneOldest(SAMPLES, 'at_ms', before, limit);
  }

  /**
   * Deletes at most `limit` hourly roll-ups of hours starting before `before`, then 6-hour ones.
   * Returns rows deleted (0 once both are done).
   */
  async pruneRollups(before: Date, limit: number): Promise<number> {
    const deleted =
      (await this.pruneOldest(HOURLY, 'hour_ms', before, limit)) ||
      (await this.pruneOldest(SIX_HOURS, 'bucket_ms', before, limit));
    if (deleted === 0) {
      // Raw samples are kept for less long than roll-ups: an environment whose newest sample is
      // older than the roll-up cut-off has no data left.
      await this.db(ENVIRONMENTS)
        .where('last_at_ms', '<', before.getTime())
        .delete();
    }
    return deleted;
  }

  /** The start of the first hour not rolled up yet, if roll-ups ever ran. */
  async getRollupWatermark(): Promise<Date | undefined> {
    const row = await this.db(WATERMARKS)
      .where({ name: ROLLUP_WATERMARK })
      .first();
    return row ? new Date(Number(row.at_ms)) : undefined;
  }

  async setRollupWatermark(at: Date): Promise<void> {
    await this.db(WATERMARKS)
      .insert({ name: ROLLUP_WATERMARK, at_ms: at.getTime() })
      .onConflict('name')
      .merge(['at_ms']);
  }

  /** When the oldest raw sample was taken, if there is any. */
  async getOldestSampleTime(): Promise<Date | undefined> {
    const row = await this.db(SAMPLES).min({ at: 'at_ms' }).first();
    const at = numberOrNull(row?.at);
    return at === null ? undefined : new Date(at);
  }

  private async pruneOldest(
    table: string,
    timeColumn: string,
    before: Date,
    limit: number,
  ): Promise<number> {
    const batch = Math.floor(limit);
    if (!(batch >= 1)) {
      throw new Error(`Invalid prune batch size ${limit}`);
    }
    // Row-value IN over the primary key, served by the time index: portable to SQLite and
    // PostgreSQL, and bounded per statement.
    return this.db(table)
      .whereIn(
        ['entity_ref', 'environment', timeColumn],
        this.db(table)
          .select('entity_ref', 'environment', timeColumn)
          .where(timeColumn, '<', before.getTime())
          .orderBy(timeColumn, 'asc')
          .limit(batch),
      )
      .delete();
  }
}
