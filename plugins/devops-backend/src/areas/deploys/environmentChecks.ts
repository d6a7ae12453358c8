import { Config } from '@backstage/config';
import { providerConfig } from './deployPlan';
import {
  CommandSettings,
  readCommandSettings,
} from './providers/command/commandSettings';
import {
  DeployEnvironmentSettings,
  DeployProviderLookup,
  DeploySettings,
} from './types';

const PREFIX = 'devops.deploys';

/**
 * Where the environment's setting `key` is written: its entry in `devops.deploys.environments`
 * (`devops.deploys.environments[1].command`), else `devops.deploys.defaults`; `undefined` when
 * neither has it (the built-in default applies).
 */
export function environmentSettingKey(
  config: Config,
  environment: string,
  key: string,
): string | undefined {
  const deploys = config.getOptionalConfig(PREFIX);
  const entries = deploys?.getOptionalConfigArray('environments') ?? [];
  const index = entries.findIndex(
    e => e.getOptionalString('name') === environment,
  );
  if (index >= 0 && entries[index].has(key)) {
    return `${PREFIX}.environments[${index}].${key}`;
  }
  if (deploys?.has(`defaults.${key}`)) return `${PREFIX}.defaults.${key}`;
  return undefined;
}

/**
 * The `command:` block of an environment whose provider is `command`, read with the key it is
 * written under; `undefined` for another provider or when no block is configured. A wrong block
 * is an `InputError` naming the key (a 400 at request time).
 */
export function readEnvironmentCommandBlock(
  config: Config,
  environment: DeployEnvironmentSettings,
  rootDir: string = process.cwd(),
): CommandSettings | undefined {
  if (environment.provider !== 'command') return undefined;
  const key = environmentSettingKey(config, environment.name, 'command');
  if (!key) return undefined;
  return readCommandSettings(
    providerConfig(config, environment.name, 'command'),
    environment.name,
    rootDir,
    key,
  );
}

/**
 * The start-up check of `devops.deploys` against the installed providers: every environment's
 * provider is installed, and every `command:` block that applies reads, with at least the
 * `deploy` and `rollback` commands that every strategy needs. Throws an error naming the key.
 * An environment of the `command` provider without any block is left alone (an installation
 * without deploys configured); its deploys answer that no strategy is supported.
 */
export function checkDeployEnvironments(
  config: Config,
  settings: DeploySettings,
  providers: DeployProviderLookup,
): void {
  for (const environment of settings.environments) {
    if (!providers.get(environment.provider)) {
      const key =
        environmentSettingKey(config, environment.name, 'provider') ??
        `${PREFIX}.defaults.provider`;
      throw new Error(
        `Invalid config at ${key}: no deploy provider '${
          environment.provider
        }' is installed for environment ${
          environment.name
        } (installed: ${providers.ids().join(', ')})`,
      );
    }
    const block = readEnvironmentCommandBlock(config, environment);
    if (!block) continue;
    const key = environmentSettingKey(config, environment.name, 'command');
    for (const name of ['deploy', 'rollback'] as const) {
      if (!block.commands[name]) {
        throw new Error(
          `Invalid config at ${key}.${name}: missing; the command provider needs a ${name} command for environment ${environment.name} (every strategy runs deploy and rollback)`,
        );
      }
    }
  }
}
