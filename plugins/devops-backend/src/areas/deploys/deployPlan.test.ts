import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { DeployProvider } from '@devops-growth/backstage-plugin-devops-node';
import {
  checkStrategySupported,
  deployTarget,
  entityEnvironments,
  providerConfig,
  resolveStrategy,
  resolveTargetName,
} from './deployPlan';
import { readDeploySettings } from './settings';

const config = new ConfigReader({
  devops: {
    deploys: {
      promotionChain: ['staging', 'production'],
      defaults: { command: { deploy: ['default.sh'] } },
      environments: [
        { name: 'staging' },
        {
          name: 'production',
          strategy: 'canary',
          canarySteps: [20, 100],
          command: { deploy: ['prod.sh'] },
        },
      ],
    },
  },
});
const settings = readDeploySettings(config);
const [staging, production] = settings.environments;

const entity = (annotations: Record<string, string> = {}): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'shop', annotations },
});

describe('deploy plan', () => {
  it('narrows the environments to the annotation, in config order', () => {
    expect(entityEnvironments(entity(), settings).map(e => e.name)).toEqual([
      'staging',
      'production',
    ]);
    expect(
      entityEnvironments(
        entity({ 'devops-growth.io/deploy-environments': 'production, qa' }),
        settings,
      ).map(e => e.name),
    ).toEqual(['production']);
  });

  it('takes the strategy from config, then the annotation, then the request; steps only for canary', () => {
    expect(resolveStrategy(entity(), staging)).toEqual({
      strategy: 'rolling',
      steps: [],
    });
    expect(resolveStrategy(entity(), production)).toEqual({
      strategy: 'canary',
      steps: [20, 100],
    });
    const annotated = entity({
      'devops-growth.io/deploy-strategy': 'blue-green,production=canary',
      'devops-growth.io/canary-steps': 'production=5/50/100',
    });
    expect(resolveStrategy(annotated, staging).strategy).toBe('blue-green');
    expect(resolveStrategy(annotated, production)).toEqual({
      strategy: 'canary',
      steps: [5, 50, 100],
    });
    expect(resolveStrategy(annotated, production, 'rolling')).toEqual({
      strategy: 'rolling',
      steps: [],
    });
    expect(resolveStrategy(annotated, staging, 'canary').steps).toEqual([
      10, 25, 50, 100,
    ]);
    // One list with commas for every environment.
    expect(
      resolveStrategy(
        entity({ 'devops-growth.io/canary-steps': '10, 50,100' }),
        production,
      ).steps,
    ).toEqual([10, 50, 100]);
  });

  it('refuses a bad annotation with a 400 naming it', () => {
    expect(() =>
      resolveStrategy(
        entity({ 'devops-growth.io/canary-steps': '50,10' }),
        production,
      ),
    ).toThrow(
      'Invalid annotation devops-growth.io/canary-steps on component:default/shop: canary weights must be strictly ascending',
    );
    expect(() =>
      resolveStrategy(
        entity({ 'devops-growth.io/deploy-strategy': 'staging=a,staging=b' }),
        staging,
      ),
    ).toThrow(
      "Invalid annotation devops-growth.io/deploy-strategy on component:default/shop: environment 'staging' is given twice",
    );
    expect(() =>
      resolveTargetName(
        entity({ 'devops-growth.io/deploy-target': 'production=$(reboot)' }),
        'production',
      ),
    ).toThrow(
      /^Invalid annotation devops-growth.io\/deploy-target .*'\$\(reboot\)' is not a target name/,
    );
  });

  it('gives the provider the target name and its own block of the environment', () => {
    const target = deployTarget(
      config,
      entity({ 'devops-growth.io/deploy-target': 'production=shop-web' }),
      production,
    );
    expect(target.name).toBe('shop-web');
    expect(target.config.getStringArray('deploy')).toEqual(['prod.sh']);
    expect(resolveTargetName(entity(), 'staging')).toBe('shop');
    expect(
      providerConfig(config, 'staging', 'command').getStringArray('deploy'),
    ).toEqual(['default.sh']);
    expect(providerConfig(config, 'staging', 'webhook').keys()).toEqual([]);
  });

  it('gives a per-entity environment its own target and its base environment’s block', () => {
    const preview = {
      ...production,
      name: 'pr-7',
      entityEnvironment: {
        entityRef: 'component:default/shop',
        name: 'pr-7',
        basedOn: 'production',
        provider: 'command',
        target: 'shop-pr-7',
        createdBy: 'user:default/ada',
        createdAt: '2026-12-02T10:00:00.000Z',
        expiresAt: null,
        status: 'active' as const,
        teardown: null,
      },
    };
    const target = deployTarget(
      config,
      entity({ 'devops-growth.io/deploy-target': 'production=shop-web' }),
      preview,
    );
    expect(target).toMatchObject({
      environment: 'pr-7',
      name: 'shop-pr-7',
      basedOn: 'production',
    });
    expect(target.config.getStringArray('deploy')).toEqual(['prod.sh']);
    // Without an annotation value of its own, it follows its base's.
    const annotated = entity({
      'devops-growth.io/deploy-strategy': 'production=rolling',
      'devops-growth.io/canary-steps': 'pr-7=5/100',
    });
    expect(resolveStrategy(annotated, preview)).toEqual({
      strategy: 'rolling',
      steps: [],
    });
    expect(
      resolveStrategy(
        entity({ 'devops-growth.io/canary-steps': 'pr-7=5/100' }),
        preview,
      ),
    ).toEqual({ strategy: 'canary', steps: [5, 100] });
    // A configured environment names no base.
    expect(deployTarget(config, entity(), staging).basedOn).toBeUndefined();
  });

  it('refuses a strategy the provider does not implement for the target', () => {
    const provider = {
      id: 'p',
      strategies: ['rolling', 'canary'],
      capabilities: () => ({ strategies: ['rolling'], resumable: false }),
    } as unknown as DeployProvider;
    const target = deployTarget(config, entity(), production);
    expect(() =>
      checkStrategySupported(provider, target, 'rolling'),
    ).not.toThrow();
    expect(() => checkStrategySupported(provider, target, 'canary')).toThrow(
      'Strategy canary is not supported by the p provider in production (supported: rolling)',
    );
  });
});
