import {
  COLLECTED_METRICS,
  CollectedMetric,
} from '@devops-growth/backstage-plugin-devops-common';
import { Knex } from 'knex';

/** The performance area's tables and the SQL they share between the sample and roll-up stores. */

/** Longest failure message kept. */
export const MAX_ERROR_LENGTH = 2000;
export const HOUR_MS = 3_600_000;
export const ROLLUP_WATERMARK = 'rollup';

export const SAMPLES = 'devops_perf_samples';
export const HOURLY = 'devops_perf_hourly';
export const STATUS = 'devops_perf_status';
export const ENVIRONMENTS = 'devops_perf_environments';
export const TEN_MINUTES = 'devops_perf_ten_minutes';
export const TEN_MINUTES_MS = 600_000;
export const SIX_HOURS = 'devops_perf_six_hours';
export const SIX_HOURS_MS = 21_600_000;
export const WATERMARKS = 'devops_perf_watermarks';

/** The column of each metric, in the raw table and every roll-up table. */
export const COLUMN: Record<CollectedMetric, string> = {
  p50Ms: 'p50_ms',
  p95Ms: 'p95_ms',
  p99Ms: 'p99_ms',
  throughput: 'throughput',
  errorRate: 'error_rate',
  cpuCores: 'cpu_cores',
  memoryBytes: 'memory_bytes',
  authFailureRps: 'auth_failure_rps',
  rateLimitedRps: 'rate_limited_rps',
};
export const METRIC_COLUMNS = COLLECTED_METRICS.map(m => COLUMN[m]);
/** The columns of a roll-up row besides its key, and the upsert clause that replaces them. */
export const ROLLUP_COLUMNS = [
  'sample_count',
  ...METRIC_COLUMNS,
  'max_p95_ms',
  'max_p99_ms',
];
export const ROLLUP_UPDATES = ROLLUP_COLUMNS.map(
  c => `${c} = excluded.${c}`,
).join(', ');

export function numberOrNull(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/**
 * Upserts the roll-ups (means, sample count, maxima of P95 and P99) of the buckets of
 * `bucketMs` in [fromMs, toMs) from the raw samples, optionally for some entities only.
 * `fromMs` and `toMs` are bucket boundaries.
 */
export async function upsertRollups(
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

/**
 * Deletes at most `limit` rows of `table` older than `before`, oldest first, by a row-value IN
 * over the primary key, served by the time index: portable to SQLite and PostgreSQL, and bounded
 * per statement. Returns rows deleted.
 */
export async function pruneOldest(
  db: Knex,
  table: string,
  timeColumn: string,
  before: Date,
  limit: number,
): Promise<number> {
  const batch = Math.floor(limit);
  if (!(batch >= 1)) {
    throw new Error(`Invalid prune batch size ${limit}`);
  }
  return db(table)
    .whereIn(
      ['entity_ref', 'environment', timeColumn],
      db(table)
        .select('entity_ref', 'environment', timeColumn)
        .where(timeColumn, '<', before.getTime())
        .orderBy(timeColumn, 'asc')
        .limit(batch),
    )
    .delete();
}

/**
 * Restricts `query` to rows whose `entity_ref` is one of `refs`, with one bind parameter
 * whatever their number (a JSON array, expanded by the database): thousands of entities in one
 * statement, where an `IN` list would need a statement per chunk. Other databases than
 * PostgreSQL and SQLite get an `IN` list.
 */
export function whereEntityIn<T extends Knex.QueryBuilder>(
  db: Knex,
  query: T,
  refs: string[],
): T {
  switch (db.client.dialect) {
    case 'postgresql':
      return query.whereRaw(
        'entity_ref IN (SELECT jsonb_array_elements_text(?::jsonb))',
        [JSON.stringify(refs)],
      ) as T;
    case 'sqlite3':
      return query.whereRaw('entity_ref IN (SELECT value FROM json_each(?))', [
        JSON.stringify(refs),
      ]) as T;
    default:
      return query.whereIn('entity_ref', refs) as T;
  }
}
