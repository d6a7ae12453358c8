/**
 * DevOps Growth Engine frontend plugin: the "Performance" and "Coverage & tests" entity cards and
 * the DevOps tab.
 *
 * This entry point is for the legacy frontend system; the new frontend system plugin is the
 * default export of `@devops-growth/backstage-plugin-devops/alpha`.
 *
 * @packageDocumentation
 */
export {
  devopsPlugin,
  EntityDevopsCoverageCard,
  EntityDevopsPerformanceCard,
  EntityDevopsContent,
} from './plugin';
export {
  isDevopsContentAvailable,
  isDevopsCoverageAvailable,
  isDevopsPerformanceAvailable,
} from './conditions';
export { devopsApiRef, DevopsClient } from './api';
export type {
  DevopsApi,
  LoadTestRequest,
  PerformanceSummaryOptions,
  PerformanceTargetsResponse,
  PerformanceTargetsUpdate,
  QualitySummaryOptions,
} from './api';
export type { DevopsPerformanceCardProps } from './components/PerformanceCard';
