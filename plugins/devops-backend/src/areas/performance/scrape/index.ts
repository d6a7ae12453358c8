export { ScrapeMetricsProvider } from './ScrapeMetricsProvider';
export { readScrapeSettings } from './settings';
export type { ScrapeSettings } from './settings';
