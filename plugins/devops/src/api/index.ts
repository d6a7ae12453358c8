export { devopsApiRef } from './DevopsApi';
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
} from './DevopsApi';
export { DevopsClient } from './DevopsClient';
