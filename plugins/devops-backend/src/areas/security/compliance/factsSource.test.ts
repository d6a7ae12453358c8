import { ComplianceFacts } from '@devops-growth/backstage-plugin-devops-node';
import { entity, NOW, zero } from './__testUtils__/facts';
import { createComplianceFactsSource } from './factsSource';

type Security = NonNullable<ComplianceFacts['security']>;

describe('createComplianceFactsSource', () => {
  const calls: Array<[string, unknown]> = [];
  const scanAt = new Date('2026-12-02T00:00:00Z');
  const source = createComplianceFactsSource({
    findings: {
      facts: async refs => {
        calls.push(['findings', refs]);
        return new Map(
          refs
            .filter(r => r !== 'component:default/unscanned')
            .map(r => [
              r,
              {
                lastScanAt: scanAt,
                open: { ...zero(), high: 1 },
                pastSla: zero(),
              } as Pick<Security, 'lastScanAt' | 'open' | 'pastSla'>,
            ]),
        );
      },
    },
    threats: {
      facts: async refs => {
        calls.push(['threats', refs]);
        return new Map(
          refs.map(r => [
            r,
            {
              openThreats: { ...zero(), critical: 1 },
              unhandledThreats: 1,
              monitoring: [],
            } as Pick<
              Security,
              'openThreats' | 'unhandledThreats' | 'monitoring'
            >,
          ]),
        );
      },
    },
    coverage: {
      coverageFacts: async entities => {
        calls.push(['coverage', entities.map(e => e.metadata.name)]);
        return new Map([
          ['component:default/all', { gate: 'passed', lastReportAt: scanAt }],
        ]);
      },
    },
    performance: {
      performanceFacts: async refs => {
        calls.push(['performance', refs]);
        return new Map([
          ['component:default/all', { lastSampleAt: NOW, stale: false }],
        ]);
      },
    },
  });

  beforeEach(() => calls.splice(0));

  it('reads each part once for the batch and puts the facts together per entity', async () => {
    const all = entity('all');
    const unscanned = entity('unscanned');
    const coverageOnly = entity('cov', {
      annotations: { 'devops-growth.io/monitoring': 'coverage' },
    });
    const facts = await source([all, unscanned, coverageOnly], NOW);
    expect(calls).toEqual([
      ['findings', ['component:default/all', 'component:default/unscanned']],
      ['threats', ['component:default/all', 'component:default/unscanned']],
      ['coverage', ['all', 'unscanned', 'cov']],
      ['performance', ['component:default/all', 'component:default/unscanned']],
    ]);
    expect(facts[0]).toEqual({
      entity: all,
      now: NOW,
      security: {
        lastScanAt: scanAt,
        open: { ...zero(), high: 1 },
        pastSla: zero(),
        openThreats: { ...zero(), critical: 1 },
        unhandledThreats: 1,
        monitoring: [],
      },
      coverage: { gate: 'passed', lastReportAt: scanAt },
      performance: { lastSampleAt: NOW, stale: false },
      deploys: null,
    });
    // No findings entry: "no scan", not "all clear"; no coverage or performance entry: null.
    expect(facts[1].security?.lastScanAt).toBeNull();
    expect(facts[1].coverage).toBeNull();
    expect(facts[1].performance).toBeNull();
    // Areas off in the monitoring annotation are null.
    expect(facts[2]).toMatchObject({
      security: null,
      coverage: null,
      performance: null,
    });
  });

  it('skips the reads no entity of the batch needs', async () => {
    await source(
      [
        entity('cov', {
          annotations: { 'devops-growth.io/monitoring': 'coverage' },
        }),
      ],
      NOW,
    );
    expect(calls.map(c => c[0])).toEqual(['coverage']);
  });
});

describe('createComplianceFactsSource with the deploys reader', () => {
  const calls: Array<[string[], Date, Date]> = [];
  const none = async () => new Map();
  const source = createComplianceFactsSource({
    findings: { facts: none },
    threats: { facts: none },
    coverage: { coverageFacts: none },
    performance: { performanceFacts: none },
    deploys: {
      complianceFacts: async (refs, since, now) => {
        calls.push([refs, since, now]);
        return new Map([
          [
            'component:default/shipping',
            {
              productionDeploys: 4,
              gatedProductionDeploys: 3,
              rollbackTested: true,
            },
          ],
        ]);
      },
    },
  });

  it('reads the deploy-enabled entities once over the last 90 days; no entry is no deploy', async () => {
    const deploying = entity('shipping', {
      annotations: { 'devops-growth.io/monitoring': 'deploy,security' },
    });
    const quiet = entity('quiet', {
      annotations: { 'devops-growth.io/monitoring': 'deploy' },
    });
    const notDeploying = entity('docs', {
      annotations: { 'devops-growth.io/monitoring': 'security' },
    });
    const facts = await source([deploying, quiet, notDeploying], NOW);
    expect(calls).toEqual([
      [
        ['component:default/shipping', 'component:default/quiet'],
        new Date('2026-09-04T12:00:00Z'),
        NOW,
      ],
    ]);
    expect(facts.map(f => f.deploys)).toEqual([
      { productionDeploys: 4, gatedProductionDeploys: 3, rollbackTested: true },
      {
        productionDeploys: 0,
        gatedProductionDeploys: 0,
        rollbackTested: false,
      },
      null,
    ]);
  });
});
