/*
 * Hi!
 *
 * Note that this is an EXAMPLE Backstage backend. Please check the README.
 *
 * Happy hacking!
 */

import { createBackend } from '@backstage/backend-defaults';
import { devopsLocalRepositoriesUrlReader } from '@devops-growth/backstage-plugin-scaffolder-backend-module-devops';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));

// scaffolder plugin
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(
  import('@backstage/plugin-scaffolder-backend-module-notifications'),
);
// devops:deploy, devops:rollback, devops:environment:create/delete, called on behalf of the
// user running the template
backend.add(
  import('@devops-growth/backstage-plugin-scaffolder-backend-module-devops'),
);
// file:// URLs inside scaffolder.devops.localRepositories.directory, where devops:publish:local
// publishes, for every plugin's UrlReader (catalog:register reads catalog-info.yaml there)
backend.add(devopsLocalRepositoriesUrlReader);

// auth plugin
backend.add(import('@backstage/plugin-auth-backend'));
// See https://backstage.io/docs/backend-system/building-backends/migrating#the-auth-plugin
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
// See https://backstage.io/docs/auth/guest/provider

// catalog plugin
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);

// See https://backstage.io/docs/features/software-catalog/configuration#subscribing-to-catalog-errors
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

// permission plugin
backend.add(import('@backstage/plugin-permission-backend'));
// See https://backstage.io/docs/permissions/getting-started for how to create your own permission policy
backend.add(
  import('@backstage/plugin-permission-backend-module-allow-all-policy'),
);

// search plugin
backend.add(import('@backstage/plugin-search-backend'));

// search collators
backend.add(import('@backstage/plugin-search-backend-module-catalog'));

// user settings plugin
backend.add(import('@backstage/plugin-user-settings-backend'));

// notifications and signals plugins
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

backend.add(import('@devops-growth/backstage-plugin-devops-backend'));
// Metrics from Prometheus-compatible servers via PromQL; idle until devops.prometheus.instances
// is configured (the demo uses the built-in scrape provider instead).
backend.add(
  import('@devops-growth/backstage-plugin-devops-backend-module-prometheus'),
);
backend.start();
