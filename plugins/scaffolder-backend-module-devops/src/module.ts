import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import {
  createDevopsDeployAction,
  createDevopsEnvironmentCreateAction,
  createDevopsEnvironmentDeleteAction,
  createDevopsRollbackAction,
} from './actions';
import { createDevopsPublishLocalAction } from './actions/publishLocal';
import { DevopsClient } from './DevopsClient';

/**
 * The DevOps Growth Engine's scaffolder actions. They call the DevOps backend (found through
 * discovery) on behalf of the user running the template.
 * @public
 */
export const scaffolderModuleDevops = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'devops',
  register({ registerInit }) {
    registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        urlReader: coreServices.urlReader,
      },
      async init({ scaffolder, config, discovery, auth, urlReader }) {
        const client = DevopsClient.create({ config, discovery, auth });
        // What every action is created with: one line per action below.
        const options = { client, config, urlReader };
        scaffolder.addActions(
          createDevopsDeployAction(options),
          createDevopsRollbackAction(options),
          createDevopsEnvironmentCreateAction(options),
          createDevopsEnvironmentDeleteAction(options),
          createDevopsPublishLocalAction(options),
        );
      },
    });
  },
});
