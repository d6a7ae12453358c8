import { Entity } from '@backstage/catalog-model';

/** Prefix of every annotation the DevOps plugins read. @public */
export const DEVOPS_ANNOTATION_PREFIX = 'devops-growth.io/';

/**
 * Switches monitoring on for an entity: `enabled` (every area) or a comma separated list of
 * areas, for example `coverage,deploy`. Without it nothing is collected for the entity.
 * @public
 */
export const DEVOPS_MONITORING_ANNOTATION = 'devops-growth.io/monitoring';

/**
 * Per-entity override of the coverage quality gate: the minimum line coverage in percent
 * (for example `85` or `72.5`).
 * @public
 */
export const DEVOPS_COVERAGE_GATE_ANNOTATION = 'devops-growth.io/coverage-gate';

/** The areas the DevOps plugins cover. @public */
export const DEVOPS_AREAS = [
  'deploy',
  'performance',
  'security',
  'coverage',
] as const;

/** One area of the DevOps plugins. @public */
export type DevopsArea = (typeof DEVOPS_AREAS)[number];

/**
 * The areas enabled by an entity's monitoring annotation; empty when the annotation is absent or
 * names no known area.
 * @public
 */
export function getEnabledDevopsAreas(entity: Entity): DevopsArea[] {
  const value = entity.metadata.annotations?.[DEVOPS_MONITORING_ANNOTATION];
  if (!value) {
    return [];
  }
  const words = value
    .split(',')
    .map(w => w.trim().toLowerCase())
    .filter(Boolean);
  if (
    words.includes('enabled') ||
    words.includes('true') ||
    words.includes('all')
  ) {
    return [...DEVOPS_AREAS];
  }
  return DEVOPS_AREAS.filter(area => words.includes(area));
}

/** True when the entity's monitoring annotation enables the area. @public */
export function isDevopsAreaEnabled(entity: Entity, area: DevopsArea): boolean {
  return getEnabledDevopsAreas(entity).includes(area);
}

/**
 * Where the embedded scrape provider reads the entity's Prometheus text exposition (`/metrics`):
 * one URL (for the default environment), or `environment=url` pairs separated by commas, for
 * example `production=https://checkout.example.com/metrics,staging=https://checkout.staging.example.com/metrics`.
 * @public
 */
export const DEVOPS_METRICS_URL_ANNOTATION = 'devops-growth.io/metrics-url';

/**
 * The metrics provider that collects for the entity, by id (`scrape`, `prometheus`, or a module's
 * id). Without it, the first provider that can collect for the entity does: the scrape provider
 * when `devops-growth.io/metrics-url` is set, then those of installed modules.
 * @public
 */
export const DEVOPS_METRICS_SOURCE_ANNOTATION =
  'devops-growth.io/metrics-source';

/**
 * PromQL label matchers picking the entity's own series, for example
 * `app="checkout",namespace="shop"`. Defaults to the configured service label equal to the
 * entity's name.
 * @public
 */
export const DEVOPS_PROMETHEUS_SELECTOR_ANNOTATION =
  'devops-growth.io/prometheus-selector';

/** The named Prometheus instance (`devops.prometheus.instances[].name`) holding the entity's series. @public */
export const DEVOPS_PROMETHEUS_INSTANCE_ANNOTATION =
  'devops-growth.io/prometheus-instance';

/**
 * The endpoint load tests may hit: one URL (default environment) or `environment=url` pairs,
 * like `devops-growth.io/metrics-url`. Load tests only ever target URLs declared here.
 * @public
 */
export const DEVOPS_LOAD_TEST_URL_ANNOTATION = 'devops-growth.io/load-test-url';

/** Per-entity P95 latency target, in milliseconds. @public */
export const DEVOPS_TARGET_P95_ANNOTATION = 'devops-growth.io/target-p95-ms';
/** Per-entity P99 latency target, in milliseconds. @public */
export const DEVOPS_TARGET_P99_ANNOTATION = 'devops-growth.io/target-p99-ms';
/** Per-entity error-rate target, in percent of requests (for example `0.5`). @public */
export const DEVOPS_TARGET_ERROR_RATE_ANNOTATION =
  'devops-growth.io/target-error-rate-percent';
/** Per-entity minimum throughput target, in requests per second. @public */
export const DEVOPS_TARGET_MIN_THROUGHPUT_ANNOTATION =
  'devops-growth.io/target-min-throughput-rps';

/** Environment name used when an annotation or source names none. @public */
export const DEVOPS_DEFAULT_ENVIRONMENT = 'default';

/**
 * Parses an annotation holding one URL or `environment=url` pairs separated by commas. Throws an
 * `Error` naming the problem for a malformed value; only http and https URLs are accepted.
 * @public
 */
export function parseEnvironmentUrls(value: string): Map<string, string> {
  const result = new Map<string, string>();
  const parts = value
    .split(',')
    .map(p => p.trim())
    .filter(Boolean);
  if (parts.length === 0) {
    throw new Error('no URL given');
  }
  for (const part of parts) {
    const match = /^([A-Za-z0-9][A-Za-z0-9._-]{0,62})=(.+)$/.exec(part);
    const [environment, raw] = match
      ? [match[1], match[2].trim()]
      : [DEVOPS_DEFAULT_ENVIRONMENT, part];
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new Error(`'${raw}' is not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new Error(`'${raw}' is not an http or https URL`);
    }
    if (result.has(environment)) {
      throw new Error(`environment '${environment}' is given twice`);
    }
    result.set(environment, url.toString());
  }
  return result;
}
