import { Entity } from '@backstage/catalog-model';
import { ReportSummary } from '@devops-growth/backstage-plugin-devops-common';
import { TestCaseOccurrence } from './ReportStore';
import {
  coverageDeltas,
  detectFlakyTests,
  evaluateGate,
  recommend,
  resolveGateThreshold,
} from './analysis';

const entity = (annotations: Record<string, string> = {}): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'a', annotations },
});

const coverageReport = (
  id: string,
  linesCovered: number,
  sha = id,
): ReportSummary => ({
  id,
  entityRef: 'component:default/a',
  kind: 'coverage',
  format: 'lcov',
  name: 'default',
  commitSha: sha.padEnd(8, '0'),
  branch: 'main',
  createdAt: '2026-11-20T00:00:00.000Z',
  itemCount: 1,
  coverage: {
    lines: { covered: linesCovered, total: 100 },
    branches: null,
    functions: { covered: 1, total: 2 },
    statements: null,
  },
});

describe('quality gate', () => {
  it('uses the annotation over app-config over the built-in default', () => {
    expect(resolveGateThreshold(entity(), undefined)).toEqual({
      threshold: 80,
      source: 'default',
    });
    expect(resolveGateThreshold(entity(), 70)).toEqual({
      threshold: 70,
      source: 'config',
    });
    expect(
      resolveGateThreshold(
        entity({ 'devops-growth.io/coverage-gate': '92.5' }),
        70,
      ),
    ).toEqual({
      threshold: 92.5,
      source: 'annotation',
    });
    expect(
      resolveGateThreshold(
        entity({ 'devops-growth.io/coverage-gate': '85%' }),
        70,
      ).threshold,
    ).toBe(85);
  });

  it('ignores an annotation that is not a percentage', () => {
    for (const bad of ['', 'high', '120', '-1']) {
      expect(
        resolveGateThreshold(
          entity({ 'devops-growth.io/coverage-gate': bad }),
          70,
        ),
      ).toEqual({
        threshold: 70,
        source: 'config',
      });
    }
  });

  it('passes at the threshold, fails under it, is unknown without line data', () => {
    const gate = { threshold: 80, source: 'default' as const };
    expect(evaluateGate(coverageReport('a', 80), gate).status).toBe('passed');
    expect(evaluateGate(coverageReport('a', 79), gate)).toMatchObject({
      status: 'failed',
      actual: 79,
    });
    expect(evaluateGate(null, gate).status).toBe('unknown');
  });
});

describe('coverageDeltas', () => {
  it('gives percentage points per metric, null where a side lacks the metric', () => {
    expect(
      coverageDeltas(coverageReport('b', 75), coverageReport('a', 80)),
    ).toEqual({
      lines: -5,
      branches: null,
      functions: 0,
      statements: null,
    });
    expect(coverageDeltas(coverageReport('b', 75), null).lines).toBeNull();
  });
});

describe('detectFlakyTests', () => {
  const runs = ['r5', 'r4', 'r3', 'r2', 'r1'].map((id, i) => ({
    id,
    commitSha: `c${5 - i}`,
  }));
  const occ = (
    reportId: string,
    name: string,
    outcome: TestCaseOccurrence['outcome'],
  ): TestCaseOccurrence => ({
    reportId,
    commitSha: runs.find(r => r.id === reportId)!.commitSha,
    createdAt: '2026-11-20T00:00:00Z',
    suite: 's',
    name,
    outcome,
  });

  it('flags a test that flips at least twice, not a single regression or fix', () => {
    const flaky = detectFlakyTests(runs, [
      // flips: pass fail pass pass pass -> 2 flips
      occ('r1', 'wobbly', 'passed'),
      occ('r2', 'wobbly', 'failed'),
      occ('r3', 'wobbly', 'passed'),
      occ('r4', 'wobbly', 'passed'),
      occ('r5', 'wobbly', 'passed'),
      // regression: pass pass pass fail fail -> 1 flip
      occ('r1', 'broken', 'passed'),
      occ('r2', 'broken', 'passed'),
      occ('r3', 'broken', 'passed'),
      occ('r4', 'broken', 'failed'),
      occ('r5', 'broken', 'errored'),
    ]);
    expect(flaky).toEqual([
      {
        suite: 's',
        name: 'wobbly',
        reason: 'flipping',
        failedRuns: 1,
        passedRuns: 4,
        flips: 2,
      },
    ]);
  });

  it('flags a test that passed and failed on the same commit, ignoring skips', () => {
    const sameCommitRuns = [
      { id: 'b', commitSha: 'same' },
      { id: 'a', commitSha: 'same' },
    ];
    const flaky = detectFlakyTests(sameCommitRuns, [
      {
        reportId: 'a',
        commitSha: 'same',
        createdAt: '',
        suite: 's',
        name: 't',
        outcome: 'failed',
      },
      {
        reportId: 'b',
        commitSha: 'same',
        createdAt: '',
        suite: 's',
        name: 't',
        outcome: 'passed',
      },
      {
        reportId: 'a',
        commitSha: 'same',
        createdAt: '',
        suite: 's',
        name: 'u',
        outcome: 'failed',
      },
      {
        reportId: 'b',
        commitSha: 'same',
        createdAt: '',
        suite: 's',
        name: 'u',
        outcome: 'skipped',
      },
    ]);
    expect(flaky).toEqual([
      {
        suite: 's',
        name: 't',
        reason: 'same-commit',
        failedRuns: 1,
        passedRuns: 1,
        flips: 1,
      },
    ]);
  });
});

describe('recommend', () => {
  const base = {
    latestTests: null,
    flaky: [],
    runsExamined: 0,
    slowest: [],
    slowTestThresholdMs: 10_000,
    uncoveredFiles: [],
  };

  it('recommends raising coverage under the gate and flags a three-report fall, with evidence', () => {
    const reports = [
      coverageReport('d', 70),
      coverageReport('c', 72),
      coverageReport('b', 75),
      coverageReport('a', 81),
    ];
    const gate = evaluateGate(reports[0], { threshold: 80, source: 'config' });
    const recs = recommend({ ...base, gate, coverageNewestFirst: reports });
    expect(recs.map(r => [r.id, r.priority])).toEqual([
      ['coverage.below-gate', 'high'],
      ['coverage.falling', 'high'],
    ]);
    expect(recs[0].evidence).toEqual([
      { label: 'Line coverage', value: '70.00%' },
      { label: 'Gate', value: '80% (config)' },
    ]);
    expect(recs[1].evidence.map(e => e.value)).toEqual([
      '81.00%',
      '75.00%',
      '72.00%',
      '70.00%',
    ]);
  });

  it('does not call two falls in a row a trend', () => {
    const reports = [
      coverageReport('c', 90),
      coverageReport('b', 91),
      coverageReport('a', 92),
      coverageReport('z', 89),
    ];
    const gate = evaluateGate(reports[0], { threshold: 80, source: 'default' });
    expect(recommend({ ...base, gate, coverageNewestFirst: reports })).toEqual(
      [],
    );
  });

  it('puts failing and flaky tests first and slow tests and untested files last', () => {
    const gate = evaluateGate(coverageReport('a', 90), {
      threshold: 80,
      source: 'default',
    });
    const recs = recommend({
      ...base,
      gate,
      coverageNewestFirst: [coverageReport('a', 90)],
      latestTests: {
        ...coverageReport('t', 0),
        kind: 'tests',
        coverage: undefined,
        tests: {
          total: 10,
          passed: 8,
          failed: 1,
          errored: 1,
          skipped: 0,
          durationMs: 5,
        },
      },
      flaky: [
        {
          suite: 's',
          name: 'x',
          reason: 'flipping',
          failedRuns: 2,
          passedRuns: 3,
          flips: 3,
        },
      ],
      runsExamined: 5,
      slowest: [
        { suite: 's', name: 'slow', durationMs: 12_000, outcome: 'passed' },
      ],
      uncoveredFiles: [{ path: 'src/dead.ts' }],
    });
    expect(recs.map(r => [r.id, r.priority])).toEqual([
      ['tests.failing', 'high'],
      ['tests.flaky', 'medium'],
      ['tests.slow', 'low'],
      ['coverage.untested-files', 'low'],
    ]);
  });
});
