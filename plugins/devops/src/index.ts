/**
 * DevOps Growth Engine frontend plugin: the "Performance" and "Coverage & tests" entity cards, the
 * DevOps tab and the overview's DevOps summary card.
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
  EntityDevopsSummaryCard,
} from './plugin';
export {
  isDevopsContentAvailable,
  isDevopsCoverageAvailable,
  isDevopsPerformanceAvailable,
  isDevopsSummaryAvailable,
} from './conditions';
export { devopsApiRef, DevopsClient } from './api';
export type {
  DevopsApi,
  LoadTestRequest,
  PerformanceSummaryOptions,
  PerformanceTargetsResponse,
  PerformanceTargetsUpdate,
  CoverageSummaryOptions,
} from './api';
export type { DevopsPerformanceCardProps } from './components/PerformanceCard';
