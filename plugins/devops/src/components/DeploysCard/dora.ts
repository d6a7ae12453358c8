/*
 * The DORA tiles of the Deploys card: the four figures of one environment and window, in words,
 * with the performance tier and the trend against the window before.
 */
import {
  DoraMetric,
  DoraSummary,
  DoraTier,
} from '@devops-growth/backstage-plugin-devops-common';
import { formatPercent, StatusTone } from '../shared';

export const DORA_WINDOWS = [30, 90] as const;
export type DoraWindow = (typeof DORA_WINDOWS)[number];

export const TIER_LABELS: Record<DoraTier, string> = {
  elite: 'Elite',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
};

export const TIER_TONES: Record<DoraTier, StatusTone> = {
  elite: 'ok',
  high: 'ok',
  medium: 'warning',
  low: 'error',
};

/** Deploys per day as people say it: "2.5 a day", "3 a week", "1.2 a month". */
export function formatFrequency(perDay: number): string {
  const round = (n: number) => String(Math.round(n * 10) / 10);
  if (perDay >= 1) return `${round(perDay)} a day`;
  if (perDay * 7 >= 1) return `${round(perDay * 7)} a week`;
  return `${round(perDay * 30)} a month`;
}

/** Hours as "45 min", "20 h" or "3.5 days". */
export function formatHours(hours: number): string {
  if (hours < 1) return `${Math.max(1, Math.round(hours * 60))} min`;
  if (hours < 48) return `${Math.round(hours * 10) / 10} h`;
  return `${Math.round((hours / 24) * 10) / 10} days`;
}

export interface DoraTileView {
  key: 'frequency' | 'lead-time' | 'failure-rate' | 'restore';
  label: string;
  value: string;
  measured: boolean;
  tier: string | null;
  tierTone: StatusTone;
  /** "Up from 0.5 a day" and whether that is better (ok), worse (error) or the same (neutral). */
  trend: string;
  trendTone: StatusTone;
}

function tile(
  key: DoraTileView['key'],
  label: string,
  metric: DoraMetric,
  format: (value: number) => string,
  higherIsBetter: boolean,
): DoraTileView {
  const { value, previous, tier } = metric;
  let trend = 'No earlier window to compare';
  let trendTone: StatusTone = 'neutral';
  if (value !== null && previous !== null) {
    if (value === previous) {
      trend = `Same as the window before`;
    } else {
      const up = value > previous;
      trend = `${up ? 'Up' : 'Down'} from ${format(previous)}`;
      trendTone = up === higherIsBetter ? 'ok' : 'error';
    }
  } else if (value !== null) {
    trend = 'No data in the window before';
  }
  return {
    key,
    label,
    value: value === null ? 'No data' : format(value),
    measured: value !== null,
    tier: tier ? TIER_LABELS[tier] : null,
    tierTone: tier ? TIER_TONES[tier] : 'neutral',
    trend,
    trendTone,
  };
}

/** The DORA summary of an environment and window, if the backend computed it. */
export function findDora(
  dora: DoraSummary[],
  environment: string,
  windowDays: DoraWindow,
): DoraSummary | undefined {
  return dora.find(
    d => d.environment === environment && d.windowDays === windowDays,
  );
}

/** The environments with DORA figures, production-like last environment of the list first. */
export function doraEnvironments(dora: DoraSummary[]): string[] {
  return [...new Set(dora.map(d => d.environment))];
}

/**
 * The counts behind the tiles, as the change failure rate counts them: "3 deploys to production
 * in the last 30 days: 2 succeeded, 1 failed change" (a failed change: a deploy that failed, was
 * rolled back or is tied to an incident; a succeeded deploy followed by an incident is both).
 */
export function doraCountsText(summary: DoraSummary): string {
  const { changes, deployments, failedChanges, environment, windowDays } =
    summary;
  const head = `${
    changes === 1 ? '1 deploy' : `${changes} deploys`
  } to ${environment} in the last ${windowDays} days`;
  if (changes === 0) {
    return head;
  }
  let failed = 'no failed change';
  if (failedChanges > 0) {
    failed =
      failedChanges === 1
        ? '1 failed change'
        : `${failedChanges} failed changes`;
  }
  return `${head}: ${deployments} succeeded, ${failed}`;
}

export function toDoraTiles(summary: DoraSummary): DoraTileView[] {
  return [
    tile(
      'frequency',
      'Deployment frequency',
      summary.deploymentFrequency,
      formatFrequency,
      true,
    ),
    tile(
      'lead-time',
      'Lead time for changes',
      summary.leadTimeHours,
      formatHours,
      false,
    ),
    tile(
      'failure-rate',
      'Change failure rate',
      summary.changeFailureRatePercent,
      formatPercent,
      false,
    ),
    tile(
      'restore',
      'Time to restore',
      summary.timeToRestoreHours,
      formatHours,
      false,
    ),
  ];
}
