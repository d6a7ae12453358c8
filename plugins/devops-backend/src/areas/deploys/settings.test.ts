import { ConfigReader } from '@backstage/config';
import { readDeploySettings } from './settings';

const config = (deploys?: object) =>
  new ConfigReader(deploys ? { devops: { deploys } } : {});

describe('readDeploySettings', () => {
  it('uses the documented defaults: the chain as environments, rolling via the command provider', () => {
    const settings = readDeploySettings(config());
    expect(settings.promotionChain).toEqual([
      'development',
      'staging',
      'production',
    ]);
    expect(settings.environments.map(e => e.name)).toEqual(
      settings.promotionChain,
    );
    expect(settings.engine).toEqual({
      pollIntervalMs: 2000,
      leaseMs: 30_000,
      maxLogLines: 2000,
    });
    expect(settings.impactWindowMs).toBe(15 * 60_000);
    expect(settings.environments[2]).toEqual({
      name: 'production',
      provider: 'command',
      strategy: 'rolling',
      canarySteps: [10, 25, 50, 100],
      analysis: {
        sampleEveryMs: 10_000,
        intervalMs: 60_000,
        stepPauseMs: 30_000,
        maxInconclusiveIntervals: 3,
        minSamples: 5,
        alpha: 0.05,
        errorRateBandPoints: 1,
        latencyBandPercent: 20,
        maxErrorRatePercent: 5,
        maxP95Ms: null,
      },
      phaseTimeoutMs: 10 * 60_000,
      healthTimeoutMs: 2 * 60_000,
      gates: {
        promotionChain: true,
        coverage: true,
        security: true,
        complianceMinimum: null,
        freezeWindows: [],
      },
    });
  });

  it('lays each environment key over the defaults, leaf by leaf', () => {
    const settings = readDeploySettings(
      config({
        promotionChain: ['staging', 'production'],
        engine: { pollInterval: '500ms', lease: { seconds: 10 } },
        impactWindow: { minutes: 5 },
        defaults: {
          strategy: 'blue-green',
          canarySteps: '20,100',
          phaseTimeout: '5m',
          analysis: { interval: '30s', alpha: 0.01 },
          gates: {
            complianceMinimum: 40,
            freezeWindows: [
              {
                name: 'Year end',
                start: '2026-12-24T00:00:00Z',
                end: '2027-01-02T00:00:00Z',
              },
            ],
          },
        },
        environments: [
          { name: 'staging', gates: { coverage: false } },
          {
            name: 'production',
            strategy: 'canary',
            canarySteps: [5, 50, 100],
            analysis: { minSamples: 8 },
            gates: { complianceMinimum: 50 },
            command: { deploy: ['node', 'deploy.mjs'] },
          },
          { name: 'pr-123', provider: 'webhook' },
        ],
      }),
    );
    expect(settings.engine.pollIntervalMs).toBe(500);
    expect(settings.engine.leaseMs).toBe(10_000);
    expect(settings.impactWindowMs).toBe(5 * 60_000);
    const [staging, production, preview] = settings.environments;
    expect(staging).toMatchObject({
      strategy: 'blue-green',
      canarySteps: [20, 100],
      phaseTimeoutMs: 300_000,
      gates: { coverage: false, security: true, complianceMinimum: 40 },
    });
    expect(staging.gates.freezeWindows).toEqual([
      {
        name: 'Year end',
        start: new Date('2026-12-24T00:00:00Z'),
        end: new Date('2027-01-02T00:00:00Z'),
      },
    ]);
    expect(production).toMatchObject({
      strategy: 'canary',
      canarySteps: [5, 50, 100],
      analysis: { intervalMs: 30_000, alpha: 0.01, minSamples: 8 },
      gates: { coverage: true, complianceMinimum: 50 },
    });
    expect(preview).toMatchObject({ name: 'pr-123', provider: 'webhook' });
  });

  it('reads weekly freeze windows with their time zone', () => {
    const [env] = readDeploySettings(
      config({
        promotionChain: ['production'],
        environments: [
          {
            name: 'production',
            gates: {
              freezeWindows: [
                {
                  name: 'Weekend',
                  days: [7, 6],
                  from: '00:00',
                  to: '23:59',
                  timeZone: 'Europe/Berlin',
                },
                { name: 'Nights', days: [1, 2], from: '22:00', to: '06:00' },
              ],
            },
          },
        ],
      }),
    ).environments;
    expect(env.gates.freezeWindows).toEqual([
      {
        name: 'Weekend',
        days: [6, 7],
        from: '00:00',
        to: '23:59',
        timeZone: 'Europe/Berlin',
      },
      {
        name: 'Nights',
        days: [1, 2],
        from: '22:00',
        to: '06:00',
        timeZone: 'UTC',
      },
    ]);
  });

  it.each([
    [
      {
        environments: [
          { name: 'a' },
          { name: 'b' },
          { name: 'c', canarySteps: [10, 50] },
        ],
      },
      'devops.deploys.environments[2].canarySteps: the last canary weight must be 100',
    ],
    [
      { defaults: { canarySteps: [50, 10, 100] } },
      'devops.deploys.defaults.canarySteps: canary weights must be strictly ascending',
    ],
    [
      { defaults: { strategy: 'big-bang' } },
      'devops.deploys.defaults.strategy: expected one of rolling, blue-green, canary, got "big-bang"',
    ],
    [
      { environments: [{ name: 'production', phaseTimeout: 'soon' }] },
      'devops.deploys.environments[0].phaseTimeout: expected a duration',
    ],
    [
      { engine: { lease: '1s' } },
      'devops.deploys.engine.lease: expected a duration of at least {"seconds":3}, got "1s"',
    ],
    [
      { defaults: { analysis: { alpha: 0.7 } } },
      'devops.deploys.defaults.analysis.alpha: expected a significance level between 0 and 0.5',
    ],
    [
      { defaults: { analysis: { sampleEvery: '2m' } } },
      'devops.deploys.defaults.analysis.sampleEvery: the sampling period (120000 ms) must not be longer than analysis.interval (60000 ms)',
    ],
    [
      { environments: [{ name: 'production', gates: { coverage: 'yes' } }] },
      'devops.deploys.environments[0].gates.coverage: expected true or false, got "yes"',
    ],
    [
      { defaults: { gates: { complianceMinimum: 120 } } },
      'devops.deploys.defaults.gates.complianceMinimum: expected a percentage from 0 to 100, got 120',
    ],
    [
      { environments: [{ name: 'production' }, { name: 'production' }] },
      "devops.deploys.environments[1].name: 'production' is already the name of devops.deploys.environments[0]",
    ],
    [
      { environments: [{ name: 'prod/eu' }] },
      'devops.deploys.environments[0].name: expected an environment name',
    ],
    [
      {
        promotionChain: ['staging', 'production'],
        environments: [{ name: 'staging' }],
      },
      "devops.deploys.promotionChain[1]: 'production' is not one of the environments in devops.deploys.environments (staging)",
    ],
    [
      { promotionChain: ['staging', 'staging'] },
      "devops.deploys.promotionChain[1]: 'staging' is already in the chain",
    ],
    [
      {
        defaults: {
          gates: {
            freezeWindows: [
              { name: 'x', start: '2026-12-24', end: '2027-01-02T00:00:00Z' },
            ],
          },
        },
      },
      'devops.deploys.defaults.gates.freezeWindows[0]: start must be an ISO 8601 time with a time zone',
    ],
    [
      {
        defaults: {
          gates: {
            freezeWindows: [
              {
                name: 'x',
                start: '2027-01-02T00:00:00Z',
                end: '2026-12-24T00:00:00Z',
              },
            ],
          },
        },
      },
      'devops.deploys.defaults.gates.freezeWindows[0]: end 2026-12-24T00:00:00Z must be after start',
    ],
    [
      {
        defaults: {
          gates: {
            freezeWindows: [
              { name: 'Weekend', days: [0, 6], from: '00:00', to: '23:59' },
            ],
          },
        },
      },
      'devops.deploys.defaults.gates.freezeWindows[0]: days must be a list of ISO weekdays from 1 (Monday) to 7 (Sunday)',
    ],
    [
      {
        defaults: {
          gates: {
            freezeWindows: [
              { name: 'Weekend', days: [6], from: '24:00', to: '23:59' },
            ],
          },
        },
      },
      'devops.deploys.defaults.gates.freezeWindows[0]: from must be a time HH:MM, got "24:00"',
    ],
    [
      {
        defaults: {
          gates: {
            freezeWindows: [
              {
                name: 'Weekend',
                days: [6],
                from: '00:00',
                to: '23:59',
                timeZone: 'Mars/Olympus',
              },
            ],
          },
        },
      },
      'devops.deploys.defaults.gates.freezeWindows[0]: timeZone must be an IANA time zone',
    ],
  ])('refuses %j naming the key', (deploys, message) => {
    expect(() => readDeploySettings(config(deploys))).toThrow(
      `Invalid config at ${message}`,
    );
  });
});
