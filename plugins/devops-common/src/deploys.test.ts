import {
  DEVOPS_DEPLOY_STRATEGY_ANNOTATION,
  environmentValue,
  parseCanarySteps,
  parseEnvironmentValues,
} from './deployAnnotations';
import {
  deployRequestSchema,
  isActiveDeployStatus,
  pushedDeploySchema,
  rollbackRequestSchema,
} from './deploys';

const entity = (annotations: Record<string, string>) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', annotations },
});

describe('deploy annotations', () => {
  it('reads one value for every environment or environment=value pairs', () => {
    expect(
      parseEnvironmentValues('staging=rolling, production=canary'),
    ).toEqual(
      new Map([
        ['staging', 'rolling'],
        ['production', 'canary'],
      ]),
    );
    const e = entity({
      [DEVOPS_DEPLOY_STRATEGY_ANNOTATION]: 'blue-green,production=canary',
    });
    expect(
      environmentValue(e, DEVOPS_DEPLOY_STRATEGY_ANNOTATION, 'production'),
    ).toBe('canary');
    expect(
      environmentValue(e, DEVOPS_DEPLOY_STRATEGY_ANNOTATION, 'staging'),
    ).toBe('blue-green');
    expect(
      environmentValue(entity({}), DEVOPS_DEPLOY_STRATEGY_ANNOTATION, 'x'),
    ).toBeUndefined();
  });

  it('names what is wrong with a malformed value', () => {
    expect(() => parseEnvironmentValues('')).toThrow('no value given');
    expect(() => parseEnvironmentValues('prod uction=canary')).toThrow(
      "'prod uction' is not an environment name",
    );
    expect(() => parseEnvironmentValues('production=')).toThrow(
      "environment 'production' has no value",
    );
    expect(() => parseEnvironmentValues('a=1,a=2')).toThrow(
      "environment 'a' is given twice",
    );
  });

  it('accepts ascending canary weights ending at 100 and refuses others', () => {
    expect(parseCanarySteps('10, 25, 50, 100')).toEqual([10, 25, 50, 100]);
    expect(parseCanarySteps('5/100')).toEqual([5, 100]);
    expect(() => parseCanarySteps('10,50')).toThrow(
      'the last canary weight must be 100',
    );
    expect(() => parseCanarySteps('50,10,100')).toThrow('strictly ascending');
    expect(() => parseCanarySteps('0,100')).toThrow(
      "canary weight '0' is not an integer from 1 to 100",
    );
    expect(() => parseCanarySteps('12.5,100')).toThrow('12.5');
  });
});

describe('deploy request schemas', () => {
  it('accepts a well-formed deploy request', () => {
    const parsed = deployRequestSchema.parse({
      environment: 'production',
      version: '1.4.2+build.7',
      commitSha: 'a1b2c3d',
      strategy: 'canary',
      overrides: [{ gate: 'freeze-window', reason: 'hotfix for INC-12' }],
    });
    expect(parsed.overrides?.[0].gate).toBe('freeze-window');
  });

  it('refuses versions that could be paths or shell words, and unknown gates', () => {
    for (const version of [
      '../etc',
      '1.0 ; rm -rf /',
      '-rf',
      '',
      'a'.repeat(129),
    ]) {
      expect(
        deployRequestSchema.safeParse({ environment: 'production', version })
          .success,
      ).toBe(false);
    }
    const result = deployRequestSchema.safeParse({
      environment: 'production',
      version: '1.0.0',
      overrides: [{ gate: 'tests', reason: 'x' }],
    });
    expect(result.success).toBe(false);
  });

  it('requires a reason for a rollback and an outcome and time for a pushed deploy', () => {
    expect(
      rollbackRequestSchema.safeParse({ environment: 'production' }).success,
    ).toBe(false);
    const pushed = pushedDeploySchema.safeParse({
      environment: 'production',
      version: '2.0.0',
      deployedAt: 'yesterday',
      outcome: 'succeeded',
    });
    expect(pushed.success).toBe(false);
    expect(JSON.stringify(pushed.error?.issues)).toContain(
      'deployedAt must be an ISO 8601 time with a time zone',
    );
  });

  it('tells active statuses from final ones', () => {
    expect(isActiveDeployStatus('paused')).toBe(true);
    expect(isActiveDeployStatus('rolled-back')).toBe(false);
  });
});
