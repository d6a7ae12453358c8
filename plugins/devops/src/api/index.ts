export { devopsApiRef } from './DevopsApi';
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
} from './DevopsApi';
export { DevopsClient } from './DevopsClient';
