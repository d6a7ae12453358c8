import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  CanaryAnalysisVerdict,
  DeployColour,
  DeployStrategy,
} from '@devops-growth/backstage-plugin-devops-common';
import {
  DeployOperation,
  DeployProvider,
  DeployProviderContext,
  DeployProviderStatus,
  DeployTarget,
} from '@devops-growth/backstage-plugin-devops-node';
import { Knex } from 'knex';
import { migrateToLatest } from '../../../../database/migrations';
import { DatabaseDeployStore } from '../../DatabaseDeployStore';
import {
  CanaryAnalysis,
  DeployEngine,
  DeployEnvironmentSettings,
  DeployRecord,
  DeploySettings,
  NewDeploy,
} from '../../types';
import { createDeployEngine } from '..';

export const ENTITY: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', namespace: 'default' },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
};
export const ENTITY_REF = 'component:default/checkout';

/** Settings with small durations (ms) for tests. */
export function testSettings(
  over: Partial<DeployEnvironmentSettings> = {},
  analysis: Partial<DeployEnvironmentSettings['analysis']> = {},
  engine: Partial<DeploySettings['engine']> = {},
): DeploySettings {
  const environment = (name: string): DeployEnvironmentSettings => ({
    name,
    provider: 'test',
    strategy: 'rolling',
    canarySteps: [10, 50, 100],
    phaseTimeoutMs: 3000,
    healthTimeoutMs: 1000,
    gates: {
      promotionChain: true,
      coverage: true,
      security: true,
      complianceMinimum: null,
      freezeWindows: [],
    },
    analysis: {
      sampleEveryMs: 5,
      intervalMs: 20,
      stepPauseMs: 10,
      maxInconclusiveIntervals: 3,
      minSamples: 1,
      alpha: 0.05,
      errorRateBandPoints: 1,
      latencyBandPercent: 20,
      maxErrorRatePercent: 5,
      maxP95Ms: null,
      ...analysis,
    },
    ...over,
  });
  return {
    promotionChain: ['staging', 'production'],
    environments: [
      ...['staging', 'production'].map(environment),
      ...Array.from({ length: 8 }, (_, i) => environment(`env-${i}`)),
    ],
    engine: {
      pollIntervalMs: 20,
      leaseMs: 3000,
      maxLogLines: 5,
      ...engine,
    },
    impactWindowMs: 60_000,
    previews: {
      basedOn: ['staging'],
      defaultBasedOn: 'staging',
      maxTimeToLiveMs: 30 * 86_400_000,
      maxPerEntity: 10,
      teardownFrequencyMs: 60_000,
      teardownRetryMs: 60_000,
      teardownMaxRetryMs: 3_600_000,
    },
    drift: { enabled: true, frequencyMs: 600_000 },
  };
}

type Behaviour =
  | 'hang'
  | 'hang-ignoring-signal'
  | Error
  | ((op: DeployOperation, ctx: DeployProviderContext) => Promise<void>);

export interface ProviderCall {
  method: string;
  deployId: string;
  attempt: number;
  version: string;
  previousVersion: string | null;
  step: number | null;
  weight: number | null;
  colour: DeployColour | null;
}

/**
 * A deploy provider at the boundary: keeps what runs in memory like a real target would, records
 * every call, and can be told to hang (until aborted, or forever), fail or run a function.
 */
export class TestProvider implements DeployProvider {
  readonly id: string = 'test';
  readonly strategies: readonly DeployStrategy[] = [
    'rolling',
    'blue-green',
    'canary',
  ];
  resumable = true;
  calls: ProviderCall[] = [];
  behaviour = new Map<string, Behaviour>();
  state: DeployProviderStatus & {
    colours: Record<DeployColour, string | null>;
  };

  constructor(
    running: string | null = '1.1.0',
    colour: DeployColour | null = null,
  ) {
    this.state = {
      version: running,
      healthy: true,
      colour,
      canary: null,
      colours: {
        blue: colour === 'blue' ? running : null,
        green: colour === 'green' ? running : null,
      },
    };
  }

  callsOf(method: string): ProviderCall[] {
    return this.calls.filter(c => c.method === method);
  }

  private async act(
    method: string,
    op: DeployOperation,
    ctx: DeployProviderContext,
    effect: () => void,
  ) {
    this.calls.push({
      method,
      deployId: op.deployId,
      attempt: op.attempt,
      version: op.version,
      previousVersion: op.previousVersion,
      step: op.step,
      weight: op.weight,
      colour: op.colour,
    });
    ctx.log(`${method} ${op.version}`);
    const b = this.behaviour.get(method);
    if (b === 'hang') {
      await new Promise((_, reject) =>
        ctx.signal.addEventListener('abort', () =>
          reject(new Error(`${method} killed`)),
        ),
      );
    } else if (b === 'hang-ignoring-signal') {
      await new Promise(() => {});
    } else if (b instanceof Error) {
      throw b;
    } else if (b) {
      await b(op, ctx);
    }
    effect();
  }

  deploy(op: DeployOperation, ctx: DeployProviderContext) {
    return this.act('deploy', op, ctx, () => {
      if (op.strategy === 'canary') {
        this.state.canary = { version: op.version, weight: 0 };
      } else if (op.strategy === 'blue-green') {
        this.state.colours[op.colour!] = op.version;
      } else {
        this.state.version = op.version;
      }
    });
  }

  setWeight(op: DeployOperation, ctx: DeployProviderContext) {
    return this.act('setWeight', op, ctx, () => {
      this.state.canary = { version: op.version, weight: op.weight! };
    });
  }

  switchColour(op: DeployOperation, ctx: DeployProviderContext) {
    return this.act('switchColour', op, ctx, () => {
      this.state.colour = op.colour;
      this.state.version = this.state.colours[op.colour!];
    });
  }

  promote(op: DeployOperation, ctx: DeployProviderContext) {
    return this.act('promote', op, ctx, () => {
      if (op.strategy === 'canary') {
        this.state.version = op.version;
        this.state.canary = null;
      }
    });
  }

  rollback(op: DeployOperation, ctx: DeployProviderContext) {
    return this.act('rollback', op, ctx, () => {
      this.state.canary = null;
      this.state.version = op.previousVersion;
      if (op.strategy === 'blue-green') this.state.colour = op.colour;
    });
  }

  abort(op: DeployOperation, ctx: DeployProviderContext) {
    return this.act('abort', op, ctx, () => {});
  }

  async status(
    _target: DeployTarget,
    ctx: DeployProviderContext,
  ): Promise<DeployProviderStatus> {
    this.calls.push({
      method: 'status',
      deployId: '',
      attempt: 0,
      version: '',
      previousVersion: null,
      step: null,
      weight: null,
      colour: null,
    });
    const b = this.behaviour.get('status');
    if (b instanceof Error) throw b;
    if (typeof b === 'function') await b({} as DeployOperation, ctx);
    const { colours, ...status } = this.state;
    return { ...status };
  }

  metricsLocations(op: DeployOperation) {
    return {
      canary: {
        environment: op.target.environment,
        annotations: {
          'devops-growth.io/metrics-url': 'http://canary/metrics',
        },
      },
      baseline: {
        environment: op.target.environment,
        annotations: {
          'devops-growth.io/metrics-url': 'http://baseline/metrics',
        },
      },
    };
  }
}

type Decision = CanaryAnalysisVerdict['decision'];

const REASONS: Record<Decision, string> = {
  // as the judge words it: a sentence, ending with a full stop
  rollback:
    'Rolling back: error rate regressed (error rate 4.1 % against 0.3 %: p = 0.002, beyond the +1 point band).',
  continue: 'too few samples (2 of 5)',
  promote: 'no regression',
};

/**
 * The canary analysis at its boundary: answers the scripted decisions in order (then `promote`),
 * each after `delayMs` unless the signal aborts first, and records what it was asked.
 */
export class ScriptedAnalysis implements CanaryAnalysis {
  inputs: Array<Parameters<CanaryAnalysis['runInterval']>[0]> = [];
  constructor(
    public script: Array<Decision | 'hang'> = [],
    public delayMs = 5,
  ) {}

  async runInterval(
    input: Parameters<CanaryAnalysis['runInterval']>[0],
  ): Promise<CanaryAnalysisVerdict> {
    this.inputs.push(input);
    const next = this.script.shift() ?? 'promote';
    await new Promise<void>((resolve, reject) => {
      if (next === 'hang') {
        input.signal.addEventListener('abort', () =>
          reject(new Error('analysis stopped')),
        );
        return;
      }
      const timer = setTimeout(resolve, this.delayMs);
      input.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(new Error('analysis stopped'));
      });
    });
    const decision = next as Decision;
    return {
      decision,
      step: input.step,
      interval: input.interval,
      at: new Date().toISOString(),
      metrics: [],
      reason: REASONS[decision],
    };
  }

  async impact(_ref: string, _env: string, _at: Date, windowMs: number) {
    return {
      windowMinutes: windowMs / 60_000,
      before: { errorRatePercent: 0.5, p95Ms: 100, rps: 10 },
      after: { errorRatePercent: 0.7, p95Ms: 110, rps: 10 },
      errorRateDeltaPoints: 0.2,
      p95ChangePercent: 10,
    };
  }
}

/** A queued deploy as the service would create it. */
export function queued(over: Partial<NewDeploy> = {}): NewDeploy {
  return {
    entityRef: ENTITY_REF,
    environment: 'production',
    kind: 'deploy',
    version: '1.2.0',
    previousVersion: '1.1.0',
    commitSha: null,
    commitAt: null,
    strategy: 'rolling',
    steps: [],
    provider: 'test',
    target: 'checkout',
    createdBy: 'user:default/ada',
    reason: null,
    rollbackOf: null,
    gates: [],
    idempotencyKey: null,
    status: 'queued',
    createdAt: new Date(),
    ...over,
  };
}

/** An engine on the store with the test provider and analysis, recording what the listener saw. */
export function testEngine(options: {
  knex: Knex;
  provider: TestProvider;
  analysis?: ScriptedAnalysis;
  settings?: DeploySettings;
  owner?: string;
}) {
  const store = new DatabaseDeployStore(options.knex);
  const seen: DeployRecord[] = [];
  const engine = createDeployEngine({
    store,
    providers: {
      get: id => (id === options.provider.id ? options.provider : undefined),
      ids: () => [options.provider.id],
    },
    analysis: options.analysis ?? new ScriptedAnalysis(),
    settings: options.settings ?? testSettings(),
    catalog: catalogServiceMock({ entities: [ENTITY] }),
    auth: mockServices.auth(),
    logger: mockServices.logger.mock(),
    owner: options.owner ?? 'replica-a',
    listener: deploy => seen.push(deploy as DeployRecord),
  });
  return { engine, store, seen };
}

/** Polls until `check` answers something, or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise(r => setTimeout(r, 10));
  }
}

/** Waits until the deploy is final and answers it. */
export function final(
  store: DatabaseDeployStore,
  id: string,
  timeoutMs?: number,
) {
  return eventually(async () => {
    const d = await store.get(id);
    return d && d.phase === 'done' ? d : undefined;
  }, timeoutMs);
}

/**
 * A migrated database per test and the engines of the test, stopped after it: call inside
 * `describe.each(databases.eachSupportedId())`.
 */
export function useEngineDatabase(
  databases: TestDatabases,
  databaseId: TestDatabaseId,
) {
  let knex: Knex | undefined;
  let engines: DeployEngine[] = [];
  beforeEach(async () => {
    knex = await databases.init(databaseId);
    await migrateToLatest(knex);
  });
  afterEach(async () => {
    await Promise.all(engines.map(e => e.stop()));
    engines = [];
  });
  return {
    get knex(): Knex {
      return knex!;
    },
    /** An engine (one replica) on the test's database. */
    engine(options: Omit<Parameters<typeof testEngine>[0], 'knex'>) {
      const t = testEngine({ knex: knex!, ...options });
      engines.push(t.engine);
      return t;
    },
  };
}
