import { DeployProvider } from '@devops-growth/backstage-plugin-devops-node';
import { DeployProviderLookup } from '../types';

const PROVIDER_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * The deploy providers by id: the built-in `command` provider and those modules add through
 * `devopsDeployProvidersExtensionPoint`, registered the same way. Filled at start-up; a provider
 * with a malformed id, without strategies or with an id already taken stops the backend.
 */
export class DeployProviderRegistry implements DeployProviderLookup {
  readonly #byId = new Map<string, DeployProvider>();

  add(...providers: DeployProvider[]): void {
    for (const provider of providers) {
      const id = provider.id;
      if (typeof id !== 'string' || !PROVIDER_ID.test(id)) {
        throw new Error(
          `Deploy provider id '${id}' is invalid: use 1-63 lower-case letters, digits and dashes`,
        );
      }
      if (this.#byId.has(id)) {
        throw new Error(
          `Deploy provider '${id}' is registered twice: each provider id must be unique (is a module installed twice?)`,
        );
      }
      if (provider.strategies.length === 0) {
        throw new Error(
          `Deploy provider '${id}' supports no strategy: list at least one of rolling, blue-green, canary`,
        );
      }
      this.#byId.set(id, provider);
    }
  }

  get(id: string): DeployProvider | undefined {
    return this.#byId.get(id);
  }

  ids(): string[] {
    return [...this.#byId.keys()];
  }
}
