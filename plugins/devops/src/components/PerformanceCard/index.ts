export { DevopsPerformanceCard } from './DevopsPerformanceCard';
export type { DevopsPerformanceCardProps } from './DevopsPerformanceCard';
