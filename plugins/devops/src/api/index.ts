export { devopsApiRef } from './DevopsApi';
export type {
  DevopsApi,
  LoadTestRequest,
  PerformanceSummaryOptions,
  PerformanceTargetsResponse,
  PerformanceTargetsUpdate,
  QualitySummaryOptions,
} from './DevopsApi';
export { DevopsClient } from './DevopsClient';
