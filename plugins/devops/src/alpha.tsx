import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';
import { DevopsClient, devopsApiRef } from './api';
import {
  isDevopsContentAvailable,
  isDevopsCoverageAvailable,
  isDevopsDeploysAvailable,
  isDevopsPerformanceAvailable,
  isDevopsSecurityAvailable,
  isDevopsSummaryAvailable,
} from './conditions';

const devopsApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: devopsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new DevopsClient({ discoveryApi, fetchApi }),
    }),
});

/**
 * The compact "DevOps" card on the entity overview: one row per enabled area and a link to the
 * DevOps tab. Enabled by default.
 */
const devopsSummaryEntityCard = EntityCardBlueprint.make({
  name: 'summary',
  params: {
    type: 'content',
    filter: isDevopsSummaryAvailable,
    loader: () =>
      import('./components/SummaryCard').then(m => <m.DevopsSummaryCard />),
  },
});

/**
 * The full "Coverage & tests" card, for entities whose monitoring annotation enables `coverage`.
 * The DevOps tab shows it; as an overview card it is disabled by default (enable
 * `entity-card:devops/coverage` in `app.extensions` to place it elsewhere).
 */
const devopsCoverageEntityCard = EntityCardBlueprint.make({
  name: 'coverage',
  disabled: true,
  params: {
    type: 'content',
    filter: isDevopsCoverageAvailable,
    loader: () =>
      import('./components/CoverageCard').then(m => <m.DevopsCoverageCard />),
  },
});

/**
 * The full "Performance" card, for entities whose monitoring annotation enables `performance`.
 * The DevOps tab shows it; as an overview card it is disabled by default.
 */
const devopsPerformanceEntityCard = EntityCardBlueprint.make({
  name: 'performance',
  disabled: true,
  params: {
    type: 'content',
    filter: isDevopsPerformanceAvailable,
    loader: () =>
      import('./components/PerformanceCard').then(m => (
        <m.DevopsPerformanceCard />
      )),
  },
});

/**
 * The full "Security" card, for entities whose monitoring annotation enables `security`. The
 * DevOps tab shows it; as an overview card it is disabled by default.
 */
const devopsSecurityEntityCard = EntityCardBlueprint.make({
  name: 'security',
  disabled: true,
  params: {
    type: 'content',
    filter: isDevopsSecurityAvailable,
    loader: () =>
      import('./components/SecurityCard').then(m => <m.DevopsSecurityCard />),
  },
});

/**
 * The full "Deploys" card, for entities whose monitoring annotation enables `deploy`. The DevOps
 * tab shows it; as an overview card it is disabled by default.
 */
const devopsDeploysEntityCard = EntityCardBlueprint.make({
  name: 'deploys',
  disabled: true,
  params: {
    type: 'content',
    filter: isDevopsDeploysAvailable,
    loader: () =>
      import('./components/DeploysCard').then(m => <m.DevopsDeploysCard />),
  },
});

/** The DevOps tab of the entity page, for entities that enable any area it shows. */
const devopsEntityContent = EntityContentBlueprint.make({
  params: {
    path: 'devops',
    title: 'DevOps',
    filter: isDevopsContentAvailable,
    loader: () =>
      import('./components/DevopsContent').then(m => <m.DevopsContent />),
  },
});

/**
 * The scaffolder fields (`scaffolder-form-field:devops/<name>`), attached to the scaffolder's
 * form fields API: templates use them as `ui:field: DevopsEnvironmentPicker`,
 * `DevopsVersionPicker` and `DevopsDeployGates`.
 */
const devopsEnvironmentPickerField = FormFieldBlueprint.make({
  name: 'environment-picker',
  params: {
    field: () =>
      import('./components/ScaffolderFields/formFields').then(
        m => m.environmentPickerFormField,
      ),
  },
});

const devopsVersionPickerField = FormFieldBlueprint.make({
  name: 'version-picker',
  params: {
    field: () =>
      import('./components/ScaffolderFields/formFields').then(
        m => m.versionPickerFormField,
      ),
  },
});

const devopsDeployGatesField = FormFieldBlueprint.make({
  name: 'deploy-gates',
  params: {
    field: () =>
      import('./components/ScaffolderFields/formFields').then(
        m => m.deployGatesFormField,
      ),
  },
});

/**
 * The DevOps plugin for the new frontend system: the API (`api:devops`), the DevOps tab
 * (`entity-content:devops`), the overview's summary card (`entity-card:devops/summary`) and the
 * full "Deploys", "Performance", "Security" and "Coverage & tests" cards
 * (`entity-card:devops/deploys`, `entity-card:devops/performance`, `entity-card:devops/security`,
 * `entity-card:devops/coverage`, disabled by default: the tab shows them), and the scaffolder fields
 * `scaffolder-form-field:devops/environment-picker`, `.../version-picker` and `.../deploy-gates`.
 *
 * @alpha
 */
const devopsPlugin = createFrontendPlugin({
  pluginId: 'devops',
  title: 'DevOps',
  info: { packageJson: () => import('../package.json') },
  extensions: [
    devopsApi,
    devopsSummaryEntityCard,
    devopsDeploysEntityCard,
    devopsPerformanceEntityCard,
    devopsSecurityEntityCard,
    devopsCoverageEntityCard,
    devopsEntityContent,
    devopsEnvironmentPickerField,
    devopsVersionPickerField,
    devopsDeployGatesField,
  ],
});

export default devopsPlugin;
