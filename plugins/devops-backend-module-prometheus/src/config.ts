import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import {
  COLLECTED_METRICS,
  CollectedMetric,
} from '@devops-growth/backstage-plugin-devops-common';
import { ENTITY_LABEL, isPromDuration, LABEL_NAME } from './promql';
import {
  DEFAULT_TEMPLATES,
  PROMETHEUS_CONVENTIONS,
  PrometheusConvention,
  validateTemplate,
} from './templates';

/** One Prometheus-compatible server, as configured under `devops.prometheus.instances`. */
export interface PrometheusInstance {
  name: string;
  /** Base URL without a trailing slash; the API is at `${baseUrl}/api/v1/query`. */
  baseUrl: string;
  headers: Record<string, string>;
  timeoutMs: number;
  serviceLabel: string;
  /** `undefined`: every series is in the `default` environment. */
  environmentLabel?: string;
  /** PromQL range of `rate()`, for example `5m`. */
  range: string;
  convention: PrometheusConvention;
  /** The effective template of every metric: the configured one, else the convention's. */
  queries: Record<CollectedMetric, string>;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_SERVICE_LABEL = 'service';
const DEFAULT_RANGE = '5m';

/**
 * Reads and validates `devops.prometheus.instances`. Throws an `Error` naming the config key of
 * the first problem, so that the backend refuses to start with a bad configuration.
 */
export function readPrometheusInstances(config: Config): PrometheusInstance[] {
  const list = config.getOptionalConfigArray('devops.prometheus.instances');
  if (!list) {
    return [];
  }
  const instances: PrometheusInstance[] = [];
  list.forEach((c, index) => {
    const key = `devops.prometheus.instances[${index}]`;
    const fail = (sub: string, problem: string): never => {
      throw new Error(`${key}.${sub}: ${problem}`);
    };

    const name = c.getString('name').trim();
    if (!name) {
      fail('name', 'must not be empty');
    }
    const previous = instances.findIndex(i => i.name === name);
    if (previous >= 0) {
      fail(
        'name',
        `'${name}' is already the name of devops.prometheus.instances[${previous}]; instance names must be unique`,
      );
    }

    const rawUrl = c.getString('baseUrl').trim();
    let url: URL | undefined;
    try {
      url = new URL(rawUrl);
    } catch {
      fail('baseUrl', `'${rawUrl}' is not a URL`);
    }
    if (url!.protocol !== 'http:' && url!.protocol !== 'https:') {
      fail('baseUrl', `'${rawUrl}' is not an http or https URL`);
    }
    if (url!.search || url!.hash) {
      fail('baseUrl', `'${rawUrl}' must not have a query string or fragment`);
    }
    const baseUrl = url!.toString().replace(/\/+$/, '');

    const headers: Record<string, string> = {};
    const headersConfig = c.getOptionalConfig('headers');
    for (const header of headersConfig?.keys() ?? []) {
      if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(header)) {
        fail(`headers.${header}`, 'is not a valid HTTP header name');
      }
      headers[header] = headersConfig!.getString(header);
    }

    let timeoutMs = DEFAULT_TIMEOUT_MS;
    if (c.has('timeout')) {
      try {
        timeoutMs = durationToMilliseconds(
          readDurationFromConfig(c, { key: 'timeout' }),
        );
      } catch (error) {
        fail('timeout', (error as Error).message);
      }
      if (!(timeoutMs > 0)) {
        fail('timeout', 'must be longer than zero');
      }
    }

    const label = (sub: string, value: string | undefined) => {
      if (value !== undefined && !LABEL_NAME.test(value)) {
        fail(
          sub,
          `'${value}' is not a valid Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*)`,
        );
      }
      return value;
    };
    const serviceLabel = label(
      'serviceLabel',
      c.getOptionalString('serviceLabel') ?? DEFAULT_SERVICE_LABEL,
    )!;
    const environmentLabel = label(
      'environmentLabel',
      c.getOptionalString('environmentLabel'),
    );
    if (environmentLabel === serviceLabel) {
      fail(
        'environmentLabel',
        `must differ from serviceLabel '${serviceLabel}'`,
      );
    }
    for (const [sub, value] of [
      ['serviceLabel', serviceLabel],
      ['environmentLabel', environmentLabel],
    ] as const) {
      if (value?.startsWith('__')) {
        fail(sub, 'labels starting with __ are reserved by Prometheus');
      }
      if (value === ENTITY_LABEL) {
        fail(sub, `'${ENTITY_LABEL}' is reserved by this module`);
      }
    }

    const range = c.getOptionalString('range')?.trim() ?? DEFAULT_RANGE;
    if (!isPromDuration(range)) {
      fail(
        'range',
        `'${range}' is not a Prometheus duration (for example 5m, 1h30m, 90s)`,
      );
    }

    const convention = (c.getOptionalString('convention') ??
      'prom-client') as PrometheusConvention;
    if (!PROMETHEUS_CONVENTIONS.includes(convention)) {
      fail(
        'convention',
        `'${convention}' is not one of ${PROMETHEUS_CONVENTIONS.join(', ')}`,
      );
    }

    const queries = { ...DEFAULT_TEMPLATES[convention] };
    const queriesConfig = c.getOptionalConfig('queries');
    for (const metric of queriesConfig?.keys() ?? []) {
      if (!(COLLECTED_METRICS as readonly string[]).includes(metric)) {
        fail(
          `queries.${metric}`,
          `unknown metric (known: ${COLLECTED_METRICS.join(', ')})`,
        );
      }
      const template = queriesConfig!.getString(metric);
      const problems = validateTemplate(template);
      if (problems.length > 0) {
        fail(`queries.${metric}`, problems.join('; '));
      }
      queries[metric as CollectedMetric] = template.trim();
    }

    instances.push({
      name,
      baseUrl,
      headers,
      timeoutMs,
      serviceLabel,
      environmentLabel,
      range,
      convention,
      queries,
    });
  });
  return instances;
}
