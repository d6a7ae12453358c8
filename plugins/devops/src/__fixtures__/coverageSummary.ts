import { Entity } from '@backstage/catalog-model';
import {
  DEVOPS_MONITORING_ANNOTATION,
  CoverageSummary,
  ReportSummary,
} from '@devops-growth/backstage-plugin-devops-common';
import { DevopsApi } from '../api';
import { deployApiMocks } from './deploysSummary';
import { makePerformanceSummary } from './performanceSummary';
import { makeComplianceDetail, makeSecuritySummary } from './securitySummary';

/** Test data shared by the plugin's tests. */

export function makeEntity(monitoring?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'payments',
      namespace: 'default',
      annotations:
        monitoring === undefined
          ? {}
          : { [DEVOPS_MONITORING_ANNOTATION]: monitoring },
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
  };
}

export const coverageReport: ReportSummary = {
  id: 'r3',
  entityRef: 'component:default/payments',
  kind: 'coverage',
  format: 'lcov',
  name: 'unit',
  commitSha: 'abcdef1234567890',
  branch: 'main',
  createdAt: '2025-03-03T10:00:00Z',
  coverage: {
    lines: { covered: 853, total: 1000 },
    branches: { covered: 120, total: 200 },
    functions: { covered: 90, total: 100 },
    statements: null,
  },
  absentMetrics: ['statements'],
  itemCount: 42,
};

export const testReport: ReportSummary = {
  id: 't3',
  entityRef: 'component:default/payments',
  kind: 'tests',
  format: 'junit',
  name: 'unit',
  commitSha: '1234567abcdef',
  branch: 'main',
  createdAt: '2025-03-03T10:05:00Z',
  tests: {
    total: 210,
    passed: 193,
    failed: 5,
    errored: 2,
    skipped: 10,
    durationMs: 83_000,
  },
  itemCount: 210,
};

export function makeSummary(
  overrides: Partial<CoverageSummary> = {},
): CoverageSummary {
  return {
    entityRef: 'component:default/payments',
    reportName: 'unit',
    branch: 'main',
    available: { reportNames: ['unit'], branches: ['main'] },
    coverage: {
      latest: coverageReport,
      deltas: { lines: 1.25, branches: -2, functions: 0, statements: null },
      previousReportId: 'r2',
      trend: [
        {
          reportId: 'r3',
          createdAt: '2025-03-03T10:00:00Z',
          commitSha: 'abcdef1234567890',
          lines: 85.3,
          branches: 60,
          functions: 90,
          statements: null,
        },
        {
          reportId: 'r1',
          createdAt: '2025-03-01T10:00:00Z',
          commitSha: '0000001',
          lines: 82,
          branches: 63,
          functions: 88,
          statements: null,
        },
        {
          reportId: 'r2',
          createdAt: '2025-03-02T10:00:00Z',
          commitSha: '0000002',
          lines: 84.05,
          branches: 62,
          functions: 90,
          statements: null,
        },
      ],
      gate: {
        metric: 'lines',
        threshold: 80,
        source: 'config',
        status: 'passed',
        actual: 85.3,
      },
      leastCoveredFiles: [],
    },
    tests: {
      latest: testReport,
      passRate: 96.5,
      trend: [],
      flaky: [
        {
          suite: 'PaymentService',
          name: 'retries a declined card',
          reason: 'same-commit',
          failedRuns: 2,
          passedRuns: 3,
          flips: 3,
        },
        {
          suite: 'RefundService',
          name: 'refunds twice',
          reason: 'flipping',
          failedRuns: 1,
          passedRuns: 4,
          flips: 1,
        },
      ],
      slowest: [
        {
          suite: 'Checkout',
          name: 'end to end purchase',
          durationMs: 12_400,
          outcome: 'passed',
        },
      ],
      runsExamined: 5,
    },
    recommendations: [
      {
        id: 'tests.slow',
        area: 'tests',
        priority: 'low',
        title: 'Speed up slow tests',
        description: 'One test takes more than ten seconds.',
        evidence: [{ label: 'Slowest test', value: '12.4 s' }],
      },
      {
        id: 'tests.flaky',
        area: 'tests',
        priority: 'high',
        title: 'Fix flaky tests',
        description: 'Two tests both passed and failed.',
        evidence: [
          { label: 'Flaky tests', value: '2' },
          { label: 'Runs examined', value: '5' },
        ],
      },
    ],
    ...overrides,
  };
}

export function makeEmptySummary(): CoverageSummary {
  const summary = makeSummary();
  return {
    ...summary,
    available: { reportNames: [], branches: [] },
    coverage: {
      ...summary.coverage,
      latest: null,
      deltas: {
        lines: null,
        branches: null,
        functions: null,
        statements: null,
      },
      previousReportId: null,
      trend: [],
      gate: { ...summary.coverage.gate, status: 'unknown', actual: null },
    },
    tests: {
      ...summary.tests,
      latest: null,
      passRate: null,
      flaky: [],
      slowest: [],
      runsExamined: 0,
    },
    recommendations: [],
  };
}

/**
 * A `DevopsApi` whose methods are jest mocks: the coverage summary from `impl`, the other methods
 * from `overrides` or else answering with the fixtures of `performanceSummary.ts` and
 * `securitySummary.ts` (status changes fail unless overridden).
 */
export function mockDevopsApi(
  impl: DevopsApi['getCoverageSummary'] = async () => makeSummary(),
  overrides: Partial<DevopsApi> = {},
): jest.Mocked<DevopsApi> {
  const summary = makePerformanceSummary();
  return {
    getCoverageSummary: jest.fn(impl),
    getPerformanceSummary: jest.fn(
      overrides.getPerformanceSummary ?? (async () => summary),
    ),
    getPerformanceTargets: jest.fn(
      overrides.getPerformanceTargets ??
        (async () => ({ targets: summary.targets, history: [] })),
    ),
    updatePerformanceTargets: jest.fn(
      overrides.updatePerformanceTargets ??
        (async () => {
          throw new Error('updatePerformanceTargets not expected');
        }),
    ),
    getLoadTests: jest.fn(
      overrides.getLoadTests ?? (async () => ({ items: summary.loadTests })),
    ),
    startLoadTest: jest.fn(
      overrides.startLoadTest ??
        (async () => {
          throw new Error('startLoadTest not expected');
        }),
    ),
    getSecuritySummary: jest.fn(
      overrides.getSecuritySummary ?? (async () => makeSecuritySummary()),
    ),
    getSecurityFindings: jest.fn(
      overrides.getSecurityFindings ??
        (async () => {
          const { oldest } = makeSecuritySummary().findings;
          return { items: oldest, total: oldest.length };
        }),
    ),
    getComplianceFramework: jest.fn(
      overrides.getComplianceFramework ?? (async () => makeComplianceDetail()),
    ),
    updateFindingStatus: jest.fn(
      overrides.updateFindingStatus ??
        (async () => {
          throw new Error('updateFindingStatus not expected');
        }),
    ),
    updateThreatStatus: jest.fn(
      overrides.updateThreatStatus ??
        (async () => {
          throw new Error('updateThreatStatus not expected');
        }),
    ),
    ...deployApiMocks(overrides),
  };
}
