import { Knex } from 'knex';
import { RequestSeries } from '../security/types';
import {
  ENVIRONMENTS,
  HOURLY,
  numberOrNull,
  SAMPLES,
  STATUS,
  whereEntityIn,
} from './performanceTables';
import { CollectionFacts, RequestMetricsStore } from './RequestMetricsStore';

type RequestRow = {
  entity_ref: string;
  environment: string;
  at_ms: number | string;
  throughput: number | null;
  auth_failure_rps: number | null;
  rate_limited_rps: number | null;
  error_rate: number | null;
};

/** Knex implementation of {@link RequestMetricsStore}, for SQLite and PostgreSQL. */
export class DatabaseRequestMetricsStore implements RequestMetricsStore {
  constructor(private readonly db: Knex) {}

  async readRequestSeries(options: {
    resolution: 'raw' | 'hourly';
    entityRefs: string[];
    from: Date;
    to: Date;
  }): Promise<RequestSeries[]> {
    if (options.entityRefs.length === 0) return [];
    const [table, timeColumn] =
      options.resolution === 'raw' ? [SAMPLES, 'at_ms'] : [HOURLY, 'hour_ms'];
    // Served by the primary key (entity_ref, environment, time) of both tables.
    const rows: RequestRow[] = await whereEntityIn(
      this.db,
      this.db(table).select(
        'entity_ref',
        'environment',
        { at_ms: timeColumn },
        'throughput',
        'auth_failure_rps',
        'rate_limited_rps',
        'error_rate',
      ),
      options.entityRefs,
    )
      .andWhere(timeColumn, '>=', options.from.getTime())
      .andWhere(timeColumn, '<', options.to.getTime())
      .orderBy([
        { column: 'entity_ref' },
        { column: 'environment' },
        { column: timeColumn },
      ]);

    const series: RequestSeries[] = [];
    let current: RequestSeries | undefined;
    for (const row of rows) {
      if (
        current?.entityRef !== row.entity_ref ||
        current.environment !== row.environment
      ) {
        current = {
          entityRef: row.entity_ref,
          environment: row.environment,
          points: [],
        };
        series.push(current);
      }
      current.points.push({
        at: new Date(Number(row.at_ms)),
        throughput: numberOrNull(row.throughput),
        authFailureRps: numberOrNull(row.auth_failure_rps),
        rateLimitedRps: numberOrNull(row.rate_limited_rps),
        errorRate: numberOrNull(row.error_rate),
      });
    }
    return series;
  }

  async readCollectionFacts(
    entityRefs: string[],
  ): Promise<Map<string, CollectionFacts>> {
    const facts = new Map<string, CollectionFacts>();
    if (entityRefs.length === 0) return facts;
    const [latest, statuses] = await Promise.all([
      whereEntityIn(
        this.db,
        this.db(ENVIRONMENTS)
          .select('entity_ref')
          .max({ last_at_ms: 'last_at_ms' })
          .groupBy('entity_ref'),
        entityRefs,
      ) as Promise<
        Array<{ entity_ref: string; last_at_ms: number | string | null }>
      >,
      whereEntityIn(
        this.db,
        this.db(STATUS).select('entity_ref', 'stale_since_ms'),
        entityRefs,
      ) as Promise<
        Array<{ entity_ref: string; stale_since_ms: number | string | null }>
      >,
    ]);
    const dateOf = (ms: unknown) => {
      const n = numberOrNull(ms);
      return n === null ? null : new Date(n);
    };
    for (const row of latest) {
      facts.set(row.entity_ref, {
        lastSampleAt: dateOf(row.last_at_ms),
        staleSince: null,
      });
    }
    for (const row of statuses) {
      facts.set(row.entity_ref, {
        lastSampleAt: facts.get(row.entity_ref)?.lastSampleAt ?? null,
        staleSince: dateOf(row.stale_since_ms),
      });
    }
    return facts;
  }
}
