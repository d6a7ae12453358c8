import { Config } from '@backstage/config';
import { HumanDuration } from '@backstage/types';
import {
  invalidConfig,
  readOptionalDuration,
  readOptionalDurationMs,
  readOptionalNumber,
  readOptionalWholeNumber,
} from '@devops-growth/backstage-plugin-devops-node';

/** How an entity's normal level is estimated from its hourly request roll-ups. */
export interface BaselineSettings {
  /** Days of hourly roll-ups the baseline reads (`devops.security.threats.baselineDays`). */
  days: number;
  /** Weeks with the same hour of the same weekday needed to judge against those alone. */
  minSameWeekdayPoints: number;
  /** Same-hour points needed; with fewer, the neighbouring hours of the same days are used. */
  minSameHourPoints: number;
  /** How many hours on each side of the hour of day the fallback reads. */
  neighbourHours: number;
  /** Hourly points needed in the whole window before the detector judges at all. */
  minHours: number;
}

/** One detector's rule over a rate and its baseline. */
export interface SurgeRule {
  /** The value must be at least this many times the baseline median. */
  minRatio: number;
  /** ... and this many robust standard deviations (1.4826 MAD) above it. */
  minZScore: number;
  /** The robust deviation is at least this share of the median (flat series do not flag on noise). */
  madFloorShare: number;
  /** ... and at least this many requests per second. */
  madFloorRps: number;
  /** The value must be at least this many per second (an absolute floor). */
  minRps: number;
  /** Consecutive flagged collection ticks that raise a threat (and quiet ones that end it). */
  consecutiveTicks: number;
  /**
   * Surges below this ratio must last one tick more than `consecutiveTicks` (only for the
   * traffic flood; 0 turns it off).
   */
  strongRatio: number;
  /** Ratios to the baseline median from which a threat is high, and critical. */
  highRatio: number;
  criticalRatio: number;
}

/** The brute-force rule: a surge of 401/403 responses, by rate or by share of requests. */
export interface BruteForceRule extends SurgeRule {
  /** A share of requests failing authentication (0..1) that flags on its own, with minRps... */
  minShare: number;
  /** ...when it is also this many times the usual share. */
  minShareRatio: number;
  /** Failures per second from which a threat is high, and critical, whatever the ratio. */
  highRps: number;
  criticalRps: number;
  /**
   * Without a baseline (an entity's first day): flagged when failures reach this many per
   * second and this share of requests.
   */
  youngMinRps: number;
  youngMinShare: number;
}

/** `devops.security.threats.*`. */
export interface ThreatSettings {
  detection: {
    /** How often the detection task runs (default 1 minute). */
    frequency: HumanDuration;
    timeout: HumanDuration;
    /** Entities per batch: one recentRequests and one hourlyRequests call per batch. */
    batchSize: number;
    /** Entities per catalog page. */
    pageSize: number;
    /** Without a sample this recent, a metric detector is not monitoring the environment. */
    staleAfterMs: number;
  };
  baseline: BaselineSettings;
  trafficFlood: SurgeRule;
  bruteForce: BruteForceRule;
  events: {
    /** A quiet gap this long closes an event-based threat; a later event opens a new one. */
    gapMs: number;
    /** How long event ids are kept to refuse a re-uploaded event; older events are ignored. */
    retentionMs: number;
  };
}

const PREFIX = 'devops.security.threats';

export const DEFAULT_BASELINE: BaselineSettings = {
  days: 28,
  minSameWeekdayPoints: 2,
  minSameHourPoints: 5,
  neighbourHours: 3,
  minHours: 24,
};

/** Tuned on `bench/security/threats.mjs` (see the threats manual for the figures). */
export const DEFAULT_TRAFFIC_FLOOD: SurgeRule = {
  minRatio: 2,
  minZScore: 6,
  madFloorShare: 0.1,
  madFloorRps: 0.2,
  minRps: 1,
  consecutiveTicks: 2,
  strongRatio: 3,
  highRatio: 5,
  criticalRatio: 10,
};

export const DEFAULT_BRUTE_FORCE: BruteForceRule = {
  minRatio: 3,
  minZScore: 6,
  madFloorShare: 0.2,
  madFloorRps: 0.2,
  minRps: 2,
  consecutiveTicks: 3,
  strongRatio: 0,
  highRatio: 10,
  criticalRatio: 50,
  minShare: 0.2,
  minShareRatio: 3,
  highRps: 20,
  criticalRps: 100,
  youngMinRps: 5,
  youngMinShare: 0.5,
};

function positive(
  config: Config,
  key: string,
  fallback: number,
  expected = 'a positive number',
): number {
  return (
    readOptionalNumber(config, key, { accepts: v => v > 0, expected }) ??
    fallback
  );
}

function readSurgeRule<T extends SurgeRule>(
  config: Config,
  key: string,
  defaults: T,
): SurgeRule {
  const rule: SurgeRule = {
    minRatio:
      readOptionalNumber(config, `${key}.minRatio`, {
        accepts: v => v > 1,
        expected: 'a ratio above 1',
      }) ?? defaults.minRatio,
    minZScore: positive(config, `${key}.minZScore`, defaults.minZScore),
    madFloorShare: defaults.madFloorShare,
    madFloorRps: defaults.madFloorRps,
    minRps:
      readOptionalNumber(config, `${key}.minRps`, {
        accepts: v => v >= 0,
        expected: 'a non-negative number of requests per second',
      }) ?? defaults.minRps,
    consecutiveTicks: readOptionalWholeNumber(
      config,
      `${key}.consecutiveTicks`,
      { fallback: defaults.consecutiveTicks, min: 1, max: 60 },
    ),
    strongRatio:
      readOptionalNumber(config, `${key}.strongRatio`, {
        accepts: v => v === 0 || v > 1,
        expected: 'a ratio above 1, or 0 for none',
      }) ?? defaults.strongRatio,
    highRatio: positive(config, `${key}.highRatio`, defaults.highRatio),
    criticalRatio: positive(
      config,
      `${key}.criticalRatio`,
      defaults.criticalRatio,
    ),
  };
  if (rule.criticalRatio < rule.highRatio) {
    throw invalidConfig(
      `${key}.criticalRatio`,
      `at least ${key}.highRatio (${rule.highRatio})`,
      rule.criticalRatio,
    );
  }
  return rule;
}

/** Reads `devops.security.threats`, refusing invalid values with a message naming the key. */
export function readThreatSettings(config: Config): ThreatSettings {
  const frequency = readOptionalDuration(
    config,
    `${PREFIX}.detection.frequency`,
    { fallback: { minutes: 1 }, min: { seconds: 5 } },
  );
  const timeout = readOptionalDuration(config, `${PREFIX}.detection.timeout`, {
    fallback: frequency,
    min: { seconds: 5 },
  });
  const floodKey = `${PREFIX}.trafficFlood`;
  const bruteKey = `${PREFIX}.bruteForce`;
  const brute = readSurgeRule(config, bruteKey, DEFAULT_BRUTE_FORCE);
  const highRps = positive(
    config,
    `${bruteKey}.highRps`,
    DEFAULT_BRUTE_FORCE.highRps,
  );
  const criticalRps = positive(
    config,
    `${bruteKey}.criticalRps`,
    DEFAULT_BRUTE_FORCE.criticalRps,
  );
  if (criticalRps < highRps) {
    throw invalidConfig(
      `${bruteKey}.criticalRps`,
      `at least ${bruteKey}.highRps (${highRps})`,
      criticalRps,
    );
  }
  return {
    detection: {
      frequency,
      timeout,
      batchSize: readOptionalWholeNumber(
        config,
        `${PREFIX}.detection.batchSize`,
        { fallback: 200, min: 1, max: 5000 },
      ),
      pageSize: readOptionalWholeNumber(
        config,
        `${PREFIX}.detection.pageSize`,
        { fallback: 500, min: 1, max: 10_000 },
      ),
      staleAfterMs: readOptionalDurationMs(
        config,
        `${PREFIX}.detection.staleAfter`,
        { fallback: { minutes: 10 }, min: { minutes: 1 } },
      ),
    },
    baseline: {
      ...DEFAULT_BASELINE,
      days: readOptionalWholeNumber(config, `${PREFIX}.baselineDays`, {
        fallback: DEFAULT_BASELINE.days,
        min: 2,
        max: 60,
      }),
    },
    trafficFlood: readSurgeRule(config, floodKey, DEFAULT_TRAFFIC_FLOOD),
    bruteForce: {
      ...brute,
      minShare:
        readOptionalNumber(config, `${bruteKey}.minShare`, {
          accepts: v => v > 0 && v <= 1,
          expected: 'a share between 0 (exclusive) and 1',
        }) ?? DEFAULT_BRUTE_FORCE.minShare,
      minShareRatio:
        readOptionalNumber(config, `${bruteKey}.minShareRatio`, {
          accepts: v => v > 1,
          expected: 'a ratio above 1',
        }) ?? DEFAULT_BRUTE_FORCE.minShareRatio,
      highRps,
      criticalRps,
      youngMinRps: positive(
        config,
        `${bruteKey}.withoutBaseline.minRps`,
        DEFAULT_BRUTE_FORCE.youngMinRps,
      ),
      youngMinShare:
        readOptionalNumber(config, `${bruteKey}.withoutBaseline.minShare`, {
          accepts: v => v > 0 && v <= 1,
          expected: 'a share between 0 (exclusive) and 1',
        }) ?? DEFAULT_BRUTE_FORCE.youngMinShare,
    },
    events: {
      gapMs: readOptionalDurationMs(config, `${PREFIX}.events.gap`, {
        fallback: { minutes: 15 },
        min: { minutes: 1 },
      }),
      retentionMs: readOptionalDurationMs(
        config,
        `${PREFIX}.events.retention`,
        { fallback: { days: 30 }, min: { days: 1 } },
      ),
    },
  };
}
