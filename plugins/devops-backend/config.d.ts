import { HumanDuration } from '@backstage/types';

export interface Config {
  /** Configuration of the DevOps Growth Engine plugins. */
  devops?: {
    reports?: {
      /**
       * Largest report body accepted by `POST /api/devops/reports`, after gzip decompression:
       * a number of bytes or a string such as `64mb`, `512kb`. Defaults to `64mb` (monorepo
       * Cobertura and JUnit reports reach tens of MB).
       */
      maxBodySize?: number | string;
    };
    coverage?: {
      /** The coverage quality gate. Entities override it with `devops-growth.io/coverage-gate`. */
      gate?: {
        /** Minimum line coverage in percent. Defaults to 80. */
        lines?: number;
      };
      /** Number of reports in the coverage trend. Defaults to 30. */
      trendLength?: number;
    };
    tests?: {
      /**
       * Number of most recent runs (same report name and branch) examined for flaky tests.
       * Defaults to 10.
       */
      flakyWindow?: number;
      /** Number of slowest tests listed. Defaults to 5. */
      slowestCount?: number;
      /** A test slower than this is flagged by a recommendation. Defaults to 10 seconds. */
      slowTestThreshold?: HumanDuration | string;
    };
    retention?: {
      /** Reports older than this are deleted. Defaults to 180 days. */
      maxAge?: HumanDuration | string;
      /** At most this many reports are kept per entity, report name, kind and branch. Defaults to 500. */
      maxReportsPerSeries?: number;
      /** How often pruning runs. Defaults to every hour. */
      frequency?: HumanDuration | string;
    };
  };
}
