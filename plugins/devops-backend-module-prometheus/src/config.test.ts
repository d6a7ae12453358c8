import { ConfigReader } from '@backstage/config';
import { readPrometheusInstances } from './config';
import { DEFAULT_TEMPLATES } from './templates';

const read = (instances: unknown) =>
  readPrometheusInstances(
    new ConfigReader({ devops: { prometheus: { instances } } } as any),
  );
const ok = { name: 'main', baseUrl: 'http://prometheus:9090' };

describe('readPrometheusInstances', () => {
  it('returns no instance when none is configured', () => {
    expect(readPrometheusInstances(new ConfigReader({}))).toEqual([]);
  });

  it('applies the defaults', () => {
    expect(
      read([{ ...ok, baseUrl: 'https://mimir.example.com/prometheus/' }]),
    ).toEqual([
      {
        name: 'main',
        baseUrl: 'https://mimir.example.com/prometheus',
        headers: {},
        timeoutMs: 10_000,
        serviceLabel: 'service',
        environmentLabel: undefined,
        range: '5m',
        convention: 'prom-client',
        queries: DEFAULT_TEMPLATES['prom-client'],
      },
    ]);
  });

  it('reads every key, and a template overrides only its metric', () => {
    const [instance] = read([
      {
        ...ok,
        headers: { Authorization: 'Bearer x' },
        timeout: { seconds: 3 },
        serviceLabel: 'app',
        environmentLabel: 'namespace',
        range: '1h30m',
        convention: 'opentelemetry',
        queries: {
          memoryBytes:
            'max by ({{groupBy}}) (container_memory_working_set_bytes{{{selector}}})',
          authFailureRps:
            'sum by ({{groupBy}}) (rate(nginx_http_requests_total{{{selector}},status=~"401|403"}[{{range}}]))',
        },
      },
    ]);
    expect(instance.queries.authFailureRps).toBe(
      'sum by ({{groupBy}}) (rate(nginx_http_requests_total{{{selector}},status=~"401|403"}[{{range}}]))',
    );
    expect(instance).toMatchObject({
      headers: { Authorization: 'Bearer x' },
      timeoutMs: 3000,
      serviceLabel: 'app',
      environmentLabel: 'namespace',
      range: '1h30m',
      convention: 'opentelemetry',
    });
    expect(instance.queries.memoryBytes).toBe(
      'max by ({{groupBy}}) (container_memory_working_set_bytes{{{selector}}})',
    );
    expect(instance.queries.p95Ms).toBe(DEFAULT_TEMPLATES.opentelemetry.p95Ms);
    expect(instance.queries.p95Ms).toContain(
      'http_server_request_duration_seconds_bucket',
    );
    expect(instance.queries.errorRate).toContain(
      'http_response_status_code=~"5.."',
    );
    expect(instance.queries.rateLimitedRps).toContain(
      'http_response_status_code=~"429"',
    );
    expect(read([{ ...ok, timeout: '750ms' }])[0].timeoutMs).toBe(750);
  });

  it.each<[string, unknown, string]>([
    [
      'an invalid baseUrl',
      [ok, { name: 'b', baseUrl: 'prometheus:9090/x y' }],
      "devops.prometheus.instances[1].baseUrl: 'prometheus:9090/x y' is not an http or https URL",
    ],
    [
      'a baseUrl that is not a URL',
      [{ name: 'a', baseUrl: 'not a url' }],
      "devops.prometheus.instances[0].baseUrl: 'not a url' is not a URL",
    ],
    [
      'duplicate names',
      [ok, { ...ok, baseUrl: 'http://other:9090' }],
      "devops.prometheus.instances[1].name: 'main' is already the name of devops.prometheus.instances[0]; instance names must be unique",
    ],
    [
      'an invalid service label',
      [{ ...ok, serviceLabel: 'app-name' }],
      "devops.prometheus.instances[0].serviceLabel: 'app-name' is not a valid Prometheus label name",
    ],
    [
      'an invalid environment label',
      [{ ...ok, environmentLabel: '1env' }],
      "devops.prometheus.instances[0].environmentLabel: '1env' is not a valid Prometheus label name",
    ],
    [
      'the same label for service and environment',
      [{ ...ok, environmentLabel: 'service' }],
      "devops.prometheus.instances[0].environmentLabel: must differ from serviceLabel 'service'",
    ],
    [
      'an invalid range',
      [{ ...ok, range: '5 minutes' }],
      "devops.prometheus.instances[0].range: '5 minutes' is not a Prometheus duration",
    ],
    [
      'a zero range',
      [{ ...ok, range: '0m' }],
      "devops.prometheus.instances[0].range: '0m' is not a Prometheus duration",
    ],
    [
      'an invalid timeout',
      [{ ...ok, timeout: 'soon' }],
      "devops.prometheus.instances[0].timeout: Invalid duration 'soon'",
    ],
    [
      'an unknown convention',
      [{ ...ok, convention: 'micrometer' }],
      "devops.prometheus.instances[0].convention: 'micrometer' is not one of prom-client, opentelemetry",
    ],
    [
      'an unknown metric',
      [{ ...ok, queries: { p90Ms: 'x{{{selector}}} by ({{groupBy}})' } }],
      'devops.prometheus.instances[0].queries.p90Ms: unknown metric (known: p50Ms, p95Ms, p99Ms, throughput, errorRate, cpuCores, memoryBytes, authFailureRps, rateLimitedRps)',
    ],
    [
      'an unknown placeholder',
      [
        ok,
        {
          name: 'b',
          baseUrl: 'http://b:9090',
          queries: {
            p95Ms:
              'histogram_quantile(0.95, sum by (le, {{groupBy}}) (rate(x_bucket{{{selector}}}[{{foo}}])))',
          },
        },
      ],
      'devops.prometheus.instances[1].queries.p95Ms: unknown placeholder {{foo}}',
    ],
    [
      'a missing selector',
      [{ ...ok, queries: { memoryBytes: 'sum by ({{groupBy}}) (x)' } }],
      'devops.prometheus.instances[0].queries.memoryBytes: missing placeholder {{selector}}',
    ],
    [
      'a missing groupBy',
      [{ ...ok, queries: { memoryBytes: 'sum(x{{{selector}}})' } }],
      'devops.prometheus.instances[0].queries.memoryBytes: missing placeholder {{groupBy}}',
    ],
    [
      'an unclosed parenthesis',
      [
        {
          ...ok,
          queries: {
            throughput:
              'sum by ({{groupBy}}) (rate(x{{{selector}}}[{{range}}])',
          },
        },
      ],
      "devops.prometheus.instances[0].queries.throughput: unclosed '(' at character 22",
    ],
    [
      'a bracket closed by a brace',
      [
        {
          ...ok,
          queries: {
            throughput: 'sum by ({{groupBy}}) (rate(x{{{selector}}}[5m}))',
          },
        },
      ],
      "devops.prometheus.instances[0].queries.throughput: '[' at character",
    ],
    [
      'an unterminated string',
      [
        {
          ...ok,
          queries: {
            errorRate:
              'sum by ({{groupBy}}) (rate(x{{{selector}},code=~"5..}[5m]))',
          },
        },
      ],
      'devops.prometheus.instances[0].queries.errorRate: unterminated string literal',
    ],
    [
      'an empty template',
      [{ ...ok, queries: { p50Ms: '  ' } }],
      'devops.prometheus.instances[0].queries.p50Ms: the template is empty',
    ],
  ])('refuses %s, naming the key', (_what, instances, message) => {
    expect(() => read(instances)).toThrow(message);
  });
});
