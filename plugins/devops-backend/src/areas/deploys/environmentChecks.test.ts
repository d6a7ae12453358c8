import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { DeployProvider } from '@devops-growth/backstage-plugin-devops-node';
import {
  checkDeployEnvironments,
  environmentSettingKey,
} from './environmentChecks';
import { builtInDeployProviders, DeployProviderRegistry } from './providers';
import { readDeploySettings } from './settings';

const good = { deploy: ['node', 'deploy.mjs'], rollback: ['node', 'back.mjs'] };

function providers(...extra: DeployProvider[]) {
  const registry = new DeployProviderRegistry();
  registry.add(
    ...builtInDeployProviders({ logger: mockServices.logger.mock() }),
    ...extra,
  );
  return registry;
}

/** Runs the start-up check on `devops.deploys`; the error message, or undefined when it passes. */
function check(deploys: object, extra: DeployProvider[] = []) {
  const config = new ConfigReader({ devops: { deploys } });
  try {
    checkDeployEnvironments(
      config,
      readDeploySettings(config),
      providers(...extra),
    );
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

describe('checkDeployEnvironments', () => {
  it('passes good command blocks, own or from defaults, and an installation without any', () => {
    expect(check({})).toBeUndefined();
    expect(check({ defaults: { command: good } })).toBeUndefined();
    expect(
      check({
        promotionChain: ['staging'],
        environments: [{ name: 'staging', command: good }],
      }),
    ).toBeUndefined();
  });

  it('refuses a malformed command block of an environment, naming its entry', () => {
    const chain = ['staging', 'production'];
    const environments = (production: object) => [
      { name: 'staging', command: good },
      { name: 'production', command: production },
    ];
    expect(
      check({
        promotionChain: chain,
        environments: environments({ ...good, deploy: 'not a list' }),
      }),
    ).toBe(
      'Invalid config at devops.deploys.environments[1].command.deploy: Invalid input: expected array, received string: give the command as an array of arguments, for example [node, deploy.mjs, deploy]; it runs without a shell',
    );
    expect(
      check({
        promotionChain: chain,
        environments: environments({ deploy: good.deploy }),
      }),
    ).toBe(
      'Invalid config at devops.deploys.environments[1].command.rollback: missing; the command provider needs a rollback command for environment production (every strategy runs deploy and rollback)',
    );
    expect(
      check({
        promotionChain: chain,
        environments: environments({ ...good, deplyo: ['x'] }),
      }),
    ).toMatch(
      /^Invalid config at devops\.deploys\.environments\[1\]\.command: .*unknown key deplyo/,
    );
    expect(
      check({
        promotionChain: chain,
        environments: environments({ ...good, env: { PORT: 7080 } }),
      }),
    ).toMatch(
      /^Invalid config at devops\.deploys\.environments\[1\]\.command\.env\.PORT: /,
    );
  });

  it('names devops.deploys.defaults.command for a block the environments take from defaults', () => {
    expect(check({ defaults: { command: { rollback: good.rollback } } })).toBe(
      'Invalid config at devops.deploys.defaults.command.deploy: missing; the command provider needs a deploy command for environment development (every strategy runs deploy and rollback)',
    );
    expect(
      check({
        promotionChain: ['staging'],
        defaults: { command: { ...good, timeout: 'soon' } },
        environments: [{ name: 'staging' }],
      }),
    ).toBe(
      'Invalid config at devops.deploys.defaults.command.timeout: expected a duration such as 5m or { minutes: 5 }, got "soon"',
    );
  });

  it('leaves the blocks of other providers alone', () => {
    const webhook = {
      id: 'webhook',
      strategies: ['rolling'],
    } as unknown as DeployProvider;
    expect(
      check({ defaults: { provider: 'webhook', command: { deploy: 'x' } } }, [
        webhook,
      ]),
    ).toBeUndefined();
  });

  it('names the key that set an uninstalled provider: the entry, or defaults', () => {
    expect(check({ defaults: { provider: 'argo' } })).toBe(
      "Invalid config at devops.deploys.defaults.provider: no deploy provider 'argo' is installed for environment development (installed: command)",
    );
    expect(
      check({
        promotionChain: ['staging', 'production'],
        environments: [
          { name: 'staging', command: good },
          { name: 'production', provider: 'argo' },
        ],
      }),
    ).toBe(
      "Invalid config at devops.deploys.environments[1].provider: no deploy provider 'argo' is installed for environment production (installed: command)",
    );
  });

  it('finds where a setting of an environment is written', () => {
    const config = new ConfigReader({
      devops: {
        deploys: {
          defaults: { command: good },
          environments: [{ name: 'a' }, { name: 'b', command: good }],
        },
      },
    });
    expect(environmentSettingKey(config, 'b', 'command')).toBe(
      'devops.deploys.environments[1].command',
    );
    expect(environmentSettingKey(config, 'a', 'command')).toBe(
      'devops.deploys.defaults.command',
    );
    expect(environmentSettingKey(config, 'a', 'provider')).toBeUndefined();
  });
});
