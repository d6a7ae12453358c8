import {
  DoraMetric,
  DoraSummary,
  DoraTier,
} from '@devops-growth/backstage-plugin-devops-common';
import { ComputeDora, DoraInput } from './types';

/**
 * DORA's four keys per entity and environment, from final deploys (portal and pushed) and pushed
 * incidents, with the performance tier of the latest DORA report that defines tiers.
 *
 * Tiers: the 2024 Accelerate State of DevOps Report (DORA, Google Cloud), "software delivery
 * performance levels", p. 13 (https://services.google.com/fh/files/misc/2024_final_dora_report.pdf):
 *
 * | level  | change lead time      | deployment frequency                  | change fail rate | failed deployment recovery time |
 * |--------|-----------------------|---------------------------------------|------------------|---------------------------------|
 * | elite  | less than one day     | on demand (multiple deploys per day)  | 5%               | less than one hour              |
 * | high   | one day to one week   | once per day to once per week         | 20%              | less than one day               |
 * | medium | one week to one month | once per week to once per month       | 10%              | less than one day               |
 * | low    | one to six months     | once per month to once every 6 months | 40%              | one week to one month           |
 *
 * The 2025 DORA report ("State of AI-assisted Software Development") no longer publishes these
 * levels: it groups teams into seven archetypes and adds a fifth metric (rework rate), so the 2024
 * table is the latest with elite/high/medium/low.
 *
 * The levels are clusters over all four metrics at once; {@link doraTier} places one metric's
 * value on its own, with these boundaries:
 * - deployment frequency (deploys per day): elite above 1 (several a day), high from 1/7 (weekly)
 *   up to 1, medium from 1/30 (monthly) up to 1/7, low below 1/30;
 * - lead time (hours): elite below 24, high up to 168 (a week), medium up to 720 (30 days), low above;
 * - change failure rate (per cent): the report's clusters are not ordered on this metric (high
 *   20%, medium 10%), so a rate goes to the cluster whose typical rate is nearest: elite below
 *   7.5, medium below 15, high below 30, low from 30;
 * - time to restore (hours): elite below 1; high below 24 (high and medium both answered "less
 *   than one day": the better label is given); medium below 168 (one day to one week lies between
 *   that and the low cluster's "one week to one month"); low from 168.
 */

export type DoraMetricName =
  | 'deploymentFrequency'
  | 'leadTimeHours'
  | 'changeFailureRatePercent'
  | 'timeToRestoreHours';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The tier of one metric's value (see the table above); `null` without a value. */
export function doraTier(
  metric: DoraMetricName,
  value: number | null,
): DoraTier | null {
  if (value === null || !Number.isFinite(value)) return null;
  switch (metric) {
    case 'deploymentFrequency':
      if (value > 1) return 'elite';
      if (value >= 1 / 7) return 'high';
      if (value >= 1 / 30) return 'medium';
      return 'low';
    case 'leadTimeHours':
      if (value < 24) return 'elite';
      if (value <= 168) return 'high';
      if (value <= 720) return 'medium';
      return 'low';
    case 'changeFailureRatePercent':
      if (value < 7.5) return 'elite';
      if (value < 15) return 'medium';
      if (value < 30) return 'high';
      return 'low';
    default:
      if (value < 1) return 'elite';
      if (value < 24) return 'high';
      if (value < 168) return 'medium';
      return 'low';
  }
}

type DoraDeploy = DoraInput['deploys'][number];
type DoraIncident = DoraInput['incidents'][number];

/** Deploys that change what runs (rollbacks put an earlier version back: remediation, not change). */
const isChange = (d: DoraDeploy) => d.kind !== 'rollback';
/** Final statuses of a deploy that reached the environment (`aborted` ones never started changing it). */
const REACHED = new Set(['succeeded', 'failed', 'rolled-back']);
const isFailure = (d: DoraDeploy) =>
  d.status === 'failed' || d.status === 'rolled-back';

const ms = (iso: string | null) => (iso === null ? null : Date.parse(iso));
/** When a deploy counts: when it finished, else when it started, else when it was asked for. */
const deployTime = (d: DoraDeploy) =>
  ms(d.finishedAt) ?? ms(d.startedAt) ?? Date.parse(d.createdAt);

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * The deploy an incident is counted against: its `deployId` when given (and known), else the
 * last successful deploy of the environment that finished before the incident started; `null`
 * when that deploy is a rollback (the rolled-back-to version is not a new change) or there is none.
 */
function incidentCause(
  incident: DoraIncident,
  deploys: DoraDeploy[],
): DoraDeploy | null {
  if (incident.deployId !== null) {
    return deploys.find(d => d.id === incident.deployId) ?? null;
  }
  const started = Date.parse(incident.startedAt);
  let cause: DoraDeploy | null = null;
  for (const d of deploys) {
    if (d.status !== 'succeeded' || deployTime(d) > started) continue;
    if (!cause || deployTime(d) > deployTime(cause)) cause = d;
  }
  return cause && isChange(cause) ? cause : null;
}

/** The first successful deploy (any kind) finishing after `from`, as epoch ms. */
function nextSuccess(deploys: DoraDeploy[], from: number): number | null {
  let next: number | null = null;
  for (const d of deploys) {
    const t = deployTime(d);
    if (d.status === 'succeeded' && t > from && (next === null || t < next)) {
      next = t;
    }
  }
  return next;
}

interface WindowFigures {
  deployments: number;
  changes: number;
  failedChanges: number;
  frequency: number | null;
  leadTimeHours: number | null;
  changeFailureRatePercent: number | null;
  timeToRestoreHours: number | null;
}

function figures(
  input: DoraInput,
  from: number,
  to: number,
  anyDeploys: boolean,
): WindowFigures {
  const inWindow = (t: number) => t >= from && t < to;
  const changes = input.deploys.filter(
    d => isChange(d) && REACHED.has(d.status) && inWindow(deployTime(d)),
  );
  const succeeded = changes.filter(d => d.status === 'succeeded');

  const leadTimes = succeeded.flatMap(d => {
    const commit = ms(d.commitAt);
    const lead = commit === null ? null : deployTime(d) - commit;
    return lead === null || lead < 0 ? [] : [lead / HOUR];
  });

  const incidents = input.incidents.filter(i =>
    inWindow(Date.parse(i.startedAt)),
  );
  const causes = new Map<DoraIncident, DoraDeploy | null>(
    input.incidents.map(i => [i, incidentCause(i, input.deploys)]),
  );
  const changeIds = new Set(changes.map(d => d.id));
  const failed = new Set(changes.filter(isFailure).map(d => d.id));
  for (const cause of causes.values()) {
    if (cause && changeIds.has(cause.id)) failed.add(cause.id);
  }

  // Restores: each incident from its start, and each failed deploy no incident covers from its
  // start, to its resolution, the deploy's own rollback, or the next successful deploy.
  const covered = new Set([...causes.values()].flatMap(c => (c ? [c.id] : [])));
  const restores: number[] = [];
  for (const i of incidents) {
    const start = Date.parse(i.startedAt);
    const end = ms(i.resolvedAt) ?? nextSuccess(input.deploys, start);
    if (end !== null && end >= start) restores.push((end - start) / HOUR);
  }
  for (const d of changes.filter(isFailure)) {
    if (covered.has(d.id)) continue;
    const start = ms(d.startedAt) ?? Date.parse(d.createdAt);
    const end =
      d.status === 'rolled-back' && d.finishedAt !== null
        ? Date.parse(d.finishedAt)
        : nextSuccess(input.deploys, deployTime(d));
    if (end !== null && end >= start) restores.push((end - start) / HOUR);
  }

  return {
    deployments: succeeded.length,
    changes: changes.length,
    failedChanges: failed.size,
    frequency: anyDeploys ? succeeded.length / input.windowDays : null,
    leadTimeHours: median(leadTimes),
    changeFailureRatePercent:
      changes.length === 0 ? null : (failed.size / changes.length) * 100,
    timeToRestoreHours: median(restores),
  };
}

function doraMetric(
  name: DoraMetricName,
  value: number | null,
  previous: number | null,
): DoraMetric {
  return { value, previous, tier: doraTier(name, value) };
}

/**
 * The DORA figures of one environment over `[now - windowDays, now)`, each with the same figure
 * over the window before it (the trend) and its tier:
 * - deployment frequency: successful deploys, promotions and pushed deploys per day (rollbacks do
 *   not count: they put an earlier version back). `null` when the input holds no deploy at all;
 * - lead time for changes: the median of finish (or start) minus commit time, in hours, over
 *   successful deploys with a commit time (a commit after the deploy is ignored);
 * - change failure rate: deploys that failed or were rolled back, or that an incident is tied to
 *   (its `deployId`, else the last successful deploy before it started), over the deploys that
 *   reached the environment (aborted ones and rollbacks left out), in per cent;
 * - time to restore: the median, in hours, from each incident's start to its `resolvedAt` (else
 *   the next successful deploy), and from each failed or rolled-back deploy no incident covers to
 *   the end of its own rollback (else the next successful deploy). Not yet restored: not counted.
 * A deploy counts in the window its finish (else start, else creation) falls in; an incident in
 * the window its start falls in.
 */
export const computeDora: ComputeDora = input => {
  const to = input.now.getTime();
  const from = to - input.windowDays * DAY;
  const before = from - input.windowDays * DAY;
  const anyDeploys = input.deploys.length > 0;
  const current = figures(input, from, to, anyDeploys);
  const previous = figures(input, before, from, anyDeploys);
  const summary: DoraSummary = {
    environment: input.environment,
    windowDays: input.windowDays,
    deployments: current.deployments,
    changes: current.changes,
    failedChanges: current.failedChanges,
    deploymentFrequency: doraMetric(
      'deploymentFrequency',
      current.frequency,
      previous.frequency,
    ),
    leadTimeHours: doraMetric(
      'leadTimeHours',
      current.leadTimeHours,
      previous.leadTimeHours,
    ),
    changeFailureRatePercent: doraMetric(
      'changeFailureRatePercent',
      current.changeFailureRatePercent,
      previous.changeFailureRatePercent,
    ),
    timeToRestoreHours: doraMetric(
      'timeToRestoreHours',
      current.timeToRestoreHours,
      previous.timeToRestoreHours,
    ),
  };
  return summary;
};
