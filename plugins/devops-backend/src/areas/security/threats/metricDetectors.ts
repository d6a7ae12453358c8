import {
  SECURITY_SEVERITIES,
  SecuritySeverity,
  ThreatEvidence,
  ThreatFigure,
  ThreatType,
} from '@devops-growth/backstage-plugin-devops-common';
import { RequestPoint } from '../types';
import {
  Baseline,
  BaselineLookup,
  baselineAt,
  conditionOf,
  ConditionState,
  isBaseline,
  JudgedPoint,
  judgeSurge,
} from './detectors';
import { BruteForceRule, SurgeRule } from './settings';

/**
 * The two detectors over request metrics, for one entity and environment: the traffic flood
 * (request rate against its seasonal baseline) and the brute force (401/403 rate and share).
 * Pure: the detection task and the benchmark call them with the points they read.
 */

export type MetricDetectorId = 'traffic-flood' | 'brute-force';

export const PEAK_LABEL: Record<MetricDetectorId, string> = {
  'traffic-flood': 'Peak request rate',
  'brute-force': 'Peak authentication failures',
};
export const PEAK_RATIO_LABEL = 'Peak ratio to baseline';

export const METRIC_THREAT_TYPE: Record<MetricDetectorId, ThreatType> = {
  'traffic-flood': 'traffic-flood',
  'brute-force': 'brute-force',
};

/** What a detector made of an entity's environment at one tick. */
export interface MetricEvaluation {
  detector: MetricDetectorId;
  environment: string;
  monitoring: { state: 'monitored' | 'not-monitored'; detail: string };
  /** `unknown` when not monitored. */
  condition: ConditionState | { state: 'unknown' };
  /** Filled while firing. */
  severity?: SecuritySeverity;
  evidence?: ThreatEvidence;
}

export interface EvaluationInput {
  environment: string;
  /** The recent raw points (the last hour), oldest first. */
  points: readonly RequestPoint[];
  now: Date;
  baselineFor: BaselineLookup;
  staleAfterMs: number;
  /** How many of the latest points are judged (at least twice the consecutive ticks). */
  judgeLast?: number;
}

const SEVERITY_RANK: Record<SecuritySeverity, number> = {
  critical: 3,
  high: 2,
  medium: 1,
  low: 0,
};

export function maxSeverity(
  a: SecuritySeverity,
  b: SecuritySeverity,
): SecuritySeverity {
  return SEVERITY_RANK[a] >= SEVERITY_RANK[b] ? a : b;
}

/** One step more severe (critical stays critical). */
export function raiseSeverity(s: SecuritySeverity): SecuritySeverity {
  const i = SECURITY_SEVERITIES.indexOf(s);
  return SECURITY_SEVERITIES[Math.max(0, i - 1)];
}

function severityByRatio(ratio: number, rule: SurgeRule): SecuritySeverity {
  if (ratio >= rule.criticalRatio) return 'critical';
  if (ratio >= rule.highRatio) return 'high';
  return 'medium';
}

function severityByRate(
  failuresPerSecond: number,
  rule: BruteForceRule,
): SecuritySeverity {
  if (failuresPerSecond >= rule.criticalRps) return 'critical';
  if (failuresPerSecond >= rule.highRps) return 'high';
  return 'medium';
}

/** A rate as written in evidence: up to 3 significant decimals. */
export function formatRate(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  let digits = 3;
  if (abs >= 100) digits = 0;
  else if (abs >= 10) digits = 1;
  else if (abs >= 1) digits = 2;
  return String(Number(n.toFixed(digits)));
}

function round(n: number, digits = 3): number {
  const scale = 10 ** digits;
  return Math.round(n * scale) / scale;
}

function describeBaseline(b: Baseline): string {
  if (b.method === 'same-weekday-hour') {
    return `the same hour of the same weekday of ${b.points} past weeks`;
  }
  return b.method === 'same-hour'
    ? `the same hour of ${b.points} past days`
    : `the neighbouring hours of ${b.days} past day(s)`;
}

type Prepared =
  | { missing: string }
  | { points: Array<{ point: RequestPoint; value: number }> };

/** The points that carry `metric`, or why the detector cannot watch the environment. */
function prepare(
  input: EvaluationInput,
  metric: 'throughput' | 'authFailureRps',
  label: string,
  missingMetric: (points: readonly RequestPoint[]) => string,
): Prepared {
  const points: Array<{ point: RequestPoint; value: number }> = [];
  for (const point of input.points) {
    const value = point[metric];
    if (typeof value === 'number' && Number.isFinite(value)) {
      points.push({ point, value });
    }
  }
  if (points.length === 0) return { missing: missingMetric(input.points) };
  const latest = points[points.length - 1].point.at;
  if (input.now.getTime() - latest.getTime() > input.staleAfterMs) {
    return {
      missing: `the latest ${label} sample is from ${latest.toISOString()}, more than ${Math.round(
        input.staleAfterMs / 60_000,
      )} minutes ago`,
    };
  }
  const judgeLast = input.judgeLast ?? 20;
  return { points: points.slice(-judgeLast) };
}

function notMonitored(
  detector: MetricDetectorId,
  environment: string,
  detail: string,
): MetricEvaluation {
  return {
    detector,
    environment,
    monitoring: { state: 'not-monitored', detail },
    condition: { state: 'unknown' },
  };
}

/**
 * Traffic flood: the request rate of each of the latest points against the baseline of its
 * hour; firing when `consecutiveTicks` points in a row are surges. Severity by the peak ratio.
 */
export function evaluateTrafficFlood(
  input: EvaluationInput,
  rule: SurgeRule,
): MetricEvaluation {
  const detector = 'traffic-flood';
  const prepared = prepare(
    input,
    'throughput',
    'request-rate',
    () => 'no request-rate samples in the last hour',
  );
  if ('missing' in prepared) {
    return notMonitored(detector, input.environment, prepared.missing);
  }
  const judged: Array<JudgedPoint & { baseline: Baseline }> = [];
  for (const { point, value } of prepared.points) {
    const baseline = baselineAt(
      input.baselineFor,
      'throughput',
      point.at.getTime(),
    );
    if (!isBaseline(baseline)) {
      return notMonitored(detector, input.environment, baseline.missing);
    }
    judged.push({
      at: point.at,
      value,
      baseline,
      ...judgeSurge(value, baseline, rule),
    });
  }
  const latest = judged[judged.length - 1];
  const condition = conditionOf(
    judged,
    rule.consecutiveTicks,
    rule.strongRatio > 0 ? rule.strongRatio : undefined,
  );
  const evaluation: MetricEvaluation = {
    detector,
    environment: input.environment,
    monitoring: {
      state: 'monitored',
      detail: `request rate of ${input.environment} against ${describeBaseline(
        latest.baseline,
      )} (median ${formatRate(latest.baseline.median)} req/s)`,
    },
    condition,
  };
  if (condition.state === 'firing') {
    const { last, peak } = condition;
    evaluation.severity = severityByRatio(peak.ratio, rule);
    evaluation.evidence = {
      summary: `Request rate ${formatRate(last.value)} req/s, ${formatRate(
        last.ratio,
      )}x the usual ${formatRate(
        last.baseline.median,
      )} req/s of this hour (robust z-score ${formatRate(last.z)})`,
      figures: [
        {
          label: 'Request rate',
          value: round(last.value),
          baseline: round(last.baseline.median),
          unit: 'req/s',
        },
        { label: 'Ratio to baseline', value: round(last.ratio, 2) },
        { label: 'Robust z-score', value: round(last.z, 1) },
        {
          label: PEAK_LABEL[detector],
          value: round(peak.value),
          unit: 'req/s',
        },
        { label: PEAK_RATIO_LABEL, value: round(peak.ratio, 2) },
      ],
      events: [],
    };
  }
  return evaluation;
}

/**
 * Brute force / credential stuffing: 401/403 responses per second against their own baseline
 * (the same surge test as floods, with its own thresholds and an absolute floor: a few
 * failures per second is not a surge), or a share of all requests failing authentication of
 * at least `minShare` and `minShareRatio` times the usual share. Severity by the ratio or the
 * absolute rate, whichever is higher.
 */
export function evaluateBruteForce(
  input: EvaluationInput,
  rule: BruteForceRule,
): MetricEvaluation {
  const detector = 'brute-force';
  const prepared = prepare(input, 'authFailureRps', '401/403', points =>
    points.some(p => p.throughput !== null)
      ? 'the metrics source reports no 401/403 counts'
      : 'no request metrics in the last hour',
  );
  if ('missing' in prepared) {
    return notMonitored(detector, input.environment, prepared.missing);
  }
  const latestAt =
    prepared.points[prepared.points.length - 1].point.at.getTime();
  const latestBaseline = baselineAt(
    input.baselineFor,
    'authFailureRps',
    latestAt,
  );
  if (!isBaseline(latestBaseline)) {
    // An entity's first day: no history to compare with, so only absolute limits.
    return evaluateBruteForceWithoutBaseline(
      input,
      prepared.points,
      rule,
      latestBaseline.missing,
    );
  }
  const judged: Array<
    JudgedPoint & {
      baseline: Baseline;
      share: number | null;
      shareBaseline: number | null;
    }
  > = [];
  for (const { point, value } of prepared.points) {
    const at = point.at.getTime();
    const baseline = baselineAt(input.baselineFor, 'authFailureRps', at);
    if (!isBaseline(baseline)) {
      // An older point of the window, before the baseline's history began.
      continue;
    }
    const shareBase = baselineAt(input.baselineFor, 'authFailureShare', at);
    const shareBaseline = isBaseline(shareBase) ? shareBase.median : null;
    const t = point.throughput;
    const share = t !== null && t > 0 ? Math.min(1, value / t) : null;
    const rate = judgeSurge(value, baseline, rule);
    const byShare =
      share !== null &&
      shareBaseline !== null &&
      value >= rule.minRps &&
      share >= rule.minShare &&
      share >= rule.minShareRatio * Math.max(shareBaseline, 0.001);
    judged.push({
      at: point.at,
      value,
      baseline,
      ratio: rate.ratio,
      z: rate.z,
      flagged: rate.flagged || byShare,
      share,
      shareBaseline,
    });
  }
  const latest = judged[judged.length - 1];
  const condition = conditionOf(
    judged,
    rule.consecutiveTicks,
    rule.strongRatio > 0 ? rule.strongRatio : undefined,
  );
  const evaluation: MetricEvaluation = {
    detector,
    environment: input.environment,
    monitoring: {
      state: 'monitored',
      detail: `401/403 responses of ${
        input.environment
      } against ${describeBaseline(latest.baseline)} (median ${formatRate(
        latest.baseline.median,
      )} per second)`,
    },
    condition,
  };
  if (condition.state === 'firing') {
    const last = latest;
    const peak = condition.peak;
    evaluation.severity = maxSeverity(
      severityByRatio(peak.ratio, rule),
      severityByRate(peak.value, rule),
    );
    const figures: ThreatFigure[] = [
      {
        label: 'Authentication failures',
        value: round(last.value),
        baseline: round(last.baseline.median),
        unit: 'per second',
      },
    ];
    if (last.share !== null) {
      figures.push({
        label: 'Share of requests failing authentication',
        value: round(last.share * 100, 1),
        baseline:
          last.shareBaseline === null
            ? null
            : round(last.shareBaseline * 100, 1),
        unit: '%',
      });
    }
    figures.push(
      { label: 'Ratio to baseline', value: round(last.ratio, 2) },
      { label: 'Robust z-score', value: round(last.z, 1) },
      {
        label: PEAK_LABEL[detector],
        value: round(peak.value),
        unit: 'per second',
      },
      { label: PEAK_RATIO_LABEL, value: round(peak.ratio, 2) },
    );
    evaluation.evidence = {
      summary: `${formatRate(
        last.value,
      )} authentication failures (401/403) per second${
        last.share === null
          ? ''
          : `, ${formatRate(last.share * 100)}% of requests`
      }, ${formatRate(last.ratio)}x the usual ${formatRate(
        last.baseline.median,
      )} per second of this hour`,
      figures,
      events: [],
    };
  }
  return evaluation;
}

/**
 * Brute force on an entity too young for a baseline (its 401/403 history is shorter than the
 * baseline needs): flagged only on absolute limits, stricter than the share rule with a
 * baseline: at least `youngMinRps` failures per second that are at least `youngMinShare` of all
 * requests. Severity by the failure rate alone.
 */
function evaluateBruteForceWithoutBaseline(
  input: EvaluationInput,
  points: ReadonlyArray<{ point: RequestPoint; value: number }>,
  rule: BruteForceRule,
  missing: string,
): MetricEvaluation {
  const detector = 'brute-force';
  const judged: Array<JudgedPoint & { share: number | null }> = points.map(
    ({ point, value }) => {
      const t = point.throughput;
      const share = t !== null && t > 0 ? Math.min(1, value / t) : null;
      return {
        at: point.at,
        value,
        baseline: null,
        // peak = the highest rate
        ratio: value,
        z: 0,
        flagged:
          share !== null &&
          value >= rule.youngMinRps &&
          share >= rule.youngMinShare,
        share,
      };
    },
  );
  const condition = conditionOf(judged, rule.consecutiveTicks);
  const evaluation: MetricEvaluation = {
    detector,
    environment: input.environment,
    monitoring: {
      state: 'monitored',
      detail: `401/403 responses of ${
        input.environment
      } on absolute limits only (at least ${formatRate(
        rule.youngMinRps,
      )} per second and ${formatRate(
        rule.youngMinShare * 100,
      )}% of requests): ${missing}`,
    },
    condition,
  };
  if (condition.state === 'firing') {
    const last = condition.last;
    evaluation.severity = severityByRate(condition.peak.value, rule);
    const figures: ThreatFigure[] = [
      {
        label: 'Authentication failures',
        value: round(last.value),
        baseline: null,
        unit: 'per second',
      },
    ];
    if (last.share !== null) {
      figures.push({
        label: 'Share of requests failing authentication',
        value: round(last.share * 100, 1),
        baseline: null,
        unit: '%',
      });
    }
    figures.push({
      label: PEAK_LABEL[detector],
      value: round(condition.peak.value),
      unit: 'per second',
    });
    evaluation.evidence = {
      summary: `${formatRate(
        last.value,
      )} authentication failures (401/403) per second${
        last.share === null
          ? ''
          : `, ${formatRate(last.share * 100)}% of requests`
      }; no baseline yet, so judged on absolute limits (${formatRate(
        rule.youngMinRps,
      )} per second and ${formatRate(rule.youngMinShare * 100)}% of requests)`,
      figures,
      events: [],
    };
  }
  return evaluation;
}
