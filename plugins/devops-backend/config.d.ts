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
    performance?: {
      /** Scheduled collection of performance metrics from the metrics providers. */
      collection?: {
        /** How often each shard collects. Defaults to every minute. */
        frequency?: HumanDuration | string;
        /**
         * Time budget of one collection tick; providers still running are aborted and their
         * entities marked stale. Defaults to 50 seconds.
         */
        timeout?: HumanDuration | string;
        /**
         * Number of shards the monitored entities are split into, by a stable hash of the entity
         * ref; each shard is a scheduled task run by one backend replica at a time, so replicas
         * share the work. Defaults to 1.
         */
        shards?: number;
        /** Entities per catalog page read by the collector. Defaults to 500. */
        pageSize?: number;
      };
      /** How long performance data is kept, and how roll-up and pruning run. */
      retention?: {
        /** Raw samples older than this are deleted (at least 2 hours). Defaults to 7 days. */
        raw?: HumanDuration | string;
        /** Hourly roll-ups older than this are deleted. Defaults to 90 days. */
        rollups?: HumanDuration | string;
        /** How often roll-up and pruning run. Defaults to every 10 minutes. */
        frequency?: HumanDuration | string;
        /**
         * Rows deleted per statement while pruning; the backend yields to other work between
         * batches. Defaults to 5000.
         */
        batchSize?: number;
      };
    };
  };
}
