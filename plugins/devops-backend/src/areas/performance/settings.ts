import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds, HumanDuration } from '@backstage/types';
import { PerformanceTargets } from '@devops-growth/backstage-plugin-devops-common';

/** Targets set in `devops.performance.targets`; only the keys present in config. */
export type ConfiguredPerformanceTargets = Partial<PerformanceTargets>;

/** Settings of the regression detection (`devops.performance.regression`). */
export interface RegressionSettings {
  /** Length of the current window, and of the baseline window before it. */
  windowMs: number;
  /** A change is significant below this two-sided p-value. */
  maxPValue: number;
  /** Smallest relative worsening reported, in percent. */
  minChangePercent: number;
  /** Samples needed in each window. */
  minSamples: number;
}

/** Bounds of load tests (`devops.performance.loadTests`). */
export interface LoadTestSettings {
  defaultDurationSeconds: number;
  maxDurationSeconds: number;
  defaultConnections: number;
  maxConnections: number;
  /** Load tests running at once across the whole installation. */
  maxConcurrent: number;
}

export interface PerformanceAnalysisSettings {
  targets: ConfiguredPerformanceTargets;
  regression: RegressionSettings;
  loadTests: LoadTestSettings;
}

function invalid(key: string, expected: string, value: unknown): Error {
  return new Error(
    `Invalid config at ${key}: expected ${expected}, got ${JSON.stringify(
      value,
    )}`,
  );
}

function readNumber(
  config: Config,
  key: string,
  check: (v: number) => boolean,
  expected: string,
): number | undefined {
  const value = config.getOptionalNumber(key);
  if (value === undefined) return undefined;
  if (!Number.isFinite(value) || !check(value)) {
    throw invalid(key, expected, value);
  }
  return value;
}

function readSeconds(
  config: Config,
  key: string,
  fallback: HumanDuration,
): number {
  const duration = config.has(key)
    ? readDurationFromConfig(config, { key })
    : fallback;
  const ms = durationToMilliseconds(duration);
  if (!(ms >= 1000) || ms % 1000 !== 0) {
    throw invalid(key, 'a whole number of seconds, at least 1s', ms / 1000);
  }
  return ms / 1000;
}

/**
 * Reads `devops.performance.targets`, `.regression` and `.loadTests`, refusing invalid values
 * with a message naming the key (the backend does not start with them).
 */
export function readPerformanceAnalysisSettings(
  config: Config,
): PerformanceAnalysisSettings {
  const positive = (v: number) => v > 0;
  const targets: ConfiguredPerformanceTargets = {};
  const p95 = readNumber(
    config,
    'devops.performance.targets.p95Ms',
    positive,
    'a positive number of milliseconds',
  );
  if (p95 !== undefined) targets.p95Ms = p95;
  const p99 = readNumber(
    config,
    'devops.performance.targets.p99Ms',
    positive,
    'a positive number of milliseconds',
  );
  if (p99 !== undefined) targets.p99Ms = p99;
  const errorPercent = readNumber(
    config,
    'devops.performance.targets.errorRatePercent',
    v => v >= 0 && v <= 100,
    'a percentage from 0 to 100',
  );
  if (errorPercent !== undefined) targets.errorRate = errorPercent / 100;
  const minThroughput = readNumber(
    config,
    'devops.performance.targets.minThroughput',
    positive,
    'a positive number of requests per second',
  );
  if (minThroughput !== undefined) targets.minThroughput = minThroughput;

  const windowKey = 'devops.performance.regression.window';
  const windowMs = durationToMilliseconds(
    config.has(windowKey)
      ? readDurationFromConfig(config, { key: windowKey })
      : { hours: 1 },
  );
  if (!(windowMs >= 60_000)) {
    throw invalid(windowKey, 'a duration of at least 1 minute', windowMs);
  }
  const regression: RegressionSettings = {
    windowMs,
    maxPValue:
      readNumber(
        config,
        'devops.performance.regression.maxPValue',
        v => v > 0 && v < 1,
        'a number between 0 and 1 (exclusive)',
      ) ?? 0.01,
    minChangePercent:
      readNumber(
        config,
        'devops.performance.regression.minChangePercent',
        v => v >= 0,
        'a non-negative percentage',
      ) ?? 10,
    minSamples:
      readNumber(
        config,
        'devops.performance.regression.minSamples',
        v => Number.isInteger(v) && v >= 2,
        'a whole number of at least 2',
      ) ?? 10,
  };

  const whole = (v: number) => Number.isInteger(v) && v >= 1;
  const maxDurationSeconds = readSeconds(
    config,
    'devops.performance.loadTests.maxDuration',
    { seconds: 30 },
  );
  const defaultDurationSeconds = readSeconds(
    config,
    'devops.performance.loadTests.defaultDuration',
    { seconds: Math.min(10, maxDurationSeconds) },
  );
  if (defaultDurationSeconds > maxDurationSeconds) {
    throw invalid(
      'devops.performance.loadTests.defaultDuration',
      `at most devops.performance.loadTests.maxDuration (${maxDurationSeconds}s)`,
      `${defaultDurationSeconds}s`,
    );
  }
  const maxConnections =
    readNumber(
      config,
      'devops.performance.loadTests.maxConnections',
      whole,
      'a whole number of at least 1',
    ) ?? 10;
  const loadTests: LoadTestSettings = {
    defaultDurationSeconds,
    maxDurationSeconds,
    defaultConnections: Math.min(2, maxConnections),
    maxConnections,
    maxConcurrent:
      readNumber(
        config,
        'devops.performance.loadTests.maxConcurrent',
        whole,
        'a whole number of at least 1',
      ) ?? 2,
  };
  return { targets, regression, loadTests };
}
