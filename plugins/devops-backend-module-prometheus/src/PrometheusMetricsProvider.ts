import { Config } from '@backstage/config';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  DEVOPS_DEFAULT_ENVIRONMENT,
  DEVOPS_PROMETHEUS_INSTANCE_ANNOTATION,
  DEVOPS_PROMETHEUS_SELECTOR_ANNOTATION,
  COLLECTED_METRICS,
  CollectedMetric,
} from '@devops-growth/backstage-plugin-devops-common';
import {
  MetricsCollectionContext,
  MetricsCollectionResult,
  MetricsFailure,
  MetricsProvider,
  MetricsSample,
} from '@devops-growth/backstage-plugin-devops-node';
import { PrometheusInstance, readPrometheusInstances } from './config';
import { queryVector, VectorElement } from './PrometheusClient';
import {
  ENTITY_LABEL,
  escapeRegex,
  formatLabelMatchers,
  parseLabelMatchers,
  promString,
} from './promql';
import { renderTemplate } from './templates';

const LATENCY_METRICS: ReadonlySet<CollectedMetric> = new Set([
  'p50Ms',
  'p95Ms',
  'p99Ms',
]);

/** The entities of one batch that one instance collects for. */
interface InstanceBatch {
  instance: PrometheusInstance;
  /** Entities with the default selector, by entity name (several refs can share a name). */
  byName: Map<string, string[]>;
  /** Entities with a custom selector: ref -> the inside of the selector's braces. */
  custom: Map<string, string>;
  refs: string[];
}

/**
 * Collects performance metrics from Prometheus-compatible servers (Prometheus, Thanos, Mimir)
 * with PromQL. Whatever the number of entities, a tick costs one query per metric per instance
 * that holds at least one of them.
 */
export class PrometheusMetricsProvider implements MetricsProvider {
  readonly id = 'prometheus';
  private readonly instances: PrometheusInstance[];

  /** A provider for the configured instances; `undefined` when none is configured. */
  static fromConfig(config: Config): PrometheusMetricsProvider | undefined {
    const instances = readPrometheusInstances(config);
    return instances.length > 0
      ? new PrometheusMetricsProvider(instances)
      : undefined;
  }

  constructor(instances: PrometheusInstance[]) {
    if (instances.length === 0) {
      throw new Error('PrometheusMetricsProvider needs at least one instance');
    }
    this.instances = instances;
  }

  /** The configured instances' names, in configuration order. */
  instanceNames(): string[] {
    return this.instances.map(i => i.name);
  }

  handles(_entity: Entity): boolean {
    // The selector defaults to the entity's name, so every entity can be looked up.
    return true;
  }

  async collect(
    entities: Entity[],
    context: MetricsCollectionContext,
  ): Promise<MetricsCollectionResult> {
    const failures: MetricsFailure[] = [];
    const batches = new Map<string, InstanceBatch>();

    for (const entity of entities) {
      const ref = stringifyEntityRef(entity);
      const annotations = entity.metadata.annotations ?? {};

      const instanceName =
        annotations[DEVOPS_PROMETHEUS_INSTANCE_ANNOTATION]?.trim();
      const instance = instanceName
        ? this.instances.find(i => i.name === instanceName)
        : this.instances[0];
      if (!instance) {
        failures.push({
          entityRef: ref,
          message: `Annotation ${DEVOPS_PROMETHEUS_INSTANCE_ANNOTATION} names the unknown Prometheus instance '${instanceName}' (configured: ${this.instanceNames().join(
            ', ',
          )})`,
        });
        continue;
      }

      let selector: string | undefined;
      const rawSelector = annotations[DEVOPS_PROMETHEUS_SELECTOR_ANNOTATION];
      if (rawSelector !== undefined) {
        try {
          selector = formatLabelMatchers(parseLabelMatchers(rawSelector));
        } catch (error) {
          failures.push({
            entityRef: ref,
            message: `Invalid annotation ${DEVOPS_PROMETHEUS_SELECTOR_ANNOTATION} '${rawSelector}': ${
              (error as Error).message
            }`,
          });
          continue;
        }
      }

      let batch = batches.get(instance.name);
      if (!batch) {
        batch = { instance, byName: new Map(), custom: new Map(), refs: [] };
        batches.set(instance.name, batch);
      }
      batch.refs.push(ref);
      if (selector !== undefined) {
        batch.custom.set(ref, selector);
      } else {
        const name = entity.metadata.name;
        batch.byName.set(name, [...(batch.byName.get(name) ?? []), ref]);
      }
    }

    const results = await Promise.all(
      [...batches.values()].map(batch => this.collectInstance(batch, context)),
    );
    return {
      samples: results.flatMap(r => r.samples),
      failures: [...failures, ...results.flatMap(r => r.failures)],
    };
  }

  /** The PromQL query of one metric covering every entity of the batch. */
  static buildQuery(
    batch: Pick<InstanceBatch, 'instance' | 'byName' | 'custom'>,
    metric: CollectedMetric,
  ): string {
    const { instance } = batch;
    const template = instance.queries[metric];
    const parts: string[] = [];
    if (batch.byName.size > 0) {
      const names = [...batch.byName.keys()].sort().map(escapeRegex).join('|');
      const query = renderTemplate(template, {
        selector: `${instance.serviceLabel}=~${promString(names)}`,
        groupBy: [instance.serviceLabel, instance.environmentLabel]
          .filter(Boolean)
          .join(', '),
        range: instance.range,
      });
      parts.push(`(${query})`);
    }
    for (const [ref, selector] of batch.custom) {
      const query = renderTemplate(template, {
        selector,
        groupBy: instance.environmentLabel ?? ENTITY_LABEL,
        range: instance.range,
      });
      parts.push(
        `label_replace(${query}, "${ENTITY_LABEL}", ${promString(
          ref.replace(/\$/g, '$$$$'),
        )}, "", "")`,
      );
    }
    return parts.join(' or ');
  }

  private async collectInstance(
    batch: InstanceBatch,
    context: MetricsCollectionContext,
  ): Promise<MetricsCollectionResult> {
    const { instance } = batch;
    // The first failing query aborts the instance's other queries.
    const controller = new AbortController();
    const signal = AbortSignal.any([context.signal, controller.signal]);

    let vectors: [CollectedMetric, VectorElement[]][];
    try {
      vectors = await Promise.all(
        COLLECTED_METRICS.map(async metric => {
          try {
            const vector = await queryVector({
              instance,
              query: PrometheusMetricsProvider.buildQuery(batch, metric),
              time: context.now,
              signal,
            });
            return [metric, vector] as [CollectedMetric, VectorElement[]];
          } catch (error) {
            throw new Error(
              `Prometheus instance '${instance.name}' (${metric} query): ${
                (error as Error).message
              }`,
            );
          }
        }),
      );
    } catch (error) {
      controller.abort();
      const message = (error as Error).message;
      context.logger.debug(message);
      return {
        samples: [],
        failures: batch.refs.map(entityRef => ({ entityRef, message })),
      };
    }

    const samples = new Map<string, MetricsSample>();
    for (const [metric, vector] of vectors) {
      for (const element of vector) {
        const refs = this.refsOf(batch, element.metric);
        const environment =
          (instance.environmentLabel &&
            element.metric[instance.environmentLabel]) ||
          DEVOPS_DEFAULT_ENVIRONMENT;
        const value =
          element.value !== null && LATENCY_METRICS.has(metric)
            ? element.value * 1000
            : element.value;
        for (const entityRef of refs) {
          const key = `${entityRef}\u0000${environment}`;
          let sample = samples.get(key);
          if (!sample) {
            sample = {
              entityRef,
              environment,
              timestamp: context.now,
              values: {},
            };
            samples.set(key, sample);
          }
          sample.values[metric] = value;
        }
      }
    }
    return { samples: [...samples.values()], failures: [] };
  }

  private refsOf(
    batch: InstanceBatch,
    labels: Record<string, string>,
  ): string[] {
    const tagged = labels[ENTITY_LABEL];
    if (tagged !== undefined) {
      return batch.custom.has(tagged) ? [tagged] : [];
    }
    const service = labels[batch.instance.serviceLabel];
    return (service !== undefined && batch.byName.get(service)) || [];
  }
}
