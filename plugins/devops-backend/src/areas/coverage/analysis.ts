import { Entity } from '@backstage/catalog-model';
import {
  COVERAGE_METRICS,
  CoverageGate,
  CoverageMetric,
  CoverageTrendPoint,
  DEVOPS_COVERAGE_GATE_ANNOTATION,
  FlakyTest,
  GateSource,
  Recommendation,
  ReportSummary,
  SlowTest,
  coveragePct,
  passRateOf,
} from '@devops-growth/backstage-plugin-devops-common';
import { TestCaseOccurrence } from './ReportStore';

/** Built-in minimum line coverage of the quality gate. */
export const DEFAULT_LINE_COVERAGE_GATE = 80;

/**
 * The effective gate threshold: built-in default, then `devops.coverage.gate.lines`, then the
 * entity's `devops-growth.io/coverage-gate` annotation. An annotation that is not a number from 0
 * to 100 is ignored (and the configured gate applies).
 */
export function resolveGateThreshold(
  entity: Entity,
  configured: number | undefined,
): { threshold: number; source: GateSource } {
  const raw = entity.metadata.annotations?.[DEVOPS_COVERAGE_GATE_ANNOTATION];
  if (raw !== undefined) {
    const value = Number(raw.trim().replace(/%$/, ''));
    if (
      raw.trim() !== '' &&
      Number.isFinite(value) &&
      value >= 0 &&
      value <= 100
    ) {
      return { threshold: value, source: 'annotation' };
    }
  }
  if (configured !== undefined) {
    return { threshold: configured, source: 'config' };
  }
  return { threshold: DEFAULT_LINE_COVERAGE_GATE, source: 'default' };
}

export function evaluateGate(
  latest: ReportSummary | null,
  gate: { threshold: number; source: GateSource },
): CoverageGate {
  const actual = coveragePct(latest?.coverage?.lines);
  let status: CoverageGate['status'] = 'unknown';
  if (actual !== null) {
    status = actual >= gate.threshold ? 'passed' : 'failed';
  }
  return {
    metric: 'lines',
    threshold: gate.threshold,
    source: gate.source,
    actual,
    status,
  };
}

/** Percentage-point change of each metric; null when either side lacks the metric. */
export function coverageDeltas(
  latest: ReportSummary | null,
  previous: ReportSummary | null,
): Record<CoverageMetric, number | null> {
  const deltas = {} as Record<CoverageMetric, number | null>;
  for (const metric of COVERAGE_METRICS) {
    const now = coveragePct(latest?.coverage?.[metric]);
    const before = coveragePct(previous?.coverage?.[metric]);
    deltas[metric] =
      now === null || before === null
        ? null
        : Math.round((now - before) * 100) / 100;
  }
  return deltas;
}

/** Oldest first, as charts want it. */
export function coverageTrend(
  reportsNewestFirst: ReportSummary[],
): CoverageTrendPoint[] {
  return [...reportsNewestFirst].reverse().map(r => ({
    reportId: r.id,
    createdAt: r.createdAt,
    commitSha: r.commitSha,
    lines: coveragePct(r.coverage?.lines),
    branches: coveragePct(r.coverage?.branches),
    functions: coveragePct(r.coverage?.functions),
    statements: coveragePct(r.coverage?.statements),
  }));
}

/**
 * Flaky tests among the examined runs (newest first). A test is flaky when
 * - it both passed and failed (or errored) on the same commit, or
 * - its outcome flipped between passing and failing at least twice across consecutive runs
 *   (pass -> fail -> pass, or fail -> pass -> fail): a single change is a regression or a fix,
 *   not flakiness.
 * Skipped occurrences are ignored.
 */
export function detectFlakyTests(
  runsNewestFirst: Array<{ id: string; commitSha: string }>,
  occurrences: TestCaseOccurrence[],
): FlakyTest[] {
  const order = new Map(
    runsNewestFirst.map((r, i) => [r.id, runsNewestFirst.length - i]),
  );
  const byTest = new Map<string, TestCaseOccurrence[]>();
  for (const o of occurrences) {
    if (o.outcome === 'skipped' || !order.has(o.reportId)) continue;
    const key = `${o.suite}\u0000${o.name}`;
    const list = byTest.get(key);
    if (list) list.push(o);
    else byTest.set(key, [o]);
  }
  const flaky: FlakyTest[] = [];
  for (const list of byTest.values()) {
    list.sort((a, b) => order.get(a.reportId)! - order.get(b.reportId)!);
    const failedRuns = list.filter(o => o.outcome !== 'passed').length;
    const passedRuns = list.length - failedRuns;
    if (failedRuns === 0 || passedRuns === 0) continue;
    let flips = 0;
    for (let i = 1; i < list.length; i++) {
      if ((list[i].outcome === 'passed') !== (list[i - 1].outcome === 'passed'))
        flips++;
    }
    const outcomesByCommit = new Map<string, Set<boolean>>();
    for (const o of list) {
      const s = outcomesByCommit.get(o.commitSha) ?? new Set<boolean>();
      s.add(o.outcome === 'passed');
      outcomesByCommit.set(o.commitSha, s);
    }
    const sameCommit = [...outcomesByCommit.values()].some(s => s.size === 2);
    if (sameCommit || flips >= 2) {
      flaky.push({
        suite: list[0].suite,
        name: list[0].name,
        reason: sameCommit ? 'same-commit' : 'flipping',
        failedRuns,
        passedRuns,
        flips,
      });
    }
  }
  return flaky.sort(
    (a, b) =>
      b.flips - a.flips ||
      b.failedRuns - a.failedRuns ||
      a.name.localeCompare(b.name),
  );
}

const PRIORITY_ORDER = { high: 0, medium: 1, low: 2 } as const;

export interface RecommendationInput {
  gate: CoverageGate;
  coverageNewestFirst: ReportSummary[];
  latestTests: ReportSummary | null;
  flaky: FlakyTest[];
  runsExamined: number;
  slowest: SlowTest[];
  slowTestThresholdMs: number;
  uncoveredFiles: Array<{ path: string }>;
}

function pct(value: number | null): string {
  return value === null ? 'n/a' : `${value.toFixed(2)}%`;
}

/** Recommendations for the coverage & tests area, highest priority first, each with evidence. */
export function recommend(input: RecommendationInput): Recommendation[] {
  const out: Recommendation[] = [];
  const { gate } = input;
  if (gate.status === 'failed') {
    out.push({
      id: 'coverage.below-gate',
      area: 'coverage',
      priority: 'high',
      title: 'Line coverage is below the quality gate',
      description: `Line coverage is ${pct(gate.actual)}, under the gate of ${
        gate.threshold
      }%. Add tests for the least covered files first.`,
      evidence: [
        { label: 'Line coverage', value: pct(gate.actual) },
        { label: 'Gate', value: `${gate.threshold}% (${gate.source})` },
      ],
    });
  }

  const lines = input.coverageNewestFirst
    .slice(0, 4)
    .map(r => ({ r, v: coveragePct(r.coverage?.lines) }));
  if (
    lines.length === 4 &&
    lines.every(l => l.v !== null) &&
    lines[0].v! < lines[1].v! &&
    lines[1].v! < lines[2].v! &&
    lines[2].v! < lines[3].v!
  ) {
    out.push({
      id: 'coverage.falling',
      area: 'coverage',
      priority: gate.status === 'failed' ? 'high' : 'medium',
      title: 'Line coverage fell three reports in a row',
      description: `Line coverage went from ${pct(lines[3].v)} to ${pct(
        lines[0].v,
      )} over the last three reports. New code is landing with fewer tests than the code it joins.`,
      evidence: [...lines].reverse().map(l => ({
        label: `${l.r.commitSha.slice(0, 8)} (${l.r.createdAt.slice(0, 10)})`,
        value: pct(l.v),
      })),
    });
  }

  const tests = input.latestTests?.tests;
  if (tests && tests.failed + tests.errored > 0) {
    out.push({
      id: 'tests.failing',
      area: 'tests',
      priority: 'high',
      title: 'The latest test run has failures',
      description: `${tests.failed} failed and ${tests.errored} errored of ${
        tests.total
      } tests on commit ${input.latestTests!.commitSha.slice(0, 8)}.`,
      evidence: [
        { label: 'Pass rate', value: pct(passRateOf(tests)) },
        { label: 'Failed', value: String(tests.failed) },
        { label: 'Errored', value: String(tests.errored) },
      ],
    });
  }

  if (input.flaky.length > 0) {
    out.push({
      id: 'tests.flaky',
      area: 'tests',
      priority: input.flaky.length >= 3 ? 'high' : 'medium',
      title: `${input.flaky.length} flaky test${
        input.flaky.length === 1 ? '' : 's'
      }`,
      description: `These tests both passed and failed within the last ${input.runsExamined} runs. Fix or quarantine them: flaky tests hide real failures and slow every pipeline with retries.`,
      evidence: input.flaky.slice(0, 5).map(f => ({
        label: `${f.suite} › ${f.name}`,
        value:
          f.reason === 'same-commit'
            ? `passed and failed on the same commit (${f.passedRuns} passed, ${f.failedRuns} failed)`
            : `${f.flips} outcome flips (${f.passedRuns} passed, ${f.failedRuns} failed)`,
      })),
    });
  }

  const slow = input.slowest.filter(
    t => t.durationMs >= input.slowTestThresholdMs,
  );
  if (slow.length > 0) {
    out.push({
      id: 'tests.slow',
      area: 'tests',
      priority: 'low',
      title: 'Slow tests',
      description: `${slow.length} test${
        slow.length === 1 ? ' takes' : 's take'
      } longer than ${
        input.slowTestThresholdMs / 1000
      } s. Speeding them up shortens every pipeline run.`,
      evidence: slow.map(t => ({
        label: `${t.suite} › ${t.name}`,
        value: `${(t.durationMs / 1000).toFixed(2)} s`,
      })),
    });
  }

  if (input.uncoveredFiles.length > 0) {
    out.push({
      id: 'coverage.untested-files',
      area: 'coverage',
      priority: 'low',
      title: 'Files without any covered line',
      description: 'No test executes any line of these files.',
      evidence: input.uncoveredFiles
        .slice(0, 5)
        .map(f => ({ label: f.path, value: '0%' })),
    });
  }

  return out.sort(
    (a, b) => PRIORITY_ORDER[a.priority] - PRIORITY_ORDER[b.priority],
  );
}
