import {
  SecuritySeverity,
  ThreatEvidence,
  ThreatType,
} from '@devops-growth/backstage-plugin-devops-common';
import {
  maxSeverity,
  METRIC_THREAT_TYPE,
  MetricDetectorId,
  MetricEvaluation,
  PEAK_LABEL,
  PEAK_RATIO_LABEL,
} from './metricDetectors';

/**
 * How a metric detector's verdict moves the threats of an entity's environment:
 * - firing, no threat whose condition lasts: a new threat opens (from the first flagged point);
 * - firing, a lasting threat (whatever its status): it is extended (last seen, figures, severity
 *   raised to the worst seen). A threat closed as mitigated or false positive while its
 *   condition lasts stays closed: the same condition does not reopen it or open another;
 * - quiet (`consecutiveTicks` unflagged points): the lasting threat ends where the quiet began;
 *   the next surge is a new condition and opens a new threat;
 * - not monitored for longer than `lostAfterMs` since the threat was last seen: it ends then.
 */

/** A threat whose condition has not ended, as the lifecycle needs it. */
export interface LastingThreat {
  id: string;
  detector: string;
  environment: string;
  severity: SecuritySeverity;
  lastSeenAt: Date;
  evidence: ThreatEvidence;
}

export interface NewThreat {
  entityRef: string;
  environment: string;
  type: ThreatType;
  detector: string;
  severity: SecuritySeverity;
  startedAt: Date;
  lastSeenAt: Date;
  evidence: ThreatEvidence;
}

export type MetricThreatChange =
  | { kind: 'open'; threat: NewThreat }
  | {
      kind: 'extend';
      id: string;
      severity: SecuritySeverity;
      lastSeenAt: Date;
      evidence: ThreatEvidence;
    }
  | { kind: 'end'; id: string; endedAt: Date };

/** Keeps the highest peak figures seen over the threat's life. */
function mergePeaks(
  detector: MetricDetectorId,
  previous: ThreatEvidence,
  next: ThreatEvidence,
): ThreatEvidence {
  const keep = new Set([PEAK_LABEL[detector], PEAK_RATIO_LABEL]);
  const before = new Map(
    previous.figures.filter(f => keep.has(f.label)).map(f => [f.label, f]),
  );
  return {
    ...next,
    figures: next.figures.map(f => {
      const old = before.get(f.label);
      return old && old.value > f.value ? old : f;
    }),
  };
}

export function planMetricThreat(options: {
  entityRef: string;
  evaluation: MetricEvaluation;
  lasting: LastingThreat | undefined;
  now: Date;
  /** How long a lasting threat survives its detector losing its input. */
  lostAfterMs: number;
}): MetricThreatChange | null {
  const { evaluation, lasting, now } = options;
  const condition = evaluation.condition;
  if (condition.state === 'firing') {
    const severity = evaluation.severity ?? 'medium';
    const evidence = evaluation.evidence ?? {
      summary: '',
      figures: [],
      events: [],
    };
    if (!lasting) {
      return {
        kind: 'open',
        threat: {
          entityRef: options.entityRef,
          environment: evaluation.environment,
          type: METRIC_THREAT_TYPE[evaluation.detector],
          detector: evaluation.detector,
          severity,
          startedAt: condition.since,
          lastSeenAt: condition.last.at,
          evidence,
        },
      };
    }
    return {
      kind: 'extend',
      id: lasting.id,
      severity: maxSeverity(lasting.severity, severity),
      lastSeenAt:
        condition.last.at > lasting.lastSeenAt
          ? condition.last.at
          : lasting.lastSeenAt,
      evidence: mergePeaks(evaluation.detector, lasting.evidence, evidence),
    };
  }
  if (!lasting) return null;
  if (condition.state === 'quiet') {
    const endedAt =
      condition.since > lasting.lastSeenAt
        ? condition.since
        : lasting.lastSeenAt;
    return { kind: 'end', id: lasting.id, endedAt };
  }
  if (
    condition.state === 'unknown' &&
    now.getTime() - lasting.lastSeenAt.getTime() > options.lostAfterMs
  ) {
    return { kind: 'end', id: lasting.id, endedAt: lasting.lastSeenAt };
  }
  return null;
}
