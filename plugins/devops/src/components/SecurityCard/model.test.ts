import {
  acceptedFinding,
  dependencyFinding,
  injectionThreat,
  makeEmptySecuritySummary,
  makeFinding,
  makeSecuritySummary,
  makeThreat,
  SECURITY_NOW,
} from '../../__fixtures__/securitySummary';
import {
  describeNoActiveThreats,
  findingActions,
  formatAge,
  formatThreatFigure,
  hasSecurityData,
  scoreTone,
  threatActions,
  toComplianceTile,
  toFindingView,
  toMonitoringView,
  toScanStreamView,
  toSeverityTiles,
  toThreatView,
  toTrendChartData,
} from './model';

const now = SECURITY_NOW;

describe('hasSecurityData', () => {
  it('is true with a scan, false for an entity never scanned and without threats', () => {
    expect(hasSecurityData(makeSecuritySummary())).toBe(true);
    expect(hasSecurityData(makeEmptySecuritySummary())).toBe(false);
  });

  it('is true with a threat even before the first scan', () => {
    const summary = makeEmptySecuritySummary();
    summary.threats.active = [makeThreat()];
    expect(hasSecurityData(summary)).toBe(true);
  });
});

describe('formatAge', () => {
  it.each([
    ['2025-03-10T11:59:50Z', '1 min'],
    ['2025-03-10T11:20:00Z', '40 min'],
    ['2025-03-10T07:00:00Z', '5 h'],
    ['2025-03-09T12:00:00Z', '1 d'],
    ['2025-02-20T12:00:00Z', '18 d'],
    // a clock ahead of the browser's: never a negative age
    ['2025-03-10T12:05:00Z', '1 min'],
  ])('%s is %s old', (iso, age) => {
    expect(formatAge(iso, now)).toBe(age);
  });
});

describe('toSeverityTiles', () => {
  it('gives one tile per severity, most severe first, with its SLA and source, then the SLA breaches', () => {
    const tiles = toSeverityTiles(makeSecuritySummary());
    expect(tiles.map(t => [t.label, t.value, t.alert, t.detail])).toEqual([
      ['Critical', '1', true, 'SLA 1 day (default)'],
      ['High', '3', true, 'SLA 7 days (default)'],
      ['Medium', '5', false, 'SLA 30 days (app-config)'],
      ['Low', '2', false, 'SLA 90 days (annotation)'],
      ['Past SLA', '2', true, 'open findings older than their SLA'],
    ]);
  });

  it('does not alert on zero counts', () => {
    const tiles = toSeverityTiles(makeEmptySecuritySummary());
    expect(tiles.every(t => !t.alert && t.value === '0')).toBe(true);
  });
});

describe('toTrendChartData', () => {
  it('sorts the points by time and drops unreadable dates', () => {
    const points = toTrendChartData([
      { at: '2025-03-10', critical: 1, high: 3, medium: 5, low: 2 },
      { at: 'yesterday', critical: 9, high: 9, medium: 9, low: 9 },
      { at: '2025-03-08', critical: 0, high: 4, medium: 6, low: 2 },
    ]);
    expect(points).toEqual([
      {
        time: Date.parse('2025-03-08'),
        critical: 0,
        high: 4,
        medium: 6,
        low: 2,
      },
      {
        time: Date.parse('2025-03-10'),
        critical: 1,
        high: 3,
        medium: 5,
        low: 2,
      },
    ]);
  });
});

describe('status actions', () => {
  it('offers accepting and false positive on open findings, reopening on the others, nothing on fixed ones', () => {
    expect(findingActions('open')).toEqual(['accepted', 'false-positive']);
    expect(findingActions('accepted')).toEqual(['open']);
    expect(findingActions('false-positive')).toEqual(['open']);
    expect(findingActions('fixed')).toEqual([]);
  });

  it('walks a threat forward and lets closed ones reopen', () => {
    expect(threatActions('open')).toEqual([
      'acknowledged',
      'mitigated',
      'false-positive',
    ]);
    expect(threatActions('acknowledged')).toEqual([
      'mitigated',
      'false-positive',
      'open',
    ]);
    expect(threatActions('mitigated')).toEqual(['open']);
    expect(threatActions('false-positive')).toEqual(['open']);
  });
});

describe('toFindingView', () => {
  it('shows a code finding with its place, age and breached SLA', () => {
    const view = toFindingView(makeFinding(), now);
    expect(view).toMatchObject({
      tool: 'ESLint',
      rule: 'security/detect-eval-with-expression',
      where: 'src/handlers/report.js:42',
      severityLabel: 'High',
      age: '18 d',
      sla: { label: 'breached 11 d ago', tone: 'error' },
      statusLabel: 'Open',
      statusDetail: null,
      actions: ['accepted', 'false-positive'],
    });
  });

  it('shows a dependency with its installed and fixed version, and the hours left under a day', () => {
    const view = toFindingView(dependencyFinding, now);
    expect(view.where).toBe('lodash@4.17.11 (fixed in 4.17.12)');
    expect(view.sla).toEqual({ label: 'due in 18 h', tone: 'warning' });
    expect(view.regression).toBe(true);
    expect(view.age).toBe('6 h');
  });

  it('counts whole days left, and treats a due date in the past as breached', () => {
    expect(
      toFindingView(
        makeFinding({ slaBreached: false, slaDueAt: '2025-03-13T00:00:00Z' }),
        now,
      ).sla,
    ).toEqual({ label: 'due in 3 d', tone: 'neutral' });
    expect(
      toFindingView(
        makeFinding({ slaBreached: false, slaDueAt: '2025-03-10T10:00:00Z' }),
        now,
      ).sla.tone,
    ).toBe('error');
  });

  it('leaves out the SLA of findings that are not open, and says who accepted them, why and until when', () => {
    const view = toFindingView(acceptedFinding, now);
    expect(view.sla.label).toBe('–');
    expect(view.statusLabel).toBe('Accepted risk');
    expect(view.statusDetail).toMatch(
      /^until .+, by jane\.doe, “Paths come from our own config”$/,
    );
    expect(view.actions).toEqual(['open']);
  });

  it('shows a path without a line, a package without a version, and neither', () => {
    expect(
      toFindingView(
        makeFinding({ location: { path: 'Dockerfile', line: null } }),
        now,
      ).where,
    ).toBe('Dockerfile');
    expect(
      toFindingView(
        makeFinding({
          location: null,
          package: { name: 'openssl', version: null, fixedVersion: null },
        }),
        now,
      ).where,
    ).toBe('openssl');
    expect(
      toFindingView(makeFinding({ location: null, package: null }), now).where,
    ).toBe('–');
  });
});

describe('formatThreatFigure', () => {
  it('writes the value with its unit and the baseline', () => {
    expect(
      formatThreatFigure({
        label: '401/403 per minute',
        value: 42,
        baseline: 3,
        unit: 'req/min',
      }),
    ).toBe('401/403 per minute: 42 req/min (usual 3 req/min)');
    expect(
      formatThreatFigure({ label: 'Share', value: 31.256, unit: '%' }),
    ).toBe('Share: 31.26%');
    expect(formatThreatFigure({ label: 'Events', value: 1200 })).toBe(
      'Events: 1,200',
    );
  });
});

describe('toThreatView', () => {
  it('shows an ongoing threat with its age, figures and actions', () => {
    const view = toThreatView(makeThreat(), now);
    expect(view).toMatchObject({
      title: 'Brute force',
      severityLabel: 'High',
      statusLabel: 'Open',
      summary: '401/403 responses at 14 times their usual rate',
      figures: [
        '401/403 per minute: 42 req/min (usual 3 req/min)',
        'Share of responses: 31% (usual 2%)',
      ],
      moreEvents: null,
      statusDetail: null,
      actions: ['acknowledged', 'mitigated', 'false-positive'],
    });
    expect(view.when).toMatch(/^production, since .+ \(20 min\)$/);
  });

  it('counts the events behind a WAF threat beyond those quoted', () => {
    const view = toThreatView(injectionThreat, now);
    expect(view.events).toHaveLength(1);
    expect(view.moreEvents).toBe('12 events in all');
    expect(view.statusDetail).toBe('by jane.doe, “Looking into it”');
  });

  it('gives the start and end of a threat that ended', () => {
    const view = toThreatView(
      makeThreat({ endedAt: '2025-03-10T11:50:00Z' }),
      now,
    );
    expect(view.when).toMatch(/^production, .+ to .+$/);
    expect(view.when).not.toContain('since');
  });
});

describe('detector monitoring', () => {
  const { monitoring } = makeSecuritySummary().threats;

  it('says "not monitored" with the reason, never "no threats", for a detector without input', () => {
    const views = monitoring.map(toMonitoringView);
    expect(views.map(v => [v.label, v.text])).toEqual([
      [
        'Traffic flood (request rate)',
        'monitored: request rate of production, 14 days of baseline',
      ],
      [
        'Brute force (401/403 responses)',
        'monitored: 401/403 responses of production',
      ],
      [
        'Attacks reported by a WAF or IDS',
        'not monitored: no security events were ever pushed for this entity',
      ],
    ]);
  });

  it('names only the monitored detectors when none found a threat', () => {
    expect(describeNoActiveThreats(monitoring)).toBe(
      'No open threats from the monitored detectors: Traffic flood (request rate); Brute force (401/403 responses).',
    );
    expect(
      describeNoActiveThreats(makeEmptySecuritySummary().threats.monitoring),
    ).toBeNull();
  });
});

describe('compliance tiles', () => {
  it('shows the score and the counts of controls', () => {
    const [soc2, gdpr] = makeSecuritySummary().compliance;
    expect(toComplianceTile(soc2)).toMatchObject({
      title: 'SOC 2',
      value: '72.5%',
      counts: '8 passed, 3 failed, 2 not evaluated',
      tone: 'warning',
    });
    // nothing could be evaluated: no score, never 100 %
    expect(toComplianceTile(gdpr)).toMatchObject({
      value: 'not evaluated',
      score: null,
      tone: 'neutral',
    });
  });

  it.each([
    [100, 'ok'],
    [90, 'ok'],
    [89.9, 'warning'],
    [70, 'warning'],
    [69.9, 'error'],
    [0, 'error'],
  ] as const)('a score of %p is %p', (score, tone) => {
    expect(scoreTone(score)).toBe(tone);
  });
});

describe('toScanStreamView', () => {
  it('shows the stream with its short commit, and a dash for a stream without category', () => {
    const [eslint, npm] = makeSecuritySummary().findings.scans;
    expect(toScanStreamView(eslint)).toMatchObject({
      tool: 'ESLint',
      category: 'eslint-security',
      commit: 'abcdef1',
      findings: 9,
    });
    expect(toScanStreamView(npm).category).toBe('–');
    expect(toScanStreamView(eslint).key).not.toBe(toScanStreamView(npm).key);
  });
});
