import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds, HumanDuration } from '@backstage/types';
import bytes from 'bytes';

/**
 * Typed readers of the plugin's configuration, shared by the backend and its modules. Each
 * reads an optional key with a fallback and refuses a wrong value with an error that names the
 * key, so the backend does not start on a typo:
 * `Invalid config at devops.performance.collection.shards: expected a whole number from 1 to 1000, got 0`.
 */

/** The error every reader throws. @public */
export function invalidConfig(
  key: string,
  expected: string,
  got: unknown,
): Error {
  return new Error(
    `Invalid config at ${key}: expected ${expected}, got ${JSON.stringify(
      got,
    )}`,
  );
}

/**
 * An optional duration (`{ minutes: 5 }`, an ISO 8601 duration or `'5m'`), at least `min`.
 * @public
 */
export function readOptionalDuration(
  config: Config,
  key: string,
  options: {
    fallback: HumanDuration;
    /** Smallest accepted value; 1 ms by default. */
    min?: HumanDuration;
    /** What a value must be, for the message; says the minimum by default. */
    expected?: string;
  },
): HumanDuration {
  let value: HumanDuration;
  try {
    value = config.has(key)
      ? readDurationFromConfig(config, { key })
      : options.fallback;
  } catch (error) {
    throw invalidConfig(
      key,
      options.expected ?? 'a duration such as 30s, 5m or { minutes: 5 }',
      config.getOptional(key),
    );
  }
  const ms = durationToMilliseconds(value);
  const minMs = options.min ? durationToMilliseconds(options.min) : 1;
  if (!Number.isFinite(ms) || ms < minMs) {
    throw invalidConfig(
      key,
      options.expected ??
        (options.min
          ? `a duration of at least ${JSON.stringify(options.min)}`
          : 'a positive duration'),
      config.getOptional(key) ?? value,
    );
  }
  return value;
}

/** {@link readOptionalDuration} in milliseconds. @public */
export function readOptionalDurationMs(
  config: Config,
  key: string,
  options: Parameters<typeof readOptionalDuration>[2],
): number {
  return durationToMilliseconds(readOptionalDuration(config, key, options));
}

/**
 * A byte size for a message, in the units {@link readOptionalByteSize} reads: `1.5 MB`, `80 B`.
 * @public
 */
export function formatByteSize(size: number): string {
  return bytes.format(size, { unitSeparator: ' ' }) ?? `${size} B`;
}

/**
 * An optional byte size: a number of bytes or a size such as `64mb`, `512kb`, `1.5gb`
 * (the `bytes` package's syntax, as Express's body limits).
 * @public
 */
export function readOptionalByteSize(
  config: Config,
  key: string,
  fallback: number | string,
): number {
  const value = config.getOptional<number | string>(key) ?? fallback;
  let parsed: number | null = NaN;
  if (typeof value === 'number') {
    parsed = value;
  } else if (typeof value === 'string' && /^\s*\d/.test(value)) {
    parsed = bytes.parse(value);
  }
  if (
    typeof parsed !== 'number' ||
    !Number.isFinite(parsed) ||
    parsed < 1 ||
    !Number.isInteger(parsed)
  ) {
    throw invalidConfig(
      key,
      "a whole number of bytes or a size such as '64mb'",
      value,
    );
  }
  return parsed;
}

/** An optional whole number in [min, max]. @public */
export function readOptionalWholeNumber(
  config: Config,
  key: string,
  options: { fallback: number; min: number; max?: number },
): number {
  const value = config.getOptional(key) ?? options.fallback;
  const { min, max } = options;
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < min ||
    (max !== undefined && value > max)
  ) {
    throw invalidConfig(
      key,
      max === undefined
        ? `a whole number of at least ${min}`
        : `a whole number from ${min} to ${max}`,
      value,
    );
  }
  return value;
}

/**
 * An optional number that `accepts` must approve; `undefined` when the key is absent.
 * @public
 */
export function readOptionalNumber(
  config: Config,
  key: string,
  options: { accepts(value: number): boolean; expected: string },
): number | undefined {
  const value = config.getOptional(key);
  if (value === undefined) return undefined;
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    !options.accepts(value)
  ) {
    throw invalidConfig(key, options.expected, value);
  }
  return value;
}

/** An optional percentage from 0 to 100; `undefined` when the key is absent. @public */
export function readOptionalPercentage(
  config: Config,
  key: string,
): number | undefined {
  return readOptionalNumber(config, key, {
    accepts: v => v >= 0 && v <= 100,
    expected: 'a percentage from 0 to 100',
  });
}

/** An optional value out of a fixed list. @public */
export function readOptionalEnum<T extends string>(
  config: Config,
  key: string,
  values: readonly T[],
  fallback: T,
): T {
  const value = config.getOptional(key) ?? fallback;
  if (typeof value !== 'string' || !values.includes(value as T)) {
    throw invalidConfig(key, `one of ${values.join(', ')}`, value);
  }
  return value as T;
}

/** A byte size for messages: `12.5 MB`, `512 kB`. @public */
export function describeByteSize(size: number): string {
  return size >= 1024 ** 2
    ? `${Math.round((size / 1024 ** 2) * 10) / 10} MB`
    : `${Math.round(size / 1024)} kB`;
}
