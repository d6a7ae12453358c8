import { Entity } from '@backstage/catalog-model';
import { judgeCoverage } from './coverage';
import {
  entityPromotionChain,
  judgePromotionChain,
  promotionStep,
} from './promotionChain';
import {
  judgeCompliance,
  judgeSecurityFindings,
  judgeSecurityThreats,
  SecurityGateFacts,
} from './security';

const chain = ['development', 'staging', 'production'];

describe('promotion chain', () => {
  it('needs the previous environment of the chain, and skips the first, unknown ones, rollbacks and the switch', () => {
    const step = (environment: string, kind = 'deploy' as const) =>
      promotionStep({ enabled: true, kind, environment, chain });
    expect(step('production')).toEqual({ previous: 'staging' });
    expect(step('staging')).toEqual({ previous: 'development' });
    expect(step('development')).toMatchObject({
      skipped: 'development is the first environment of the promotion chain',
    });
    expect(step('preview-42')).toMatchObject({
      skipped:
        'preview-42 is not in the promotion chain (development, staging, production)',
    });
    expect(
      promotionStep({
        enabled: true,
        kind: 'rollback',
        environment: 'production',
        chain,
      }),
    ).toMatchObject({ skipped: 'A rollback may skip the promotion chain' });
    expect(
      promotionStep({
        enabled: false,
        kind: 'promote',
        environment: 'production',
        chain,
      }),
    ).toEqual({
      skipped: 'The promotion-chain gate is switched off for production',
      evidence: {
        environment: 'production',
        chain: 'development -> staging -> production',
        setting: false,
      },
    });
  });

  it("narrows the chain to the entity's deploy environments", () => {
    const entity = (environments?: string): Entity => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'shop',
        annotations: environments
          ? { 'devops-growth.io/deploy-environments': environments }
          : {},
      },
    });
    expect(entityPromotionChain(chain, entity())).toEqual(chain);
    expect(
      entityPromotionChain(chain, entity('production, development')),
    ).toEqual(['development', 'production']);
  });

  it('passes when the version succeeded in the previous environment, and says what runs there when not', () => {
    const succeeded = [
      {
        version: '1.4.1',
        deployId: 'd2',
        at: new Date('2026-12-01T11:00:00Z'),
      },
      {
        version: '1.4.0',
        deployId: 'd1',
        at: new Date('2026-11-30T09:00:00Z'),
      },
    ];
    expect(
      judgePromotionChain({
        environment: 'production',
        previous: 'staging',
        version: '1.4.0',
        succeeded,
      }),
    ).toEqual({
      gate: 'promotion-chain',
      status: 'passed',
      message: '1.4.0 succeeded in staging on 2026-11-30T09:00:00.000Z',
      evidence: {
        environment: 'production',
        previousEnvironment: 'staging',
        version: '1.4.0',
        deployId: 'd1',
        succeededAt: '2026-11-30T09:00:00.000Z',
      },
    });
    expect(
      judgePromotionChain({
        environment: 'production',
        previous: 'staging',
        version: '1.4.2',
        succeeded,
      }),
    ).toEqual({
      gate: 'promotion-chain',
      status: 'failed',
      message:
        'staging has not run 1.4.2 successfully; deploy it to staging first',
      evidence: {
        environment: 'production',
        previousEnvironment: 'staging',
        version: '1.4.2',
        latestInPrevious: '1.4.1',
      },
    });
  });
});

describe('coverage gate', () => {
  const judge = (facts: Parameters<typeof judgeCoverage>[0]['facts']) =>
    judgeCoverage({ enabled: true, environment: 'production', facts });
  const reportAt = new Date('2026-12-01T08:00:00Z');

  it("follows the coverage area's verdict on the latest report", () => {
    expect(
      judge({ kind: 'facts', gate: 'passed', lastReportAt: reportAt }),
    ).toMatchObject({
      status: 'passed',
      evidence: { gate: 'passed', lastReportAt: '2026-12-01T08:00:00.000Z' },
    });
    expect(
      judge({ kind: 'facts', gate: 'failed', lastReportAt: reportAt }),
    ).toMatchObject({
      status: 'failed',
      message:
        'The coverage gate fails on the latest report (2026-12-01T08:00:00.000Z)',
    });
  });

  it('says why it is not evaluated, and fails when the facts cannot be read', () => {
    expect(judge({ kind: 'area-off' })).toMatchObject({
      status: 'not-evaluated',
      message: 'The coverage area is not enabled for this entity',
    });
    expect(judge({ kind: 'no-reader' }).status).toBe('not-evaluated');
    expect(judge({ kind: 'no-entry' })).toMatchObject({
      status: 'not-evaluated',
      message: 'No coverage report was uploaded for this entity yet',
    });
    expect(
      judge({ kind: 'facts', gate: 'unknown', lastReportAt: null }).message,
    ).toBe('No coverage report was uploaded for this entity yet');
    expect(judge({ kind: 'error', message: 'database is down' })).toMatchObject(
      {
        status: 'failed',
        message: 'The coverage gate could not be read: database is down',
      },
    );
    expect(
      judgeCoverage({
        enabled: false,
        environment: 'staging',
        facts: { kind: 'area-off' },
      }),
    ).toMatchObject({
      status: 'skipped',
      message: 'The coverage gate is switched off for staging',
    });
  });
});

describe('security and compliance gates', () => {
  const facts = (over: Partial<SecurityGateFacts> = {}): SecurityGateFacts => ({
    criticalFindingsPastSla: 0,
    openCriticalThreats: 0,
    lastScanAt: new Date('2026-12-01T08:00:00Z'),
    threatDetectorsMonitoring: 3,
    complianceScores: [
      { framework: 'soc2', title: 'SOC 2', score: 80 },
      { framework: 'gdpr', title: 'GDPR', score: 65 },
    ],
    ...over,
  });
  const args = (f: SecurityGateFacts) => ({
    enabled: true,
    environment: 'production',
    source: { kind: 'facts' as const, facts: f },
  });

  it('fails on critical findings past SLA and open critical threats', () => {
    expect(
      judgeSecurityFindings(args(facts({ criticalFindingsPastSla: 2 }))),
    ).toEqual({
      gate: 'security-findings',
      status: 'failed',
      message: '2 critical findings are open past their SLA',
      evidence: {
        criticalFindingsPastSla: 2,
        lastScanAt: '2026-12-01T08:00:00.000Z',
      },
    });
    expect(
      judgeSecurityThreats(args(facts({ openCriticalThreats: 1 }))),
    ).toMatchObject({ status: 'failed', message: '1 critical threat is open' });
    expect(judgeSecurityFindings(args(facts())).status).toBe('passed');
    expect(judgeSecurityThreats(args(facts())).status).toBe('passed');
  });

  it('is not evaluated without a scan, without a watching detector, or without the security area', () => {
    expect(
      judgeSecurityFindings(args(facts({ lastScanAt: null }))),
    ).toMatchObject({
      status: 'not-evaluated',
      message: 'No security scan was uploaded for this entity yet',
    });
    expect(
      judgeSecurityThreats(args(facts({ threatDetectorsMonitoring: 0 }))),
    ).toMatchObject({
      status: 'not-evaluated',
      message: 'No threat detector monitors this entity yet',
    });
    for (const judge of [judgeSecurityFindings, judgeSecurityThreats]) {
      expect(
        judge({
          enabled: true,
          environment: 'production',
          source: { kind: 'area-off' },
        }),
      ).toMatchObject({
        status: 'not-evaluated',
        message: 'The security area is not enabled for this entity',
      });
    }
    expect(
      judgeCompliance({
        minimum: 50,
        environment: 'production',
        source: { kind: 'area-off' },
      }).message,
    ).toBe('The security area is not enabled for this entity');
  });

  it('needs every framework at or above the compliance minimum', () => {
    const judge = (minimum: number | null, f = facts()) =>
      judgeCompliance({
        minimum,
        environment: 'production',
        source: { kind: 'facts', facts: f },
      });
    expect(judge(65)).toMatchObject({
      status: 'passed',
      evidence: { minimum: 65, soc2: 80, gdpr: 65 },
    });
    expect(judge(70)).toMatchObject({
      status: 'failed',
      message: 'GDPR scores 65%, below the minimum of 70%',
    });
    expect(judge(null)).toMatchObject({
      status: 'skipped',
      message: 'No compliance minimum is configured for production',
    });
    const pending = facts({
      complianceScores: [
        { framework: 'soc2', title: 'SOC 2', score: 80 },
        { framework: 'iso27001', title: 'ISO 27001', score: null },
      ],
    });
    expect(judge(60, pending)).toMatchObject({
      status: 'not-evaluated',
      message: 'ISO 27001 is not evaluated yet',
      evidence: { minimum: 60, soc2: 80, iso27001: null },
    });
    // A scored framework below the minimum fails even while another is pending.
    expect(judge(90, pending).status).toBe('failed');
    expect(judge(60, facts({ complianceScores: [] })).message).toBe(
      'No compliance framework applies to this entity',
    );
  });
});
