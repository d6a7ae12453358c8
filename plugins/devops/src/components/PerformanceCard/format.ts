/*
 * Units and names of the "Performance" card: how latencies, throughput, error rates, CPU,
 * memory and targets are written, and the names of metrics, windows and target sources.
 */
import {
  PerformanceMetric,
  PerformanceTargetKey,
  PerformanceTargetSource,
  PerformanceWindow,
} from '@devops-growth/backstage-plugin-devops-common';

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

/** A 0..1 fraction in percent, without binary floating-point noise (0.011 -> 1.1). */
export function percentOf(fraction: number): number {
  return Number((fraction * 100).toPrecision(12));
}

export { formatActor } from '../shared';
