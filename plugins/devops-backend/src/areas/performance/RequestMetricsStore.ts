import { RequestSeries } from '../security/types';

/** What the performance area knows of an entity's collection, for compliance checks. */
export interface CollectionFacts {
  /** The newest sample in any environment, `null` when none is kept. */
  lastSampleAt: Date | null;
  /** The first failed collection of the current outage, `null` when the last one succeeded. */
  staleSince: Date | null;
}

/**
 * The reads other areas make from the performance samples: request series of many entities at
 * once for the threat detectors, and the collection facts of many entities for compliance. Each
 * read is one query for all the entities, whatever their number.
 */
export interface RequestMetricsStore {
  /**
   * Throughput, 401/403 and 429 rates and error rate of the entities in `[from, to)`, from the raw
   * samples or the hourly roll-ups, one series per entity and environment (sorted by entity,
   * then environment), oldest point first. Entities without data have no series.
   */
  readRequestSeries(options: {
    resolution: 'raw' | 'hourly';
    entityRefs: string[];
    from: Date;
    to: Date;
  }): Promise<RequestSeries[]>;

  /** The collection facts of the entities the collector ever saw; others are absent. */
  readCollectionFacts(
    entityRefs: string[],
  ): Promise<Map<string, CollectionFacts>>;
}
