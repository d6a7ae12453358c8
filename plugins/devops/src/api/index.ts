export { devopsApiRef } from './DevopsApi';
export type { DevopsApi, QualitySummaryOptions } from './DevopsApi';
export { DevopsClient } from './DevopsClient';
