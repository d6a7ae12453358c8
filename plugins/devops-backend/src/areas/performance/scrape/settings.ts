import { Config } from '@backstage/config';
import {
  readOptionalByteSize,
  readOptionalDurationMs,
  readOptionalWholeNumber,
} from '@devops-growth/backstage-plugin-devops-node';

/** Settings under `devops.performance.scrape`. */
export interface ScrapeSettings {
  /** Per-request timeout, headers and body included, in milliseconds. */
  timeoutMs: number;
  /** Most scrapes in flight at once. */
  concurrency: number;
  /** Largest body read, in bytes (after gzip decompression). */
  maxBodySize: number;
}

export const KEY = 'devops.performance.scrape';

/** Reads `devops.performance.scrape`; throws naming the key for an invalid value. */
export function readScrapeSettings(config: Config): ScrapeSettings {
  return {
    timeoutMs: readOptionalDurationMs(config, `${KEY}.timeout`, {
      fallback: { seconds: 5 },
    }),
    concurrency: readOptionalWholeNumber(config, `${KEY}.concurrency`, {
      fallback: 16,
      min: 1,
      max: 1024,
    }),
    maxBodySize: readOptionalByteSize(config, `${KEY}.maxBodySize`, '10mb'),
  };
}
