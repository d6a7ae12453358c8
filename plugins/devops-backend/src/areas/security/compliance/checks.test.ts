import { ComplianceFacts } from '@devops-growth/backstage-plugin-devops-node';
import {
  DAY,
  emptyFacts,
  entity,
  healthyFacts,
  NOW,
  zero,
} from './__testUtils__/facts';
import { builtInComplianceChecks, describeAge } from './checks';

const checks = builtInComplianceChecks({ scanMaxAgeMs: 7 * DAY });
const run = (id: string, facts: ComplianceFacts) => {
  const check = checks.find(c => c.id === id);
  if (!check) throw new Error(`no check ${id}`);
  return check.evaluate(facts);
};
const healthy = healthyFacts(entity('payments'));
const empty = emptyFacts(entity('payments'));
const withSecurity = (
  over: Partial<NonNullable<ComplianceFacts['security']>>,
): ComplianceFacts => ({
  ...healthy,
  security: { ...healthy.security!, ...over },
});

describe('built-in compliance checks', () => {
  it('have unique ids and titles', () => {
    const ids = checks.map(c => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(15);
    expect(checks.every(c => c.title.length > 0)).toBe(true);
  });

  it('all pass on healthy facts, except the deploy checks, which lack their input', () => {
    const statuses = Object.fromEntries(
      checks.map(c => [c.id, c.evaluate(healthy).status]),
    );
    expect(statuses).toEqual({
      'catalog.owner': 'passed',
      'catalog.lifecycle': 'passed',
      'catalog.system': 'passed',
      'catalog.runbook': 'passed',
      'catalog.on-call': 'passed',
      'security.scan-fresh': 'passed',
      'security.critical-high-within-sla': 'passed',
      'security.findings-within-sla': 'passed',
      'threats.monitored': 'passed',
      'threats.handled': 'passed',
      'coverage.gate': 'passed',
      'performance.monitoring-enabled': 'passed',
      'performance.metrics-fresh': 'passed',
      'deploys.gated': 'not-evaluated',
      'deploys.rollback-tested': 'not-evaluated',
    });
  });

  it('never pass without their input: only the catalog checks judge an entity with no data', () => {
    for (const check of checks) {
      const outcome = check.evaluate(empty);
      if (
        check.id.startsWith('catalog.') ||
        check.id.startsWith('performance.monitoring')
      ) {
        continue;
      }
      expect([check.id, outcome.status]).toEqual([check.id, 'not-evaluated']);
      expect(outcome.value).not.toBe('');
    }
  });

  it('read owner, lifecycle and system from the catalog', () => {
    const bare = healthyFacts(entity('bare', { spec: { type: 'service' } }));
    expect(run('catalog.owner', healthy)).toEqual({
      status: 'passed',
      value: 'owner group:default/team-a',
    });
    expect(run('catalog.owner', bare)).toEqual({
      status: 'failed',
      value: 'spec.owner is not set in the catalog',
    });
    expect(run('catalog.lifecycle', bare).status).toBe('failed');
    expect(run('catalog.system', bare).status).toBe('failed');
    const blank = healthyFacts(entity('blank', { spec: { owner: '  ' } }));
    expect(run('catalog.owner', blank).status).toBe('failed');
  });

  it('find runbook and on-call links by type or title, and paging annotations', () => {
    const none = healthyFacts(entity('none', { links: [] }));
    expect(run('catalog.runbook', none).status).toBe('failed');
    expect(run('catalog.on-call', none).status).toBe('failed');
    expect(run('catalog.runbook', healthy).value).toBe(
      "link 'Runbook' https://wiki.example.com/payments",
    );
    const byType = healthyFacts(
      entity('t', {
        links: [{ url: 'https://x/rb', type: 'run-book' }],
      }),
    );
    expect(run('catalog.runbook', byType).status).toBe('passed');
    const opsgenie = healthyFacts(
      entity('o', {
        links: [],
        annotations: { 'opsgenie.com/component-selector': 'name:payments' },
      }),
    );
    expect(run('catalog.on-call', opsgenie)).toEqual({
      status: 'passed',
      value: 'annotation opsgenie.com/component-selector=name:payments',
    });
    const pagerLink = healthyFacts(
      entity('p', {
        links: [{ url: 'https://p', title: 'PagerDuty service' }],
      }),
    );
    expect(run('catalog.on-call', pagerLink).status).toBe('passed');
    // A link that names neither is not enough.
    const docs = healthyFacts(
      entity('d', { links: [{ url: 'https://d', title: 'Docs' }] }),
    );
    expect(run('catalog.runbook', docs).status).toBe('failed');
  });

  it('judge scan freshness against the configured age', () => {
    expect(run('security.scan-fresh', healthy)).toEqual({
      status: 'passed',
      value: `latest scan 24 hours ago (${new Date(
        NOW.getTime() - DAY,
      ).toISOString()})`,
    });
    const old = withSecurity({ lastScanAt: new Date(NOW.getTime() - 8 * DAY) });
    expect(run('security.scan-fresh', old).status).toBe('failed');
    expect(run('security.scan-fresh', old).value).toMatch(
      /^latest scan 8 days ago/,
    );
    const never = withSecurity({ lastScanAt: null });
    expect(run('security.scan-fresh', never)).toEqual({
      status: 'failed',
      value: 'no scan was ever uploaded',
    });
    const strict = builtInComplianceChecks({ scanMaxAgeMs: DAY / 2 });
    expect(
      strict.find(c => c.id === 'security.scan-fresh')!.evaluate(healthy)
        .status,
    ).toBe('failed');
  });

  it('count findings past SLA, and do not judge them before any scan', () => {
    const late = withSecurity({
      pastSla: { ...zero(), high: 1, medium: 2 },
    });
    expect(run('security.critical-high-within-sla', late)).toEqual({
      status: 'failed',
      value: '1 past SLA (0 critical, 1 high)',
    });
    expect(run('security.findings-within-sla', late)).toEqual({
      status: 'failed',
      value: '3 past SLA (1 high, 2 medium)',
    });
    const onlyMedium = withSecurity({ pastSla: { ...zero(), medium: 1 } });
    expect(run('security.critical-high-within-sla', onlyMedium).status).toBe(
      'passed',
    );
    expect(run('security.findings-within-sla', onlyMedium).status).toBe(
      'failed',
    );
    expect(run('security.findings-within-sla', healthy).value).toBe(
      '0 past SLA (2 open within SLA)',
    );
    const never = withSecurity({ lastScanAt: null });
    expect(run('security.findings-within-sla', never).status).toBe(
      'not-evaluated',
    );
    expect(run('security.critical-high-within-sla', never).status).toBe(
      'not-evaluated',
    );
  });

  it('judge threat monitoring and handling', () => {
    const [flood, brute, waf] = healthy.security!.monitoring;
    const partly = withSecurity({
      monitoring: [
        flood,
        brute,
        { ...waf, state: 'not-monitored', detail: 'no security events pushed' },
      ],
    });
    expect(run('threats.monitored', partly)).toEqual({
      status: 'failed',
      value: 'not monitored: waf-events (no security events pushed)',
    });
    expect(
      run('threats.monitored', withSecurity({ monitoring: [] })).status,
    ).toBe('not-evaluated');
    const unhandled = withSecurity({
      unhandledThreats: 2,
      openThreats: { ...zero(), high: 2 },
    });
    expect(run('threats.handled', unhandled)).toEqual({
      status: 'failed',
      value: '2 threats open and unacknowledged for over a day',
    });
    const acknowledged = withSecurity({ openThreats: { ...zero(), high: 1 } });
    expect(run('threats.handled', acknowledged)).toEqual({
      status: 'passed',
      value: '1 open, every one acknowledged or under a day old',
    });
    // Nothing watches: no threat could have been raised, so "none open" proves nothing.
    const blind = withSecurity({
      monitoring: healthy.security!.monitoring.map(m => ({
        ...m,
        state: 'not-monitored' as const,
      })),
    });
    expect(run('threats.handled', blind).status).toBe('not-evaluated');
  });

  it('read the coverage gate, unknown gates are not evaluated', () => {
    const at = new Date(NOW.getTime() - DAY);
    const gate = (
      g: 'passed' | 'failed' | 'unknown',
      lastReportAt: Date | null,
    ) =>
      run('coverage.gate', { ...healthy, coverage: { gate: g, lastReportAt } });
    expect(gate('passed', at)).toEqual({
      status: 'passed',
      value: `gate passed (report of ${at.toISOString()})`,
    });
    expect(gate('failed', at).status).toBe('failed');
    expect(gate('unknown', null)).toEqual({
      status: 'not-evaluated',
      value: 'no coverage report was uploaded',
    });
    expect(gate('unknown', at).status).toBe('not-evaluated');
  });

  it('judge performance monitoring and freshness', () => {
    const off = healthyFacts(
      entity('off', {
        annotations: { 'devops-growth.io/monitoring': 'security,coverage' },
      }),
    );
    expect(run('performance.monitoring-enabled', off).status).toBe('failed');
    expect(run('performance.monitoring-enabled', healthy).status).toBe(
      'passed',
    );
    const stale = {
      ...healthy,
      performance: {
        lastSampleAt: new Date(NOW.getTime() - 3 * 3_600_000),
        stale: true,
      },
    };
    expect(run('performance.metrics-fresh', stale)).toEqual({
      status: 'failed',
      value: `stale: latest sample 3 hours ago (${stale.performance.lastSampleAt.toISOString()})`,
    });
    expect(
      run('performance.metrics-fresh', {
        ...healthy,
        performance: { lastSampleAt: null, stale: true },
      }).status,
    ).toBe('failed');
    expect(run('performance.metrics-fresh', healthy).status).toBe('passed');
  });

  it('judge deploys once the deploy area provides them', () => {
    const deploys = (d: NonNullable<ComplianceFacts['deploys']>) => ({
      ...healthy,
      deploys: d,
    });
    const allGated = deploys({
      productionDeploys: 4,
      gatedProductionDeploys: 4,
      rollbackTested: true,
    });
    expect(run('deploys.gated', allGated)).toEqual({
      status: 'passed',
      value: '4 of 4 production deploys gated',
    });
    expect(run('deploys.rollback-tested', allGated).status).toBe('passed');
    const someUngated = deploys({
      productionDeploys: 4,
      gatedProductionDeploys: 3,
      rollbackTested: false,
    });
    expect(run('deploys.gated', someUngated).status).toBe('failed');
    expect(run('deploys.rollback-tested', someUngated).status).toBe('failed');
    const none = deploys({
      productionDeploys: 0,
      gatedProductionDeploys: 0,
      rollbackTested: false,
    });
    expect(run('deploys.gated', none).status).toBe('not-evaluated');
  });

  it('describe ages in words', () => {
    expect(describeAge(0)).toBe('0 minutes');
    expect(describeAge(60_000)).toBe('1 minute');
    expect(describeAge(3_600_000)).toBe('1 hour');
    expect(describeAge(47 * 3_600_000)).toBe('47 hours');
    expect(describeAge(7 * DAY)).toBe('7 days');
  });
});
