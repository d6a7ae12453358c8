import { PerformanceValues } from '@devops-growth/backstage-plugin-devops-common';
import { MetricFamily } from './exposition';

/**
 * A request-duration histogram convention the scrape provider recognises. `names` are the
 * family names as exporters write them: with the unit suffix (prom-client, the OpenTelemetry
 * Collector and Go exporters) and without it (the OpenTelemetry JS exporter writes
 * `http_server_request_duration` plus a `# UNIT` line).
 */
export interface RequestHistogramConvention {
  id: string;
  names: string[];
  /** Labels holding the HTTP status, first found wins. */
  statusLabels: string[];
  /** Unit of the bucket bounds when the exposition has no `# UNIT` line: milliseconds per unit. */
  msPerUnit: number;
}

/** Recognised conventions, in order of preference when an endpoint exports several. */
export const REQUEST_HISTOGRAM_CONVENTIONS: RequestHistogramConvention[] = [
  {
    // prom-client, express-prom-bundle, prometheus-api-metrics, most hand-written services.
    id: 'prom-client',
    names: ['http_request_duration_seconds'],
    statusLabels: ['status_code', 'code', 'status'],
    msPerUnit: 1000,
  },
  {
    // OpenTelemetry semantic conventions (stable): `http.server.request.duration`, seconds.
    id: 'opentelemetry',
    names: [
      'http_server_request_duration_seconds',
      'http_server_request_duration',
    ],
    statusLabels: ['http_response_status_code'],
    msPerUnit: 1000,
  },
  {
    // OpenTelemetry semantic conventions before 1.21: `http.server.duration`, milliseconds.
    id: 'opentelemetry-legacy',
    names: ['http_server_duration_milliseconds', 'http_server_duration'],
    statusLabels: ['http_status_code'],
    msPerUnit: 1,
  },
];

const CPU_FAMILY_NAMES = ['process_cpu_seconds_total', 'process_cpu_seconds'];
const CPU_SAMPLE = 'process_cpu_seconds_total';
const MEMORY = 'process_resident_memory_bytes';

const KEPT_FAMILIES = new Set<string>([
  ...REQUEST_HISTOGRAM_CONVENTIONS.flatMap(c => c.names),
  ...CPU_FAMILY_NAMES,
  MEMORY,
]);

/** The only families a snapshot needs: give this to the parser as its `keep` filter. */
export function isKeptFamily(name: string): boolean {
  return KEPT_FAMILIES.has(name);
}

/** One series of a histogram (one combination of labels other than `le`), cumulative counts. */
interface HistogramSeries {
  /** The HTTP status, `null` when the series has no status label. */
  status: string | null;
  /** Upper bounds, ascending; the last is `+Inf` when the exposition has it. */
  bounds: number[];
  counts: number[];
  /** `_count`, or the `+Inf` bucket when `_count` is missing. */
  count: number;
}

/** What one scrape of one target contributes to the derivation. */
export interface ScrapeSnapshot {
  /** When the scrape's response arrived, in epoch milliseconds. */
  at: number;
  requests: {
    convention: string;
    msPerUnit: number;
    series: Map<string, HistogramSeries>;
  } | null;
  /** `process_cpu_seconds_total`, `null` when absent. */
  cpuSeconds: number | null;
  /** `process_resident_memory_bytes`, `null` when absent. */
  memoryBytes: number | null;
}

function unitToMs(unit: string, fallback: number) {
  switch (unit) {
    case 's':
    case 'seconds':
      return 1000;
    case 'ms':
    case 'milliseconds':
      return 1;
    default:
      return fallback;
  }
}

function seriesKey(labels: Record<string, string>) {
  return Object.keys(labels)
    .filter(k => k !== 'le')
    .sort()
    .map(k => `${k}=${JSON.stringify(labels[k])}`)
    .join(',');
}

function singleValue(
  families: Map<string, MetricFamily>,
  names: string[],
  sample: string,
) {
  for (const name of names) {
    const family = families.get(name);
    const found = family?.samples.find(s => s.name === sample);
    if (found && Number.isFinite(found.value)) {
      return found.value;
    }
  }
  return null;
}

/**
 * Reduces the kept families of one scrape to what the derivation needs. Throws when the
 * request histogram is inconsistent (an `le` that is not a number).
 */
export function snapshotFromFamilies(
  list: MetricFamily[],
  at: number,
): ScrapeSnapshot {
  const families = new Map(list.map(f => [f.name, f]));
  let requests: ScrapeSnapshot['requests'] = null;
  for (const convention of REQUEST_HISTOGRAM_CONVENTIONS) {
    const name = convention.names.find(n => families.get(n)?.samples.length);
    if (!name) {
      continue;
    }
    const family = families.get(name)!;
    const series = new Map<string, HistogramSeries>();
    const buckets = new Map<string, Array<[number, number]>>();
    const get = (labels: Record<string, string>) => {
      const key = seriesKey(labels);
      let s = series.get(key);
      if (!s) {
        const statusLabel = convention.statusLabels.find(l => l in labels);
        s = {
          status: statusLabel ? labels[statusLabel] : null,
          bounds: [],
          counts: [],
          count: NaN,
        };
        series.set(key, s);
        buckets.set(key, []);
      }
      return [key, s] as const;
    };
    for (const sample of family.samples) {
      if (sample.name === `${name}_bucket`) {
        const le =
          sample.labels.le === undefined
            ? NaN
            : Number(sample.labels.le.replace(/^\+?Inf$/, 'Infinity'));
        if (Number.isNaN(le)) {
          throw new Error(
            `${name}_bucket has an invalid le label ${JSON.stringify(
              sample.labels.le ?? null,
            )}`,
          );
        }
        const [key] = get(sample.labels);
        buckets.get(key)!.push([le, sample.value]);
      } else if (sample.name === `${name}_count`) {
        get(sample.labels)[1].count = sample.value;
      }
    }
    for (const [key, s] of series) {
      const sorted = buckets.get(key)!.sort((a, b) => a[0] - b[0]);
      s.bounds = sorted.map(b => b[0]);
      s.counts = sorted.map(b => b[1]);
      if (Number.isNaN(s.count)) {
        const inf = s.bounds.length ? s.bounds[s.bounds.length - 1] : 0;
        s.count = inf === Infinity ? s.counts[s.counts.length - 1] : 0;
      }
    }
    requests = {
      convention: convention.id,
      msPerUnit: unitToMs(family.unit, convention.msPerUnit),
      series,
    };
    break;
  }
  return {
    at,
    requests,
    cpuSeconds: singleValue(families, CPU_FAMILY_NAMES, CPU_SAMPLE),
    memoryBytes: singleValue(families, [MEMORY], MEMORY),
  };
}

/** True when the snapshot holds anything the derivation can use. */
export function hasRecognisedMetrics(snapshot: ScrapeSnapshot) {
  return (
    snapshot.requests !== null ||
    snapshot.cpuSeconds !== null ||
    snapshot.memoryBytes !== null
  );
}

/** Increase of a counter between two scrapes; a lower value means the counter was reset. */
function increase(previous: number, current: number) {
  return current < previous ? current : current - previous;
}

/**
 * `histogram_quantile` as Prometheus computes it (promql/quantile.go, `bucketQuantile`): linear
 * interpolation inside the bucket holding the rank; the lowest bucket interpolates from 0 (or
 * returns its bound when that is ≤ 0); a rank in the `+Inf` bucket returns the highest finite
 * bound. `null` where Prometheus answers NaN (no `+Inf` bucket, fewer than two buckets, no
 * observations).
 */
export function histogramQuantile(
  q: number,
  buckets: Array<{ upperBound: number; count: number }>,
): number | null {
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const sorted = [...buckets].sort((a, b) => a.upperBound - b.upperBound);
  if (sorted.length < 2 || sorted[sorted.length - 1].upperBound !== Infinity) {
    return null;
  }
  // Counts must not decrease with the bound (mixed layouts, races while scraping).
  let max = -Infinity;
  const counts = sorted.map(b => {
    max = Math.max(max, b.count);
    return max;
  });
  const observations = counts[counts.length - 1];
  if (!(observations > 0)) {
    return null;
  }
  let rank = q * observations;
  let b = counts.findIndex(c => c >= rank);
  if (b < 0) b = counts.length - 1;
  if (b === sorted.length - 1) {
    return sorted[sorted.length - 2].upperBound;
  }
  if (b === 0 && sorted[0].upperBound <= 0) {
    return sorted[0].upperBound;
  }
  let bucketStart = 0;
  const bucketEnd = sorted[b].upperBound;
  let count = counts[b];
  if (b > 0) {
    bucketStart = sorted[b - 1].upperBound;
    count -= counts[b - 1];
    rank -= counts[b - 1];
  }
  return bucketStart + (bucketEnd - bucketStart) * (rank / count);
}

function isServerError(status: string) {
  return /^5(\d\d|xx)$/i.test(status.trim());
}

/** 401 (unauthenticated) and 403 (forbidden): what an authentication-failure surge shows. */
function isAuthFailure(status: string) {
  const code = status.trim();
  return code === '401' || code === '403';
}

function isRateLimited(status: string) {
  return status.trim() === '429';
}

/**
 * Derives the performance values of one target between two of its scrapes.
 *
 * - Without a previous scrape (the first one after a start, or after the target moved to this
 *   replica) only the gauge, memory, is known: every rate and quantile is `null`.
 * - Request counts and buckets are summed over every label but `le` (method, route, status…),
 *   after taking each series' increase. A series whose count or any bucket went down was reset
 *   (the service restarted): as in Prometheus's `rate`, its current value is the increase. A
 *   series that did not exist before counts from zero: it was created by requests in between.
 * - Throughput is requests per second; error rate the share of 5xx, `null` when no request
 *   happened in between or the histogram carries no status label; quantiles are `null` when
 *   no request happened.
 * - The rates of 401/403 and of 429 responses are per second, from the same counts by status;
 *   `null` when the histogram carries no status label, 0 when none was answered.
 */
export function deriveValues(
  previous: ScrapeSnapshot | undefined,
  current: ScrapeSnapshot,
): PerformanceValues {
  const values: PerformanceValues = {
    p50Ms: null,
    p95Ms: null,
    p99Ms: null,
    throughput: null,
    errorRate: null,
    cpuCores: null,
    memoryBytes: current.memoryBytes,
    authFailureRps: null,
    rateLimitedRps: null,
  };
  const seconds = previous ? (current.at - previous.at) / 1000 : 0;
  if (!previous || !(seconds > 0)) {
    return values;
  }
  if (previous.cpuSeconds !== null && current.cpuSeconds !== null) {
    values.cpuCores =
      increase(previous.cpuSeconds, current.cpuSeconds) / seconds;
  }
  const now = current.requests;
  if (!now) {
    return values;
  }
  const before =
    previous.requests?.convention === now.convention
      ? previous.requests.series
      : new Map<string, HistogramSeries>();
  let total = 0;
  let errors = 0;
  let authFailures = 0;
  let rateLimited = 0;
  let withStatus = false;
  const bucketIncrease = new Map<number, number>();
  for (const [key, series] of now.series) {
    const old = before.get(key);
    const reset =
      !old ||
      series.count < old.count ||
      series.bounds.some((bound, i) => {
        const j = old.bounds.indexOf(bound);
        return j < 0 || series.counts[i] < old.counts[j];
      });
    const delta = reset ? series.count : series.count - old.count;
    total += delta;
    if (series.status !== null) {
      withStatus = true;
      if (isServerError(series.status)) {
        errors += delta;
      } else if (isAuthFailure(series.status)) {
        authFailures += delta;
      } else if (isRateLimited(series.status)) {
        rateLimited += delta;
      }
    }
    series.bounds.forEach((bound, i) => {
      const d = reset
        ? series.counts[i]
        : series.counts[i] - old!.counts[old!.bounds.indexOf(bound)];
      bucketIncrease.set(bound, (bucketIncrease.get(bound) ?? 0) + d);
    });
  }
  values.throughput = total / seconds;
  if (withStatus) {
    values.authFailureRps = authFailures / seconds;
    values.rateLimitedRps = rateLimited / seconds;
  }
  if (total > 0) {
    if (withStatus) {
      values.errorRate = errors / total;
    }
    const buckets = [...bucketIncrease].map(([upperBound, count]) => ({
      upperBound,
      count,
    }));
    const toMs = (q: number) => {
      const v = histogramQuantile(q, buckets);
      return v === null ? null : v * now.msPerUnit;
    };
    values.p50Ms = toMs(0.5);
    values.p95Ms = toMs(0.95);
    values.p99Ms = toMs(0.99);
  }
  return values;
}
