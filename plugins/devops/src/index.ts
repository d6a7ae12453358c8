/**
 * DevOps Growth Engine frontend plugin: the "Deploys", "Performance", "Security" and "Coverage &
 * tests" entity cards, the DevOps tab, the overview's DevOps summary card, and the scaffolder
 * fields DevopsEnvironmentPicker, DevopsVersionPicker and DevopsDeployGates.
 *
 * This entry point is for the legacy frontend system; the new frontend system plugin is the
 * default export of `@devops-growth/backstage-plugin-devops/alpha`.
 *
 * @packageDocumentation
 */
export {
  devopsPlugin,
  EntityDevopsCoverageCard,
  EntityDevopsDeploysCard,
  EntityDevopsPerformanceCard,
  EntityDevopsSecurityCard,
  EntityDevopsContent,
  EntityDevopsSummaryCard,
  DevopsDeployGatesFieldExtension,
  DevopsEnvironmentPickerFieldExtension,
  DevopsVersionPickerFieldExtension,
} from './plugin';
export {
  isDevopsContentAvailable,
  isDevopsCoverageAvailable,
  isDevopsDeploysAvailable,
  isDevopsPerformanceAvailable,
  isDevopsSecurityAvailable,
  isDevopsSummaryAvailable,
} from './conditions';
export { devopsApiRef, DevopsClient } from './api';
export type {
  DeployDryRunRequest,
  DeployHistoryOptions,
  DeployHistoryPage,
  DeployVersions,
  DevopsApi,
  EntityEnvironmentsOptions,
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
export type { DeployGatesValue } from './components/ScaffolderFields';
