import { ConfigReader } from '@backstage/config';
import {
  ComplianceCheck,
  ComplianceFramework,
} from '@devops-growth/backstage-plugin-devops-node';
import { ComplianceRegistry } from './ComplianceRegistry';
import { builtInFrameworks } from './frameworks';
import { readComplianceSettings } from './settings';

const settingsOf = (compliance: object) =>
  readComplianceSettings(
    new ConfigReader({ devops: { security: { compliance } } }),
  );
const registryOf = (
  compliance: object,
  modules: {
    frameworks?: ComplianceFramework[];
    checks?: ComplianceCheck[];
  } = {},
) =>
  ComplianceRegistry.create({
    settings: settingsOf(compliance),
    moduleFrameworks: modules.frameworks,
    moduleChecks: modules.checks,
  });

const moduleCheck: ComplianceCheck = {
  id: 'acme.sbom',
  title: 'An SBOM is published',
  evaluate: () => ({ status: 'passed', value: 'sbom.json' }),
};

describe('built-in frameworks', () => {
  it('are the four catalogues, with 8 to 15 controls each, worded as automated evidence', () => {
    const frameworks = builtInFrameworks();
    expect(frameworks.map(f => [f.id, f.controls.length])).toEqual([
      ['soc2', 14],
      ['gdpr', 10],
      ['iso27001', 12],
      ['pci-dss', 11],
    ]);
    for (const f of frameworks) {
      expect(f.title).toMatch(/\(automated evidence\)$/);
      for (const c of f.controls) {
        expect(c.title.length).toBeLessThanOrEqual(80);
      }
    }
  });

  it('only name built-in checks (the registry starts with no config)', () => {
    const registry = registryOf({});
    expect(registry.frameworks().map(f => f.id)).toEqual([
      'soc2',
      'gdpr',
      'iso27001',
      'pci-dss',
    ]);
    // Every built-in check serves at least one built-in control.
    const used = new Set(
      registry.frameworks().flatMap(f => f.controls.flatMap(c => c.checks)),
    );
    expect(registry.checks().filter(c => !used.has(c.id))).toEqual([]);
  });
});

describe('ComplianceRegistry with config', () => {
  it('adds a framework from the config', () => {
    const registry = registryOf({
      frameworks: [
        {
          id: 'baseline',
          title: 'Internal baseline',
          controls: [
            { id: 'B-1', title: 'Owned', checks: ['catalog.owner'] },
            {
              id: 'B-2',
              title: 'Scanned',
              weight: 2,
              checks: ['security.scan-fresh'],
            },
          ],
        },
      ],
      defaultFrameworks: ['baseline'],
    });
    expect(registry.framework('baseline')).toEqual({
      id: 'baseline',
      title: 'Internal baseline',
      controls: [
        { id: 'B-1', title: 'Owned', checks: ['catalog.owner'] },
        {
          id: 'B-2',
          title: 'Scanned',
          weight: 2,
          checks: ['security.scan-fresh'],
        },
      ],
    });
  });

  it('overrides a framework: per-control changes, additions and disabled controls', () => {
    const registry = registryOf({
      frameworks: [
        {
          id: 'soc2',
          title: 'SOC 2 (our scope)',
          controlOverrides: [
            { id: 'CC6.1', weight: 5 },
            { id: 'CC9.9', title: 'Extra', checks: ['catalog.owner'] },
          ],
          disabledControls: ['A1.3', 'CC7.5'],
        },
      ],
    });
    const soc2 = registry.framework('soc2')!;
    expect(soc2.title).toBe('SOC 2 (our scope)');
    expect(soc2.version).toBe('TSC 2017, points of focus 2022');
    expect(soc2.controls.find(c => c.id === 'CC6.1')).toMatchObject({
      weight: 5,
      checks: ['threats.monitored', 'threats.handled'],
    });
    expect(soc2.controls.map(c => c.id)).not.toContain('A1.3');
    expect(soc2.controls.map(c => c.id)).not.toContain('CC7.5');
    expect(soc2.controls.at(-1)).toEqual({
      id: 'CC9.9',
      title: 'Extra',
      checks: ['catalog.owner'],
    });
    expect(soc2.controls).toHaveLength(13);
  });

  it('replaces all controls of a framework', () => {
    const registry = registryOf({
      frameworks: [
        {
          id: 'gdpr',
          controls: [
            { id: 'Art. 32', title: 'Only this', checks: ['coverage.gate'] },
          ],
        },
      ],
    });
    expect(registry.framework('gdpr')!.controls).toEqual([
      { id: 'Art. 32', title: 'Only this', checks: ['coverage.gate'] },
    ]);
    expect(registry.framework('gdpr')!.title).toBe('GDPR (automated evidence)');
  });

  it.each([
    [
      { frameworks: [{ id: 'soc2', disabledControls: ['CC0.0'] }] },
      "Invalid config at devops.security.compliance.frameworks[0].disabledControls[0]: framework 'soc2' has no control 'CC0.0'",
    ],
    [
      {
        frameworks: [
          { id: 'soc2', controlOverrides: [{ id: 'CC0.0', weight: 2 }] },
        ],
      },
      "Invalid config at devops.security.compliance.frameworks[0].controlOverrides[0]: framework 'soc2' has no control 'CC0.0'; to add it, give its title and checks",
    ],
    [
      {
        frameworks: [
          {
            id: 'new-one',
            controls: [{ id: '1', title: 't', checks: ['catalog.owner'] }],
          },
        ],
      },
      "Invalid config at devops.security.compliance.frameworks[0]: no framework has the id 'new-one', so the entry adds one and needs a title and controls",
    ],
    [
      {
        frameworks: [
          { id: 'soc2', controlOverrides: [{ id: 'CC6.1', checks: ['nope'] }] },
        ],
      },
      "Compliance control 'CC6.1' of framework 'soc2' (from devops.security.compliance.frameworks[0]) names the unknown check 'nope'",
    ],
    [
      { frameworks: [{ id: 'Bad Id' }] },
      'Invalid config at devops.security.compliance.frameworks[0].id: expected lower-case letters, digits and dashes, got "Bad Id"',
    ],
    [
      {
        frameworks: [
          {
            id: 'soc2',
            controls: [{ id: '1', title: 't', checks: [], weight: 1 }],
          },
        ],
      },
      'Invalid config at devops.security.compliance.frameworks[0].controls[0].checks',
    ],
    [
      { frameworks: [{ id: 'soc2', colour: 'red' }] },
      'Invalid config at devops.security.compliance.frameworks[0]',
    ],
    [
      { defaultFrameworks: ['soc2', 'hipaa'] },
      "Invalid config at devops.security.compliance.defaultFrameworks: no framework has the id 'hipaa'",
    ],
    [
      { defaultFrameworks: 'soc2' },
      'Invalid config at devops.security.compliance.defaultFrameworks: expected a list of framework ids',
    ],
    [
      {
        frameworks: [
          {
            id: 'x',
            title: 'X',
            controls: [
              { id: '1', title: 'a', checks: ['catalog.owner'] },
              { id: '1', title: 'b', checks: ['catalog.owner'] },
            ],
          },
        ],
      },
      "control '1' is listed twice",
    ],
  ])('refuses %j', (compliance, message) => {
    expect(() => registryOf(compliance)).toThrow(message);
  });

  it('reads the other settings with their defaults and names a wrong key', () => {
    const settings = settingsOf({});
    expect(settings.defaultFrameworks).toEqual(['soc2']);
    expect(settings.checks.scanMaxAgeMs).toBe(7 * 86_400_000);
    expect(settings.evaluation).toEqual({
      frequency: { hours: 1 },
      timeout: { hours: 1 },
      batchSize: 500,
      pageSize: 500,
    });
    expect(settings.history).toEqual({
      intervalMs: 86_400_000,
      retention: { days: 400 },
    });
    expect(settingsOf({ defaultFrameworks: [] }).defaultFrameworks).toEqual([]);
    expect(() => settingsOf({ checks: { scanMaxAge: 'soon' } })).toThrow(
      'Invalid config at devops.security.compliance.checks.scanMaxAge',
    );
    expect(() => settingsOf({ evaluation: { batchSize: 0 } })).toThrow(
      'Invalid config at devops.security.compliance.evaluation.batchSize: expected a whole number from 1 to 5000, got 0',
    );
  });
});

describe('ComplianceRegistry with modules', () => {
  it('adds module checks and frameworks; a module framework replaces a built-in one', () => {
    const registry = registryOf(
      {},
      {
        checks: [moduleCheck],
        frameworks: [
          {
            id: 'acme',
            title: 'ACME policy',
            controls: [{ id: 'A1', title: 'SBOM', checks: ['acme.sbom'] }],
          },
          {
            id: 'pci-dss',
            title: 'PCI DSS (our reading)',
            version: '4.0.1',
            controls: [
              { id: '6.3', title: 'Scans', checks: ['security.scan-fresh'] },
            ],
          },
        ],
      },
    );
    expect(registry.check('acme.sbom')).toBe(moduleCheck);
    expect(registry.framework('acme')!.controls[0].checks).toEqual([
      'acme.sbom',
    ]);
    expect(registry.framework('pci-dss')!.version).toBe('4.0.1');
    expect(registry.frameworks()).toHaveLength(5);
    expect(registry.checksOf(['acme', 'pci-dss']).map(c => c.id)).toEqual([
      'acme.sbom',
      'security.scan-fresh',
    ]);
  });

  it('lets the config override a module framework', () => {
    const registry = registryOf(
      { frameworks: [{ id: 'acme', disabledControls: ['A2'] }] },
      {
        checks: [moduleCheck],
        frameworks: [
          {
            id: 'acme',
            title: 'ACME policy',
            controls: [
              { id: 'A1', title: 'SBOM', checks: ['acme.sbom'] },
              { id: 'A2', title: 'Owner', checks: ['catalog.owner'] },
            ],
          },
        ],
      },
    );
    expect(registry.framework('acme')!.controls.map(c => c.id)).toEqual(['A1']);
  });

  it('refuses duplicate ids and unknown checks at start-up', () => {
    const acme: ComplianceFramework = {
      id: 'acme',
      title: 'ACME',
      controls: [{ id: 'A1', title: 'SBOM', checks: ['acme.sbom'] }],
    };
    expect(() =>
      registryOf({}, { checks: [moduleCheck, moduleCheck] }),
    ).toThrow("Compliance check 'acme.sbom' is registered twice");
    expect(() =>
      registryOf({}, { checks: [{ ...moduleCheck, id: 'catalog.owner' }] }),
    ).toThrow("Compliance check 'catalog.owner' is registered twice");
    expect(() =>
      registryOf({}, { checks: [moduleCheck], frameworks: [acme, acme] }),
    ).toThrow("Compliance framework 'acme' is registered by two modules");
    expect(() => registryOf({}, { frameworks: [acme] })).toThrow(
      "Compliance control 'A1' of framework 'acme' (from module framework 'acme') names the unknown check 'acme.sbom'",
    );
    expect(() =>
      registryOf({}, { frameworks: [{ ...acme, controls: [] }] }),
    ).toThrow(
      "Invalid compliance framework in module framework 'acme': controls",
    );
    expect(() =>
      registryOf({}, { checks: [{ id: '', title: 'x' } as any] }),
    ).toThrow('without an id or an evaluate function');
  });
});
