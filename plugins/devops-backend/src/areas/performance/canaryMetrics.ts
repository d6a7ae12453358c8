import { LoggerService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { CanaryMetricsLocation } from '@devops-growth/backstage-plugin-devops-node';
import { toCanarySample } from '../deploys/analysis/CanaryAnalysisRunner';
import { CanaryMetricsReader, CanarySample } from '../deploys/types';
import { MetricsProviderRegistry } from './MetricsProviderRegistry';
import { PerformanceSampleStore } from './PerformanceSampleStore';

/** How long one side's sample may take (a provider's own timeouts usually end it sooner). */
export const CANARY_SAMPLE_TIMEOUT_MS = 30_000;

const silentLogger: LoggerService = {
  error() {},
  warn() {},
  info() {},
  debug() {},
  child: () => silentLogger,
};

/**
 * The entity as the canary analysis sees one side of a deploy: a shallow copy whose annotations
 * are the entity's with the location's laid over them (for example the canary's own
 * `devops-growth.io/metrics-url`).
 */
export function entityAt(
  entity: Entity,
  location: CanaryMetricsLocation,
): Entity {
  return {
    ...entity,
    metadata: {
      ...entity.metadata,
      annotations: {
        ...entity.metadata.annotations,
        ...location.annotations,
      },
    },
  };
}

/**
 * The performance area's side of the canary analysis: samples of canary and baseline through
 * the entity's metrics provider, and the stored samples of an environment, without the deploys
 * area touching the performance tables.
 *
 * Each side is collected like a collection tick collects an entity: the provider the overlaid
 * entity selects (`devops-growth.io/metrics-source`, else the first that handles it) is called
 * with that one entity. Hosts go through `devops.allowedHosts` inside the provider, as for the
 * scheduled collection. The scrape provider derives rates and P95 from two consecutive scrapes of
 * the same (entity, environment, URL), kept in its memory: the first sample of a side has no
 * rates (a sample with `null` values), the following ones are complete. A side whose provider
 * failed, or that no provider handles, is `null`.
 */
export function createCanaryMetricsReader(deps: {
  registry: MetricsProviderRegistry;
  samples: PerformanceSampleStore;
  /** Where failed samples are logged (debug) and what providers get; silent when absent. */
  logger?: LoggerService;
  timeoutMs?: number;
}): CanaryMetricsReader {
  const timeoutMs = deps.timeoutMs ?? CANARY_SAMPLE_TIMEOUT_MS;
  const logger = deps.logger ?? silentLogger;

  async function sampleSide(
    entity: Entity,
    location: CanaryMetricsLocation,
    now: Date,
  ): Promise<CanarySample | null> {
    const overlaid = entityAt(entity, location);
    const entityRef = stringifyEntityRef(overlaid);
    const provider = deps.registry.select(overlaid);
    if (!provider) {
      logger.debug(
        `Canary analysis of ${entityRef}: no metrics provider handles ${JSON.stringify(
          location.annotations,
        )}`,
      );
      return null;
    }
    try {
      const result = await provider.collect([overlaid], {
        now,
        signal: AbortSignal.timeout(timeoutMs),
        logger: logger.child({ metricsProvider: provider.id }),
      });
      const failure = result.failures?.find(f => f.entityRef === entityRef);
      if (failure) {
        logger.debug(
          `Canary analysis of ${entityRef}: ${provider.id}: ${failure.message}`,
        );
        return null;
      }
      const mine = (result.samples ?? []).filter(
        s => s.entityRef === entityRef,
      );
      // The location's environment, or the only sample (a single URL is the `default` one).
      const sample =
        mine.find(s => s.environment === location.environment) ??
        (mine.length === 1 ? mine[0] : undefined);
      return toCanarySample({ at: now, values: sample?.values ?? {} });
    } catch (error) {
      logger.debug(
        `Canary analysis of ${entityRef}: ${provider.id}: ${
          (error as Error).message
        }`,
      );
      return null;
    }
  }

  return {
    async sample(entity, locations, now) {
      const [canary, baseline] = await Promise.all([
        sampleSide(entity, locations.canary, now),
        sampleSide(entity, locations.baseline, now),
      ]);
      return { canary, baseline };
    },

    async window(entityRef, environment, from, to) {
      const points = await deps.samples.readRawPoints({
        entityRef,
        environment,
        from,
        to,
      });
      return points.map(({ at, ...values }) => ({ at: new Date(at), values }));
    },
  };
}
