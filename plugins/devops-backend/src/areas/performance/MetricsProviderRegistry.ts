import { Entity } from '@backstage/catalog-model';
import { DEVOPS_METRICS_SOURCE_ANNOTATION } from '@devops-growth/backstage-plugin-devops-common';
import { MetricsProvider } from '@devops-growth/backstage-plugin-devops-node';

/** The metrics providers known to the backend, built-in and added by modules alike, in registration order. */
export class MetricsProviderRegistry {
  private readonly providers = new Map<string, MetricsProvider>();

  add(...providers: MetricsProvider[]) {
    for (const provider of providers) {
      if (!/^[a-z0-9][a-z0-9-]*$/.test(provider.id)) {
        throw new Error(
          `Invalid metrics provider id '${provider.id}': use lower-case letters, digits and dashes`,
        );
      }
      if (this.providers.has(provider.id)) {
        throw new Error(
          `A metrics provider with id '${provider.id}' is already registered`,
        );
      }
      this.providers.set(provider.id, provider);
    }
  }

  ids(): string[] {
    return [...this.providers.keys()];
  }

  get(id: string): MetricsProvider | undefined {
    return this.providers.get(id);
  }

  /**
   * The provider that collects for the entity: the one named by `devops-growth.io/metrics-source`
   * (`undefined` if that names no registered provider), else the first that handles the entity.
   */
  select(entity: Entity): MetricsProvider | undefined {
    const named =
      entity.metadata.annotations?.[DEVOPS_METRICS_SOURCE_ANNOTATION]?.trim();
    if (named) {
      return this.providers.get(named);
    }
    for (const provider of this.providers.values()) {
      if (provider.handles(entity)) {
        return provider;
      }
    }
    return undefined;
  }
}
