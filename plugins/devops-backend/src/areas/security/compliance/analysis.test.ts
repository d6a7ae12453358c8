import { ComplianceStatus } from '@devops-growth/backstage-plugin-devops-common';
import {
  ComplianceCheck,
  ComplianceCheckOutcome,
  ComplianceFramework,
} from '@devops-growth/backstage-plugin-devops-node';
import { emptyFacts, entity } from './__testUtils__/facts';
import {
  applicableFrameworks,
  complianceRecommendations,
  controlStatus,
  evaluateFramework,
  historyPointDue,
  runChecks,
  weightedScore,
} from './analysis';

const known = new Set(['soc2', 'gdpr', 'iso27001', 'pci-dss']);
const withAnnotation = (value: string) =>
  entity('a', {
    annotations: { 'devops-growth.io/compliance-frameworks': value },
  });

describe('applicableFrameworks', () => {
  it('uses the config default without the annotation', () => {
    expect(applicableFrameworks(entity('a'), ['soc2'], known)).toEqual({
      ids: ['soc2'],
      source: 'config',
      unknown: [],
    });
  });

  it('uses the annotation, in its order, skipping and listing unknown ids', () => {
    expect(
      applicableFrameworks(
        withAnnotation('PCI-DSS, acme, gdpr'),
        ['soc2'],
        known,
      ),
    ).toEqual({
      ids: ['pci-dss', 'gdpr'],
      source: 'annotation',
      unknown: ['acme'],
    });
  });

  it("applies none for 'none', whatever the default", () => {
    expect(
      applicableFrameworks(withAnnotation('none'), ['soc2'], known),
    ).toEqual({ ids: [], source: 'annotation', unknown: [] });
  });

  it('falls back to the default for a malformed annotation, with the reason', () => {
    const result = applicableFrameworks(
      withAnnotation('soc 2'),
      ['soc2'],
      known,
    );
    expect(result.ids).toEqual(['soc2']);
    expect(result.source).toBe('config');
    expect(result.annotationError).toMatch(/'soc 2' is not a framework id/);
  });
});

describe('controlStatus', () => {
  it.each<[ComplianceStatus[], ComplianceStatus]>([
    [['passed', 'passed'], 'passed'],
    [['passed', 'failed'], 'failed'],
    [['failed', 'not-evaluated'], 'failed'],
    [['passed', 'not-evaluated'], 'passed'],
    [['not-evaluated', 'not-evaluated'], 'not-evaluated'],
    [[], 'not-evaluated'],
  ])('%p -> %p', (statuses, expected) => {
    expect(controlStatus(statuses)).toBe(expected);
  });
});

describe('weightedScore', () => {
  it('is the weighted share of evaluated controls that pass', () => {
    expect(
      weightedScore([
        { status: 'passed', weight: 3 },
        { status: 'failed', weight: 1 },
        { status: 'not-evaluated', weight: 10 },
      ]),
    ).toBe(75);
    // 2 of 3 by weight: 66.666... rounds to one decimal.
    expect(
      weightedScore([
        { status: 'passed', weight: 2 },
        { status: 'failed', weight: 1 },
      ]),
    ).toBe(66.7);
    expect(weightedScore([{ status: 'failed', weight: 1 }])).toBe(0);
  });

  it('is null when no control was evaluated', () => {
    expect(weightedScore([{ status: 'not-evaluated', weight: 1 }])).toBeNull();
    expect(weightedScore([])).toBeNull();
  });
});

describe('runChecks and evaluateFramework', () => {
  const check = (id: string, outcome: ComplianceCheckOutcome | Error) => ({
    id,
    title: `Check ${id}`,
    evaluate: () => {
      if (outcome instanceof Error) throw outcome;
      return outcome;
    },
  });
  const checks: ComplianceCheck[] = [
    check('a', { status: 'passed', value: 'A ok' }),
    check('b', { status: 'failed', value: 'B bad' }),
    check('c', { status: 'not-evaluated', value: 'no C data' }),
    check('boom', new Error('module bug')),
    check('junk', { status: 'maybe', value: 1 } as any),
  ];
  const outcomes = runChecks(checks, emptyFacts(entity('a')));

  it('turns a throwing or malformed check into not-evaluated with the reason', () => {
    expect(outcomes.get('boom')).toEqual({
      status: 'not-evaluated',
      value: 'the check failed: module bug',
    });
    expect(outcomes.get('junk')!.status).toBe('not-evaluated');
  });

  it('judges every control with its evidence and the weighted score', () => {
    const framework: ComplianceFramework = {
      id: 'x',
      title: 'X',
      controls: [
        { id: '1', title: 'passes', weight: 3, checks: ['a', 'c'] },
        { id: '2', title: 'fails', checks: ['a', 'b'] },
        { id: '3', title: 'unknown', weight: 5, checks: ['c', 'boom'] },
      ],
    };
    const titles = new Map(checks.map(c => [c.id, c.title]));
    const result = evaluateFramework(
      framework,
      outcomes,
      titles,
      '2026-12-03T12:00:00.000Z',
    );
    expect(result).toMatchObject({
      frameworkId: 'x',
      title: 'X',
      score: 75,
      passed: 1,
      failed: 1,
      notEvaluated: 1,
    });
    expect(result.controls.map(c => [c.controlId, c.status, c.weight])).toEqual(
      [
        ['1', 'passed', 3],
        ['2', 'failed', 1],
        ['3', 'not-evaluated', 5],
      ],
    );
    expect(result.controls[1].evidence).toEqual([
      {
        checkId: 'a',
        title: 'Check a',
        status: 'passed',
        value: 'A ok',
        checkedAt: '2026-12-03T12:00:00.000Z',
      },
      {
        checkId: 'b',
        title: 'Check b',
        status: 'failed',
        value: 'B bad',
        checkedAt: '2026-12-03T12:00:00.000Z',
      },
    ]);
  });
});

describe('historyPointDue', () => {
  const HOUR = 3_600_000;
  it('is due for the first result, a changed score, or an old point', () => {
    expect(historyPointDue(undefined, 50, 0, HOUR)).toBe(true);
    expect(historyPointDue({ score: 50, historyAtMs: null }, 50, 0, HOUR)).toBe(
      true,
    );
    expect(historyPointDue({ score: 50, historyAtMs: 0 }, 60, 1, HOUR)).toBe(
      true,
    );
    expect(historyPointDue({ score: 50, historyAtMs: 0 }, null, 1, HOUR)).toBe(
      true,
    );
    expect(
      historyPointDue({ score: 50, historyAtMs: 0 }, 50, HOUR - 1, HOUR),
    ).toBe(false);
    expect(historyPointDue({ score: 50, historyAtMs: 0 }, 50, HOUR, HOUR)).toBe(
      true,
    );
  });
});

describe('complianceRecommendations', () => {
  it('names skipped ids and a malformed annotation, nothing otherwise', () => {
    expect(
      complianceRecommendations(
        applicableFrameworks(entity('a'), ['soc2'], known),
      ),
    ).toEqual([]);
    const unknown = complianceRecommendations(
      applicableFrameworks(withAnnotation('soc2,acme'), [], known),
    );
    expect(unknown.map(r => [r.id, r.evidence])).toEqual([
      [
        'compliance.unknown-frameworks',
        [
          { label: 'skipped', value: 'acme' },
          { label: 'applied', value: 'soc2' },
        ],
      ],
    ]);
    const malformed = complianceRecommendations(
      applicableFrameworks(withAnnotation('a b'), ['soc2'], known),
    );
    expect(malformed.map(r => r.id)).toEqual(['compliance.annotation-invalid']);
  });
});
