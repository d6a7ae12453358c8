import { z } from 'zod';
import { Recommendation } from './api';
import type { DeployDrift, EntityEnvironment } from './environments';
import { findControlCharacter, reasonSchema } from './text';

/**
 * The deploys area: deploys and rollbacks as persisted state machines, their safety gates, the
 * canary analysis verdicts, pushed deploys and incidents, and the DORA figures computed from
 * them. Shared by the backend, the card and the scaffolder actions.
 */

/** How a version is put out. @public */
export const DEPLOY_STRATEGIES = ['rolling', 'blue-green', 'canary'] as const;
/** @public */
export type DeployStrategy = (typeof DEPLOY_STRATEGIES)[number];

/**
 * What started a deploy: a deploy from the portal or the API, a promotion of the version the
 * previous environment of the chain runs, a rollback, or a deploy made outside the portal and
 * pushed through the API (history and DORA only; the engine never runs it).
 * @public
 */
export const DEPLOY_KINDS = [
  'deploy',
  'promote',
  'rollback',
  'pushed',
] as const;
/** @public */
export type DeployKind = (typeof DEPLOY_KINDS)[number];

/**
 * Where a deploy stands. `queued`, `running`, `paused` and `rolling-back` are active (at most one
 * active deploy per entity and environment); the others are final.
 * - `paused`: a canary analysis was inconclusive and the engine waits for more data before the
 *   next verdict (it resumes by itself; Abort rolls back).
 * - `rolled-back`: the new version was taken out again, by the analysis, a failed phase, an
 *   Abort, or a restart that could not resume.
 * @public
 */
export const DEPLOY_STATUSES = [
  'queued',
  'running',
  'paused',
  'rolling-back',
  'succeeded',
  'failed',
  'aborted',
  'rolled-back',
] as const;
/** @public */
export type DeployStatus = (typeof DEPLOY_STATUSES)[number];

/** The statuses of a deploy still in flight. @public */
export const ACTIVE_DEPLOY_STATUSES: readonly DeployStatus[] = [
  'queued',
  'running',
  'paused',
  'rolling-back',
];

/** True while the deploy is in flight. @public */
export function isActiveDeployStatus(status: DeployStatus): boolean {
  return ACTIVE_DEPLOY_STATUSES.includes(status);
}

/**
 * The phase a deploy is in (what the engine does now):
 * - `gates`: evaluating the safety gates again just before starting;
 * - `deploy`: the provider puts the version out (rolling: replaces; blue-green: onto the idle
 *   colour; canary: starts the canary beside the baseline at weight 0);
 * - `health`: waiting for the provider to report the new version healthy;
 * - `step`: canary only, the provider sets the traffic weight of the current step;
 * - `analysis`: comparing the new version against the baseline (canary steps, blue-green before
 *   the switch, rolling after the replacement);
 * - `switch`: blue-green only, traffic moves to the new colour;
 * - `promote`: the new version becomes the stable one (canary: the baseline is replaced);
 * - `rollback`: traffic goes back to the previous version and the new one is removed;
 * - `done`: nothing left to do.
 * @public
 */
export const DEPLOY_PHASES = [
  'gates',
  'deploy',
  'health',
  'step',
  'analysis',
  'switch',
  'promote',
  'rollback',
  'done',
] as const;
/** @public */
export type DeployPhase = (typeof DEPLOY_PHASES)[number];

/** The two colours of a blue-green environment. @public */
export type DeployColour = 'blue' | 'green';

/**
 * The safety gates, evaluated as a dry run before the user confirms and again when the deploy
 * starts; their results are stored with the deploy.
 * - `promotion-chain`: the version succeeded in the previous environment of the chain (a rollback
 *   may skip it);
 * - `coverage`: the coverage area's quality gate passes on the deployed commit's branch;
 * - `freeze-window`: no configured freeze window is open;
 * - `security-findings`: no critical finding open past its SLA;
 * - `security-threats`: no open critical runtime threat;
 * - `compliance`: every compliance framework of the entity scores at or above the minimum.
 * @public
 */
export const DEPLOY_GATES = [
  'promotion-chain',
  'coverage',
  'freeze-window',
  'security-findings',
  'security-threats',
  'compliance',
] as const;
/** @public */
export type DeployGateId = (typeof DEPLOY_GATES)[number];

/**
 * The gates' names as people read them: the Deploys card, the scaffolder fields and the
 * actions' `gates` output (`title`) use the same words.
 * @public
 */
export const DEPLOY_GATE_TITLES: Record<DeployGateId, string> = {
  'promotion-chain': 'Promotion chain',
  coverage: 'Coverage gate',
  'freeze-window': 'Freeze window',
  'security-findings': 'Critical findings past SLA',
  'security-threats': 'Open critical threats',
  compliance: 'Compliance score',
};

/**
 * - `passed` / `failed`: evaluated;
 * - `not-evaluated`: the gate could not judge (its area is not enabled for the entity, or has no
 *   data yet); it does not block;
 * - `skipped`: switched off for this environment, or a rollback skipping the promotion chain;
 * - `overridden`: failed, and a user with the override permission gave a reason.
 * @public
 */
export type DeployGateStatus =
  | 'passed'
  | 'failed'
  | 'not-evaluated'
  | 'skipped'
  | 'overridden';

/** One gate's result. @public */
export interface DeployGateResult {
  gate: DeployGateId;
  status: DeployGateStatus;
  /** Says why, in a sentence a user can act on: "staging has not run 1.4.2 successfully". */
  message: string;
  /** What the gate looked at (versions, scores, counts, the open freeze window). */
  evidence?: Record<string, string | number | boolean | null>;
  /** Set when overridden. */
  override?: { by: string; reason: string; at: string; expiresAt?: string };
}

/** A metric the canary analysis judges. @public */
export type CanaryMetric = 'error-rate' | 'latency-p95';

/**
 * One side (canary or baseline) of a metric's verdict.
 * @public
 */
export interface CanarySideSummary {
  /** Samples judged on this side. */
  samples: number;
  /** The median of the samples' values (per-sample error rate in per cent, or P95 in ms). */
  median: number | null;
  /**
   * The error rate's pooled counts over the samples, which its test compares (error-rate
   * verdicts with request rates; absent otherwise and on verdicts stored before they existed).
   */
  errors?: number;
  requests?: number;
}

/**
 * One metric's judgement in an analysis interval: canary against baseline (Fisher's exact test
 * on pooled counts for the error rate, a two-sided Mann-Whitney U test for P95), an effect-size
 * band and fixed guard rails.
 * @public
 */
export interface CanaryMetricVerdict {
  metric: CanaryMetric;
  /** `pass`: no meaningful regression; `fail`: a regression beyond the band or a guard rail; `inconclusive`: too little data. */
  verdict: 'pass' | 'fail' | 'inconclusive';
  canary: CanarySideSummary;
  baseline: CanarySideSummary;
  /**
   * Two-sided p-value, `null` without enough samples: Mann-Whitney U for P95; for the error
   * rate, Fisher's exact test on the pooled error and request counts (analyses since the
   * cumulative evidence; Mann-Whitney on per-sample rates before).
   */
  pValue: number | null;
  /**
   * The estimated shift of canary over baseline, in the metric's unit: Hodges-Lehmann for P95;
   * for the error rate, the difference of the pooled rates in points.
   */
  effect: number | null;
  /** Why, in a sentence: "error rate 4.1 % against 0.3 %: p = 0.002, beyond the +1 point band". */
  reason: string;
}

/**
 * An analysis verdict: `promote` moves to the next step (or finishes), `continue` waits for
 * another interval (the deploy is `paused`), `rollback` rolls back by itself.
 * @public
 */
export interface CanaryAnalysisVerdict {
  decision: 'promote' | 'continue' | 'rollback';
  /** The canary step (0-based) or `null` for blue-green and rolling analyses. */
  step: number | null;
  /** 1-based interval count within the step. */
  interval: number;
  at: string;
  metrics: CanaryMetricVerdict[];
  reason: string;
  /**
   * The samples this verdict judged (canary and blue-green analyses with metrics locations):
   * every sample since the analysis of the deploy began, the newest ones up to a cap per side.
   * The next interval judges these together with its own, so the evidence accumulates across
   * intervals and canary steps (and survives a restart with the deploy's `lastVerdict`).
   * Optional (additive): absent on rolling analyses and on verdicts stored before it existed.
   */
  samples?: {
    canary: CanarySampleTuple[];
    baseline: CanarySampleTuple[];
  };
}

/**
 * One analysis sample in compact form: `[at, errorRatePercent, p95Ms, rps]`, `at` in epoch
 * milliseconds, the others `null` when the sample had no value (no requests in its span).
 * @public
 */
export type CanarySampleTuple = [
  at: number,
  errorRatePercent: number | null,
  p95Ms: number | null,
  rps: number | null,
];

/**
 * A deploy's performance impact: the entity's metrics in the window before the deploy against
 * the window after it (same length), from the performance area. `null` values: no data.
 * @public
 */
export interface DeployPerformanceImpact {
  windowMinutes: number;
  before: {
    errorRatePercent: number | null;
    p95Ms: number | null;
    rps: number | null;
  };
  after: {
    errorRatePercent: number | null;
    p95Ms: number | null;
    rps: number | null;
  };
  /** after - before, in percentage points for the error rate and per cent for P95. */
  errorRateDeltaPoints: number | null;
  p95ChangePercent: number | null;
}

/** A deploy as the API answers it. @public */
export interface Deploy {
  id: string;
  entityRef: string;
  environment: string;
  kind: DeployKind;
  version: string;
  /** What the environment ran before (the rollback target); `null` for a first deploy. */
  previousVersion: string | null;
  commitSha: string | null;
  /** When the commit was made (lead time for changes), when known. */
  commitAt: string | null;
  strategy: DeployStrategy;
  /** Canary traffic weights in per cent, for example `[10, 25, 50, 100]`; empty for other strategies. */
  steps: number[];
  /** The provider that runs it (`command`, or a module's id); `pushed` deploys carry the reporter's name. */
  provider: string;
  status: DeployStatus;
  phase: DeployPhase;
  /** Canary: index into `steps` of the current step; `null` otherwise. */
  stepIndex: number | null;
  /** Canary: traffic weight on the new version now, per cent. */
  weight: number | null;
  /** Blue-green: the colour serving traffic now. */
  colour: DeployColour | null;
  /** The user or service that started it. */
  createdBy: string;
  /** Rollbacks and overrides: why. */
  reason: string | null;
  /** A rollback: the deploy it rolls back. */
  rollbackOf: string | null;
  gates: DeployGateResult[];
  /** The newest analysis verdict. */
  lastVerdict: CanaryAnalysisVerdict | null;
  /** Final deploys: why it ended the way it did ("canary analysis: error rate regression"). */
  outcome: string | null;
  impact: DeployPerformanceImpact | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/**
 * What happened in a deploy, in order: phases, canary steps, analysis verdicts, gate results,
 * provider output, resumes after a restart, aborts.
 * @public
 */
export type DeployEventType =
  | 'status'
  | 'phase'
  | 'step'
  | 'analysis'
  | 'gate'
  | 'log'
  | 'resume'
  | 'abort'
  | 'error';

/** @public */
export interface DeployEvent {
  id: number;
  deployId: string;
  at: string;
  type: DeployEventType;
  message: string;
  data: Record<string, unknown> | null;
}

/** A deploy with its events, for `GET /deploys/:id`. @public */
export interface DeployDetail extends Deploy {
  events: DeployEvent[];
}

/** An environment of the entity as the card shows it. @public */
export interface DeployEnvironmentState {
  name: string;
  /** The strategy a new deploy would use. */
  strategy: DeployStrategy;
  steps: number[];
  /** The version the last successful deploy (portal or pushed) left running; `null` if none. */
  running: { version: string; deployId: string; at: string } | null;
  /** The in-flight deploy, if any. */
  active: Deploy | null;
  /** The environment before this one in the promotion chain, if any. */
  previousInChain: string | null;
  /**
   * A per-entity environment (a preview created through the API or a template): its base,
   * target, time to live and teardown. `null` for a configured environment.
   */
  entityEnvironment: EntityEnvironment | null;
  /** The drift sweep's open finding for the environment, if what runs is not what was deployed. */
  drift: DeployDrift | null;
}

/** DORA performance tiers. @public */
export type DoraTier = 'elite' | 'high' | 'medium' | 'low';

/** One DORA metric over a window, with the tier and the previous window's value for the trend. @public */
export interface DoraMetric {
  /** deploys per day; hours (lead time, time to restore); per cent (change failure rate). `null`: no data. */
  value: number | null;
  /** The same metric over the window before, for the trend; `null`: no data. */
  previous: number | null;
  tier: DoraTier | null;
}

/** DORA figures for an entity and environment over a window. @public */
export interface DoraSummary {
  environment: string;
  windowDays: 30 | 90;
  /** Successful deploys in the window: what the deployment frequency counts. */
  deployments: number;
  /**
   * Deploys that reached the environment in the window (aborted ones and rollbacks left out):
   * the change failure rate's denominator.
   */
  changes: number;
  /**
   * Of `changes`, those that failed, were rolled back or are tied to an incident: the change
   * failure rate's numerator.
   */
  failedChanges: number;
  deploymentFrequency: DoraMetric;
  leadTimeHours: DoraMetric;
  changeFailureRatePercent: DoraMetric;
  timeToRestoreHours: DoraMetric;
}

/** `GET /api/devops/entities/:kind/:namespace/:name/deploys`: the card's data. @public */
export interface DeploysSummary {
  entityRef: string;
  environments: DeployEnvironmentState[];
  /** Newest first. */
  history: Deploy[];
  /** Per environment, 30 and 90 days. */
  dora: DoraSummary[];
  recommendations: Recommendation[];
}

/** A deploy marker for the performance charts. @public */
export interface DeployMarker {
  deployId: string;
  environment: string;
  version: string;
  kind: DeployKind;
  status: DeployStatus;
  at: string;
}

const oneLine = (field: string, max: number) =>
  z
    .string()
    .trim()
    .min(1, `${field} must not be empty`)
    .max(max, `${field} must be at most ${max} characters`)
    .refine(
      s => !findControlCharacter(s),
      `${field} must not contain control characters`,
    );

/**
 * A version: 1-128 letters, digits, dots, dashes, underscores, plus signs or colons, starting
 * with a letter or digit (semantic versions, image tags, commit hashes). Never a path or a shell
 * word.
 * @public
 */
export const deployVersionSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._+:-]{0,127}$/,
    'version must be 1-128 letters, digits, dots, dashes, underscores, plus signs or colons, starting with a letter or digit',
  );

/** An environment name, as the config and the annotations spell it. @public */
export const deployEnvironmentSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/,
    'environment must be 1-63 letters, digits, dots, dashes or underscores',
  );

const commitShaSchema = z
  .string()
  .regex(/^[0-9a-fA-F]{7,64}$/, 'commitSha must be 7-64 hexadecimal digits');

const isoTimeSchema = (field: string) =>
  z.string().datetime({
    offset: true,
    message: `${field} must be an ISO 8601 time with a time zone`,
  });

/** A gate override in a deploy request: needs `devops.deploy.gate.override` on the entity. @public */
export const deployGateOverrideSchema = z.object({
  gate: z.enum(DEPLOY_GATES),
  reason: reasonSchema,
  /** An override prepared ahead (a change ticket's window): refused once this time has passed. */
  expiresAt: isoTimeSchema('expiresAt').optional(),
});
/** @public */
export type DeployGateOverride = z.infer<typeof deployGateOverrideSchema>;

/**
 * Body of `POST .../deploys` (start) and `POST .../deploys/dry-run` (gates only, nothing started).
 * The strategy, when given, must be one the environment allows; the target and the provider
 * always come from the config and the catalog, never from the request.
 * @public
 */
export const deployRequestSchema = z.object({
  environment: deployEnvironmentSchema,
  version: deployVersionSchema,
  commitSha: commitShaSchema.optional(),
  commitAt: isoTimeSchema('commitAt').optional(),
  strategy: z.enum(DEPLOY_STRATEGIES).optional(),
  overrides: z.array(deployGateOverrideSchema).max(10).optional(),
  /** A retried request with the same key answers the same deploy (also read from the `Idempotency-Key` header). */
  idempotencyKey: oneLine('idempotencyKey', 200).optional(),
});
/** @public */
export type DeployRequest = z.infer<typeof deployRequestSchema>;

/**
 * Body of `POST .../deploys/promote`: deploy to `environment` the version its previous
 * environment of the chain runs (or `version`, which must have succeeded there).
 * @public
 */
export const promoteRequestSchema = deployRequestSchema
  .omit({ version: true })
  .extend({ version: deployVersionSchema.optional() });
/** @public */
export type PromoteRequest = z.infer<typeof promoteRequestSchema>;

/**
 * Body of `POST .../deploys/rollback`: back to `version` (one that succeeded in the environment
 * before) or, without it, to the previous good version.
 * @public
 */
export const rollbackRequestSchema = z.object({
  environment: deployEnvironmentSchema,
  version: deployVersionSchema.optional(),
  reason: reasonSchema,
  overrides: z.array(deployGateOverrideSchema).max(10).optional(),
  idempotencyKey: oneLine('idempotencyKey', 200).optional(),
});
/** @public */
export type RollbackRequest = z.infer<typeof rollbackRequestSchema>;

/** Body of `POST /api/devops/deploys/:id/abort`. @public */
export const abortRequestSchema = z.object({
  reason: reasonSchema.optional(),
});

/**
 * Body of `POST .../deploys/pushed`: a deploy made outside the portal ("deployed version X to
 * production at T, commit C, outcome"), for history and DORA.
 * @public
 */
export const pushedDeploySchema = z.object({
  environment: deployEnvironmentSchema,
  version: deployVersionSchema,
  commitSha: commitShaSchema.optional(),
  commitAt: isoTimeSchema('commitAt').optional(),
  deployedAt: isoTimeSchema('deployedAt'),
  finishedAt: isoTimeSchema('finishedAt').optional(),
  outcome: z.enum(['succeeded', 'failed', 'rolled-back']),
  strategy: z.enum(DEPLOY_STRATEGIES).optional(),
  /** Who or what deployed it: a CI system's name. */
  source: oneLine('source', 100).optional(),
  idempotencyKey: oneLine('idempotencyKey', 200).optional(),
});
/** @public */
export type PushedDeploy = z.infer<typeof pushedDeploySchema>;

/**
 * Body of `POST .../deploys/incidents`: an incident in an environment (change failure rate,
 * time to restore). `deployId` ties it to the deploy that caused it; otherwise the last deploy
 * before `startedAt` in the environment is counted as failed.
 * @public
 */
export const incidentSchema = z.object({
  environment: deployEnvironmentSchema,
  title: oneLine('title', 300),
  startedAt: isoTimeSchema('startedAt'),
  resolvedAt: isoTimeSchema('resolvedAt').optional(),
  deployId: z.string().uuid('deployId must be a deploy id').optional(),
  idempotencyKey: oneLine('idempotencyKey', 200).optional(),
});
/** @public */
export type IncidentReport = z.infer<typeof incidentSchema>;

/** An incident as the API answers it. @public */
export interface DeployIncident {
  id: string;
  entityRef: string;
  environment: string;
  title: string;
  deployId: string | null;
  startedAt: string;
  resolvedAt: string | null;
  reportedBy: string;
}

/**
 * `POST .../deploys/dry-run` and the answer a start would give before starting: the gates, the
 * strategy and steps, what the environment runs now, and whether a deploy may start (every gate
 * passed, not evaluated, skipped or overridden).
 * @public
 */
export interface DeployDryRun {
  entityRef: string;
  environment: string;
  kind: DeployKind;
  version: string;
  previousVersion: string | null;
  strategy: DeployStrategy;
  steps: number[];
  provider: string;
  gates: DeployGateResult[];
  allowed: boolean;
  /** An active deploy in the environment would make a start answer 409. */
  activeDeployId: string | null;
}

/** The signals channel carrying deploy changes of one entity: `devops:deploys:<entityRef>`. @public */
export function deploySignalChannel(entityRef: string): string {
  return `devops:deploys:${entityRef}`;
}

/** A message on {@link deploySignalChannel}: the client re-reads the deploy with its own credentials. @public */
export interface DeploySignal {
  deployId: string;
  environment: string;
  status: DeployStatus;
  phase: DeployPhase;
}
