import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds, HumanDuration } from '@backstage/types';

/** How performance metrics are collected: `devops.performance.collection`. */
export interface PerformanceCollectionSettings {
  /** How often each shard collects. */
  frequency: HumanDuration;
  /** Time budget of one tick; providers get an AbortSignal that fires when it runs out. */
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

const HOUR_MS = 3_600_000;

function readDuration(
  config: Config,
  key: string,
  fallback: HumanDuration,
  minimumMs = 1,
  why = 'expected a positive duration',
): HumanDuration {
  const value = config.has(key)
    ? readDurationFromConfig(config, { key })
    : fallback;
  const ms = durationToMilliseconds(value);
  if (!Number.isFinite(ms) || ms < minimumMs) {
    throw new Error(
      `Invalid config at ${key}: ${why}, got ${JSON.stringify(
        config.getOptional(key) ?? value,
      )}`,
    );
  }
  return value;
}

function readWholeNumber(
  config: Config,
  key: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const value = config.getOptional(key) ?? fallback;
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < min ||
    value > max
  ) {
    throw new Error(
      `Invalid config at ${key}: expected a whole number from ${min} to ${max}, got ${JSON.stringify(
        value,
      )}`,
    );
  }
  return value;
}

export function readPerformanceCollectionSettings(
  config: Config,
): PerformanceCollectionSettings {
  const prefix = 'devops.performance.collection';
  return {
    frequency: readDuration(config, `${prefix}.frequency`, { minutes: 1 }),
    timeout: readDuration(config, `${prefix}.timeout`, { seconds: 50 }),
    shards: readWholeNumber(config, `${prefix}.shards`, 1, 1, 1000),
    pageSize: readWholeNumber(config, `${prefix}.pageSize`, 500, 1, 10_000),
  };
}

export function readPerformanceRetentionSettings(
  config: Config,
): PerformanceRetentionSettings {
  const prefix = 'devops.performance.retention';
  return {
    raw: readDuration(
      config,
      `${prefix}.raw`,
      { days: 7 },
      2 * HOUR_MS,
      'expected at least 2 hours (raw samples are rolled up once their hour is complete)',
    ),
    rollups: readDuration(
      config,
      `${prefix}.rollups`,
      { days: 90 },
      HOUR_MS,
      'expected at least 1 hour',
    ),
    frequency: readDuration(config, `${prefix}.frequency`, { minutes: 10 }),
    batchSize: readWholeNumber(config, `${prefix}.batchSize`, 5000, 1, 100_000),
  };
}
