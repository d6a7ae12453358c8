import { Config } from '@backstage/config';
import { durationToMilliseconds, HumanDuration } from '@backstage/types';
import {
  PERFORMANCE_TARGET_KEYS,
  PERFORMANCE_TARGET_RULES,
  PerformanceTargetKey,
  PerformanceTargets,
} from '@devops-growth/backstage-plugin-devops-common';
import {
  invalidConfig,
  readOptionalDuration,
  readOptionalDurationMs,
  readOptionalNumber,
  readOptionalWholeNumber,
} from '@devops-growth/backstage-plugin-devops-node';

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

/** How performance metrics are collected: `devops.performance.collection`. */
export interface PerformanceCollectionSettings {
  /** How often each shard collects. */
  frequency: HumanDuration;
  /**
   * Time budget of one tick; providers get an AbortSignal that fires when it runs out. It is
   * also how long the scheduler keeps the shard claimed by a replica that died mid-tick.
   * Defaults to the frequency; at most {@link MAX_TIMEOUT_FACTOR} times it.
   */
  timeout: HumanDuration;
  /** Number of shards (scheduled tasks) the monitored entities are split into. */
  shards: number;
  /** Entities per catalog page. */
  pageSize: number;
}

/** How long performance data is kept: `devops.performance.retention`. */
export interface PerformanceRetentionSettings {
  /** Raw samples older than this are deleted. */
  raw: HumanDuration;
  /** Hourly roll-ups older than this are deleted. */
  rollups: HumanDuration;
  /** How often roll-up and pruning run. */
  frequency: HumanDuration;
  /** Rows deleted per statement; the process yields to the event loop between batches. */
  batchSize: number;
}

const PREFIX = 'devops.performance';

/** The key of each target under `devops.performance.targets` (the error rate in percent). */
const TARGET_CONFIG_KEYS: Record<PerformanceTargetKey, string> = {
  p95Ms: 'p95Ms',
  p99Ms: 'p99Ms',
  errorRate: 'errorRatePercent',
  minThroughput: 'minThroughput',
};

/** A whole number of seconds, at least 1. */
function readSeconds(
  config: Config,
  key: string,
  fallback: HumanDuration,
): number {
  const ms = readOptionalDurationMs(config, key, {
    fallback,
    min: { seconds: 1 },
    expected: 'a whole number of seconds, at least 1s',
  });
  if (ms % 1000 !== 0) {
    throw invalidConfig(
      key,
      'a whole number of seconds, at least 1s',
      ms / 1000,
    );
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
  const targets: ConfiguredPerformanceTargets = {};
  for (const key of PERFORMANCE_TARGET_KEYS) {
    const rule = PERFORMANCE_TARGET_RULES[key];
    const written = readOptionalNumber(
      config,
      `${PREFIX}.targets.${TARGET_CONFIG_KEYS[key]}`,
      { accepts: rule.accepts, expected: rule.expected },
    );
    if (written !== undefined) targets[key] = rule.toValue(written);
  }

  const regression: RegressionSettings = {
    windowMs: readOptionalDurationMs(config, `${PREFIX}.regression.window`, {
      fallback: { hours: 1 },
      min: { minutes: 1 },
      expected: 'a duration of at least 1 minute',
    }),
    maxPValue:
      readOptionalNumber(config, `${PREFIX}.regression.maxPValue`, {
        accepts: v => v > 0 && v < 1,
        expected: 'a number between 0 and 1 (exclusive)',
      }) ?? 0.01,
    minChangePercent:
      readOptionalNumber(config, `${PREFIX}.regression.minChangePercent`, {
        accepts: v => v >= 0,
        expected: 'a non-negative percentage',
      }) ?? 10,
    minSamples: readOptionalWholeNumber(
      config,
      `${PREFIX}.regression.minSamples`,
      { fallback: 10, min: 2 },
    ),
  };

  const maxDurationSeconds = readSeconds(
    config,
    `${PREFIX}.loadTests.maxDuration`,
    { seconds: 30 },
  );
  const defaultDurationSeconds = readSeconds(
    config,
    `${PREFIX}.loadTests.defaultDuration`,
    { seconds: Math.min(10, maxDurationSeconds) },
  );
  if (defaultDurationSeconds > maxDurationSeconds) {
    throw invalidConfig(
      `${PREFIX}.loadTests.defaultDuration`,
      `at most ${PREFIX}.loadTests.maxDuration (${maxDurationSeconds}s)`,
      `${defaultDurationSeconds}s`,
    );
  }
  const maxConnections = readOptionalWholeNumber(
    config,
    `${PREFIX}.loadTests.maxConnections`,
    { fallback: 10, min: 1 },
  );
  const loadTests: LoadTestSettings = {
    defaultDurationSeconds,
    maxDurationSeconds,
    defaultConnections: Math.min(2, maxConnections),
    maxConnections,
    maxConcurrent: readOptionalWholeNumber(
      config,
      `${PREFIX}.loadTests.maxConcurrent`,
      { fallback: 2, min: 1 },
    ),
  };
  return { targets, regression, loadTests };
}

/**
 * The longest collection timeout accepted, in frequencies. The claim of a replica that dies
 * mid-tick holds its shards until the timeout: a longer one means longer gaps after a failure.
 */
export const MAX_TIMEOUT_FACTOR = 2;

/**
 * Reads `devops.performance.collection`. The timeout defaults to the frequency and is refused
 * above {@link MAX_TIMEOUT_FACTOR} times it, naming the key.
 */
export function readPerformanceCollectionSettings(
  config: Config,
): PerformanceCollectionSettings {
  const key = `${PREFIX}.collection`;
  const frequency = readOptionalDuration(config, `${key}.frequency`, {
    fallback: { minutes: 1 },
  });
  const timeout = readOptionalDuration(config, `${key}.timeout`, {
    fallback: frequency,
  });
  const frequencyMs = durationToMilliseconds(frequency);
  if (durationToMilliseconds(timeout) > MAX_TIMEOUT_FACTOR * frequencyMs) {
    throw invalidConfig(
      `${key}.timeout`,
      `at most ${MAX_TIMEOUT_FACTOR} times ${key}.frequency (${
        (MAX_TIMEOUT_FACTOR * frequencyMs) / 1000
      }s): a replica that dies mid-tick holds its shards for the whole timeout, so collection would stop that long; raise ${key}.shards or ${key}.frequency for slow ticks`,
      config.getOptional(`${key}.timeout`),
    );
  }
  return {
    frequency,
    timeout,
    shards: readOptionalWholeNumber(config, `${key}.shards`, {
      fallback: 1,
      min: 1,
      max: 1000,
    }),
    pageSize: readOptionalWholeNumber(config, `${key}.pageSize`, {
      fallback: 500,
      min: 1,
      max: 10_000,
    }),
  };
}

export function readPerformanceRetentionSettings(
  config: Config,
): PerformanceRetentionSettings {
  const key = `${PREFIX}.retention`;
  return {
    raw: readOptionalDuration(config, `${key}.raw`, {
      fallback: { days: 7 },
      min: { hours: 2 },
      expected:
        'at least 2 hours (raw samples are rolled up once their hour is complete)',
    }),
    rollups: readOptionalDuration(config, `${key}.rollups`, {
      fallback: { days: 90 },
      min: { hours: 1 },
      expected: 'at least 1 hour',
    }),
    frequency: readOptionalDuration(config, `${key}.frequency`, {
      fallback: { minutes: 10 },
    }),
    batchSize: readOptionalWholeNumber(config, `${key}.batchSize`, {
      fallback: 5000,
      min: 1,
      max: 100_000,
    }),
  };
}
