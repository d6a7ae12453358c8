import { HumanDuration } from '@backstage/types';

export interface Config {
  devops?: {
    /** The `prometheus` metrics provider (module `@devops-growth/backstage-plugin-devops-backend-module-prometheus`). */
    prometheus?: {
      /**
       * Prometheus-compatible servers (Prometheus, Thanos, Mimir) to query with PromQL. Without
       * any, the module registers no provider. An entity uses the instance named by its
       * `devops-growth.io/prometheus-instance` annotation, else the first one.
       */
      instances?: Array<{
        /** Unique name of the instance, as entities name it in `devops-growth.io/prometheus-instance`. */
        name: string;
        /**
         * Base URL of the HTTP API, without `/api/v1`: for example `http://prometheus:9090`,
         * or `https://mimir.example.com/prometheus` for Mimir.
         */
        baseUrl: string;
        /**
         * HTTP headers sent with every query, for example `Authorization: Bearer ...` or
         * `X-Scope-OrgID` for Mimir.
         * @visibility secret
         */
        headers?: { [name: string]: string };
        /**
         * Time allowed for one query, including the response. Defaults to 10 seconds. A longer
         * query fails every entity of the instance for that tick.
         */
        timeout?: HumanDuration | string;
        /** Label holding the service name; by default it must equal the entity's name. Defaults to `service`. */
        serviceLabel?: string;
        /**
         * Label holding the environment (for example `env` or `namespace`). Without it, every
         * series is in the environment `default`.
         */
        environmentLabel?: string;
        /** PromQL range of `rate()` (`{{range}}`), Prometheus duration syntax. Defaults to `5m`. */
        range?: string;
        /**
         * Instrumentation convention whose default queries apply: `prom-client`
         * (`http_request_duration_seconds_*` with `status_code`, `process_cpu_seconds_total`,
         * `process_resident_memory_bytes`) or `opentelemetry`
         * (`http_server_request_duration_seconds_*` with `http_response_status_code`,
         * `process_cpu_time_seconds_total`, `process_memory_usage_bytes`). Defaults to `prom-client`.
         */
        convention?: 'prom-client' | 'opentelemetry';
        /**
         * PromQL templates overriding the convention's default query of a metric. Placeholders:
         * `{{selector}}` (label matchers, placed inside braces: `metric{{{selector}}}`),
         * `{{groupBy}}` (label list, for `sum by ({{groupBy}})`), `{{range}}`. `{{selector}}` and
         * `{{groupBy}}` are required. Latencies return seconds, `errorRate` a 0..1 share,
         * `cpuCores` cores, `memoryBytes` bytes, `authFailureRps` and `rateLimitedRps`
         * responses per second.
         */
        queries?: {
          /** Median latency, in seconds. */
          p50Ms?: string;
          /** 95th percentile latency, in seconds. */
          p95Ms?: string;
          /** 99th percentile latency, in seconds. */
          p99Ms?: string;
          /** Requests per second. */
          throughput?: string;
          /** Share of requests answered with 5xx, 0..1. */
          errorRate?: string;
          /** CPU used, in cores. */
          cpuCores?: string;
          /** Resident memory, in bytes. */
          memoryBytes?: string;
          /** Responses with status 401 or 403 per second (read by the threat detectors). */
          authFailureRps?: string;
          /** Responses with status 429 per second (read by the threat detectors). */
          rateLimitedRps?: string;
        };
      }>;
    };
  };
}
