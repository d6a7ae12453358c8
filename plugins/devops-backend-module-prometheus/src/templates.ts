import {
  COLLECTED_METRICS,
  CollectedMetric,
} from '@devops-growth/backstage-plugin-devops-common';

/** The instrumentation conventions with built-in query templates. */
export const PROMETHEUS_CONVENTIONS = ['prom-client', 'opentelemetry'] as const;

/** One instrumentation convention. */
export type PrometheusConvention = (typeof PROMETHEUS_CONVENTIONS)[number];

/** The placeholders a query template may use. */
export const TEMPLATE_PLACEHOLDERS = ['selector', 'groupBy', 'range'] as const;

/** Placeholders every template must contain. */
const REQUIRED_PLACEHOLDERS = ['selector', 'groupBy'] as const;

interface ConventionNames {
  /** Histogram base name, without `_bucket` / `_count`. */
  histogram: string;
  /** Label holding the HTTP status code. */
  statusLabel: string;
  /** Counter of CPU seconds. */
  cpuSeconds: string;
  /** Gauge of resident memory in bytes. */
  memoryBytes: string;
}

const NAMES: Record<PrometheusConvention, ConventionNames> = {
  // prom-client's default process metrics, and the HTTP histogram of express-prom-bundle and
  // most prom-client setups.
  'prom-client': {
    histogram: 'http_request_duration_seconds',
    statusLabel: 'status_code',
    cpuSeconds: 'process_cpu_seconds_total',
    memoryBytes: 'process_resident_memory_bytes',
  },
  // OpenTelemetry semantic conventions (http.server.request.duration, process.cpu.time,
  // process.memory.usage) as the Prometheus exporter names them.
  opentelemetry: {
    histogram: 'http_server_request_duration_seconds',
    statusLabel: 'http_response_status_code',
    cpuSeconds: 'process_cpu_time_seconds_total',
    memoryBytes: 'process_memory_usage_bytes',
  },
};

function conventionTemplates(
  names: ConventionNames,
): Record<CollectedMetric, string> {
  const bucket = `${names.histogram}_bucket`;
  const count = `${names.histogram}_count`;
  const quantile = (q: string) =>
    `histogram_quantile(${q}, sum by (le, {{groupBy}}) (rate(${bucket}{{{selector}}}[{{range}}])))`;
  const requests = `sum by ({{groupBy}}) (rate(${count}{{{selector}}}[{{range}}]))`;
  const withStatus = (codes: string) =>
    `sum by ({{groupBy}}) (rate(${count}{{{selector}},${names.statusLabel}=~"${codes}"}[{{range}}]))`;
  const errors = withStatus('5..');
  // 0 rather than absent for a service whose requests carry a status label but none of these
  // codes; absent (null) for one without the label.
  const noneOf = (codes: string) =>
    `${withStatus(codes)} or ${withStatus('.+')} * 0`;
  return {
    p50Ms: quantile('0.5'),
    p95Ms: quantile('0.95'),
    p99Ms: quantile('0.99'),
    throughput: requests,
    // `or ... * 0` makes the share 0 rather than absent when no request failed.
    errorRate: `(${errors} or ${requests} * 0) / ${requests}`,
    cpuCores: `sum by ({{groupBy}}) (rate(${names.cpuSeconds}{{{selector}}}[{{range}}]))`,
    memoryBytes: `sum by ({{groupBy}}) (${names.memoryBytes}{{{selector}}})`,
    authFailureRps: noneOf('401|403'),
    rateLimitedRps: noneOf('429'),
  };
}

/**
 * The default PromQL template of each metric per convention. Latency templates return seconds,
 * `errorRate` a 0..1 share, `cpuCores` cores, `memoryBytes` bytes, `authFailureRps` and
 * `rateLimitedRps` responses per second.
 */
export const DEFAULT_TEMPLATES: Record<
  PrometheusConvention,
  Record<CollectedMetric, string>
> = {
  'prom-client': conventionTemplates(NAMES['prom-client']),
  opentelemetry: conventionTemplates(NAMES.opentelemetry),
};

const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;

/**
 * Checks a query template; returns the problems found (empty when it is valid): unknown or
 * missing placeholders, unbalanced parentheses, braces or brackets, unterminated strings.
 */
export function validateTemplate(template: string): string[] {
  const problems: string[] = [];
  if (!template.trim()) {
    return ['the template is empty'];
  }
  const seen = new Set<string>();
  for (const match of template.matchAll(PLACEHOLDER)) {
    const name = match[1].trim();
    if (!(TEMPLATE_PLACEHOLDERS as readonly string[]).includes(name)) {
      problems.push(
        `unknown placeholder {{${
          match[1]
        }}} (known: ${TEMPLATE_PLACEHOLDERS.map(p => `{{${p}}}`).join(', ')})`,
      );
    }
    seen.add(name);
  }
  for (const required of REQUIRED_PLACEHOLDERS) {
    if (!seen.has(required)) {
      problems.push(`missing placeholder {{${required}}}`);
    }
  }
  if (problems.length === 0) {
    // Placeholders masked by as many neutral characters, so that positions match the template.
    const syntax = checkBalance(
      template.replace(PLACEHOLDER, whole => '_'.repeat(whole.length)),
    );
    if (syntax) {
      problems.push(syntax);
    }
  }
  return problems;
}

/** Replaces the placeholders of a (valid) template. */
export function renderTemplate(
  template: string,
  values: Record<(typeof TEMPLATE_PLACEHOLDERS)[number], string>,
): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => {
    const key = name.trim() as keyof typeof values;
    return key in values ? values[key] : whole;
  });
}

const CLOSING: Record<string, string> = { '(': ')', '{': '}', '[': ']' };

/**
 * Finds unbalanced brackets and unterminated string literals in PromQL; `undefined` when there
 * are none. Comments (`#` to the end of the line) and the contents of strings are skipped.
 */
export function checkBalance(text: string): string | undefined {
  const stack: { char: string; at: number }[] = [];
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"' || char === "'" || char === '`') {
      const start = i;
      i++;
      while (i < text.length && text[i] !== char) {
        if (char !== '`' && text[i] === '\\') {
          i++;
        } else if (char !== '`' && text[i] === '\n') {
          break;
        }
        i++;
      }
      if (i >= text.length || text[i] !== char) {
        return `unterminated string literal starting at character ${start + 1}`;
      }
    } else if (char === '#') {
      while (i < text.length && text[i] !== '\n') {
        i++;
      }
    } else if (char in CLOSING) {
      stack.push({ char, at: i });
    } else if (char === ')' || char === '}' || char === ']') {
      const open = stack.pop();
      if (!open) {
        return `unbalanced '${char}' at character ${i + 1}`;
      }
      if (CLOSING[open.char] !== char) {
        return `'${open.char}' at character ${
          open.at + 1
        } is closed by '${char}' at character ${i + 1}`;
      }
    }
  }
  const open = stack.pop();
  if (open) {
    return `unclosed '${open.char}' at character ${open.at + 1}`;
  }
  return undefined;
}

/** The metric keys a template may be configured for. */
export const TEMPLATE_KEYS: readonly CollectedMetric[] = COLLECTED_METRICS;
