export { devopsApiRef } from './DevopsApi';
export type {
  DevopsApi,
  LoadTestRequest,
  PerformanceSummaryOptions,
  PerformanceTargetsResponse,
  PerformanceTargetsUpdate,
  CoverageSummaryOptions,
} from './DevopsApi';
export { DevopsClient } from './DevopsClient';
