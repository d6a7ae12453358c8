/** The vocabulary of the Prometheus text and OpenMetrics formats: types, suffixes, names, values. */

/** The type a `# TYPE` line declares (`untyped` when none is declared). */
export type MetricType =
  | 'counter'
  | 'gauge'
  | 'histogram'
  | 'gaugehistogram'
  | 'summary'
  | 'info'
  | 'stateset'
  | 'unknown'
  | 'untyped';

export const METRIC_TYPES = new Set<string>([
  'counter',
  'gauge',
  'histogram',
  'gaugehistogram',
  'summary',
  'info',
  'stateset',
  'unknown',
  'untyped',
]);

/** Suffixes a sample name may add to its family's name, per type. */
export const SUFFIXES: Record<MetricType, string[]> = {
  counter: ['_total', '_created'],
  histogram: ['_bucket', '_sum', '_count', '_created'],
  gaugehistogram: ['_bucket', '_gsum', '_gcount'],
  summary: ['_sum', '_count', '_created'],
  info: ['_info'],
  gauge: [],
  stateset: [],
  unknown: [],
  untyped: [],
};

/** One sample line. */
export interface ExpositionSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A metric family: its `# TYPE`, `# HELP`, `# UNIT` and sample lines. */
export interface MetricFamily {
  name: string;
  type: MetricType;
  help: string;
  /** From an OpenMetrics `# UNIT` line; empty when none. */
  unit: string;
  samples: ExpositionSample[];
}

/** Limits and filter of {@link ExpositionParser}. */
export interface ExpositionParserOptions {
  /** Which families to keep, by family name. Defaults to all. */
  keep?: (familyName: string) => boolean;
  /** Longest line accepted, in characters. Defaults to 65536. */
  maxLineLength?: number;
  /** Most samples kept (in kept families). Defaults to 100000. */
  maxSamples?: number;
}

export const METRIC_NAME = /[a-zA-Z_:][a-zA-Z0-9_:]*/y;
export const LABEL_NAME = /[a-zA-Z_][a-zA-Z0-9_]*/y;
export const FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
export const FULL_METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/**
 * Parses a sample value as Prometheus does (Go's `strconv.ParseFloat`): decimal floats, and
 * `NaN`, `Inf` and `Infinity` with an optional sign in any letter case. prom-client, for one,
 * writes `Nan` for a gauge without a value.
 */
export function parseSampleValue(token: string): number | undefined {
  switch (token.toLowerCase()) {
    case 'nan':
      return NaN;
    case 'inf':
    case '+inf':
    case 'infinity':
    case '+infinity':
      return Infinity;
    case '-inf':
    case '-infinity':
      return -Infinity;
    default:
      return FLOAT.test(token) ? Number(token) : undefined;
  }
}
