import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  ExtensionDefinition,
  fetchApiRef,
  OverridableFrontendPlugin,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { DevopsClient, devopsApiRef } from './api';
import { isDevopsCoverageAvailable } from './conditions';

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
 * The "Coverage & tests" card on the entity overview, for entities whose monitoring annotation
 * enables `coverage`.
 */
const devopsCoverageEntityCard = EntityCardBlueprint.make({
  name: 'coverage',
  params: {
    type: 'content',
    filter: isDevopsCoverageAvailable,
    loader: () =>
      import('./components/CoverageCard').then(m => <m.DevopsCoverageCard />),
  },
});

/** The DevOps tab of the entity page. */
const devopsEntityContent = EntityContentBlueprint.make({
  params: {
    path: 'devops',
    title: 'DevOps',
    filter: isDevopsCoverageAvailable,
    loader: () =>
      import('./components/DevopsContent').then(m => <m.DevopsContent />),
  },
});

/**
 * The extensions of the DevOps plugin, by id. Spelled out because the catalog blueprints are built
 * on another release of `@backstage/frontend-plugin-api` than this package, so their inferred
 * types cannot be named in the published declarations.
 *
 * @alpha
 */
export type DevopsPluginExtensions = {
  'api:devops': ExtensionDefinition;
  'entity-card:devops/coverage': ExtensionDefinition;
  'entity-content:devops': ExtensionDefinition;
};

/**
 * The DevOps plugin for the new frontend system: the API, the "Coverage & tests" entity card
 * (`entity-card:devops/coverage`) and the DevOps tab (`entity-content:devops`).
 *
 * @alpha
 */
const devopsPlugin: OverridableFrontendPlugin<
  Record<string, never>,
  Record<string, never>,
  DevopsPluginExtensions
> = createFrontendPlugin({
  pluginId: 'devops',
  title: 'DevOps',
  info: { packageJson: () => import('../package.json') },
  extensions: [devopsApi, devopsCoverageEntityCard, devopsEntityContent],
});

export default devopsPlugin;
