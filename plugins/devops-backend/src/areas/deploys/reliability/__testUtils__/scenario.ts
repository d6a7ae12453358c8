import { randomBytes } from 'node:crypto';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { Entity } from '@backstage/catalog-model';
import { DeployStrategy } from '@devops-growth/backstage-plugin-devops-common';
import { ApiClient } from './apiClient';
import { MetricsServer } from './metricsServer';

export type { ApiAnswer } from './apiClient';
export { ApiClient } from './apiClient';

/*
 * What a reliability test sets up around its backend processes: a working directory with the
 * catalog file, the config, the deploy scripts' records and simulated environments, a metrics
 * server for the canary analysis, and a small HTTP client with the static access token.
 */

/** A configured environment of the test. */
export interface EnvironmentSpec {
  name: string;
  /** With a `status` command the command provider resumes interrupted deploys. */
  withStatus: boolean;
}

/** A catalog entity enabling the deploy area. */
export interface EntitySpec {
  name: string;
  strategy: DeployStrategy;
  environments: string[];
  /** Canary weights, default 50,100. */
  canarySteps?: number[];
  /**
   * Collect the entity's performance samples from the metrics server (a rolling deploy's
   * analysis compares the environment's samples after the change with those before it).
   */
  performance?: boolean;
}

/** One line of the deploy scripts' records (deployScript.mjs). */
export interface Invocation {
  event: 'start' | 'end' | 'parked' | 'orphaned';
  op: string;
  deployId: string | null;
  attempt: number | null;
  environment: string;
  target: string;
  kind: string | null;
  strategy: string | null;
  version: string | null;
  previousVersion: string | null;
  step: number | null;
  weight: number | null;
  colour: string | null;
  pid: number;
  ppid: number;
  at: number;
  code?: number | string;
  parkedAt?: string;
}

const SCRIPT = join(__dirname, 'deployScript.mjs');

/** A scratch directory with everything a run of backends shares. */
export class Scenario {
  readonly token = `reliability-${randomBytes(18).toString('hex')}`;
  readonly metrics = new MetricsServer();

  private constructor(readonly dir: string) {}

  static create(dir: string): Scenario {
    mkdirSync(dir, { recursive: true });
    return new Scenario(dir);
  }

  /** The catalog: one Component per spec. */
  entities(entities: EntitySpec[]): Entity[] {
    return entities.map(e => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: e.name,
        annotations: {
          'devops-growth.io/monitoring': e.performance
            ? 'deploy,performance'
            : 'deploy',
          ...(e.performance
            ? {
                'devops-growth.io/metrics-url': e.environments
                  .map(env => `${env}=${this.metrics.url(env, 'service')}`)
                  .join(','),
              }
            : {}),
          'devops-growth.io/deploy-strategy': e.strategy,
          'devops-growth.io/deploy-environments': e.environments.join(','),
          // the documented form for every environment: 10,25,50,100
          'devops-growth.io/canary-steps': (e.canarySteps ?? [50, 100]).join(
            ',',
          ),
        },
      },
      spec: {
        type: 'service',
        lifecycle: 'production',
        owner: 'reliability',
      },
    }));
  }

  /**
   * The backend's config: the database, the port, the static token, the catalog file and
   * `devops.deploys` with every environment's commands running deployScript.mjs here.
   */
  writeConfig(options: {
    name: string;
    port: number;
    database: Record<string, unknown>;
    entities: Entity[];
    environments: EnvironmentSpec[];
    leaseSeconds?: number;
  }): string {
    const command = (op: string) => [process.execPath, SCRIPT, op];
    const environments = options.environments.map(env => ({
      name: env.name,
      command: {
        workingDirectory: this.dir,
        deploy: command('deploy'),
        setWeight: command('set-weight'),
        switchColour: command('switch'),
        promote: command('promote'),
        rollback: command('rollback'),
        abort: command('abort'),
        ...(env.withStatus ? { status: command('status') } : {}),
        metrics: {
          canary: { metricsUrl: this.metrics.url(env.name, 'canary') },
          baseline: { metricsUrl: this.metrics.url(env.name, 'baseline') },
        },
      },
    }));
    const config = {
      backend: {
        baseUrl: `http://127.0.0.1:${options.port}`,
        listen: { port: options.port, host: '127.0.0.1' },
        database: options.database,
        auth: {
          externalAccess: [
            {
              type: 'static',
              options: { token: this.token, subject: 'reliability-test' },
            },
          ],
        },
      },
      // Served by backend.ts's in-memory catalog.
      reliability: { entities: options.entities },
      permission: { enabled: true },
      devops: {
        allowedHosts: [this.metrics.host()],
        performance: {
          collection: { frequency: { seconds: 2 }, timeout: { seconds: 4 } },
        },
        deploys: {
          promotionChain: [],
          engine: {
            pollInterval: { milliseconds: 250 },
            lease: { seconds: options.leaseSeconds ?? 10 },
          },
          defaults: {
            phaseTimeout: { minutes: 5 },
            // longer than a hold lasts (killRun.ts waits up to 90 s for all of them)
            healthTimeout: { seconds: 150 },
            analysis: {
              sampleEvery: { seconds: 1 },
              interval: { seconds: 2 },
              stepPause: { milliseconds: 0 },
              minSamples: 2,
              maxInconclusiveIntervals: 100,
            },
            gates: {
              promotionChain: false,
              coverage: false,
              security: false,
            },
          },
          environments,
        },
      },
    };
    const file = join(this.dir, `${options.name}.config.json`);
    writeFileSync(file, JSON.stringify(config, null, 2));
    return file;
  }

  /** A line in `progress.log`: what the test did when, to read beside the backends' logs. */
  log(line: string) {
    appendFileSync(
      join(this.dir, 'progress.log'),
      `${new Date().toISOString()} ${line}\n`,
    );
  }

  /** Every line the deploy scripts recorded so far. */
  invocations(): Invocation[] {
    const file = join(this.dir, 'invocations.jsonl');
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map(line => JSON.parse(line) as Invocation);
  }

  /** Holds `op` of the target in the environment until {@link unparkAll}. */
  park(environment: string, target: string, op: string) {
    const file = join(this.dir, 'park', environment, target, op);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, '');
  }

  unparkAll() {
    rmSync(join(this.dir, 'park'), { recursive: true, force: true });
  }

  /** Makes `op` of the target in the environment exit with code 3. */
  fail(environment: string, target: string, op: string) {
    const file = join(this.dir, 'fail', environment, target, op);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, '');
  }

  /** What the simulated environment runs for the target now. */
  state(
    environment: string,
    target: string,
  ): {
    version: string | null;
    colour: string | null;
    canary: { version: string; weight: number } | null;
  } {
    const file = join(this.dir, 'state', environment, `${target}.json`);
    return existsSync(file)
      ? JSON.parse(readFileSync(file, 'utf8'))
      : { version: null, colour: null, canary: null };
  }

  /** Puts `version` in place as if an earlier deploy had (the rollback target). */
  seedState(environment: string, target: string, version: string) {
    const file = join(this.dir, 'state', environment, `${target}.json`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(
      file,
      JSON.stringify({
        version,
        colour: 'blue',
        colours: { blue: version },
        canary: null,
      }),
    );
  }

  client(baseUrl: string): ApiClient {
    return new ApiClient(baseUrl, this.token);
  }
}
