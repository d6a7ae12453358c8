import {
  CanaryAnalysisVerdict,
  DeployColour,
  DeployEvent,
  DeployEventType,
  DeployGateResult,
  DeployIncident,
  DeployKind,
  DeployPerformanceImpact,
  DeployPhase,
  DeployStatus,
  DeployStrategy,
  isActiveDeployStatus,
} from '@devops-growth/backstage-plugin-devops-common';
import { msToIso } from '../../database/helpers';
import { DeployRecord, DeployUpdate, NewDeploy } from './types';

/** The deploys area's tables and the row shapes of the deploy store. */
export const DEPLOYS = 'devops_deploys';
export const DEPLOY_EVENTS = 'devops_deploy_events';
export const DEPLOY_INCIDENTS = 'devops_deploy_incidents';

type Ms = number | string | null;

export interface DeployRow {
  id: string;
  entity_ref: string;
  environment: string;
  kind: string;
  version: string;
  previous_version: string | null;
  commit_sha: string | null;
  commit_ms: Ms;
  strategy: string;
  steps: string;
  provider: string;
  target: string;
  status: string;
  phase: string;
  step_index: number | null;
  weight: number | null;
  colour: string | null;
  analysis_interval: number;
  created_by: string;
  reason: string | null;
  rollback_of: string | null;
  gates: string;
  last_verdict: string | null;
  outcome: string | null;
  impact: string | null;
  idempotency_key: string | null;
  active_key: string | null;
  created_ms: Ms;
  started_ms: Ms;
  finished_ms: Ms;
  updated_ms: Ms;
  phase_started_ms: Ms;
  phase_deadline_ms: Ms;
  next_run_ms: Ms;
  lease_owner: string | null;
  lease_expires_ms: Ms;
  attempt: number;
  abort_requested_ms: Ms;
  abort_requested_by: string | null;
  abort_reason: string | null;
}

export interface DeployEventRow {
  id: number;
  deploy_id: string;
  at_ms: Ms;
  type: string;
  message: string;
  data: string | null;
}

export interface DeployIncidentRow {
  id: string;
  entity_ref: string;
  environment: string;
  title: string;
  deploy_id: string | null;
  started_ms: Ms;
  resolved_ms: Ms;
  reported_by: string;
  idempotency_key: string | null;
  created_ms: Ms;
}

/** `entity|environment` while a deploy is active: the unique index allows one. */
export function activeKey(entityRef: string, environment: string): string {
  return `${entityRef}|${environment}`;
}

const ms = (date: Date | null | undefined): number | null =>
  date ? date.getTime() : null;
const date = (value: Ms): Date | null =>
  value === null ? null : new Date(Number(value));
const json = <T>(value: string | null): T | null =>
  value === null ? null : (JSON.parse(value) as T);

export function newDeployRow(id: string, deploy: NewDeploy): DeployRow {
  const created = deploy.createdAt.getTime();
  const active = isActiveDeployStatus(deploy.status);
  return {
    id,
    entity_ref: deploy.entityRef,
    environment: deploy.environment,
    kind: deploy.kind,
    version: deploy.version,
    previous_version: deploy.previousVersion,
    commit_sha: deploy.commitSha,
    commit_ms: ms(deploy.commitAt),
    strategy: deploy.strategy,
    steps: JSON.stringify(deploy.steps),
    provider: deploy.provider,
    target: deploy.target,
    status: deploy.status,
    phase: active ? 'deploy' : 'done',
    step_index: null,
    weight: null,
    colour: null,
    analysis_interval: 0,
    created_by: deploy.createdBy,
    reason: deploy.reason,
    rollback_of: deploy.rollbackOf,
    gates: JSON.stringify(deploy.gates),
    last_verdict: null,
    outcome: deploy.outcome ?? null,
    impact: null,
    idempotency_key: deploy.idempotencyKey,
    active_key: active ? activeKey(deploy.entityRef, deploy.environment) : null,
    created_ms: created,
    started_ms: ms(deploy.startedAt),
    finished_ms: ms(deploy.finishedAt),
    updated_ms: created,
    phase_started_ms: null,
    phase_deadline_ms: null,
    next_run_ms: active ? created : null,
    lease_owner: null,
    lease_expires_ms: null,
    attempt: 0,
    abort_requested_ms: null,
    abort_requested_by: null,
    abort_reason: null,
  };
}

/** The columns a {@link DeployUpdate} changes (a final status also frees the active key and lease). */
export function updateColumns(change: DeployUpdate): Partial<DeployRow> {
  const cols: Partial<DeployRow> = {};
  const set = <K extends keyof DeployRow>(key: K, value: DeployRow[K]) => {
    cols[key] = value;
  };
  if (change.status !== undefined) set('status', change.status);
  if (change.phase !== undefined) set('phase', change.phase);
  if (change.stepIndex !== undefined) set('step_index', change.stepIndex);
  if (change.weight !== undefined) set('weight', change.weight);
  if (change.colour !== undefined) set('colour', change.colour);
  if (change.analysisInterval !== undefined)
    set('analysis_interval', change.analysisInterval);
  if (change.gates !== undefined) set('gates', JSON.stringify(change.gates));
  if (change.lastVerdict !== undefined)
    set(
      'last_verdict',
      change.lastVerdict === null ? null : JSON.stringify(change.lastVerdict),
    );
  if (change.outcome !== undefined) set('outcome', change.outcome);
  if (change.impact !== undefined)
    set(
      'impact',
      change.impact === null ? null : JSON.stringify(change.impact),
    );
  if (change.startedAt !== undefined) set('started_ms', ms(change.startedAt));
  if (change.finishedAt !== undefined)
    set('finished_ms', ms(change.finishedAt));
  if (change.phaseStartedAt !== undefined)
    set('phase_started_ms', ms(change.phaseStartedAt));
  if (change.phaseDeadline !== undefined)
    set('phase_deadline_ms', ms(change.phaseDeadline));
  if (change.nextRunAt !== undefined) set('next_run_ms', ms(change.nextRunAt));
  if (change.status !== undefined && !isActiveDeployStatus(change.status)) {
    set('active_key', null);
    set('next_run_ms', null);
    set('lease_owner', null);
    set('lease_expires_ms', null);
  }
  return cols;
}

export function toDeployRecord(row: DeployRow): DeployRecord {
  return {
    id: row.id,
    entityRef: row.entity_ref,
    environment: row.environment,
    kind: row.kind as DeployKind,
    version: row.version,
    previousVersion: row.previous_version,
    commitSha: row.commit_sha,
    commitAt: msToIso(row.commit_ms),
    strategy: row.strategy as DeployStrategy,
    steps: JSON.parse(row.steps) as number[],
    provider: row.provider,
    status: row.status as DeployStatus,
    phase: row.phase as DeployPhase,
    stepIndex: row.step_index === null ? null : Number(row.step_index),
    weight: row.weight === null ? null : Number(row.weight),
    colour: row.colour as DeployColour | null,
    createdBy: row.created_by,
    reason: row.reason,
    rollbackOf: row.rollback_of,
    gates: JSON.parse(row.gates) as DeployGateResult[],
    lastVerdict: json<CanaryAnalysisVerdict>(row.last_verdict),
    outcome: row.outcome,
    impact: json<DeployPerformanceImpact>(row.impact),
    createdAt: msToIso(row.created_ms)!,
    startedAt: msToIso(row.started_ms),
    finishedAt: msToIso(row.finished_ms),
    target: row.target,
    idempotencyKey: row.idempotency_key,
    analysisInterval: Number(row.analysis_interval),
    phaseStartedAt: date(row.phase_started_ms),
    phaseDeadline: date(row.phase_deadline_ms),
    nextRunAt: date(row.next_run_ms),
    leaseOwner: row.lease_owner,
    leaseExpiresAt: date(row.lease_expires_ms),
    attempt: Number(row.attempt),
    abortRequestedAt: date(row.abort_requested_ms),
    abortRequestedBy: row.abort_requested_by,
    abortReason: row.abort_reason,
  };
}

export function toDeployEvent(row: DeployEventRow): DeployEvent {
  return {
    id: Number(row.id),
    deployId: row.deploy_id,
    at: msToIso(row.at_ms)!,
    type: row.type as DeployEventType,
    message: row.message,
    data: json<Record<string, unknown>>(row.data),
  };
}

export function toDeployIncident(row: DeployIncidentRow): DeployIncident {
  return {
    id: row.id,
    entityRef: row.entity_ref,
    environment: row.environment,
    title: row.title,
    deployId: row.deploy_id,
    startedAt: msToIso(row.started_ms)!,
    resolvedAt: msToIso(row.resolved_ms),
    reportedBy: row.reported_by,
  };
}
