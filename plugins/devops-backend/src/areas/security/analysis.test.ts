import {
  SecurityFinding,
  SecuritySummary,
  SecurityThreat,
} from '@devops-growth/backstage-plugin-devops-common';
import { recommend } from './analysis';

const now = new Date('2026-12-02T12:00:00Z');
const sla = {
  critical: { days: 1, source: 'default' as const },
  high: { days: 7, source: 'default' as const },
  medium: { days: 30, source: 'default' as const },
  low: { days: 90, source: 'default' as const },
};

function summary(
  overrides: Partial<Omit<SecuritySummary, 'recommendations'>> = {},
  findings: Partial<SecuritySummary['findings']> = {},
): Omit<SecuritySummary, 'recommendations'> {
  return {
    entityRef: 'component:default/payments',
    branch: 'main',
    branches: ['main'],
    findings: {
      open: { critical: 0, high: 0, medium: 0, low: 0 },
      slaBreaches: 0,
      trend: [],
      oldest: [],
      scans: [
        {
          tool: 'ESLint',
          scanCategory: '',
          format: 'sarif',
          lastScanAt: '2026-12-01T12:00:00Z',
          commitSha: 'abc1234',
          findings: 0,
        },
      ],
      sla,
      ...findings,
    },
    threats: {
      active: [],
      recent: [],
      monitoring: [
        {
          detector: 'traffic-flood',
          state: 'monitored',
          detail: 'request rate',
          evaluatedAt: now.toISOString(),
        },
      ],
    },
    compliance: [],
    ...overrides,
  };
}

const breached = {
  id: 'f1',
  severity: 'high',
  ruleId: 'security/detect-eval-with-expression',
  tool: 'ESLint',
  location: { path: 'src/report.js', line: 42 },
  package: null,
  slaBreached: true,
  slaDueAt: '2026-11-20T00:00:00Z',
} as unknown as SecurityFinding;

describe('recommend', () => {
  it('says nothing for a fresh scan with nothing open and every detector watching', () => {
    expect(recommend(summary(), now)).toEqual([]);
  });

  it('puts findings past SLA, open criticals and unacknowledged threats first, with their evidence', () => {
    const threat = {
      id: 't1',
      status: 'open',
      severity: 'high',
      type: 'brute-force',
      environment: 'production',
      evidence: { summary: '401/403 at 14 times their usual rate' },
    } as unknown as SecurityThreat;
    const out = recommend(
      summary(
        {
          threats: { active: [threat], recent: [], monitoring: [] },
          compliance: [
            {
              frameworkId: 'soc2',
              title: 'SOC 2',
              score: 72.5,
              passed: 8,
              failed: 3,
              notEvaluated: 2,
              evaluatedAt: now.toISOString(),
            },
          ],
        },
        {
          open: { critical: 2, high: 1, medium: 0, low: 0 },
          slaBreaches: 1,
          oldest: [breached],
        },
      ),
      now,
    );
    expect(out.map(r => r.id)).toEqual([
      'security.past-sla',
      'security.critical-open',
      'security.threat-open',
      'security.compliance-failing',
    ]);
    expect(out[0].title).toBe('1 finding past the fix SLA');
    expect(out[0].evidence[0]).toEqual({
      label: 'high · security/detect-eval-with-expression',
      value: 'src/report.js, due 2026-11-20',
    });
    expect(out[2].evidence[0].value).toBe(
      '401/403 at 14 times their usual rate',
    );
    expect(out[3].title).toBe('3 compliance controls fail in SOC 2');
    expect(out[3].evidence).toEqual([
      { label: 'SOC 2', value: '72.5%, 3 failed, 2 not evaluated' },
    ]);
  });

  it('asks for a scan when none was uploaded, and for a new one when the last is over a week old', () => {
    expect(recommend(summary({}, { scans: [] }), now).map(r => r.id)).toEqual([
      'security.no-scan',
    ]);
    const stale = recommend(
      summary(
        {},
        {
          scans: [
            {
              tool: 'Trivy',
              scanCategory: 'image',
              format: 'trivy',
              lastScanAt: '2026-11-20T00:00:00Z',
              commitSha: 'abc1234',
              findings: 3,
            },
          ],
        },
      ),
      now,
    );
    expect(stale.map(r => r.id)).toEqual(['security.stale-scan']);
    expect(stale[0].evidence).toEqual([
      { label: 'Trivy (image)', value: 'last scan 2026-11-20' },
    ]);
  });

  it('names each detector that cannot watch the entity, and an SLA annotation it ignored', () => {
    const out = recommend(
      summary({
        threats: {
          active: [],
          recent: [],
          monitoring: [
            {
              detector: 'brute-force',
              state: 'not-monitored',
              detail: 'the metrics source reports no 401/403 counts',
              evaluatedAt: now.toISOString(),
            },
          ],
        },
      }),
      now,
      {
        invalidSlaAnnotation: {
          annotation: 'devops-growth.io/security-sla',
          value: 'urgent=1',
          problem: "'urgent' is not a severity (critical, high, medium, low)",
        },
      },
    );
    expect(out.map(r => [r.id, r.priority])).toEqual([
      ['security.not-monitored.brute-force', 'low'],
      ['security.invalid-sla-annotation', 'low'],
    ]);
    expect(out[0].description).toBe(
      'the metrics source reports no 401/403 counts',
    );
  });
});
