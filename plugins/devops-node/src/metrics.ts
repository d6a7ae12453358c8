import {
  createExtensionPoint,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { PerformanceValues } from '@devops-growth/backstage-plugin-devops-common';

/** What a provider collected for one entity and environment. @public */
export interface MetricsSample {
  /** The entity ref as the catalog spells it (`stringifyEntityRef`). */
  entityRef: string;
  environment: string;
  /** When the values hold; usually the tick's `now`. */
  timestamp: Date;
  /** Values the source has; missing keys are stored as `null`. */
  values: Partial<PerformanceValues>;
}

/** An entity the provider could not collect for this tick, and why. @public */
export interface MetricsFailure {
  entityRef: string;
  /** Says what failed, for the card and the log: "GET http://…/metrics: timed out after 5s". */
  message: string;
}

/** The outcome of one collection for a batch of entities. @public */
export interface MetricsCollectionResult {
  samples: MetricsSample[];
  /**
   * Entities whose source was down, slow or answered garbage. Their data is marked stale; an
   * entity that is neither in `samples` nor in `failures` simply had no data this tick.
   */
  failures: MetricsFailure[];
}

/** What the collector hands to a provider at each tick. @public */
export interface MetricsCollectionContext {
  /** The tick's time; samples should carry it. */
  now: Date;
  /** Aborted when the tick's time budget runs out. */
  signal: AbortSignal;
  logger: LoggerService;
}

/**
 * A source of performance metrics: latency quantiles, throughput, error rate, CPU and memory per
 * entity and environment.
 *
 * The collector hands each provider the entities of one shard at a time. The number of round
 * trips a provider makes for a batch must not grow with the number of entities (for PromQL: one
 * query per metric, grouped by the service label).
 * @public
 */
export interface MetricsProvider {
  /** Unique id, for example `scrape` or `prometheus`; entities name it in `devops-growth.io/metrics-source`. */
  readonly id: string;
  /**
   * True when the provider can collect for the entity without being named (for example because
   * the entity carries the annotation the provider reads).
   */
  handles(entity: Entity): boolean;
  /**
   * Collects the current values for the entities. Throwing marks every entity of the batch stale
   * with the error's message; per-entity problems go in `failures`.
   */
  collect(
    entities: Entity[],
    context: MetricsCollectionContext,
  ): Promise<MetricsCollectionResult>;
}

/**
 * Adds metrics providers to the DevOps backend. The built-in scrape provider registers through
 * the same registry; two providers with the same id fail at start-up.
 * @public
 */
export interface DevopsMetricsProvidersExtensionPoint {
  addProvider(...providers: MetricsProvider[]): void;
}

/** @public */
export const devopsMetricsProvidersExtensionPoint =
  createExtensionPoint<DevopsMetricsProvidersExtensionPoint>({
    id: 'devops.metrics-providers',
  });
