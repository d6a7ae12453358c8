/**
 * DevOps Growth Engine frontend plugin: the "Performance", "Security" and "Coverage & tests" entity
 * cards, the DevOps tab and the overview's DevOps summary card.
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
  EntityDevopsSecurityCard,
  EntityDevopsContent,
  EntityDevopsSummaryCard,
} from './plugin';
export {
  isDevopsContentAvailable,
  isDevopsCoverageAvailable,
  isDevopsPerformanceAvailable,
  isDevopsSecurityAvailable,
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
  SecurityFindingsOptions,
  SecurityFindingsPage,
  SecuritySummaryOptions,
} from './api';
export type { DevopsPerformanceCardProps } from './components/PerformanceCard';
