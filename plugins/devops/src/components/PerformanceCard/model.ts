/*
 * Pure data shaping for the "Performance" card: everything the components render is computed
 * here, so that the JSX only lays it out and this file can be tested without rendering.
 */
import { parseEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import {
  devopsLoadTestCreatePermission,
  devopsPerformanceTargetsUpdatePermission,
  EffectivePerformanceTargets,
  LoadTestRun,
  LoadTestStatus,
  PERFORMANCE_METRICS,
  PERFORMANCE_TARGET_KEYS,
  PerformanceMetric,
  PerformancePoint,
  PerformanceRegression,
  PerformanceSummary,
  PerformanceTargetChange,
  PerformanceTargetKey,
  PerformanceTargetSource,
  PerformanceWindow,
} from '@devops-growth/backstage-plugin-devops-common';
import { formatDateTime } from '../CoverageCard/model';

/** Display names of the performance metrics. */
export const PERFORMANCE_METRIC_LABELS: Record<PerformanceMetric, string> = {
  p50Ms: 'P50 latency',
  p95Ms: 'P95 latency',
  p99Ms: 'P99 latency',
  throughput: 'Throughput',
  errorRate: 'Error rate',
  cpuCores: 'CPU',
  memoryBytes: 'Memory',
};

/** Labels of the window picker. */
export const WINDOW_LABELS: Record<PerformanceWindow, string> = {
  '1h': '1 h',
  '24h': '24 h',
  '7d': '7 d',
  '30d': '30 d',
};

/** Where a target comes from, as named in the UI. */
export const TARGET_SOURCE_LABELS: Record<PerformanceTargetSource, string> = {
  default: 'built-in default',
  config: 'app-config.yaml',
  annotation: 'entity annotation',
  api: 'set in Backstage',
};

/** The target each metric is held against; metrics without one are left out. */
const TARGET_OF_METRIC: Partial<
  Record<PerformanceMetric, PerformanceTargetKey>
> = {
  p95Ms: 'p95Ms',
  p99Ms: 'p99Ms',
  errorRate: 'errorRate',
  throughput: 'minThroughput',
};

/** A latency: `4.2 ms` under ten milliseconds, whole milliseconds above. */
export function formatMs(ms: number): string {
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

/** Requests per second with two significant decimals for small rates. */
export function formatThroughput(rps: number): string {
  if (rps >= 100) {
    return `${Math.round(rps)} req/s`;
  }
  return rps >= 10 ? `${rps.toFixed(1)} req/s` : `${rps.toFixed(2)} req/s`;
}

/** An error rate given as a 0..1 fraction, in percent: `1.23%`, `12.5%`, `0%`. */
export function formatErrorRate(fraction: number): string {
  const percent = fraction * 100;
  if (percent === 0) {
    return '0%';
  }
  return percent >= 10 ? `${percent.toFixed(1)}%` : `${percent.toFixed(2)}%`;
}

/** CPU in cores: `0.35 cores`, `1 core`. */
export function formatCores(cores: number): string {
  const rounded = Number(cores.toFixed(2));
  return `${rounded} ${rounded === 1 ? 'core' : 'cores'}`;
}

/** Memory in binary units: `256 MiB`, `1.5 GiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = value >= 100 || unit === 0 ? 0 : 1;
  return `${Number(value.toFixed(digits))} ${units[unit]}`;
}

/** Formats a metric's value in its unit. */
export function formatMetric(metric: PerformanceMetric, value: number): string {
  switch (metric) {
    case 'throughput':
      return formatThroughput(value);
    case 'errorRate':
      return formatErrorRate(value);
    case 'cpuCores':
      return formatCores(value);
    case 'memoryBytes':
      return formatBytes(value);
    default:
      return formatMs(value);
  }
}

/** Formats a target's value in its unit. */
export function formatTarget(key: PerformanceTargetKey, value: number): string {
  if (key === 'minThroughput') {
    return formatThroughput(value);
  }
  if (key === 'errorRate') {
    return formatErrorRate(value);
  }
  return formatMs(value);
}

/** How a figure compares with its target. */
export type FigureStatus = 'pass' | 'breach' | 'no-target' | 'no-data';

/** One of the current figures of the card. */
export interface PerformanceFigure {
  metric: PerformanceMetric;
  label: string;
  /** The formatted value, `null` when the source has none. */
  value: string | null;
  status: FigureStatus;
  /** For example `at most 300 ms`; `null` without a target. */
  target: string | null;
  /** For example `Target: at most 300 ms, from app-config.yaml`; `null` without a target. */
  targetDetail: string | null;
}

/**
 * The current figures against their targets. Latencies, throughput and error rate are always
 * listed (with "no data" when the source has none); CPU and memory only when the source has them.
 * A figure is in breach when the backend lists a breach of its target.
 */
export function toPerformanceFigures(
  summary: Pick<PerformanceSummary, 'current' | 'targets' | 'breaches'>,
): PerformanceFigure[] {
  const { current, targets, breaches } = summary;
  const breached = new Set(breaches.map(b => b.target));
  return PERFORMANCE_METRICS.flatMap(metric => {
    const raw = current?.[metric] ?? null;
    if (raw === null && (metric === 'cpuCores' || metric === 'memoryBytes')) {
      return [];
    }
    const key = TARGET_OF_METRIC[metric];
    const limit = key ? targets.targets[key] : null;
    let target: string | null = null;
    let targetDetail: string | null = null;
    if (key && limit !== null) {
      target = `${
        key === 'minThroughput' ? 'at least' : 'at most'
      } ${formatTarget(key, limit)}`;
      targetDetail = `Target: ${target}, from ${
        TARGET_SOURCE_LABELS[targets.sources[key]]
      }`;
    }
    let status: FigureStatus;
    if (!key || limit === null) {
      status = 'no-target';
    } else if (raw === null) {
      status = 'no-data';
    } else {
      status = breached.has(key) ? 'breach' : 'pass';
    }
    return [
      {
        metric,
        label: PERFORMANCE_METRIC_LABELS[metric],
        value: raw === null ? null : formatMetric(metric, raw),
        status,
        target,
        targetDetail,
      },
    ];
  });
}

/** One point of the charts: epoch milliseconds, latencies in ms, the error rate in percent. */
export interface PerformanceChartPoint {
  time: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  throughput: number | null;
  errorRatePercent: number | null;
}

/** The series ordered by time, with the error rate in percent. */
export function toPerformanceChartData(
  series: PerformancePoint[],
  bucketMinutes: number,
): PerformanceChartPoint[] {
  const sorted = series
    .map(point => ({
      time: Date.parse(point.at),
      p50Ms: point.p50Ms,
      p95Ms: point.p95Ms,
      p99Ms: point.p99Ms,
      throughput: point.throughput,
      errorRatePercent:
        point.errorRate === null ? null : percentOf(point.errorRate),
    }))
    .filter(point => Number.isFinite(point.time))
    .sort((a, b) => a.time - b.time);
  // Where collection stopped for more than two buckets, an empty point breaks the lines, so the
  // chart does not draw figures nobody measured.
  const bucketMs = bucketMinutes * 60_000;
  const points: PerformanceChartPoint[] = [];
  for (const point of sorted) {
    const previous = points[points.length - 1];
    if (previous && point.time - previous.time > 2 * bucketMs) {
      points.push({
        time: previous.time + bucketMs,
        p50Ms: null,
        p95Ms: null,
        p99Ms: null,
        throughput: null,
        errorRatePercent: null,
      });
    }
    points.push(point);
  }
  return points;
}

/** A 0..1 fraction in percent, without binary floating-point noise (0.011 -> 1.1). */
export function percentOf(fraction: number): number {
  return Number((fraction * 100).toPrecision(12));
}

/** A regression, ready to show. */
export interface RegressionView {
  key: string;
  /** For example `P99 latency 35.2% worse`. */
  title: string;
  /** For example `330 ms → 446 ms`. */
  change: string;
  /** For example `p = 0.003; 288 samples against 288 in the preceding window`. */
  evidence: string;
}

/** Describes the regressions found by the backend. */
export function toRegressionViews(
  regressions: PerformanceRegression[],
): RegressionView[] {
  return regressions.map(r => ({
    key: `${r.metric}:${r.window.from}`,
    title: `${PERFORMANCE_METRIC_LABELS[r.metric]} ${Math.abs(
      r.changePercent,
    ).toFixed(1)}% worse`,
    change: `${formatMetric(r.metric, r.baseline)} → ${formatMetric(
      r.metric,
      r.current,
    )}`,
    evidence: `p = ${formatPValue(r.pValue)}; ${
      r.window.samples
    } samples against ${r.baselineWindow.samples} in the preceding window`,
  }));
}

function formatPValue(p: number): string {
  return p < 0.001 ? '< 0.001' : String(Number(p.toPrecision(2)));
}

/** `jane.doe` for `user:default/jane.doe`; other refs as given. */
export function formatActor(ref: string): string {
  try {
    const parsed = parseEntityRef(ref, { defaultKind: 'user' });
    if (parsed.kind.toLowerCase() === 'user') {
      return parsed.namespace === 'default'
        ? parsed.name
        : `${parsed.namespace}/${parsed.name}`;
    }
  } catch {
    // not an entity ref: show it as it is
  }
  return ref;
}

const LOAD_TEST_STATUS_LABELS: Record<LoadTestStatus, string> = {
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
};

/** A load test run, ready to show. */
export interface LoadTestView {
  id: string;
  status: LoadTestStatus;
  statusLabel: string;
  environment: string;
  url: string;
  p95: string;
  throughput: string;
  errors: string;
  when: string;
  who: string;
  /** Why it failed, for failed runs. */
  error: string | null;
}

export function toLoadTestView(run: LoadTestRun): LoadTestView {
  const pending = run.status === 'running' ? '…' : '–';
  let errors = pending;
  if (run.errors !== null) {
    errors =
      run.requests !== null && run.requests > 0
        ? `${run.errors} of ${run.requests}`
        : String(run.errors);
  }
  return {
    id: run.id,
    status: run.status,
    statusLabel: LOAD_TEST_STATUS_LABELS[run.status],
    environment: run.environment,
    url: run.url,
    p95: run.p95Ms === null ? pending : formatMs(run.p95Ms),
    throughput:
      run.throughput === null ? pending : formatThroughput(run.throughput),
    errors,
    when: formatDateTime(run.startedAt),
    who: formatActor(run.startedBy),
    error: run.error,
  };
}

/** What a failed request of the card means for the user. */
export function describeActionError(
  error: Error,
  action: 'load-test' | 'targets',
): string {
  const message =
    error instanceof ResponseError ? error.cause.message : error.message;
  if (error instanceof ResponseError && error.statusCode === 403) {
    const permission =
      action === 'load-test'
        ? devopsLoadTestCreatePermission.name
        : devopsPerformanceTargetsUpdatePermission.name;
    const what =
      action === 'load-test'
        ? 'start load tests'
        : 'change the performance targets';
    return `You are not allowed to ${what} of this entity (permission ${permission}).`;
  }
  return message;
}

/** The form of the targets dialog: one text per target, the error rate in percent. */
export type TargetsForm = Record<PerformanceTargetKey, string>;

/** Units of the target fields, as shown in their labels. */
export const TARGET_FIELD_LABELS: Record<PerformanceTargetKey, string> = {
  p95Ms: 'P95 latency (ms)',
  p99Ms: 'P99 latency (ms)',
  errorRate: 'Error rate (%)',
  minThroughput: 'Minimum throughput (req/s)',
};

function toFieldValue(key: PerformanceTargetKey, value: number): string {
  return String(key === 'errorRate' ? percentOf(value) : value);
}

/**
 * The form's initial values: the overrides made in Backstage, which the form edits. Targets from
 * a default, app-config.yaml or an annotation start empty (they are no override).
 */
export function initialTargetsForm(
  targets: EffectivePerformanceTargets,
): TargetsForm {
  const form = {} as TargetsForm;
  for (const key of PERFORMANCE_TARGET_KEYS) {
    const value = targets.targets[key];
    form[key] =
      targets.sources[key] === 'api' && value !== null
        ? toFieldValue(key, value)
        : '';
  }
  return form;
}

/** What applies when a field is left empty, for its helper text. */
export function targetFieldHint(
  targets: EffectivePerformanceTargets,
  key: PerformanceTargetKey,
): string {
  const value = targets.targets[key];
  if (targets.sources[key] === 'api') {
    return 'Empty removes this override';
  }
  const effective = value === null ? 'no target' : formatTarget(key, value);
  return `Empty keeps ${effective} (${
    TARGET_SOURCE_LABELS[targets.sources[key]]
  })`;
}

/** The changes a submitted form makes, or what is wrong with it. */
export type TargetsFormResult =
  | { ok: true; changes: Partial<Record<PerformanceTargetKey, number | null>> }
  | { ok: false; errors: Partial<Record<PerformanceTargetKey, string>> };

/**
 * Turns the form into the `changes` of a targets update: a number sets an override (the error
 * rate converted from percent to a fraction), an emptied override becomes `null` (removed), and
 * fields equal to what is already in force are left out.
 */
export function toTargetChanges(
  form: TargetsForm,
  targets: EffectivePerformanceTargets,
): TargetsFormResult {
  const changes: Partial<Record<PerformanceTargetKey, number | null>> = {};
  const errors: Partial<Record<PerformanceTargetKey, string>> = {};
  for (const key of PERFORMANCE_TARGET_KEYS) {
    const text = form[key].trim();
    const isOverride = targets.sources[key] === 'api';
    if (text === '') {
      if (isOverride) {
        changes[key] = null;
      }
      continue;
    }
    const number = Number(text);
    if (!Number.isFinite(number)) {
      errors[key] = 'Enter a number';
      continue;
    }
    if (key === 'errorRate') {
      if (number < 0 || number > 100) {
        errors[key] = 'Enter a percentage from 0 to 100';
        continue;
      }
    } else if (key === 'minThroughput') {
      if (number <= 0) {
        errors[key] = 'Enter a number of requests per second above 0';
        continue;
      }
    } else if (number <= 0) {
      errors[key] = 'Enter a number of milliseconds above 0';
      continue;
    }
    const value =
      key === 'errorRate' ? Number((number / 100).toPrecision(12)) : number;
    if (isOverride && targets.targets[key] === value) {
      continue;
    }
    changes[key] = value;
  }
  return Object.keys(errors).length > 0
    ? { ok: false, errors }
    : { ok: true, changes };
}

const TARGET_NAMES: Record<PerformanceTargetKey, string> = {
  p95Ms: 'P95 latency',
  p99Ms: 'P99 latency',
  errorRate: 'error rate',
  minThroughput: 'minimum throughput',
};

/** A change of the targets' history, in words: `P95 latency 250 ms, error rate override removed`. */
export function describeTargetChange(change: PerformanceTargetChange): string {
  const parts = PERFORMANCE_TARGET_KEYS.flatMap(key => {
    if (!(key in change.changes)) {
      return [];
    }
    const value = change.changes[key];
    const name = TARGET_NAMES[key];
    return value === null || value === undefined
      ? [`${name} override removed`]
      : [`${name} ${formatTarget(key, value)}`];
  });
  return parts.join(', ') || 'no change';
}
