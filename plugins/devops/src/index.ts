/**
 * DevOps Growth Engine frontend plugin: the "Coverage & tests" entity card and the DevOps tab.
 *
 * This entry point is for the legacy frontend system; the new frontend system plugin is the
 * default export of `@devops-growth/backstage-plugin-devops/alpha`.
 *
 * @packageDocumentation
 */
export {
  devopsPlugin,
  EntityDevopsCoverageCard,
  EntityDevopsContent,
} from './plugin';
export { isDevopsCoverageAvailable } from './conditions';
export { devopsApiRef, DevopsClient } from './api';
export type { DevopsApi, QualitySummaryOptions } from './api';
