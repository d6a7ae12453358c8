import { CompoundEntityRef } from '@backstage/catalog-model';
import { createApiRef } from '@backstage/core-plugin-api';
import { QualitySummary } from '@devops-growth/backstage-plugin-devops-common';

/**
 * Which report series to summarise. Both are optional; the backend picks its defaults when they
 * are left out, and the returned `QualitySummary` says which ones it used.
 *
 * @public
 */
export interface QualitySummaryOptions {
  /** Report name, for example `unit` or `e2e`. */
  report?: string;
  /** Branch the reports were uploaded for. */
  branch?: string;
}

/**
 * Client side of the DevOps backend (`/api/devops`).
 *
 * @public
 */
export interface DevopsApi {
  /** Everything the "Coverage & tests" card shows for one entity. */
  getQualitySummary(
    entityRef: CompoundEntityRef,
    options?: QualitySummaryOptions,
  ): Promise<QualitySummary>;
}

/**
 * Reference to the {@link DevopsApi}.
 *
 * @public
 */
export const devopsApiRef = createApiRef<DevopsApi>({
  id: 'plugin.devops.service',
});
