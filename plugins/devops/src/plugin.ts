import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { DevopsClient, devopsApiRef } from './api';

/**
 * The DevOps plugin for the legacy frontend system.
 *
 * @public
 */
export const devopsPlugin = createPlugin({
  id: 'devops',
  apis: [
    createApiFactory({
      api: devopsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new DevopsClient({ discoveryApi, fetchApi }),
    }),
  ],
});

/**
 * The "Coverage & tests" entity card. Shows a missing-annotation state for entities whose
 * `devops-growth.io/monitoring` annotation does not enable `coverage`; see
 * `isDevopsCoverageAvailable`.
 *
 * @public
 */
export const EntityDevopsCoverageCard = devopsPlugin.provide(
  createComponentExtension({
    name: 'EntityDevopsCoverageCard',
    component: {
      lazy: () =>
        import('./components/CoverageCard').then(m => m.DevopsCoverageCard),
    },
  }),
);

/**
 * The "Performance" entity card. Shows a missing-annotation state for entities whose
 * `devops-growth.io/monitoring` annotation does not enable `performance`; see
 * `isDevopsPerformanceAvailable`.
 *
 * @public
 */
export const EntityDevopsPerformanceCard = devopsPlugin.provide(
  createComponentExtension({
    name: 'EntityDevopsPerformanceCard',
    component: {
      lazy: () =>
        import('./components/PerformanceCard').then(
          m => m.DevopsPerformanceCard,
        ),
    },
  }),
);

/**
 * The "Security" entity card. Shows a missing-annotation state for entities whose
 * `devops-growth.io/monitoring` annotation does not enable `security`; see
 * `isDevopsSecurityAvailable`.
 *
 * @public
 */
export const EntityDevopsSecurityCard = devopsPlugin.provide(
  createComponentExtension({
    name: 'EntityDevopsSecurityCard',
    component: {
      lazy: () =>
        import('./components/SecurityCard').then(m => m.DevopsSecurityCard),
    },
  }),
);

/**
 * The compact "DevOps" card for the entity overview: one row per area the entity enables (its
 * state, key figure and worst problem) and a link to the DevOps tab. Show it where
 * `isDevopsSummaryAvailable` holds; the full cards belong on the tab (`EntityDevopsContent`).
 *
 * @public
 */
export const EntityDevopsSummaryCard = devopsPlugin.provide(
  createComponentExtension({
    name: 'EntityDevopsSummaryCard',
    component: {
      lazy: () =>
        import('./components/SummaryCard').then(m => m.DevopsSummaryCard),
    },
  }),
);

/**
 * The content of the DevOps entity tab: the "Performance", "Security" and "Coverage & tests"
 * cards, each where the entity enables its area. Show the tab where `isDevopsContentAvailable` holds.
 *
 * @public
 */
export const EntityDevopsContent = devopsPlugin.provide(
  createComponentExtension({
    name: 'EntityDevopsContent',
    component: {
      lazy: () =>
        import('./components/DevopsContent').then(m => m.DevopsContent),
    },
  }),
);
