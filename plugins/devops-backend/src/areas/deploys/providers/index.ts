import { LoggerService } from '@backstage/backend-plugin-api';
import { DeployProvider } from '@devops-growth/backstage-plugin-devops-node';
import { CommandDeployProvider } from './command/CommandDeployProvider';

export { DeployProviderRegistry } from './DeployProviderRegistry';
export { CommandDeployProvider } from './command/CommandDeployProvider';

/**
 * The providers built into the backend, registered through the same registry as those of
 * modules: the `command` provider. Its relative working directories resolve against `rootDir`
 * (default `process.cwd()`, which is `packages/backend` under `yarn start`).
 */
export function builtInDeployProviders(options: {
  logger: LoggerService;
  rootDir?: string;
}): DeployProvider[] {
  return [
    new CommandDeployProvider({
      logger: options.logger.child({ deployProvider: 'command' }),
      rootDir: options.rootDir,
    }),
  ];
}
