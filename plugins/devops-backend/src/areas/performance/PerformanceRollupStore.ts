/**
 * The maintenance side of the performance samples: hourly and 6-hour roll-ups from a watermark,
 * and retention. What the scheduled maintenance task depends on.
 */
export interface PerformanceRollupStore {
  /**
   * Rolls the raw samples of the complete hours in [from, to) up into hourly rows and those into
   * 6-hour rows; idempotent. Returns the number of hourly rows written.
   */
  rollupHours(from: Date, to: Date): Promise<number>;
  /** The start of the first hour not rolled up yet, if roll-ups ever ran. */
  getRollupWatermark(): Promise<Date | undefined>;
  setRollupWatermark(at: Date): Promise<void>;
  /** When the oldest raw sample was taken, if there is any. */
  getOldestSampleTime(): Promise<Date | undefined>;
  /** Deletes at most `limit` raw samples older than `before`, oldest first. Returns rows deleted. */
  pruneSamples(before: Date, limit: number): Promise<number>;
  /** Deletes at most `limit` 10-minute roll-ups older than `before`. Returns rows deleted. */
  pruneTenMinuteRollups(before: Date, limit: number): Promise<number>;
  /** Deletes at most `limit` hourly, then 6-hour roll-ups older than `before`. Returns rows deleted. */
  pruneRollups(before: Date, limit: number): Promise<number>;
}
