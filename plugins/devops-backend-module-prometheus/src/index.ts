/**
 * The DevOps Growth Engine metrics provider for Prometheus-compatible servers (Prometheus,
 * Thanos, Mimir): PromQL queries, one per metric per tick for all entities.
 *
 * @packageDocumentation
 */
export { devopsModulePrometheus as default } from './module';
export { PrometheusMetricsProvider } from './PrometheusMetricsProvider';
export { readPrometheusInstances } from './config';
export type { PrometheusInstance } from './config';
export { DEFAULT_TEMPLATES, PROMETHEUS_CONVENTIONS } from './templates';
export type { PrometheusConvention } from './templates';
