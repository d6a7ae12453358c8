import { Knex } from 'knex';
import {
  ENVIRONMENTS,
  HOUR_MS,
  HOURLY,
  METRIC_COLUMNS,
  numberOrNull,
  pruneOldest,
  ROLLUP_COLUMNS,
  ROLLUP_UPDATES,
  ROLLUP_WATERMARK,
  SAMPLES,
  SIX_HOURS,
  SIX_HOURS_MS,
  TEN_MINUTES,
  upsertRollups,
  WATERMARKS,
} from './performanceTables';
import { PerformanceRollupStore } from './PerformanceRollupStore';

/** Knex implementation of {@link PerformanceRollupStore}, for SQLite and PostgreSQL. */
export class DatabasePerformanceRollupStore implements PerformanceRollupStore {
  constructor(private readonly db: Knex) {}

  /** Deletes at most `limit` 10-minute roll-ups older than `before`, oldest first. Returns rows deleted. */
  async pruneTenMinuteRollups(before: Date, limit: number): Promise<number> {
    return pruneOldest(this.db, TEN_MINUTES, 'bucket_ms', before, limit);
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
      await upsertRollups(trx, {
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
  /** Deletes at most `limit` raw samples older than `before`, oldest first. Returns rows deleted. */
  async pruneSamples(before: Date, limit: number): Promise<number> {
    return pruneOldest(this.db, SAMPLES, 'at_ms', before, limit);
  }
  /**
   * Deletes at most `limit` hourly roll-ups of hours starting before `before`, then 6-hour ones.
   * Returns rows deleted (0 once both are done).
   */
  async pruneRollups(before: Date, limit: number): Promise<number> {
    const deleted =
      (await pruneOldest(this.db, HOURLY, 'hour_ms', before, limit)) ||
      (await pruneOldest(this.db, SIX_HOURS, 'bucket_ms', before, limit));
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
}
