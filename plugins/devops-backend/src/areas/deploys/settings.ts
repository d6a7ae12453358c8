import { Config } from '@backstage/config';
import {
  DEPLOY_STRATEGIES,
  deployEnvironmentSchema,
  parseCanarySteps,
} from '@devops-growth/backstage-plugin-devops-common';
import {
  invalidConfig,
  readOptionalDurationMs,
  readOptionalEnum,
  readOptionalNumber,
  readOptionalWholeNumber,
} from '@devops-growth/backstage-plugin-devops-node';
import { readFreezeWindow } from './freezeWindowSettings';
import {
  CanaryAnalysisSettings,
  DeployEnvironmentSettings,
  DeploySettings,
  EnvironmentGateSettings,
  FreezeWindow,
  PreviewSettings,
} from './types';

const PREFIX = 'devops.deploys';

/** The chain and environments without config. */
export const DEFAULT_PROMOTION_CHAIN = ['development', 'staging', 'production'];

/**
 * A place a setting may be written: `devops.deploys.environments[2]`, then
 * `devops.deploys.defaults`; `config` is that block.
 */
interface Layer {
  config: Config;
  key: string;
}

/**
 * Reads `key` from the first layer that has it with one of the shared readers (which name the
 * key relative to the block), so that its error names the full key; `undefined` when no layer has it.
 */
function readLayered<T>(
  layers: Layer[],
  key: string,
  read: (config: Config, key: string) => T,
): { value: T; key: string } | undefined {
  const layer = layers.find(l => l.config.has(key));
  if (!layer) return undefined;
  const fullKey = `${layer.key}.${key}`;
  try {
    return { value: read(layer.config, key), key: fullKey };
  } catch (error) {
    const message = (error as Error).message;
    const relative = `Invalid config at ${key}:`;
    throw new Error(
      message.startsWith(relative)
        ? `Invalid config at ${fullKey}:${message.slice(relative.length)}`
        : `Invalid config at ${fullKey}: ${message}`,
    );
  }
}

function durationMs(
  layers: Layer[],
  key: string,
  fallbackMs: number,
  min?: { seconds: number },
): number {
  return (
    readLayered(layers, key, (c, k) =>
      readOptionalDurationMs(c, k, {
        fallback: { milliseconds: fallbackMs },
        min,
      }),
    )?.value ?? fallbackMs
  );
}

function wholeNumber(
  layers: Layer[],
  key: string,
  options: { fallback: number; min: number; max?: number },
): number {
  return (
    readLayered(layers, key, (c, k) => readOptionalWholeNumber(c, k, options))
      ?.value ?? options.fallback
  );
}

function number(
  layers: Layer[],
  key: string,
  fallback: number,
  accepts: (v: number) => boolean,
  expected: string,
): number {
  return (
    readLayered(layers, key, (c, k) =>
      readOptionalNumber(c, k, { accepts, expected }),
    )?.value ?? fallback
  );
}

function nullableNumber(
  layers: Layer[],
  key: string,
  accepts: (v: number) => boolean,
  expected: string,
): number | null {
  return (
    readLayered(layers, key, (c, k) =>
      readOptionalNumber(c, k, { accepts, expected }),
    )?.value ?? null
  );
}

function boolean(layers: Layer[], key: string, fallback: boolean): boolean {
  return (
    readLayered(layers, key, (c, k) => {
      const value = c.getOptional(k);
      if (typeof value !== 'boolean') {
        throw invalidConfig(k, 'true or false', value);
      }
      return value;
    })?.value ?? fallback
  );
}

/** `[10, 25, 50, 100]` or `'10,25,50,100'`, checked by the annotation's own parser. */
function canarySteps(layers: Layer[]): number[] {
  return (
    readLayered(layers, 'canarySteps', (c, k) => {
      const value = c.getOptional(k);
      let text: string | undefined;
      if (Array.isArray(value)) text = value.join(',');
      else if (typeof value === 'string') text = value;
      if (text === undefined) {
        throw invalidConfig(
          k,
          'a list of weights such as [10, 50, 100]',
          value,
        );
      }
      try {
        return parseCanarySteps(text);
      } catch (error) {
        throw new Error(`Invalid config at ${k}: ${(error as Error).message}`);
      }
    })?.value ?? [10, 25, 50, 100]
  );
}

function freezeWindows(layers: Layer[]): FreezeWindow[] {
  const layer = layers.find(l => l.config.has('gates.freezeWindows'));
  if (!layer) return [];
  const key = `${layer.key}.gates.freezeWindows`;
  const raw = layer.config.getOptional('gates.freezeWindows');
  if (!Array.isArray(raw)) {
    throw invalidConfig(key, 'a list of freeze windows', raw);
  }
  return raw.map((w, i) => readFreezeWindow(w, `${key}[${i}]`));
}

function readAnalysis(layers: Layer[]): CanaryAnalysisSettings {
  const k = (key: string) => `analysis.${key}`;
  const positive = (v: number) => v >= 0;
  const analysis: CanaryAnalysisSettings = {
    sampleEveryMs: durationMs(layers, k('sampleEvery'), 10_000, {
      seconds: 1,
    }),
    intervalMs: durationMs(layers, k('interval'), 60_000, { seconds: 1 }),
    stepPauseMs:
      readLayered(layers, k('stepPause'), (c, key) =>
        readOptionalDurationMs(c, key, {
          fallback: { seconds: 30 },
          min: { milliseconds: 0 },
          expected: 'a duration such as 30s (0 for none)',
        }),
      )?.value ?? 30_000,
    maxInconclusiveIntervals: wholeNumber(
      layers,
      k('maxInconclusiveIntervals'),
      { fallback: 3, min: 1, max: 100 },
    ),
    minSamples: wholeNumber(layers, k('minSamples'), {
      fallback: 5,
      min: 2,
      max: 10_000,
    }),
    alpha: number(
      layers,
      k('alpha'),
      0.05,
      v => v > 0 && v < 0.5,
      'a significance level between 0 and 0.5 (exclusive)',
    ),
    errorRateBandPoints: number(
      layers,
      k('errorRateBandPoints'),
      1,
      v => v >= 0 && v <= 100,
      'percentage points from 0 to 100',
    ),
    latencyBandPercent: number(
      layers,
      k('latencyBandPercent'),
      20,
      positive,
      'a non-negative percentage',
    ),
    maxErrorRatePercent: number(
      layers,
      k('maxErrorRatePercent'),
      5,
      v => v >= 0 && v <= 100,
      'a percentage from 0 to 100',
    ),
    maxP95Ms: nullableNumber(
      layers,
      k('maxP95Ms'),
      v => v > 0,
      'a positive number of milliseconds',
    ),
  };
  if (analysis.sampleEveryMs > analysis.intervalMs) {
    const where =
      readLayered(layers, k('sampleEvery'), () => null)?.key ??
      `${PREFIX}.defaults.analysis.sampleEvery`;
    throw new Error(
      `Invalid config at ${where}: the sampling period (${analysis.sampleEveryMs} ms) must not be longer than analysis.interval (${analysis.intervalMs} ms)`,
    );
  }
  return analysis;
}

function readGates(layers: Layer[]): EnvironmentGateSettings {
  return {
    promotionChain: boolean(layers, 'gates.promotionChain', true),
    coverage: boolean(layers, 'gates.coverage', true),
    security: boolean(layers, 'gates.security', true),
    complianceMinimum: nullableNumber(
      layers,
      'gates.complianceMinimum',
      v => v >= 0 && v <= 100,
      'a percentage from 0 to 100',
    ),
    freezeWindows: freezeWindows(layers),
  };
}

/** One environment's settings: its own keys over `defaults` over the built-in defaults. */
function readEnvironment(
  name: string,
  layers: Layer[],
): DeployEnvironmentSettings {
  const provider =
    readLayered(layers, 'provider', (c, k) => {
      const value = c.getOptional(k);
      if (typeof value !== 'string' || !/^[a-z][a-z0-9-]{0,62}$/.test(value)) {
        throw invalidConfig(k, 'a deploy provider id such as command', value);
      }
      return value;
    })?.value ?? 'command';
  const strategy =
    readLayered(layers, 'strategy', (c, k) =>
      readOptionalEnum(c, k, DEPLOY_STRATEGIES, 'rolling'),
    )?.value ?? 'rolling';
  return {
    name,
    provider,
    strategy,
    canarySteps: canarySteps(layers),
    analysis: readAnalysis(layers),
    phaseTimeoutMs: durationMs(layers, 'phaseTimeout', 10 * 60_000, {
      seconds: 1,
    }),
    healthTimeoutMs: durationMs(layers, 'healthTimeout', 2 * 60_000, {
      seconds: 1,
    }),
    gates: readGates(layers),
  };
}

function environmentName(value: unknown, key: string): string {
  if (
    typeof value !== 'string' ||
    !deployEnvironmentSchema.safeParse(value).success
  ) {
    throw invalidConfig(
      key,
      'an environment name of 1-63 letters, digits, dots, dashes or underscores',
      value,
    );
  }
  return value;
}

/**
 * Reads `devops.deploys.*`: the promotion chain, the environments (each key of `defaults`
 * overridable per environment), the engine's timing and the
 * impact window. Refuses a wrong value with an error naming the key, so the backend does not
 * start with it.
 */
export function readDeploySettings(config: Config): DeploySettings {
  const deploys = config.getOptionalConfig(PREFIX);
  const root: Layer[] = deploys ? [{ config: deploys, key: PREFIX }] : [];
  const defaults = deploys?.getOptionalConfig('defaults');
  const defaultLayers: Layer[] = defaults
    ? [{ config: defaults, key: `${PREFIX}.defaults` }]
    : [];

  const chainKey = `${PREFIX}.promotionChain`;
  const rawChain = deploys?.getOptional('promotionChain');
  if (rawChain !== undefined && !Array.isArray(rawChain)) {
    throw invalidConfig(chainKey, 'a list of environment names', rawChain);
  }
  const promotionChain = rawChain
    ? rawChain.map((n, i) => environmentName(n, `${chainKey}[${i}]`))
    : DEFAULT_PROMOTION_CHAIN;
  promotionChain.forEach((name, i) => {
    if (promotionChain.indexOf(name) !== i) {
      throw new Error(
        `Invalid config at ${chainKey}[${i}]: '${name}' is already in the chain at ${chainKey}[${promotionChain.indexOf(
          name,
        )}]`,
      );
    }
  });

  const environmentsKey = `${PREFIX}.environments`;
  const configured = deploys?.getOptionalConfigArray('environments');
  let environments: DeployEnvironmentSettings[];
  if (configured) {
    const names: string[] = [];
    environments = configured.map((envConfig, index) => {
      const key = `${environmentsKey}[${index}]`;
      const name = environmentName(
        envConfig.getOptional('name'),
        `${key}.name`,
      );
      if (names.includes(name)) {
        throw new Error(
          `Invalid config at ${key}.name: '${name}' is already the name of ${environmentsKey}[${names.indexOf(
            name,
          )}]`,
        );
      }
      names.push(name);
      return readEnvironment(name, [
        { config: envConfig, key },
        ...defaultLayers,
      ]);
    });
    promotionChain.forEach((name, i) => {
      if (!names.includes(name)) {
        throw new Error(
          `Invalid config at ${chainKey}[${i}]: '${name}' is not one of the environments in ${environmentsKey} (${names.join(
            ', ',
          )})`,
        );
      }
    });
  } else {
    environments = promotionChain.map(name =>
      readEnvironment(name, defaultLayers),
    );
  }

  return {
    promotionChain,
    environments,
    engine: {
      pollIntervalMs: durationMs(root, 'engine.pollInterval', 2_000, {
        seconds: 0.1,
      }),
      leaseMs: durationMs(root, 'engine.lease', 30_000, {
        seconds: 3,
      }),
      maxLogLines: wholeNumber(root, 'engine.maxLogLines', {
        fallback: 2000,
        min: 10,
        max: 1_000_000,
      }),
    },
    impactWindowMs: durationMs(root, 'impactWindow', 15 * 60_000, {
      seconds: 10,
    }),
    previews: readPreviews(deploys, promotionChain, environments),
    drift: {
      enabled: boolean(root, 'drift.enabled', true),
      frequencyMs: durationMs(root, 'drift.frequency', 10 * 60_000, {
        seconds: 10,
      }),
    },
  };
}

/**
 * `devops.deploys.previews.*`: the configured environments a per-entity environment may be
 * based on (default the first of the chain), the default base, the longest time to live, how
 * many an entity may have, and the teardown task's timing.
 */
function readPreviews(
  deploys: Config | undefined,
  promotionChain: string[],
  environments: DeployEnvironmentSettings[],
): PreviewSettings {
  const key = `${PREFIX}.previews`;
  const previews = deploys?.getOptionalConfig('previews');
  const layers: Layer[] = previews ? [{ config: previews, key }] : [];
  const names = environments.map(e => e.name);
  const rawBasedOn = previews?.getOptional('basedOn');
  if (rawBasedOn !== undefined && !Array.isArray(rawBasedOn)) {
    throw invalidConfig(
      `${key}.basedOn`,
      'a list of configured environment names',
      rawBasedOn,
    );
  }
  const basedOn = rawBasedOn
    ? rawBasedOn.map((n, i) => {
        const name = environmentName(n, `${key}.basedOn[${i}]`);
        if (!names.includes(name)) {
          throw new Error(
            `Invalid config at ${key}.basedOn[${i}]: '${name}' is not one of the environments in ${PREFIX}.environments (${names.join(
              ', ',
            )})`,
          );
        }
        return name;
      })
    : promotionChain.slice(0, 1);
  const rawDefault = previews?.getOptional('defaultBasedOn');
  let defaultBasedOn = basedOn[0];
  if (rawDefault !== undefined) {
    defaultBasedOn = environmentName(rawDefault, `${key}.defaultBasedOn`);
    if (!basedOn.includes(defaultBasedOn)) {
      throw new Error(
        `Invalid config at ${key}.defaultBasedOn: '${defaultBasedOn}' is not in ${key}.basedOn (${basedOn.join(
          ', ',
        )})`,
      );
    }
  }
  const teardownRetryMs = durationMs(layers, 'teardownRetry', 60_000, {
    seconds: 1,
  });
  const teardownMaxRetryMs = durationMs(layers, 'teardownMaxRetry', 3_600_000, {
    seconds: 1,
  });
  if (teardownMaxRetryMs < teardownRetryMs) {
    throw new Error(
      `Invalid config at ${key}.teardownMaxRetry: ${teardownMaxRetryMs} ms is shorter than ${key}.teardownRetry (${teardownRetryMs} ms)`,
    );
  }
  return {
    basedOn,
    defaultBasedOn,
    maxTimeToLiveMs: durationMs(layers, 'maxTimeToLive', 30 * 86_400_000, {
      seconds: 60,
    }),
    maxPerEntity: wholeNumber(layers, 'maxPerEntity', {
      fallback: 10,
      min: 0,
      max: 1000,
    }),
    teardownFrequencyMs: durationMs(layers, 'teardownFrequency', 60_000, {
      seconds: 1,
    }),
    teardownRetryMs,
    teardownMaxRetryMs,
  };
}

/** The environment's settings, or `undefined` when it is not configured. */
export function findEnvironment(
  settings: DeploySettings,
  name: string,
): DeployEnvironmentSettings | undefined {
  return settings.environments.find(e => e.name === name);
}
