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
import {
  isDevopsContentAvailable,
  isDevopsCoverageAvailable,
  isDevopsPerformanceAvailable,
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

/**
 * The "Performance" card on the entity overview, for entities whose monitoring annotation enables
 * `performance`.
 */
const devopsPerformanceEntityCard = EntityCardBlueprint.make({
  name: 'performance',
  params: {
    type: 'content',
    filter: isDevopsPerformanceAvailable,
    loader: () =>
      import('./components/PerformanceCard').then(m => (
        <m.DevopsPerformanceCard />
      )),
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
 * The extensions of the DevOps plugin, by id. Spelled out because the catalog blueprints are built
 * on another release of `@backstage/frontend-plugin-api` than this package, so their inferred
 * types cannot be named in the published declarations.
 *
 * @alpha
 */
export type DevopsPluginExtensions = {
  'api:devops': ExtensionDefinition;
  'entity-card:devops/coverage': ExtensionDefinition;
  'entity-card:devops/performance': ExtensionDefinition;
  'entity-content:devops': ExtensionDefinition;
};

/**
 * The DevOps plugin for the new frontend system: the API, the "Performance" entity card
 * (`entity-card:devops/performance`), the "Coverage & tests" entity card
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
  extensions: [
    devopsApi,
    devopsPerformanceEntityCard,
    devopsCoverageEntityCard,
    devopsEntityContent,
  ],
});

export default devopsPlugin;
