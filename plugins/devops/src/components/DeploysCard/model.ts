/*
 * The Deploys card's data shaping: environments, the in-flight deploy's step bar and analysis
 * verdicts, history rows and the actions each environment offers. Pure functions, tested in
 * model.test.ts; the components only lay out what these return.
 */
import {
  CanaryAnalysisVerdict,
  CanaryMetricVerdict,
  Deploy,
  DEPLOY_GATE_TITLES,
  DeployDrift,
  DeployEnvironmentState,
  DeployGateResult,
  DeployGateStatus,
  DeployPhase,
  DeployPerformanceImpact,
  DeployStatus,
  DeployStrategy,
  DeploysSummary,
  EntityEnvironment,
  EntityEnvironmentStatus,
  isActiveDeployStatus,
} from '@devops-growth/backstage-plugin-devops-common';
import {
  formatActor,
  formatDateTime,
  formatDuration,
  formatSpan,
  shortSha,
  StatusTone,
} from '../shared';

export const STATUS_LABELS: Record<DeployStatus, string> = {
  queued: 'Queued',
  running: 'Running',
  paused: 'Paused',
  'rolling-back': 'Rolling back',
  succeeded: 'Succeeded',
  failed: 'Failed',
  aborted: 'Aborted',
  'rolled-back': 'Rolled back',
};

export const STATUS_TONES: Record<DeployStatus, StatusTone> = {
  queued: 'running',
  running: 'running',
  paused: 'warning',
  'rolling-back': 'warning',
  succeeded: 'ok',
  failed: 'error',
  aborted: 'neutral',
  'rolled-back': 'error',
};

export const PHASE_LABELS: Record<DeployPhase, string> = {
  gates: 'Checking gates',
  deploy: 'Deploying',
  health: 'Waiting for health',
  step: 'Setting traffic weight',
  analysis: 'Analysing canary',
  switch: 'Switching traffic',
  promote: 'Promoting',
  rollback: 'Rolling back',
  done: 'Done',
};

/** The gates' names, shared with the scaffolder actions' output (`-common`). */
export const GATE_LABELS: Record<DeployGateResult['gate'], string> =
  DEPLOY_GATE_TITLES;

export const GATE_STATUS_LABELS: Record<DeployGateStatus, string> = {
  passed: 'Passed',
  failed: 'Failed',
  'not-evaluated': 'Not evaluated',
  skipped: 'Skipped',
  overridden: 'Overridden',
};

export const GATE_STATUS_TONES: Record<DeployGateStatus, StatusTone> = {
  passed: 'ok',
  failed: 'error',
  'not-evaluated': 'neutral',
  skipped: 'neutral',
  overridden: 'warning',
};

/** "Canary 10 → 25 → 50 → 100 %", "Blue-green", "Rolling". */
export function strategyLabel(
  strategy: DeployStrategy,
  steps: number[],
): string {
  if (strategy === 'canary') {
    return steps.length > 0 ? `Canary ${steps.join(' → ')} %` : 'Canary';
  }
  return strategy === 'blue-green' ? 'Blue-green' : 'Rolling';
}

/**
 * A per-entity environment's part of its row: what it is based on, its target, its time to live
 * and, once deleted or expired, how its teardown goes.
 */
export interface PreviewView {
  status: EntityEnvironmentStatus;
  basedOn: string;
  target: string;
  /** "expires in 2 d", "expired", "no time to live". */
  expiry: string;
  /** "Tearing down (attempt 3, last error: …, next try in 4 min)"; `null` while active. */
  teardown: string | null;
  /** True when the last teardown attempt failed: the row shows it as a warning. */
  teardownFailing: boolean;
}

/** An open drift finding in words: what runs against what the last successful deploy left. */
export interface DriftView {
  /** "Drift: the provider reports 1.4.1, the last successful deploy left 1.4.2". */
  title: string;
  /** The evidence, one sentence each. */
  evidence: string[];
}

/** One environment's row: what runs there, how it deploys and what is in flight. */
export interface EnvironmentView {
  name: string;
  strategy: string;
  running: string;
  runningSince: string | null;
  active: Deploy | null;
  previousInChain: string | null;
  /** The version the previous environment of the chain runs, when it differs from this one's. */
  promotable: string | null;
  /** A per-entity environment (preview); `null` for a configured one. */
  preview: PreviewView | null;
  /** The drift sweep's open finding, if any. */
  drift: DriftView | null;
}

/** "in 4 min", or "now" once the time has come. */
function countdown(iso: string, now: number): string {
  const left = Date.parse(iso) - now;
  return left > 0 ? `in ${formatSpan(left)}` : 'now';
}

/** "expires in 2 d", "expired", or "no time to live" for one kept until deleted. */
export function expiryText(expiresAt: string | null, now: number): string {
  if (expiresAt === null) return 'no time to live';
  const left = Date.parse(expiresAt) - now;
  return left > 0 ? `expires in ${formatSpan(left)}` : 'expired';
}

/**
 * The teardown of a per-entity environment in words, `null` while it is active:
 * "Tearing down (attempt 3, last error: helm timed out, next try in 4 min)", "Tearing down
 * (expired; first attempt in 1 min)", "Torn down".
 */
export function teardownText(
  env: EntityEnvironment,
  now: number,
): string | null {
  const { status, teardown } = env;
  if (status === 'active') return null;
  if (status === 'torn-down') return 'Torn down';
  if (!teardown) return 'Tearing down';
  const cause =
    teardown.cause === 'expired'
      ? 'expired'
      : `deleted by ${formatActor(teardown.requestedBy)}${
          teardown.reason ? `: “${teardown.reason}”` : ''
        }`;
  const next = teardown.nextAttemptAt
    ? countdown(teardown.nextAttemptAt, now)
    : null;
  if (teardown.attempts === 0) {
    return `Tearing down (${cause}${next ? `; first attempt ${next}` : ''})`;
  }
  const parts = [`attempt ${teardown.attempts}`];
  if (teardown.lastError) parts.push(`last error: ${teardown.lastError}`);
  if (next) parts.push(`next try ${next}`);
  return `Tearing down (${parts.join(', ')}; ${cause})`;
}

export function toPreviewView(
  env: EntityEnvironment,
  now: number,
): PreviewView {
  return {
    status: env.status,
    basedOn: env.basedOn,
    target: env.target,
    expiry: expiryText(env.expiresAt, now),
    teardown: teardownText(env, now),
    teardownFailing:
      env.status === 'tearing-down' && Boolean(env.teardown?.lastError),
  };
}

/** An open drift finding in words; `null` when there is none or it was resolved. */
export function toDriftView(drift: DeployDrift | null): DriftView | null {
  if (!drift || drift.resolvedAt !== null) return null;
  const { expected, actual } = drift;
  const reports =
    actual.version === null
      ? 'the provider reports nothing running'
      : `the provider reports ${actual.version}${
          actual.healthy ? '' : ' (unhealthy)'
        }`;
  const evidence = [
    `Expected ${expected.version}, left by deploy ${
      expected.deployId
    } at ${formatDateTime(expected.at)}.`,
    actual.version === null
      ? 'The provider reports nothing running.'
      : `The provider reports ${actual.version}, ${
          actual.healthy ? 'healthy' : 'unhealthy'
        }.`,
  ];
  if (actual.message) evidence.push(`Provider message: ${actual.message}`);
  evidence.push(
    `Detected ${formatDateTime(
      drift.detectedAt,
    )}, last checked ${formatDateTime(drift.lastCheckedAt)}.`,
  );
  return {
    title: `Drift: ${reports}, the last successful deploy left ${expected.version}`,
    evidence,
  };
}

export function toEnvironmentViews(
  summary: DeploysSummary,
  now: number,
): EnvironmentView[] {
  const running = new Map(
    summary.environments.map(e => [e.name, e.running?.version ?? null]),
  );
  return summary.environments.map((env: DeployEnvironmentState) => {
    const upstream = env.previousInChain
      ? running.get(env.previousInChain) ?? null
      : null;
    return {
      name: env.name,
      strategy: strategyLabel(env.strategy, env.steps),
      running: env.running?.version ?? 'Nothing deployed yet',
      runningSince: env.running?.at ?? null,
      active: env.active,
      previousInChain: env.previousInChain,
      promotable:
        upstream && upstream !== env.running?.version ? upstream : null,
      preview: env.entityEnvironment
        ? toPreviewView(env.entityEnvironment, now)
        : null,
      drift: toDriftView(env.drift),
    };
  });
}

/**
 * The last configured environment of the summary (the end of the promotion chain, usually
 * production); per-entity environments come after the configured ones and are never it.
 */
export function lastConfiguredEnvironment(
  summary: DeploysSummary,
): DeployEnvironmentState | undefined {
  const configured = summary.environments.filter(
    e => e.entityEnvironment === null,
  );
  return configured[configured.length - 1];
}

/** The in-flight deploys of the summary (at most one per environment). */
export function activeDeploys(summary: DeploysSummary): Deploy[] {
  return summary.environments.flatMap(e =>
    e.active && isActiveDeployStatus(e.active.status) ? [e.active] : [],
  );
}

/** A canary step of the step bar. */
export interface StepView {
  weight: number;
  state: 'done' | 'current' | 'pending';
  label: string;
}

/** The canary's steps, the current one marked; empty for other strategies. */
export function toStepViews(deploy: Deploy): StepView[] {
  const current = deploy.stepIndex;
  const finishedAll = deploy.status === 'succeeded';
  return deploy.steps.map((weight, index) => {
    let state: StepView['state'] = 'pending';
    if (finishedAll || (current !== null && index < current)) {
      state = 'done';
    } else if (current === index && isActiveDeployStatus(deploy.status)) {
      state = 'current';
    }
    const words = { done: 'done', current: 'current', pending: 'pending' };
    return {
      weight,
      state,
      label: `Step ${index + 1}: ${weight} % (${words[state]})`,
    };
  });
}

/** "Step 2 of 4, 25 % of traffic", "Blue serves traffic", or the phase alone. */
export function progressText(deploy: Deploy): string {
  const phase = PHASE_LABELS[deploy.phase];
  if (deploy.strategy === 'canary' && deploy.stepIndex !== null) {
    const target = deploy.steps[deploy.stepIndex];
    if (deploy.phase === 'step' && deploy.weight !== target) {
      return `${phase}: step ${deploy.stepIndex + 1} of ${
        deploy.steps.length
      }, from ${deploy.weight ?? 0} to ${target} % on ${deploy.version}`;
    }
    const weight = deploy.weight ?? target;
    return `${phase}: step ${deploy.stepIndex + 1} of ${
      deploy.steps.length
    }, ${weight} % of traffic on ${deploy.version}`;
  }
  if (deploy.strategy === 'blue-green' && deploy.colour) {
    return `${phase}: ${deploy.colour} serves traffic`;
  }
  return phase;
}

const METRIC_LABELS: Record<CanaryMetricVerdict['metric'], string> = {
  'error-rate': 'Error rate',
  'latency-p95': 'P95 latency',
};

export const VERDICT_LABELS: Record<CanaryMetricVerdict['verdict'], string> = {
  pass: 'Pass',
  fail: 'Fail',
  inconclusive: 'Inconclusive',
};

export const VERDICT_TONES: Record<CanaryMetricVerdict['verdict'], StatusTone> =
  {
    pass: 'ok',
    fail: 'error',
    inconclusive: 'warning',
  };

const DECISION_LABELS: Record<CanaryAnalysisVerdict['decision'], string> = {
  promote: 'Promote',
  continue: 'Wait for more data',
  rollback: 'Roll back',
};

function formatMetric(
  metric: CanaryMetricVerdict['metric'],
  value: number | null,
): string {
  if (value === null) return 'no data';
  return metric === 'error-rate'
    ? `${value.toFixed(2)} %`
    : `${Math.round(value)} ms`;
}

/** `p = 0.041`, `p < 0.001`, or a dash without a test. */
export function formatPValue(p: number | null): string {
  if (p === null) return '–';
  if (p < 0.001) return 'p < 0.001';
  return `p = ${p.toFixed(3)}`;
}

export interface VerdictRow {
  metric: string;
  /** The side's value: the pooled error rate, or the median of the samples. */
  canary: string;
  /** What the value stands on: "1 of 130 requests", "median of 6 samples". */
  canaryDetail: string;
  baseline: string;
  baselineDetail: string;
  pValue: string;
  verdict: string;
  tone: StatusTone;
  reason: string;
}

/**
 * One side of a metric's verdict as the table shows it: the error rate its test compared (the
 * pooled errors over the pooled requests) when the verdict carries the counts, else the median
 * of the samples (P95, and error-rate verdicts without request rates or stored before the
 * counts existed).
 */
function sideCells(
  metric: CanaryMetricVerdict['metric'],
  side: CanaryMetricVerdict['canary'],
): [string, string] {
  const { errors, requests } = side;
  if (
    metric === 'error-rate' &&
    errors !== undefined &&
    requests !== undefined &&
    requests > 0
  ) {
    return [
      formatMetric(metric, (100 * errors) / requests),
      `${errors} of ${requests} requests`,
    ];
  }
  return [
    formatMetric(metric, side.median),
    `median of ${side.samples} sample${side.samples === 1 ? '' : 's'}`,
  ];
}

export function toVerdictRows(verdict: CanaryAnalysisVerdict): VerdictRow[] {
  return verdict.metrics.map(m => {
    const [canary, canaryDetail] = sideCells(m.metric, m.canary);
    const [baseline, baselineDetail] = sideCells(m.metric, m.baseline);
    return {
      metric: METRIC_LABELS[m.metric],
      canary,
      canaryDetail,
      baseline,
      baselineDetail,
      pValue: formatPValue(m.pValue),
      verdict: VERDICT_LABELS[m.verdict],
      tone: VERDICT_TONES[m.verdict],
      reason: m.reason,
    };
  });
}

/** "Step 2, interval 3: wait for more data". */
export function verdictHeading(verdict: CanaryAnalysisVerdict): string {
  const where =
    verdict.step === null
      ? `Interval ${verdict.interval}`
      : `Step ${verdict.step + 1}, interval ${verdict.interval}`;
  return `${where}: ${DECISION_LABELS[verdict.decision].toLowerCase()}`;
}

/** "2 passed, 1 overridden", or "No gates". */
export function gatesSummary(gates: DeployGateResult[]): string {
  if (gates.length === 0) return 'No gates';
  const order: DeployGateStatus[] = [
    'failed',
    'overridden',
    'passed',
    'not-evaluated',
    'skipped',
  ];
  return order
    .map(status => ({
      status,
      count: gates.filter(g => g.status === status).length,
    }))
    .filter(({ count }) => count > 0)
    .map(
      ({ status, count }) =>
        `${count} ${GATE_STATUS_LABELS[status].toLowerCase()}`,
    )
    .join(', ');
}

function signed(value: number, digits: number): string {
  const fixed = value.toFixed(digits);
  return value > 0 ? `+${fixed}` : fixed;
}

/** "Errors +0.20 pp, P95 +15 %", or `null` without data. */
export function impactText(
  impact: DeployPerformanceImpact | null,
): string | null {
  if (!impact) return null;
  const parts: string[] = [];
  if (impact.errorRateDeltaPoints !== null) {
    parts.push(`Errors ${signed(impact.errorRateDeltaPoints, 2)} pp`);
  }
  if (impact.p95ChangePercent !== null) {
    parts.push(`P95 ${signed(impact.p95ChangePercent, 0)} %`);
  }
  return parts.length > 0 ? parts.join(', ') : null;
}

/** A history row, in words. */
export interface HistoryRow {
  id: string;
  environment: string;
  version: string;
  kind: Deploy['kind'];
  author: string;
  commit: string;
  strategy: string;
  started: string;
  duration: string;
  status: string;
  tone: StatusTone;
  outcome: string;
  gates: string;
  impact: string;
}

export function durationText(deploy: Deploy, now: number): string {
  const start = Date.parse(deploy.startedAt ?? deploy.createdAt);
  const end = deploy.finishedAt ? Date.parse(deploy.finishedAt) : now;
  if (Number.isNaN(start) || Number.isNaN(end) || end < start) return '–';
  const text = formatDuration(end - start);
  return deploy.finishedAt ? text : `${text} so far`;
}

export function toHistoryRow(deploy: Deploy, now: number): HistoryRow {
  return {
    id: deploy.id,
    environment: deploy.environment,
    version: deploy.previousVersion
      ? `${deploy.previousVersion} → ${deploy.version}`
      : deploy.version,
    kind: deploy.kind,
    author: formatActor(deploy.createdBy),
    commit: deploy.commitSha ? shortSha(deploy.commitSha) : '–',
    strategy: strategyLabel(deploy.strategy, deploy.steps),
    started: deploy.startedAt ?? deploy.createdAt,
    duration: durationText(deploy, now),
    status: STATUS_LABELS[deploy.status],
    tone: STATUS_TONES[deploy.status],
    outcome: deploy.outcome ?? (deploy.reason ? deploy.reason : '–'),
    gates: gatesSummary(deploy.gates),
    impact: impactText(deploy.impact) ?? 'No data',
  };
}

/** What a user can do in an environment: the buttons of its row. */
export type DeployAction =
  | 'deploy'
  | 'promote'
  | 'abort'
  | 'rollback'
  | 'delete';

/**
 * The buttons of an environment's row: only Abort while a deploy is in flight; nothing while a
 * per-entity environment tears down; Delete on an active per-entity environment.
 */
export function environmentActions(env: EnvironmentView): DeployAction[] {
  if (env.active) return ['abort'];
  if (env.preview && env.preview.status !== 'active') return [];
  const actions: DeployAction[] = ['deploy'];
  if (env.promotable) actions.push('promote');
  if (env.runningSince) actions.push('rollback');
  if (env.preview) actions.push('delete');
  return actions;
}
