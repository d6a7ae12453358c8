import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { readFindingsSettings, resolveSla } from './settings';

function entity(annotation?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'shop',
      annotations:
        annotation === undefined
          ? {}
          : { 'devops-growth.io/security-sla': annotation },
    },
  };
}

describe('readFindingsSettings', () => {
  it('has no configured SLA and a year of retention by default', () => {
    expect(readFindingsSettings(new ConfigReader({}))).toEqual({
      sla: {},
      retention: { days: 365 },
      maintenanceFrequency: { hours: 1 },
    });
  });

  it('reads the SLA per severity and the retention', () => {
    const settings = readFindingsSettings(
      new ConfigReader({
        devops: {
          security: { sla: { critical: 2, low: 120 }, retention: '90d' },
        },
      }),
    );
    expect(settings.sla).toEqual({ critical: 2, low: 120 });
    expect(settings.retention).toEqual({ weeks: 12, days: 6 });
  });

  it('refuses wrong values naming the key', () => {
    expect(() =>
      readFindingsSettings(
        new ConfigReader({ devops: { security: { sla: { high: 0 } } } }),
      ),
    ).toThrow(
      'Invalid config at devops.security.sla.high: expected a whole number from 1 to 3650, got 0',
    );
    expect(() =>
      readFindingsSettings(
        new ConfigReader({ devops: { security: { sla: { medium: 'x' } } } }),
      ),
    ).toThrow(/devops\.security\.sla\.medium/);
    expect(() =>
      readFindingsSettings(
        new ConfigReader({ devops: { security: { retention: '1h' } } }),
      ),
    ).toThrow(
      /devops\.security\.retention: expected a duration of at least one day/,
    );
  });
});

describe('resolveSla', () => {
  it('layers defaults, config and the annotation, with the source of each', () => {
    expect(
      resolveSla(entity('critical=3, High=10'), { high: 5, low: 60 }),
    ).toEqual({
      sla: { critical: 3, high: 10, medium: 30, low: 60 },
      sources: {
        critical: 'annotation',
        high: 'annotation',
        medium: 'default',
        low: 'config',
      },
      invalid: null,
    });
  });

  it('ignores a malformed annotation as a whole and says why', () => {
    const resolved = resolveSla(entity('critical=2,urgent=1'), { high: 5 });
    expect(resolved.sla).toEqual({ critical: 1, high: 5, medium: 30, low: 90 });
    expect(resolved.sources.critical).toBe('default');
    expect(resolved.invalid).toEqual({
      annotation: 'devops-growth.io/security-sla',
      value: 'critical=2,urgent=1',
      problem: "'urgent' is not a severity (critical, high, medium, low)",
    });
  });
});
