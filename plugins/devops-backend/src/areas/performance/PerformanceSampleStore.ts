import {
  PerformancePoint,
  PerformanceStaleness,
} from '@devops-growth/backstage-plugin-devops-common';
import { MetricsSample } from '@devops-growth/backstage-plugin-devops-node';

/** A collection failure of one entity, as recorded by the collector. */
export interface CollectionFailure {
  entityRef: string;
  /** The provider id, for example `scrape`. */
  provider: string;
  message: string;
}

/** What changed in the entities' staleness with one recorded collection. */
export interface CollectionStatusChange {
  /** Entities that were fine and now failed: the collector logs these once. */
  newlyStale: string[];
  /** Entities that were stale and collected successfully again. */
  recovered: string[];
}

/**
 * Storage of collected performance samples: raw samples for the short window, hourly roll-ups
 * for the long one, and each entity's collection status. Implemented on knex for SQLite and
 * PostgreSQL by `DatabasePerformanceStore`.
 */
export interface PerformanceSampleStore {
  /**
   * Bulk insert (chunked); a sample for an existing (entity, environment, time) replaces it. The
   * 10-minute roll-ups of the samples' buckets are recomputed in the same transaction. Returns
   * rows written.
   */
  insertSamples(samples: MetricsSample[]): Promise<number>;

  /**
   * Records the outcome of one tick: `succeeded` entities are fresh (their outage, if any, is
   * over); `failed` ones are stale since their first failure of the current outage.
   */
  recordCollection(outcome: {
    at: Date;
    succeeded: string[];
    failed: CollectionFailure[];
  }): Promise<CollectionStatusChange>;

  /** The entity's outage, `null` when its last collection succeeded or none ran yet. */
  getStaleness(entityRef: string): Promise<PerformanceStaleness | null>;

  /** Environments with raw samples or roll-ups for the entity, sorted. */
  listEnvironments(entityRef: string): Promise<string[]>;

  /** The newest raw sample of the entity in the environment. */
  getLatestSample(
    entityRef: string,
    environment: string,
  ): Promise<PerformancePoint | undefined>;

  /**
   * Raw samples in [from, to), averaged into buckets of `bucketMs` (each point's `at` is its
   * bucket's start), oldest first. The bucketing happens in the database.
   */
  readRawSeries(options: {
    entityRef: string;
    environment: string;
    from: Date;
    to: Date;
    bucketMs: number;
  }): Promise<PerformancePoint[]>;

  /** Hourly roll-ups (means) in [from, to), oldest first. */
  readHourlySeries(options: {
    entityRef: string;
    environment: string;
    from: Date;
    to: Date;
  }): Promise<PerformancePoint[]>;

  /** 6-hour roll-ups of the hourly ones (sample-weighted means) in [from, to), oldest first. */
  readSixHourSeries(options: {
    entityRef: string;
    environment: string;
    from: Date;
    to: Date;
  }): Promise<PerformancePoint[]>;

  /**
   * 10-minute roll-ups (means) in [from, to), oldest first. They are kept current by
   * `insertSamples`, so the bucket in progress is included.
   */
  readTenMinuteSeries(options: {
    entityRef: string;
    environment: string;
    from: Date;
    to: Date;
  }): Promise<PerformancePoint[]>;

  /** The raw samples in [from, to), oldest first, unbucketed: the input of regression tests. */
  readRawPoints(options: {
    entityRef: string;
    environment: string;
    from: Date;
    to: Date;
  }): Promise<PerformancePoint[]>;
}
