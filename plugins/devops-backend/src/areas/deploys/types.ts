import { Entity } from '@backstage/catalog-model';
import { HumanDuration } from '@backstage/types';
import {
  CanaryAnalysisVerdict,
  Deploy,
  DeployColour,
  DeployEvent,
  DeployEventType,
  DeployGateId,
  DeployGateOverride,
  DeployGateResult,
  DeployIncident,
  DeployKind,
  DeployMarker,
  DeployPerformanceImpact,
  DeployPhase,
  DeployStatus,
  DeployStrategy,
  DeployDrift,
  DoraSummary,
  EntityEnvironment,
  EnvironmentTeardown,
  PerformanceValues,
} from '@devops-growth/backstage-plugin-devops-common';
import {
  CanaryMetricsLocation,
  DeployProvider,
} from '@devops-growth/backstage-plugin-devops-node';

/**
 * The contracts between the parts of the deploys area: settings, the store (the persisted state
 * machine), the engine that runs deploys, the safety gates, the canary analysis, DORA, and the
 * reads it makes from the other areas (through their services, never their tables).
 */

// ---------------------------------------------------------------------------------------------
// Settings (`devops.deploys.*`, read by settings.ts)

/** A freeze window: a fixed period, or a weekly one in a time zone. */
export type FreezeWindow =
  | { name: string; start: Date; end: Date }
  | {
      name: string;
      /** ISO weekdays 1 (Monday) .. 7 (Sunday) on which the window opens. */
      days: number[];
      /** `HH:MM`; a window whose `to` is before its `from` runs past midnight. */
      from: string;
      to: string;
      /** IANA time zone, default `UTC`. */
      timeZone: string;
    };

/** The gates of one environment. */
export interface EnvironmentGateSettings {
  /** The version must have succeeded in the previous environment of the chain (default true). */
  promotionChain: boolean;
  /** The coverage area's gate must pass (default true; not evaluated without the coverage area). */
  coverage: boolean;
  /** No critical finding past SLA, no open critical threat (default true; not evaluated without the security area). */
  security: boolean;
  /** Every compliance framework of the entity at or above this score in per cent; `null`: skipped. */
  complianceMinimum: number | null;
  freezeWindows: FreezeWindow[];
}

/** How the canary analysis runs in an environment. */
export interface CanaryAnalysisSettings {
  /** How often canary and baseline metrics are sampled within an interval. */
  sampleEveryMs: number;
  /** One analysis interval: its samples give one verdict. */
  intervalMs: number;
  /** Wait after a weight change before sampling. */
  stepPauseMs: number;
  /** Inconclusive intervals in a row after which the step counts as failed. */
  maxInconclusiveIntervals: number;
  /** Minimum samples per side for a verdict; fewer is inconclusive. */
  minSamples: number;
  /** Two-sided significance level of the Mann-Whitney U test. */
  alpha: number;
  /** A canary error rate this many percentage points over the baseline is a regression (effect band). */
  errorRateBandPoints: number;
  /** A canary P95 this many per cent over the baseline is a regression (effect band). */
  latencyBandPercent: number;
  /** Guard rails, judged alone: a canary error rate above this (per cent) or P95 above this (ms) fails. */
  maxErrorRatePercent: number;
  maxP95Ms: number | null;
}

/** One configured environment. */
export interface DeployEnvironmentSettings {
  name: string;
  /** The deploy provider's id (default `command`). */
  provider: string;
  strategy: DeployStrategy;
  /** Canary weights in per cent, ascending, ending at 100. */
  canarySteps: number[];
  analysis: CanaryAnalysisSettings;
  /** A phase running longer than this fails (and the deploy rolls back). */
  phaseTimeoutMs: number;
  /** How long to wait for the provider to report the new version healthy. */
  healthTimeoutMs: number;
  gates: EnvironmentGateSettings;
  /**
   * Set for a per-entity environment (a preview): the configured environment it is based on
   * (whose provider block the provider gets), its own target, and its stored row.
   */
  entityEnvironment?: EntityEnvironment;
}

/** `devops.deploys.previews.*`: what per-entity environments may be and how they are torn down. */
export interface PreviewSettings {
  /** The configured environments a per-entity environment may be based on (default: the first of the chain). */
  basedOn: string[];
  /** The base when a request names none (default: the first of `basedOn`). */
  defaultBasedOn: string;
  /** The longest time to live a request may ask for (default 30 days). */
  maxTimeToLiveMs: number;
  /** Per-entity environments an entity may have at once, torn-down ones not counted (default 10). */
  maxPerEntity: number;
  /** How often the teardown task looks for expired and deleted environments (default 1 minute). */
  teardownFrequencyMs: number;
  /** Wait after the first failed teardown; doubled after each further failure (default 1 minute). */
  teardownRetryMs: number;
  /** The longest wait between teardown attempts (default 1 hour). Attempts never stop. */
  teardownMaxRetryMs: number;
}

/** `devops.deploys.drift.*`: the drift sweep. */
export interface DriftSettings {
  /** Default true. */
  enabled: boolean;
  /** How often the sweep runs (default 10 minutes). */
  frequencyMs: number;
}

/** `devops.deploys.*`. */
export interface DeploySettings {
  /** Environment names in promotion order (default development, staging, production). */
  promotionChain: string[];
  environments: DeployEnvironmentSettings[];
  engine: {
    /** How often each replica looks for due deploys. */
    pollIntervalMs: number;
    /** A replica's claim on a deploy lasts this long unless renewed (renewed at a third of it). */
    leaseMs: number;
    /** Provider output lines kept per deploy. */
    maxLogLines: number;
  };
  /** The window before and after a deploy compared for its performance impact. */
  impactWindowMs: number;
  previews: PreviewSettings;
  drift: DriftSettings;
}

/** Config durations accepted wherever a `*Ms` setting is read. */
export type DurationInput = HumanDuration | string | number;

// ---------------------------------------------------------------------------------------------
// Store: the deploy rows are the engine's state machine

/** A deploy as stored, with the engine's bookkeeping. */
export interface DeployRecord extends Deploy {
  target: string;
  idempotencyKey: string | null;
  analysisInterval: number;
  phaseStartedAt: Date | null;
  phaseDeadline: Date | null;
  nextRunAt: Date | null;
  leaseOwner: string | null;
  leaseExpiresAt: Date | null;
  attempt: number;
  abortRequestedAt: Date | null;
  abortRequestedBy: string | null;
  abortReason: string | null;
}

/** A new deploy to store (the engine picks it up when `status` is `queued`). */
export interface NewDeploy {
  entityRef: string;
  environment: string;
  kind: DeployKind;
  version: string;
  previousVersion: string | null;
  commitSha: string | null;
  commitAt: Date | null;
  strategy: DeployStrategy;
  steps: number[];
  provider: string;
  target: string;
  createdBy: string;
  reason: string | null;
  rollbackOf: string | null;
  gates: DeployGateResult[];
  idempotencyKey: string | null;
  /** `queued` for the engine; a final status for pushed deploys. */
  status: DeployStatus;
  createdAt: Date;
  /** Pushed deploys: when it started and finished outside. */
  startedAt?: Date | null;
  finishedAt?: Date | null;
  outcome?: string | null;
}

/** The outcome of {@link DeployStore.create}. */
export type CreateDeployResult =
  | { created: true; deploy: DeployRecord }
  /** The same idempotency key was used before: that deploy, unchanged. */
  | { created: false; reason: 'idempotent'; deploy: DeployRecord }
  /** Another deploy is active in the entity's environment. */
  | { created: false; reason: 'active'; deploy: DeployRecord };

/** A change to a deploy the engine makes, guarded by its lease. */
export interface DeployUpdate {
  status?: DeployStatus;
  phase?: DeployPhase;
  stepIndex?: number | null;
  weight?: number | null;
  colour?: DeployColour | null;
  analysisInterval?: number;
  gates?: DeployGateResult[];
  lastVerdict?: CanaryAnalysisVerdict | null;
  outcome?: string | null;
  impact?: DeployPerformanceImpact | null;
  startedAt?: Date | null;
  finishedAt?: Date | null;
  phaseStartedAt?: Date | null;
  phaseDeadline?: Date | null;
  nextRunAt?: Date | null;
}

/** An event to append. */
export interface NewDeployEvent {
  type: DeployEventType;
  message: string;
  data?: Record<string, unknown> | null;
  at?: Date;
}

/**
 * The deploys, their events and incidents. One active deploy per entity and environment is
 * enforced by the database (a unique index), so it holds across replicas; the lease columns let
 * exactly one replica work on a deploy at a time.
 */
export interface DeployStore {
  /**
   * Stores a deploy in one transaction. A key already used for the entity answers that deploy;
   * an active deploy in the environment answers that one (the route turns it into a 409).
   */
  create(deploy: NewDeploy): Promise<CreateDeployResult>;
  /**
   * What an idempotency key of the entity created before: its deploy, or with `'incident'` its
   * incident; `undefined` when the key is unused. Read before a retry is planned again.
   */
  findByIdempotencyKey(
    entityRef: string,
    idempotencyKey: string,
  ): Promise<DeployRecord | undefined>;
  findByIdempotencyKey(
    entityRef: string,
    idempotencyKey: string,
    what: 'incident',
  ): Promise<DeployIncident | undefined>;
  get(id: string): Promise<DeployRecord | undefined>;
  /** Events in order; `afterId` for the next page. */
  events(
    deployId: string,
    options?: { afterId?: number; limit?: number },
  ): Promise<DeployEvent[]>;
  /** Newest first. */
  list(query: {
    entityRef: string;
    environment?: string;
    kinds?: DeployKind[];
    statuses?: DeployStatus[];
    since?: Date;
    limit: number;
    offset?: number;
  }): Promise<{ items: DeployRecord[]; total: number }>;
  /** The active deploys of the entity, by environment. */
  active(entityRef: string): Promise<DeployRecord[]>;
  /** Per environment, the newest `succeeded` deploy of the entity (what runs there). */
  lastSucceeded(entityRef: string): Promise<Map<string, DeployRecord>>;
  /** The versions that succeeded in the environment, newest first, without repeats. */
  succeededVersions(
    entityRef: string,
    environment: string,
    limit: number,
  ): Promise<Array<{ version: string; deployId: string; at: Date }>>;
  /** Deploys in `[from, to)` of these entities, for the performance charts' markers. */
  markers(entityRef: string, from: Date, to: Date): Promise<DeployMarker[]>;

  /**
   * Claims up to `limit` due deploys for `owner`: active ones whose `next_run_ms` has come and
   * whose lease is free or expired. Atomic per deploy (a conditional update), so two replicas
   * never hold the same deploy; each claim increments `attempt` and sets the lease.
   */
  claimDue(
    owner: string,
    now: Date,
    leaseMs: number,
    limit: number,
  ): Promise<DeployRecord[]>;
  /** Extends the lease; false when the owner lost it (then it must stop working on the deploy). */
  renewLease(
    id: string,
    owner: string,
    now: Date,
    leaseMs: number,
  ): Promise<boolean>;
  /** Frees the lease (the deploy stays where it is, due at `nextRunAt`). */
  releaseLease(id: string, owner: string): Promise<void>;
  /**
   * Applies a change and appends its events in one transaction, only while `owner` holds the
   * lease; false when it does not. A final status clears `active_key`, `next_run_ms` and the lease.
   */
  update(
    id: string,
    owner: string,
    change: DeployUpdate,
    events?: NewDeployEvent[],
  ): Promise<boolean>;
  /** Appends events without a lease (provider output, route-side events). */
  appendEvents(deployId: string, events: NewDeployEvent[]): Promise<void>;
  /** Records an abort request (any replica sees it at its next lease renewal); false when the deploy is final. */
  requestAbort(
    id: string,
    by: string,
    reason: string | null,
    now: Date,
  ): Promise<boolean>;
  /** The abort request of a deploy, if any. */
  abortRequest(
    id: string,
  ): Promise<{ at: Date; by: string; reason: string | null } | undefined>;

  /** How many events of `type` the deploy has (the engine's bound on provider output). */
  countEvents(deployId: string, type: DeployEventType): Promise<number>;
  /**
   * Final `succeeded` and `rolled-back` deploys that finished in `[after, before)` and have no
   * performance impact yet, oldest first (the impact task fills them once the window after them
   * has passed).
   */
  finishedWithoutImpact(query: {
    before: Date;
    after: Date;
    limit: number;
  }): Promise<DeployRecord[]>;
  /** Stores the performance impact of a final deploy (no lease: the engine is done with it). */
  setImpact(id: string, impact: DeployPerformanceImpact): Promise<void>;

  recordIncident(incident: {
    entityRef: string;
    environment: string;
    title: string;
    deployId: string | null;
    startedAt: Date;
    resolvedAt: Date | null;
    reportedBy: string;
    idempotencyKey: string | null;
    createdAt: Date;
  }): Promise<{ incident: DeployIncident; created: boolean }>;
  incidents(query: {
    entityRef: string;
    environment?: string;
    since: Date;
  }): Promise<DeployIncident[]>;
}

// ---------------------------------------------------------------------------------------------
// Providers

/** The deploy providers by id (the built-in `command` one and those of modules). */
export interface DeployProviderLookup {
  get(id: string): DeployProvider | undefined;
  ids(): string[];
}

// ---------------------------------------------------------------------------------------------
// Gates

/** What the gates judge. */
export interface GateInput {
  entity: Entity;
  entityRef: string;
  environment: DeployEnvironmentSettings;
  kind: DeployKind;
  version: string;
  commitSha: string | null;
  overrides: DeployGateOverride[];
  /** The user asking; the override permission has already been checked when overrides are given. */
  actor: string;
  now: Date;
}

/** The safety gates of the deploys area, evaluated for a dry run and at start. */
export interface DeployGates {
  /** Every gate of the environment, overrides applied; an expired override throws an `InputError`. */
  evaluate(input: GateInput): Promise<DeployGateResult[]>;
}

/** True when the gates allow a start: none `failed`. */
export function gatesAllow(results: DeployGateResult[]): boolean {
  return results.every(r => r.status !== 'failed');
}

/** The security facts the gates read (implemented by `SecurityService`). */
export interface SecurityGateReader {
  deployGateFacts(
    entity: Entity,
    now: Date,
  ): Promise<{
    criticalFindingsPastSla: number;
    openCriticalThreats: number;
    /**
     * The latest security scan of the entity (any tool), `null` when none was uploaded: the
     * findings gate is then not evaluated rather than passed. Optional (additive).
     */
    lastScanAt?: Date | null;
    /**
     * How many threat detectors monitor the entity now: with none, "no open critical threat"
     * means nothing and the threats gate is not evaluated. Optional (additive).
     */
    threatDetectorsMonitoring?: number;
    /** Per framework id: score in per cent, `null` when not evaluated yet. */
    complianceScores: Array<{
      framework: string;
      title: string;
      score: number | null;
    }>;
  }>;
}

/** The coverage facts the gates read (implemented by `CoverageService`). */
export interface CoverageGateReader {
  coverageFacts(
    entities: Entity[],
  ): Promise<
    Map<
      string,
      { gate: 'passed' | 'failed' | 'unknown'; lastReportAt: Date | null }
    >
  >;
}

// ---------------------------------------------------------------------------------------------
// Canary analysis

/** One sample of a side (canary or baseline) of the analysis. */
export interface CanarySample {
  at: Date;
  /** Per cent of requests answered 5xx in the sample's span, `null` without requests. */
  errorRatePercent: number | null;
  p95Ms: number | null;
  rps: number | null;
}

/** Reads metrics for the canary analysis through the performance area's metrics providers. */
export interface CanaryMetricsReader {
  /**
   * Collects one sample of each location now, through the entity's metrics provider with the
   * location's annotations laid over the entity's. A side whose source failed is `null`.
   */
  sample(
    entity: Entity,
    locations: {
      canary: CanaryMetricsLocation;
      baseline: CanaryMetricsLocation;
    },
    now: Date,
  ): Promise<{ canary: CanarySample | null; baseline: CanarySample | null }>;
  /** The entity's stored samples of the environment in `[from, to)` (before/after comparisons). */
  window(
    entityRef: string,
    environment: string,
    from: Date,
    to: Date,
  ): Promise<Array<{ at: Date; values: Partial<PerformanceValues> }>>;
}

/**
 * Judges one analysis interval (pure): canary against baseline samples, with the settings'
 * test, band and guard rails.
 */
export type JudgeCanary = (input: {
  canary: CanarySample[];
  baseline: CanarySample[];
  settings: CanaryAnalysisSettings;
  step: number | null;
  interval: number;
  /** Inconclusive intervals so far in this step, this one excluded. */
  inconclusiveSoFar: number;
  now: Date;
  /**
   * The significance level of the error-rate guard rail's binomial test; default
   * `settings.alpha`. The runner passes the deploy's `alpha` whole while `settings.alpha` is the
   * look's share of it: the rail is an absolute limit, not a comparison paid for by the looks.
   */
  railAlpha?: number;
}) => CanaryAnalysisVerdict;

/** The analysis as the engine runs it: samples for an interval, then a verdict. */
export interface CanaryAnalysis {
  /**
   * Samples canary and baseline every `sampleEveryMs` for one `intervalMs` (stopping early when
   * `signal` aborts), then judges. Without metrics locations, compares the environment's own
   * samples after `since` against the window before it.
   */
  runInterval(input: {
    entity: Entity;
    environment: DeployEnvironmentSettings;
    locations:
      | { canary: CanaryMetricsLocation; baseline: CanaryMetricsLocation }
      | undefined;
    since: Date;
    step: number | null;
    interval: number;
    inconclusiveSoFar: number;
    /**
     * The deploy's last verdict (its `lastVerdict`), whose `samples` this interval judges
     * together with its own (cumulative evidence across intervals and steps). Optional
     * (additive): without it, the interval judges its own samples only.
     */
    previous?: CanaryAnalysisVerdict | null;
    /**
     * The deploy's own canary weights (its entity's `devops-growth.io/canary-steps` may differ
     * from the environment's): the false-rollback budget is spent over these looks. Default the
     * environment's `canarySteps`.
     */
    steps?: number[];
    signal: AbortSignal;
  }): Promise<CanaryAnalysisVerdict>;
  /** The window before the deploy against the window after it. */
  impact(
    entityRef: string,
    environment: string,
    deployedAt: Date,
    windowMs: number,
  ): Promise<DeployPerformanceImpact>;
}

// ---------------------------------------------------------------------------------------------
// Engine

/** Runs deploys: claims due ones, drives them through their phases, resumes after restarts. */
export interface DeployEngine {
  /** Starts the worker loop of this replica (stopped by the lifecycle's shutdown hook). */
  start(): void;
  /** Stops claiming; running phases get their signal aborted and leases are released. */
  stop(): Promise<void>;
  /** Looks for due deploys now (after a create or an abort), instead of at the next poll. */
  wake(): void;
}

/** Told of every change of a deploy (signals to the card, compliance re-evaluation). */
export type DeployListener = (deploy: Deploy) => void;

// ---------------------------------------------------------------------------------------------
// DORA

/** What DORA is computed from: final deploys (portal and pushed) and incidents of the window. */
export interface DoraInput {
  environment: string;
  windowDays: 30 | 90;
  now: Date;
  /** Final deploys of the environment in the window and the window before it, any kind. */
  deploys: Array<
    Pick<
      Deploy,
      | 'id'
      | 'kind'
      | 'status'
      | 'version'
      | 'createdAt'
      | 'startedAt'
      | 'finishedAt'
      | 'commitAt'
    >
  >;
  incidents: Array<
    Pick<DeployIncident, 'startedAt' | 'resolvedAt' | 'deployId'>
  >;
}

/** Computes the DORA figures (pure). */
export type ComputeDora = (input: DoraInput) => DoraSummary;

/** Re-exported for the parts' convenience. */
export type { DeployGateId };

// ---------------------------------------------------------------------------------------------
// Environments: the configured ones and the per-entity ones (previews), one lookup for all

/**
 * The entity's environments as every part of the area sees them: the configured ones its
 * annotation allows, in config order, then its per-entity environments that are not torn down
 * (a per-entity environment's settings are its base's, with `entityEnvironment` set). The
 * planner, the history, the engine and the drift sweep read environments only through this.
 */
export interface DeployEnvironments {
  /** The entity's environments, configured first. */
  forEntity(entity: Entity): Promise<DeployEnvironmentSettings[]>;
  /** One of them, or a 400 listing the known ones (and saying why the name is not one). */
  resolve(entity: Entity, name: string): Promise<DeployEnvironmentSettings>;
  /** For the engine, by ref: `undefined` when neither configured nor a live per-entity one. */
  find(
    entityRef: string,
    name: string,
  ): Promise<DeployEnvironmentSettings | undefined>;
}

/** A new per-entity environment, once its request is checked. */
export interface NewEntityEnvironment {
  entityRef: string;
  name: string;
  basedOn: string;
  provider: string;
  target: string;
  createdBy: string;
  createdAt: Date;
  expiresAt: Date | null;
}

/** What `EnvironmentStore.create` did. */
export type CreateEnvironmentResult =
  | { created: true; environment: EntityEnvironment }
  /** A live one of that name exists (the caller compares its values: same is 200, other is 409). */
  | { created: false; environment: EntityEnvironment };

/** Per-entity environments and their teardowns (`devops_deploy_environments`). */
export interface EnvironmentStore {
  /** Inserts it unless a live (not torn-down) one of that entity and name exists. */
  create(environment: NewEntityEnvironment): Promise<CreateEnvironmentResult>;
  /** The live one (active or tearing down), else the newest torn-down one, else `undefined`. */
  get(entityRef: string, name: string): Promise<EntityEnvironment | undefined>;
  /** The entity's environments; torn-down ones only with `includeTornDown`. Oldest first. */
  list(
    entityRef: string,
    options?: { includeTornDown?: boolean },
  ): Promise<EntityEnvironment[]>;
  /** Live ones that are not torn down, for every entity (the drift sweep). */
  listLive(): Promise<EntityEnvironment[]>;
  /** How many live ones the entity has (`previews.maxPerEntity`). */
  countLive(entityRef: string): Promise<number>;
  /**
   * Marks an active one `tearing-down` with its cause, due now; false when it is not active
   * (already tearing down or torn down). Expired ones are marked by `markExpired`.
   */
  requestTeardown(
    entityRef: string,
    name: string,
    request: {
      cause: EnvironmentTeardown['cause'];
      by: string;
      reason: string | null;
      at: Date;
    },
  ): Promise<boolean>;
  /** Marks every active one whose time to live has passed `tearing-down` (cause `expired`); how many. */
  markExpired(now: Date): Promise<number>;
  /**
   * Claims up to `limit` tearing-down ones whose next attempt is due, pushing their next attempt
   * to `leaseUntil` so that another replica does not take them meanwhile (conditional update).
   */
  claimDueTeardowns(
    now: Date,
    leaseUntil: Date,
    limit: number,
  ): Promise<EntityEnvironment[]>;
  /** Records a teardown attempt: success marks it torn down; failure stores the error and the next attempt. */
  recordTeardownAttempt(
    entityRef: string,
    name: string,
    attempt:
      | { ok: true; at: Date }
      | { ok: false; at: Date; error: string; nextAttemptAt: Date },
  ): Promise<void>;
}

/** A drift the sweep observed in an environment. */
export interface ObservedDrift {
  entityRef: string;
  environment: string;
  expected: DeployDrift['expected'];
  actual: DeployDrift['actual'];
}

/** Open and resolved drift findings (`devops_deploy_drift`). */
export interface DriftStore {
  /**
   * Records what one sweep saw in an environment: a drift opens a finding (or refreshes the
   * open one's `actual` and `lastCheckedAt`); `null` (what runs is what was deployed) resolves
   * the open one. Returns the open finding after the call, if any.
   */
  record(
    entityRef: string,
    environment: string,
    observed: ObservedDrift | null,
    at: Date,
  ): Promise<DeployDrift | undefined>;
  /** The entity's open findings. */
  open(entityRef: string): Promise<DeployDrift[]>;
}
