import { HumanDuration } from '@backstage/types';

/**
 * The settings of a deploy environment: `devops.deploys.defaults` for every environment, each key
 * overridable in `devops.deploys.environments[]`.
 */
interface DevopsDeployEnvironmentConfig {
  /** The deploy provider's id: `command` (built in) or a module's. Default: `command`. */
  provider?: string;
  /**
   * How a version is put out: `rolling`, `blue-green` or `canary` (the provider must support it
   * for the environment). Entities override it with `devops-growth.io/deploy-strategy`. Default:
   * `rolling`.
   */
  strategy?: 'rolling' | 'blue-green' | 'canary';
  /**
   * Canary traffic weights in per cent: whole numbers 1-100, strictly ascending, ending at 100,
   * at most 20, as a list or `'10,25,50,100'`. Entities override them with
   * `devops-growth.io/canary-steps`. Default: [10, 25, 50, 100].
   */
  canarySteps?: number[] | string;
  /** A phase running longer than this fails and the deploy rolls back. Default: 10 minutes. */
  phaseTimeout?: HumanDuration | string;
  /** How long the provider has to report the new version healthy. Default: 2 minutes. */
  healthTimeout?: HumanDuration | string;
  /** The automated canary analysis (also after a rolling replacement and before a blue-green switch). */
  analysis?: {
    /** How often canary and baseline are sampled within an interval. Default: 10 seconds. */
    sampleEvery?: HumanDuration | string;
    /** One analysis interval; its samples give one verdict. At least sampleEvery. Default: 1 minute. */
    interval?: HumanDuration | string;
    /** Wait after a traffic weight change before sampling. Default: 30 seconds (0 for none). */
    stepPause?: HumanDuration | string;
    /** Inconclusive intervals in a row after which the step fails (rolls back). 1-100, default 3. */
    maxInconclusiveIntervals?: number;
    /** Samples per side needed for a verdict. 2-10000, default 5. */
    minSamples?: number;
    /**
     * The deploy's false-rollback budget, between 0 and 0.5: the chance that a deploy of a version
     * as good as the baseline is rolled back by chance, spent over the canary's looks (O'Brien-Fleming
     * alpha spending) by the error-rate (Fisher) and P95 (Mann-Whitney) tests; the guard rail's
     * binomial test uses it whole. Default: 0.05.
     */
    alpha?: number;
    /** A canary error rate this many percentage points above the baseline is a regression. Default: 1. */
    errorRateBandPoints?: number;
    /** A canary P95 this many per cent above the baseline is a regression. Default: 20. */
    latencyBandPercent?: number;
    /**
     * Guard rail: a canary error rate above this (per cent) fails on its own, whatever the
     * baseline, when an exact one-sided binomial test at `alpha` says it is above by more than
     * chance. Default: 5.
     */
    maxErrorRatePercent?: number;
    /** Guard rail: a canary P95 above this (milliseconds) fails on its own. Default: none. */
    maxP95Ms?: number;
  };
  /** The safety gates, evaluated in the dry run and when the deploy starts. */
  gates?: {
    /** The version must have succeeded in the previous environment of the chain. Default: true. */
    promotionChain?: boolean;
    /** The coverage area's quality gate must pass. Default: true. */
    coverage?: boolean;
    /** No critical finding past SLA and no open critical threat. Default: true. */
    security?: boolean;
    /** Every compliance framework of the entity scores at least this (per cent). Default: none. */
    complianceMinimum?: number;
    /**
     * Freeze windows: a fixed period `{ name, start, end }` (ISO 8601 times with a zone) or a weekly
     * one `{ name, days, from, to, timeZone }` (ISO weekdays 1 = Monday .. 7, `HH:MM`, an IANA zone,
     * default UTC; `to` before `from` runs past midnight). Default: none.
     */
    freezeWindows?: Array<{
      name: string;
      start?: string;
      end?: string;
      days?: number[];
      from?: string;
      to?: string;
      timeZone?: string;
    }>;
  };
  /**
   * The built-in `command` provider's block: the scripts that deploy, as argument arrays (no
   * shell). `deploy` and `rollback` are needed for any strategy, `setWeight` for canary,
   * `switchColour` for blue-green; the others are optional.
   */
  command?: {
    /** Directory the commands run in; relative to the backend's working directory. */
    workingDirectory?: string;
    /** Time limit of one command; the phase's budget applies too. */
    timeout?: HumanDuration | string;
    /** Extra environment variables for every command (the DEVOPS_* deploy variables win). */
    env?: { [name: string]: string };
    deploy?: string[];
    setWeight?: string[];
    switchColour?: string[];
    promote?: string[];
    rollback?: string[];
    abort?: string[];
    /** Prints one JSON status on stdout; without it deploys interrupted by a restart roll back. */
    status?: string[];
    /** Prints the deployable versions, one a line, newest first; without it any version is accepted. */
    versions?: string[];
    teardown?: string[];
    /** Where the canary and baseline metrics are scraped (both or none; hosts via devops.allowedHosts). */
    metrics?: {
      canary: { metricsUrl: string };
      baseline: { metricsUrl: string };
    };
  };
}

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
    /**
     * Hosts the backend may request on an entity's behalf, for every area: the scrape
     * provider's `devops-growth.io/metrics-url`, load tests' `devops-growth.io/load-test-url`
     * and, later, deploy providers. Any catalog author writes those annotations, so this list
     * denies by default: WITHOUT THIS KEY NO ENTITY-DECLARED HOST IS REQUESTED. One line allows
     * a service, e.g. `devops: { allowedHosts: ['metrics.example.com', '*.svc.example.com'] }`.
     *
     * Entries: `host`, `host:port`, `*.domain` (any subdomain of `domain`), an IP address
     * (`10.0.0.5`, `10.0.0.5:9100`, `[fd00::5]:9100`) or a CIDR range (`10.0.0.0/8`, any port);
     * without a port, any port. The host is resolved once and the connection goes to the checked
     * address (no DNS rebinding); redirects are not followed. A host-name entry admits the name's
     * public addresses. Loopback (127/8, ::1), private (10/8, 172.16/12, 192.168/16, fc00::/7)
     * and shared (100.64/10) addresses are admitted by an exact host entry (`localhost:7090`, not
     * `*.domain`) or an IP/CIDR entry containing them. Link-local addresses (169.254/16,
     * fe80::/10, where cloud metadata services answer), other metadata addresses, the
     * unspecified, reserved and multicast ranges and IPv4-embedding IPv6 ranges are admitted only
     * by an IP/CIDR entry containing them. IPv4-mapped IPv6 addresses count as their IPv4 address.
     *
     * A metrics URL outside the list fails that entity's collection, with a message naming this
     * key and the entry to add; a load test against one is refused with 400.
     */
    allowedHosts?: string[];
    /** The deploys area: deploys, rollbacks, safety gates, canary analysis, DORA. */
    deploys?: {
      /** Environment names in promotion order. Default: [development, staging, production]. */
      promotionChain?: string[];
      /** The deploy engine of each backend replica. */
      engine?: {
        /** How often each replica looks for due deploys. Default: 2 seconds. */
        pollInterval?: HumanDuration | string;
        /** A replica's claim on a deploy lasts this long unless renewed (at a third of it). Default: 30 seconds. */
        lease?: HumanDuration | string;
        /** Provider output lines kept per deploy. Default: 2000. */
        maxLogLines?: number;
      };
      /** The window before and after a deploy compared for its performance impact. Default: 15 minutes. */
      impactWindow?: HumanDuration | string;
      /**
       * Per-entity environments (previews) created through the API or the
       * `devops:environment:create` scaffolder action.
       */
      previews?: {
        /**
         * The configured environments a per-entity environment may be based on (it uses the base's
         * provider, provider block, strategy, analysis and gates). Default: the first environment
         * of the promotion chain.
         */
        basedOn?: string[];
        /** The base when a request names none. Default: the first of `basedOn`. */
        defaultBasedOn?: string;
        /** The longest time to live a request may ask for. Default: 30 days. */
        maxTimeToLive?: HumanDuration | string;
        /** Live per-entity environments an entity may have at once. Default: 10. */
        maxPerEntity?: number;
        /** How often the teardown task looks for expired and deleted environments. Default: 1 minute. */
        teardownFrequency?: HumanDuration | string;
        /** Wait after a failed teardown, doubled after each further failure. Default: 1 minute. */
        teardownRetry?: HumanDuration | string;
        /** The longest wait between teardown attempts; attempts never stop. Default: 1 hour. */
        teardownMaxRetry?: HumanDuration | string;
      };
      /** The drift sweep: what each environment should run against what its provider reports. */
      drift?: {
        /** Default: true. */
        enabled?: boolean;
        /** How often the sweep runs. Default: 10 minutes. */
        frequency?: HumanDuration | string;
      };
      /** Settings for every environment; each key can be overridden per environment. */
      defaults?: DevopsDeployEnvironmentConfig;
      /**
       * The environments. Default: the promotion chain's names with the defaults. When given, every
       * name of the promotion chain must be one of them.
       */
      environments?: Array<
        DevopsDeployEnvironmentConfig & {
          /** 1-63 letters, digits, dots, dashes or underscores. */
          name: string;
        }
      >;
    };
    /** The coverage & tests area. */
    coverage?: {
      /** The coverage quality gate. Entities override it with `devops-growth.io/coverage-gate`. */
      gate?: {
        /** Minimum line coverage in percent. Defaults to 80. */
        lines?: number;
      };
      /** Number of reports in the coverage trend. Defaults to 30. */
      trendLength?: number;
      /** Test-run analysis. */
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
      /** How long coverage and test reports are kept. */
      retention?: {
        /** Reports older than this are deleted. Defaults to 180 days. */
        maxAge?: HumanDuration | string;
        /** At most this many reports are kept per entity, report name, kind and branch. Defaults to 500. */
        maxReportsPerSeries?: number;
        /** How often pruning runs. Defaults to every hour. */
        frequency?: HumanDuration | string;
      };
    };
    /** The performance area. */
    performance?: {
      /**
       * The built-in `scrape` metrics provider: reads the Prometheus text endpoint an entity
       * declares in `devops-growth.io/metrics-url`, one request per entity and environment per
       * tick (use the Prometheus module at scale).
       */
      scrape?: {
        /**
         * Time allowed for one scrape, response body included. Defaults to 5 seconds.
         */
        timeout?: HumanDuration | string;
        /** Scrapes in flight at once. Defaults to 16. */
        concurrency?: number;
        /**
         * Largest metrics body read (after gzip decompression): a number of bytes or a string
         * such as `10mb`, `512kb`. A larger body fails that entity's scrape. Defaults to `10mb`.
         */
        maxBodySize?: number | string;
      };
      /** Scheduled collection of performance metrics from the metrics providers. */
      collection?: {
        /** How often each shard collects. Defaults to every minute. */
        frequency?: HumanDuration | string;
        /**
         * Time budget of one collection tick; providers still running are aborted and their
         * entities marked stale. Defaults to the frequency; a timeout longer than twice the
         * frequency is refused at start-up.
         *
         * It also bounds failover: the scheduler keeps a shard claimed by the replica running it
         * until the run ends or this timeout passes, so when that replica dies, its shards are
         * not collected for the timeout, plus up to one minute until the scheduler's janitor (in
         * every replica, once a minute) frees the expired claim, plus up to 5 seconds until a
         * replica polls: with a 10 s frequency, 10 to 75 seconds without samples. The run right
         * after such a late run is skipped when it comes less than half an interval after it
         * (the scheduler's catch-up), so no shard is collected twice within seconds.
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
      /**
       * Optimisation targets of every entity. Precedence, lowest first: built-in defaults, these
       * keys, the entity's annotations (`devops-growth.io/target-p95-ms`, `target-p99-ms`,
       * `target-error-rate-percent`, `target-min-throughput-rps`), changes made through the API.
       */
      targets?: {
        /** Highest acceptable P95 latency in milliseconds. Defaults to 500. */
        p95Ms?: number;
        /** Highest acceptable P99 latency in milliseconds. Defaults to 1000. */
        p99Ms?: number;
        /** Highest acceptable share of 5xx responses, in percent (0-100). Defaults to 1. */
        errorRatePercent?: number;
        /** Lowest expected throughput in requests per second. Defaults to none. */
        minThroughput?: number;
      };
      /**
       * Regression detection: the last `window` against the preceding window of equal length,
       * for P95, P99 and error rate, with Welch's t-test on the raw samples.
       */
      regression?: {
        /** Length of each compared window (at least 1 minute). Defaults to 1 hour. */
        window?: HumanDuration | string;
        /** A change is significant below this two-sided p-value. Defaults to 0.01. */
        maxPValue?: number;
        /** Smallest worsening reported, in percent of the baseline mean. Defaults to 10. */
        minChangePercent?: number;
        /** Raw samples needed in each window (at least 2). Defaults to 10. */
        minSamples?: number;
      };
      /** Bounded load tests against the endpoint an entity declares in `devops-growth.io/load-test-url`. */
      loadTests?: {
        /** Duration of a load test when the request gives none. Defaults to 10 seconds. */
        defaultDuration?: HumanDuration | string;
        /** Longest load test allowed (whole seconds). Defaults to 30 seconds. */
        maxDuration?: HumanDuration | string;
        /** Most concurrent connections of a load test (a request without one uses 2). Defaults to 10. */
        maxConnections?: number;
        /** Most load tests running at once in the whole installation. Defaults to 2. */
        maxConcurrent?: number;
      };
    };
    /** Security area. */
    security?: {
      /**
       * Days to fix a finding, per severity, before it counts as past its SLA. Entities override
       * any of them with the `devops-growth.io/security-sla` annotation (`critical=2,high=14`).
       */
      sla?: {
        /** Whole number of days, 1 to 3650. Default 1. */
        critical?: number;
        /** Whole number of days, 1 to 3650. Default 7. */
        high?: number;
        /** Whole number of days, 1 to 3650. Default 30. */
        medium?: number;
        /** Whole number of days, 1 to 3650. Default 90. */
        low?: number;
      };
      /**
       * How long fixed findings and scans are kept: a duration such as `365d` or
       * `{ days: 365 }`, at least a day. Default 365 days. Open, accepted and false-positive
       * findings are kept whatever their age.
       */
      retention?: HumanDuration | string;
      /** Runtime threat detection (traffic floods, brute force, WAF/IDS events). */
      threats?: {
        detection?: {
          /**
           * How often the detection task runs over every security-enabled entity.
           * Default 1 minute (the collection tick is 15 s to 1 min); at least 5 seconds.
           */
          frequency?: HumanDuration | string;
          /** Time budget of one run. Default: the frequency. */
          timeout?: HumanDuration | string;
          /** Entities per batch (one recent and one hourly metrics read per batch). Default 200, 1..5000. */
          batchSize?: number;
          /** Entities per catalog page. Default 500, 1..10000. */
          pageSize?: number;
          /**
           * Without a request-metrics sample this recent, the metric detectors are not monitoring
           * the environment. Default 10 minutes; at least 1 minute.
           */
          staleAfter?: HumanDuration | string;
        };
        /**
         * Days of hourly request roll-ups the baselines read (same hour of the same weekday, else
         * of the same hour of day). Default 28, 2..60. Keep devops.performance.retention.rollups longer.
         */
        baselineDays?: number;
        /** The request-rate (DDoS / traffic flood) detector. */
        trafficFlood?: {
          /** The rate must be at least this many times the baseline median. Default 2 (above 1). */
          minRatio?: number;
          /** ...and this many robust deviations (1.4826 MAD, floored) above it. Default 6. */
          minZScore?: number;
          /** ...and at least this many requests per second. Default 1. */
          minRps?: number;
          /** Consecutive surging collection ticks that raise a threat (and quiet ones that end it). Default 2, 1..60. */
          consecutiveTicks?: number;
          /** Surges under this ratio must last one tick more. Default 3; 0 for none. */
          strongRatio?: number;
          /** Peak ratios from which a threat is high and critical. Defaults 5 and 10. */
          highRatio?: number;
          criticalRatio?: number;
        };
        /** The 401/403 surge (brute force / credential stuffing) detector. */
        bruteForce?: {
          /** Failures per second must be at least this many times the baseline median. Default 3. */
          minRatio?: number;
          /** ...and this many robust deviations above it. Default 6. */
          minZScore?: number;
          /** Absolute floor, failures per second, for both rules. Default 2. */
          minRps?: number;
          /** A share of requests failing authentication that flags on its own (0..1). Default 0.2. */
          minShare?: number;
          /** ...when also this many times the usual share. Default 3. */
          minShareRatio?: number;
          /** Consecutive flagged ticks that raise a threat. Default 3, 1..60. */
          consecutiveTicks?: number;
          /** Not used by this detector unless set: surges under it must last one tick more. Default 0. */
          strongRatio?: number;
          /** Peak ratios from which a threat is high and critical. Defaults 10 and 50. */
          highRatio?: number;
          criticalRatio?: number;
          /** Failures per second from which a threat is high and critical. Defaults 20 and 100. */
          highRps?: number;
          criticalRps?: number;
          /**
           * An entity too young for a baseline (less history than the baseline needs) is judged
           * on absolute limits only: at least `minRps` failures per second (default 5) that are
           * at least `minShare` of all requests (default 0.5).
           */
          withoutBaseline?: {
            minRps?: number;
            minShare?: number;
          };
        };
        /** Event-based threats from uploaded WAF/IDS events. */
        events?: {
          /** A quiet gap this long closes a threat; a later event opens a new one. Default 15 minutes. */
          gap?: HumanDuration | string;
          /**
           * How long event keys are kept to refuse re-uploaded events; events older than this in an
           * upload are ignored. Default 30 days; at least 1 day.
           */
          retention?: HumanDuration | string;
        };
      };
      /** Compliance: frameworks, their checks, the scheduled evaluation and the score history. */
      compliance?: {
        /**
         * Frameworks of entities without the `devops-growth.io/compliance-frameworks` annotation.
         * Built-in ids: soc2, gdpr, iso27001, pci-dss. Every id must exist. Default: ['soc2'].
         */
        defaultFrameworks?: string[];
        /**
         * Framework additions and overrides. An entry with an id no framework has adds one (title and
         * controls required); with a known id it changes that framework.
         */
        frameworks?: Array<{
          /** Lower-case letters, digits and dashes. */
          id: string;
          title?: string;
          /** The edition the controls follow, for example '4.0'. */
          version?: string;
          /** Replaces every control of the framework. */
          controls?: Array<{
            /** The standard's own control id, for example 'CC6.1' or 'Art. 32'. */
            id: string;
            /** A short title in your own words. */
            title: string;
            /** Weight in the score; default 1. */
            weight?: number;
            /** Ids of the checks that judge it (built-in or from a module). */
            checks: string[];
          }>;
          /** Changes single controls by id; an id the framework lacks is added (title and checks required). */
          controlOverrides?: Array<{
            id: string;
            title?: string;
            weight?: number;
            checks?: string[];
          }>;
          /** Control ids left out of the framework. */
          disabledControls?: string[];
        }>;
        checks?: {
          /** How old the newest scan may be for `security.scan-fresh`. Default: 7 days. */
          scanMaxAge?: HumanDuration | string;
        };
        evaluation?: {
          /** How often every security-enabled entity is evaluated. Default: 1 hour. */
          frequency?: HumanDuration | string;
          /** Timeout of a scheduled run. Default: the frequency. */
          timeout?: HumanDuration | string;
          /** Entities per facts read and per bulk write, 1 to 5000. Default: 500. */
          batchSize?: number;
          /** Entities per catalog page, 1 to 10000. Default: 500. */
          pageSize?: number;
        };
        history?: {
          /** A history point at least this often while a score does not change. Default: 1 day. */
          interval?: HumanDuration | string;
          /** Results, evidence and history older than this are deleted. Default: 400 days. */
          retention?: HumanDuration | string;
        };
      };
    };
  };
}
