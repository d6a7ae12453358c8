import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { createScaffolderFieldExtension } from '@backstage/plugin-scaffolder-react';
import { DevopsClient, devopsApiRef } from './api';
import {
  deployGatesSchema,
  DevopsDeployGates,
  DevopsEnvironmentPicker,
  DevopsVersionPicker,
  environmentPickerSchema,
  validateDeployGates,
  validateVersion,
  versionPickerSchema,
} from './components/ScaffolderFields';

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
 * The "Deploys" entity card: what each environment runs, the deploy in flight (live through
 * Backstage signals), DORA figures, history, and Deploy, Promote, Abort and Roll back behind the
 * gates' dry run and the deploy permissions. Shows a missing-annotation state for entities whose
 * `devops-growth.io/monitoring` annotation does not enable `deploy`; see
 * `isDevopsDeploysAvailable`.
 *
 * @public
 */
export const EntityDevopsDeploysCard = devopsPlugin.provide(
  createComponentExtension({
    name: 'EntityDevopsDeploysCard',
    component: {
      lazy: () =>
        import('./components/DeploysCard').then(m => m.DevopsDeploysCard),
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
 * The content of the DevOps entity tab: the "Deploys", "Performance", "Security" and "Coverage &
 * tests" cards, each where the entity enables its area. Show the tab where `isDevopsContentAvailable` holds.
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

/**
 * Scaffolder field `ui:field: DevopsEnvironmentPicker`: a select of the deploy environments
 * (configured and per-entity) of the entity chosen in another field (`ui:options.entityField`,
 * default `entity`). Place it inside `<ScaffolderFieldExtensions>` of the legacy app's scaffolder
 * route.
 *
 * @public
 */
export const DevopsEnvironmentPickerFieldExtension = devopsPlugin.provide(
  createScaffolderFieldExtension({
    name: 'DevopsEnvironmentPicker',
    component: DevopsEnvironmentPicker,
    schema: environmentPickerSchema.schema,
  }),
);

/**
 * Scaffolder field `ui:field: DevopsVersionPicker`: the version to deploy (`ui:options.mode:
 * deploy`, the provider's available versions) or to roll back to (`mode: rollback`, the versions
 * that succeeded before), for the entity and environment chosen in other fields.
 *
 * @public
 */
export const DevopsVersionPickerFieldExtension = devopsPlugin.provide(
  createScaffolderFieldExtension({
    name: 'DevopsVersionPicker',
    component: DevopsVersionPicker,
    validation: validateVersion,
    schema: versionPickerSchema.schema,
  }),
);

/**
 * Scaffolder field `ui:field: DevopsDeployGates`: read-only, shows the gates' dry run for the
 * entity, environment and version chosen in other fields; its value is
 * `{ allowed, environment, version, failed, activeDeployId }`.
 *
 * @public
 */
export const DevopsDeployGatesFieldExtension = devopsPlugin.provide(
  createScaffolderFieldExtension({
    name: 'DevopsDeployGates',
    component: DevopsDeployGates,
    validation: validateDeployGates,
    schema: deployGatesSchema.schema,
  }),
);
