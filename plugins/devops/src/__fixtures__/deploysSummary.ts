import {
  CanaryAnalysisVerdict,
  Deploy,
  DeployDetail,
  DeployDrift,
  DeployDryRun,
  DeployEnvironmentState,
  DeploysSummary,
  DoraSummary,
  EntityEnvironment,
} from '@devops-growth/backstage-plugin-devops-common';
import { DevopsApi } from '../api';

/** Test data for the "Deploys" card. "Now" in these tests is 2025-03-10T12:00:00Z. */

export const DEPLOYS_NOW = Date.parse('2025-03-10T12:00:00Z');

export function makeDeploy(overrides: Partial<Deploy> = {}): Deploy {
  return {
    id: 'd1',
    entityRef: 'component:default/payments',
    environment: 'production',
    kind: 'deploy',
    version: '1.4.2',
    previousVersion: '1.4.1',
    commitSha: 'abcdef1234567890',
    commitAt: '2025-03-10T09:00:00Z',
    strategy: 'rolling',
    steps: [],
    provider: 'command',
    status: 'succeeded',
    phase: 'done',
    stepIndex: null,
    weight: null,
    colour: null,
    createdBy: 'user:default/jane.doe',
    reason: null,
    rollbackOf: null,
    gates: [
      {
        gate: 'promotion-chain',
        status: 'passed',
        message: 'staging ran 1.4.2 successfully',
      },
      {
        gate: 'coverage',
        status: 'not-evaluated',
        message: 'the coverage area is not enabled',
      },
    ],
    lastVerdict: null,
    outcome: 'all phases completed',
    impact: {
      windowMinutes: 30,
      before: { errorRatePercent: 0.5, p95Ms: 200, rps: 12 },
      after: { errorRatePercent: 0.7, p95Ms: 230, rps: 12 },
      errorRateDeltaPoints: 0.2,
      p95ChangePercent: 15,
    },
    createdAt: '2025-03-10T10:00:00Z',
    startedAt: '2025-03-10T10:00:05Z',
    finishedAt: '2025-03-10T10:04:05Z',
    ...overrides,
  };
}

export function makeVerdict(
  overrides: Partial<CanaryAnalysisVerdict> = {},
): CanaryAnalysisVerdict {
  return {
    decision: 'continue',
    step: 1,
    interval: 2,
    at: '2025-03-10T11:58:00Z',
    metrics: [
      {
        metric: 'error-rate',
        verdict: 'pass',
        // the per-sample median is 0 (most samples saw no error); the test compares the pooled counts
        canary: { samples: 30, median: 0, errors: 3, requests: 750 },
        baseline: { samples: 30, median: 0, errors: 4, requests: 800 },
        pValue: 0.41,
        effect: -0.1,
        reason:
          'error rate 0.4 % (3 of 750) against 0.5 % (4 of 800): no regression',
      },
      {
        metric: 'latency-p95',
        verdict: 'fail',
        canary: { samples: 30, median: 310 },
        baseline: { samples: 30, median: 205 },
        pValue: 0.0021,
        effect: 104,
        reason: 'P95 310 ms against 205 ms: p = 0.002, beyond the +20 % band',
      },
    ],
    reason: 'latency regression',
    ...overrides,
  };
}

/** A canary deploy of 1.5.0 to production at step 2 of 4 (25 %). */
export function makeActiveCanary(overrides: Partial<Deploy> = {}): Deploy {
  return makeDeploy({
    id: 'd9',
    version: '1.5.0',
    previousVersion: '1.4.2',
    strategy: 'canary',
    steps: [10, 25, 50, 100],
    status: 'running',
    phase: 'analysis',
    stepIndex: 1,
    weight: 25,
    lastVerdict: makeVerdict(),
    outcome: null,
    impact: null,
    createdAt: '2025-03-10T11:50:00Z',
    startedAt: '2025-03-10T11:50:02Z',
    finishedAt: null,
    ...overrides,
  });
}

export function makeDora(overrides: Partial<DoraSummary> = {}): DoraSummary {
  return {
    environment: 'production',
    windowDays: 30,
    deployments: 21,
    changes: 24,
    failedChanges: 3,
    deploymentFrequency: { value: 0.8, previous: 0.5, tier: 'high' },
    leadTimeHours: { value: 20, previous: 30, tier: 'high' },
    changeFailureRatePercent: { value: 12.5, previous: 10, tier: 'elite' },
    timeToRestoreHours: { value: null, previous: null, tier: null },
    ...overrides,
  };
}

export function makeDeploysSummary(
  overrides: Partial<DeploysSummary> = {},
): DeploysSummary {
  return {
    entityRef: 'component:default/payments',
    environments: [
      {
        name: 'staging',
        strategy: 'rolling',
        steps: [],
        running: {
          version: '1.5.0',
          deployId: 'd8',
          at: '2025-03-10T11:00:00Z',
        },
        active: null,
        previousInChain: null,
        entityEnvironment: null,
        drift: null,
      },
      {
        name: 'production',
        strategy: 'canary',
        steps: [10, 25, 50, 100],
        running: {
          version: '1.4.2',
          deployId: 'd1',
          at: '2025-03-10T10:04:05Z',
        },
        active: null,
        previousInChain: 'staging',
        entityEnvironment: null,
        drift: null,
      },
    ],
    history: [
      makeDeploy({
        id: 'd8',
        environment: 'staging',
        version: '1.5.0',
        previousVersion: '1.4.2',
        createdAt: '2025-03-10T10:55:00Z',
        startedAt: '2025-03-10T10:55:00Z',
        finishedAt: '2025-03-10T11:00:00Z',
      }),
      makeDeploy(),
      makeDeploy({
        id: 'd0',
        version: '1.4.1',
        previousVersion: '1.4.0',
        status: 'rolled-back',
        strategy: 'canary',
        steps: [10, 50, 100],
        outcome: 'canary analysis: error rate regression',
        createdAt: '2025-03-09T10:00:00Z',
        startedAt: '2025-03-09T10:00:00Z',
        finishedAt: '2025-03-09T10:12:00Z',
        impact: null,
      }),
    ],
    dora: [
      makeDora(),
      makeDora({
        windowDays: 90,
        deployments: 60,
        changes: 60,
        failedChanges: 0,
        deploymentFrequency: { value: 0.66, previous: 0.7, tier: 'high' },
      }),
      makeDora({
        environment: 'staging',
        deployments: 40,
        changes: 40,
        failedChanges: 0,
      }),
      makeDora({
        environment: 'staging',
        windowDays: 90,
        deployments: 85,
        changes: 90,
        failedChanges: 6,
      }),
    ],
    recommendations: [],
    ...overrides,
  };
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** An ISO time `ms` after `now`. */
function after(now: number, ms: number): string {
  return new Date(now + ms).toISOString();
}

/**
 * The per-entity environment `pr-42` of `payments`, based on staging, created a day before `now`
 * (by default the fixtures' now) and expiring 2 days and 3 hours after it.
 */
export function makeEntityEnvironment(
  overrides: Partial<EntityEnvironment> = {},
  now: number = DEPLOYS_NOW,
): EntityEnvironment {
  return {
    entityRef: 'component:default/payments',
    name: 'pr-42',
    basedOn: 'staging',
    provider: 'command',
    target: 'payments-pr-42',
    createdBy: 'user:default/jane.doe',
    createdAt: after(now, -24 * HOUR),
    expiresAt: after(now, 51 * HOUR),
    status: 'active',
    teardown: null,
    ...overrides,
  };
}

/**
 * `pr-7`, deleted by jane.doe: its third teardown attempt failed and the fourth comes 4 minutes
 * after `now`.
 */
export function makeFailingTeardown(
  now: number = DEPLOYS_NOW,
): EntityEnvironment {
  return makeEntityEnvironment(
    {
      name: 'pr-7',
      target: 'payments-pr-7',
      status: 'tearing-down',
      teardown: {
        cause: 'deleted',
        requestedBy: 'user:default/jane.doe',
        requestedAt: after(now, -20 * MINUTE),
        reason: 'merged',
        attempts: 3,
        lastAttemptAt: after(now, -MINUTE),
        lastError:
          'teardown.sh exited with 1: namespace payments-pr-7 is locked',
        nextAttemptAt: after(now, 4 * MINUTE + 30_000),
        finishedAt: null,
      },
    },
    now,
  );
}

/** A drift in production: 1.4.2 was deployed (d1), the provider reports 1.4.1, unhealthy. */
export function makeDrift(overrides: Partial<DeployDrift> = {}): DeployDrift {
  return {
    entityRef: 'component:default/payments',
    environment: 'production',
    expected: {
      version: '1.4.2',
      deployId: 'd1',
      at: '2025-03-10T10:04:05Z',
    },
    actual: {
      version: '1.4.1',
      healthy: false,
      message: 'replica set payments-7f9c runs image payments:1.4.1',
    },
    detectedAt: '2025-03-10T11:30:00Z',
    lastCheckedAt: '2025-03-10T11:55:00Z',
    resolvedAt: null,
    ...overrides,
  };
}

/** The card's row of a per-entity environment, as the summary lists it after the configured ones. */
export function makeEntityEnvironmentState(
  environment: EntityEnvironment,
  overrides: Partial<DeployEnvironmentState> = {},
): DeployEnvironmentState {
  return {
    name: environment.name,
    strategy: 'rolling',
    steps: [],
    running: null,
    active: null,
    previousInChain: null,
    entityEnvironment: environment,
    drift: null,
    ...overrides,
  };
}

/**
 * The summary with two per-entity environments after the configured ones: `pr-42` (active,
 * running 1.6.0-pr42 since an hour before `now`) and `pr-7` (its teardown failing).
 */
export function makeSummaryWithPreviews(
  now: number = DEPLOYS_NOW,
): DeploysSummary {
  const summary = makeDeploysSummary();
  summary.environments.push(
    makeEntityEnvironmentState(makeEntityEnvironment({}, now), {
      running: {
        version: '1.6.0-pr42',
        deployId: 'd20',
        at: after(now, -HOUR),
      },
    }),
    makeEntityEnvironmentState(makeFailingTeardown(now)),
  );
  return summary;
}

export function makeDeployDetail(
  overrides: Partial<DeployDetail> = {},
): DeployDetail {
  return {
    ...makeDeploy(),
    events: [
      {
        id: 1,
        deployId: 'd1',
        at: '2025-03-10T10:00:05Z',
        type: 'phase',
        message: 'phase deploy',
        data: null,
      },
      {
        id: 2,
        deployId: 'd1',
        at: '2025-03-10T10:01:00Z',
        type: 'log',
        message: 'deploy.sh: replaced 1.4.1 with 1.4.2',
        data: null,
      },
      {
        id: 3,
        deployId: 'd1',
        at: '2025-03-10T10:04:05Z',
        type: 'status',
        message: 'succeeded',
        data: null,
      },
    ],
    ...overrides,
  };
}

export function makeDryRun(
  overrides: Partial<DeployDryRun> = {},
): DeployDryRun {
  return {
    entityRef: 'component:default/payments',
    environment: 'production',
    kind: 'deploy',
    version: '1.5.0',
    previousVersion: '1.4.2',
    strategy: 'canary',
    steps: [10, 25, 50, 100],
    provider: 'command',
    gates: [
      {
        gate: 'promotion-chain',
        status: 'passed',
        message: 'staging ran 1.5.0 successfully',
      },
      {
        gate: 'freeze-window',
        status: 'passed',
        message: 'no freeze window is open',
      },
    ],
    allowed: true,
    activeDeployId: null,
    ...overrides,
  };
}

function unexpected(name: string) {
  return async () => {
    throw new Error(`${name} not expected`);
  };
}

/** The deploy methods of a mocked DevOps API: reads answer the fixtures, writes are unexpected. */
export function deployApiMocks(overrides: Partial<DevopsApi> = {}) {
  return {
    getDeploysSummary: jest.fn(
      overrides.getDeploysSummary ?? (async () => makeDeploysSummary()),
    ),
    getDeployHistory: jest.fn(
      overrides.getDeployHistory ??
        (async () => {
          const { history } = makeDeploysSummary();
          return { items: history, total: history.length };
        }),
    ),
    getDeployVersions: jest.fn(
      overrides.getDeployVersions ??
        (async (_ref, environment: string) => ({
          environment,
          available: ['1.5.0', '1.4.2', '1.4.1'],
          succeeded: [
            { version: '1.4.2', deployId: 'd1', at: '2025-03-10T10:04:05Z' },
          ],
        })),
    ),
    getDeployMarkers: jest.fn(
      overrides.getDeployMarkers ?? (async () => ({ markers: [] })),
    ),
    dryRunDeploy: jest.fn(overrides.dryRunDeploy ?? (async () => makeDryRun())),
    startDeploy: jest.fn(overrides.startDeploy ?? unexpected('startDeploy')),
    promoteDeploy: jest.fn(
      overrides.promoteDeploy ?? unexpected('promoteDeploy'),
    ),
    rollbackDeploy: jest.fn(
      overrides.rollbackDeploy ?? unexpected('rollbackDeploy'),
    ),
    getDeploy: jest.fn(overrides.getDeploy ?? (async () => makeDeployDetail())),
    abortDeploy: jest.fn(overrides.abortDeploy ?? unexpected('abortDeploy')),
    listEnvironments: jest.fn(
      overrides.listEnvironments ??
        (async () => ({ items: [makeEntityEnvironment()] })),
    ),
    createEnvironment: jest.fn(
      overrides.createEnvironment ?? unexpected('createEnvironment'),
    ),
    deleteEnvironment: jest.fn(
      overrides.deleteEnvironment ?? unexpected('deleteEnvironment'),
    ),
  };
}
