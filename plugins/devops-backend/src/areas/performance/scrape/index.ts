export {
  ScrapeMetricsProvider,
  readScrapeSettings,
} from './ScrapeMetricsProvider';
export type { ScrapeSettings } from './ScrapeMetricsProvider';
