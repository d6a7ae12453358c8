import { makeSummary } from '../../__fixtures__/coverageSummary';
import {
  buildUploadCommand,
  describeDelta,
  describeGate,
  hasAnyReport,
  toCoverageChartData,
  toCoverageFigures,
  toFlakyTestViews,
  toPassRateChartData,
  toTestRunView,
} from './model';

describe('describeDelta', () => {
  it('says so when there is no previous report', () => {
    expect(describeDelta(null, false)).toEqual({
      kind: 'none',
      label: 'no previous report',
    });
    expect(describeDelta(3, false).kind).toBe('none');
  });

  it('shows rises, falls and no change in percentage points', () => {
    expect(describeDelta(1.25, true)).toEqual({ kind: 'up', label: '+1.3 pp' });
    expect(describeDelta(-2, true)).toEqual({ kind: 'down', label: '-2.0 pp' });
    expect(describeDelta(0.01, true)).toEqual({
      kind: 'unchanged',
      label: 'unchanged',
    });
  });

  it('tells a missing value in the previous report apart from no report', () => {
    expect(describeDelta(null, true)).toEqual({
      kind: 'none',
      label: 'no previous value',
    });
  });
});

describe('toCoverageFigures', () => {
  it('gives the four metrics in order, with a metric the format lacks marked as not in report', () => {
    const figures = toCoverageFigures(makeSummary().coverage);

    expect(figures.map(f => [f.metric, f.state])).toEqual([
      ['lines', 'measured'],
      ['branches', 'measured'],
      ['functions', 'measured'],
      ['statements', 'not-in-report'],
    ]);
    expect(figures[0]).toMatchObject({
      percent: 85.3,
      covered: 853,
      total: 1000,
      delta: { kind: 'up', label: '+1.3 pp' },
    });
    expect(figures[1].delta.kind).toBe('down');
    expect(figures[2].delta.kind).toBe('unchanged');
  });

  it('tells nothing to cover (0 of 0) apart from a metric not in the report', () => {
    const summary = makeSummary();
    const latest = summary.coverage.latest!;
    const figures = toCoverageFigures({
      ...summary.coverage,
      latest: {
        ...latest,
        coverage: {
          ...latest.coverage!,
          branches: { covered: 0, total: 0 },
        },
      },
    });
    expect(figures[1].state).toBe('nothing-to-cover');
  });

  it('is empty without a coverage report, and says when there is no previous report', () => {
    const summary = makeSummary();
    expect(toCoverageFigures({ ...summary.coverage, latest: null })).toEqual(
      [],
    );
    const first = toCoverageFigures({
      ...summary.coverage,
      previousReportId: null,
    });
    expect(first[0].delta.label).toBe('no previous report');
  });
});

describe('toCoverageChartData', () => {
  it('orders points by time and drops metrics without any value', () => {
    const { points, metrics } = toCoverageChartData(
      makeSummary().coverage.trend,
    );
    expect(points.map(p => p.commitSha)).toEqual([
      '0000001',
      '0000002',
      'abcdef1234567890',
    ]);
    expect(points[0].time).toBe(Date.parse('2025-03-01T10:00:00Z'));
    expect(metrics).toEqual(['lines', 'branches', 'functions']);
  });

  it('labels every report by its short commit, each label once', () => {
    const { points } = toCoverageChartData(makeSummary().coverage.trend);
    expect(points.map(p => p.label.split(' ')[0])).toEqual([
      '0000001',
      '0000002',
      'abcdef1',
    ]);
    expect(new Set(points.map(p => p.label)).size).toBe(points.length);
    expect(points[2].detail).toMatch(/^Commit abcdef1, /);
  });

  it('skips points with an unreadable date', () => {
    const { points } = toCoverageChartData([
      {
        reportId: 'x',
        createdAt: 'not a date',
        commitSha: 'x',
        lines: 1,
        branches: null,
        functions: null,
        statements: null,
      },
    ]);
    expect(points).toEqual([]);
  });
});

describe('describeGate', () => {
  it('names the verdict, the rule and the source', () => {
    expect(describeGate(makeSummary().coverage.gate)).toEqual({
      status: 'passed',
      label: 'Gate passed',
      rule: 'lines ≥ 80.0% (app-config)',
      actual: 'actual 85.3%',
    });
    expect(
      describeGate({
        metric: 'lines',
        threshold: 72.5,
        source: 'annotation',
        status: 'unknown',
        actual: null,
      }),
    ).toEqual({
      status: 'unknown',
      label: 'Gate unknown',
      rule: 'lines ≥ 72.5% (annotation)',
      actual: null,
    });
  });
});

describe('toTestRunView', () => {
  it('summarises the latest run', () => {
    expect(toTestRunView(makeSummary().tests)).toEqual({
      passRate: 96.5,
      counts: [
        { outcome: 'total', label: 'Total', count: 210 },
        { outcome: 'passed', label: 'Passed', count: 193 },
        { outcome: 'failed', label: 'Failed', count: 5 },
        { outcome: 'errored', label: 'Errored', count: 2 },
        { outcome: 'skipped', label: 'Skipped', count: 10 },
      ],
      commit: '1234567',
      branch: 'main',
      createdAt: '2025-03-03T10:05:00Z',
      durationMs: 83_000,
    });
  });

  it('computes the pass rate when the summary lacks it, and is null without a run', () => {
    const tests = makeSummary().tests;
    expect(toTestRunView({ ...tests, passRate: null })?.passRate).toBe(96.5);
    expect(toTestRunView({ ...tests, latest: null })).toBeNull();
  });
});

describe('toFlakyTestViews', () => {
  it('spells out the reason and the counts', () => {
    const [sameCommit, flipping] = toFlakyTestViews(makeSummary().tests.flaky);
    expect(sameCommit).toMatchObject({
      reason: 'same commit',
      runs: '2 failed / 3 passed, 3 flips',
    });
    expect(flipping).toMatchObject({
      reason: 'flipping',
      runs: '1 failed / 4 passed, 1 flip',
    });
  });
});

describe('hasAnyReport', () => {
  it('is true with a coverage or a test report', () => {
    const summary = makeSummary();
    expect(hasAnyReport(summary)).toBe(true);
    expect(
      hasAnyReport({
        ...summary,
        coverage: { ...summary.coverage, latest: null },
      }),
    ).toBe(true);
    expect(
      hasAnyReport({
        ...summary,
        coverage: { ...summary.coverage, latest: null },
        tests: { ...summary.tests, latest: null },
      }),
    ).toBe(false);
  });
});

describe('buildUploadCommand', () => {
  it('builds a curl command for the upload endpoint', () => {
    expect(
      buildUploadCommand({
        baseUrl: 'https://backstage.example.com/api/devops',
        entityRef: 'component:default/payments',
        format: 'junit',
        file: 'reports/junit.xml',
        name: 'unit',
      }),
    ).toBe(
      [
        'curl --fail-with-body -X POST \\',
        '  -H "Authorization: Bearer $BACKSTAGE_TOKEN" \\',
        '  -H "Content-Type: application/xml" \\',
        '  --data-binary @reports/junit.xml \\',
        '  "https://backstage.example.com/api/devops/reports?format=junit&name=unit\\',
        '&entity=component:default/payments\\',
        '&commit=$GIT_COMMIT&branch=$GIT_BRANCH"',
      ].join('\n'),
    );
  });
});

describe('toPassRateChartData', () => {
  it('keeps runs with a pass rate, oldest first, labelled by commit', () => {
    const points = toPassRateChartData([
      {
        reportId: 'b',
        createdAt: '2025-03-02T10:00:00Z',
        commitSha: 'bbbbbbbbbb',
        passRate: 90,
        total: 10,
      },
      {
        reportId: 'a',
        createdAt: '2025-03-01T10:00:00Z',
        commitSha: 'aaaaaaaaaa',
        passRate: 100,
        total: 10,
      },
      {
        reportId: 'c',
        createdAt: '2025-03-03T10:00:00Z',
        commitSha: 'cccccccccc',
        passRate: null,
        total: 0,
      },
    ]);
    expect(points.map(p => [p.commitSha, p.passRate])).toEqual([
      ['aaaaaaaaaa', 100],
      ['bbbbbbbbbb', 90],
    ]);
    expect(points[0].label).toMatch(/^aaaaaaa /);
  });
});
