import { LoggerService } from '@backstage/backend-plugin-api';
import { createBackendPlugin } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizeResult,
  EvaluatePermissionRequest,
} from '@backstage/plugin-permission-common';
import {
  ActionContext,
  scaffolderActionsExtensionPoint,
  TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { JsonObject, JsonValue } from '@backstage/types';
// The tests run the actions against the real DevOps backend plugin (a dev dependency only).
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import devopsPlugin from '@devops-growth/backstage-plugin-devops-backend';
import { Knex } from 'knex';
import { mkdtempSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scaffolderModuleDevops } from '../module';

/**
 * SQLite always; PostgreSQL 15 when BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING names a
 * server (as in the DevOps backend's tests; no Docker to start one).
 */
export function createTestDatabases() {
  return TestDatabases.create({
    ids: ['SQLITE_3', 'POSTGRES_15'],
    disableDocker: true,
  });
}

/** The user who runs the template in every test. */
export const ADA = 'user:default/ada';
export const APP_BASE_URL = 'http://backstage.test:3000';

/** The catalog: checkout enables every DevOps area (the deploy one among them). */
export const CHECKOUT: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    namespace: 'default',
    annotations: { 'devops-growth.io/monitoring': 'enabled' },
  },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
};

/**
 * The deploy script of every command of the `command` provider: records each call in
 * calls.jsonl, takes 100 ms (4 s for a version starting with `slow`), fails the deploy of a
 * version containing `bad` (exit 3: the phase fails and the engine rolls back) and the
 * teardown of a target containing `stuck`.
 */
const DEPLOY_SCRIPT = `
import { appendFileSync } from 'node:fs';
const op = process.argv[2];
const e = process.env;
const version = e.DEVOPS_VERSION ?? '';
appendFileSync('calls.jsonl', JSON.stringify({
  op, deployId: e.DEVOPS_DEPLOY_ID || null, version: version || null,
  environment: e.DEVOPS_ENVIRONMENT, target: e.DEVOPS_TARGET,
}) + '\\n');
await new Promise(r => setTimeout(r, version.startsWith('slow') && op === 'deploy' ? 4000 : 100));
if (op === 'deploy' && version.includes('bad')) {
  console.error(version + ' does not start: exit 3');
  process.exit(3);
}
if (op === 'teardown' && (e.DEVOPS_TARGET ?? '').includes('stuck')) {
  console.error('the platform refused to delete ' + e.DEVOPS_TARGET);
  process.exit(1);
}
`;

/** One call of the deploy script. */
export interface ScriptCall {
  op: string;
  deployId: string | null;
  version: string | null;
  environment: string;
  target: string;
}

/**
 * `devops.deploys` for the tests: staging then production, rolling deploys through the
 * deploy script (no metrics: the analysis promotes at once, saying it was not analysed), a fast
 * engine and teardown, per-entity environments based on staging.
 */
function deploysConfig(dir: string) {
  const command = (op: string) => [
    process.execPath,
    join(dir, 'deploy.mjs'),
    op,
  ];
  return {
    promotionChain: ['staging', 'production'],
    engine: { pollInterval: { milliseconds: 100 } },
    previews: {
      basedOn: ['staging'],
      teardownFrequency: { seconds: 1 },
      teardownRetry: { seconds: 1 },
      teardownMaxRetry: { seconds: 1 },
    },
    drift: { enabled: false },
    defaults: {
      provider: 'command',
      strategy: 'rolling',
      healthTimeout: { seconds: 20 },
      analysis: {
        sampleEvery: { seconds: 1 },
        interval: { seconds: 1 },
        stepPause: { milliseconds: 0 },
        minSamples: 2,
      },
      gates: { coverage: false, security: false },
      command: {
        workingDirectory: dir,
        deploy: command('deploy'),
        rollback: command('rollback'),
        abort: command('abort'),
        teardown: command('teardown'),
      },
    },
    environments: [{ name: 'staging' }, { name: 'production' }],
  };
}

export interface DevopsTestBackend {
  /** The module's actions, as the scaffolder received them. */
  actions: Record<string, TemplateAction<any, any>>;
  /** The DevOps API's base URL, as discovery answers it. */
  apiUrl: string;
  /** Every permission the DevOps backend asked about. */
  permissionRequests: EvaluatePermissionRequest[];
  /** The deploy script's calls so far. */
  calls(): ScriptCall[];
  /** GET on the DevOps API as Ada (reading back what an action did). */
  get(path: string): Promise<any>;
  /** POST on the DevOps API as Ada (setting the scene: pushed deploys). */
  post(path: string, body: object): Promise<any>;
  /** Runs one of the module's actions as a step for checkout (unless the input names another entity). */
  run(
    action: string,
    input: JsonObject,
    options?: StepOptions,
  ): Promise<ActionRun>;
}

/**
 * A real DevOps backend (the published plugin, on the given database, with the deploy engine and
 * the built-in `command` provider running the deploy script) and this module under a stand-in
 * scaffolder plugin that only collects the actions it is given. The actions use the backend's
 * real discovery (its port) and the mock auth service's on-behalf-of tokens.
 */
export async function startDevopsBackend(options: {
  knex: Knex;
  denied?: string[];
}): Promise<DevopsTestBackend> {
  const dir = mkdtempSync(join(tmpdir(), 'scaffolder-devops-'));
  writeFileSync(join(dir, 'deploy.mjs'), DEPLOY_SCRIPT);
  const actions: Record<string, TemplateAction<any, any>> = {};
  const permissionRequests: EvaluatePermissionRequest[] = [];
  const scaffolderStandIn = createBackendPlugin({
    pluginId: 'scaffolder',
    register(env) {
      env.registerExtensionPoint(scaffolderActionsExtensionPoint, {
        addActions(...added) {
          for (const action of added) actions[action.id] = action;
        },
      });
      env.registerInit({ deps: {}, async init() {} });
    },
  });
  const { server } = await startTestBackend({
    features: [
      // The published plugin, as a backend adds it (a static import: Jest has no dynamic ones).
      devopsPlugin,
      scaffolderStandIn,
      scaffolderModuleDevops,
      mockServices.database.factory({ knex: options.knex }),
      catalogServiceMock.factory({ entities: [CHECKOUT] }),
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: APP_BASE_URL },
          devops: { deploys: deploysConfig(dir) },
        },
      }),
      mockServices.permissions.mock({
        authorize: async requests => {
          permissionRequests.push(...(requests as EvaluatePermissionRequest[]));
          return requests.map(r => ({
            result: options.denied?.includes(r.permission.name)
              ? AuthorizeResult.DENY
              : AuthorizeResult.ALLOW,
          }));
        },
      }).factory,
    ],
  });
  const { port } = server.address() as AddressInfo;
  const apiUrl = `http://localhost:${port}/api/devops`;
  const call = async (method: string, path: string, body?: object) => {
    const response = await fetch(`${apiUrl}${path}`, {
      method,
      headers: {
        Authorization: mockCredentials.user.header(ADA),
        'Content-Type': 'application/json',
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!response.ok) {
      throw new Error(
        `${method} ${path}: ${response.status} ${await response.text()}`,
      );
    }
    return response.json();
  };
  return {
    actions,
    apiUrl,
    permissionRequests,
    calls() {
      const file = join(dir, 'calls.jsonl');
      if (!existsSync(file)) return [];
      return readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map(line => JSON.parse(line));
    },
    get: path => call('GET', path),
    post: (path, body) => call('POST', path, body),
    async run(action, input, stepOptions) {
      const step = stepContext(
        { entityRef: 'component:default/checkout', ...input },
        stepOptions,
      );
      await actions[action].handler(step.ctx);
      return step;
    },
  };
}

/** How a step runs: a dry run, its task and step ids, the checkpoints of an earlier attempt. */
export interface StepOptions {
  dryRun?: boolean;
  taskId?: string;
  stepId?: string;
  checkpoints?: Map<string, JsonValue | void>;
  signal?: AbortSignal;
}

/** What a test sees of one run of an action. */
export interface ActionRun {
  ctx: ActionContext<any, any>;
  outputs: JsonObject;
  logs: string[];
}

/**
 * A context for one step run by Ada, from the test utils' mock, with what the scaffolder's
 * runner gives a real step and the mock lacks: the task and step ids, the dry-run flag, outputs
 * and log lines the test can read, and checkpoints kept in `checkpoints` (pass the same map to
 * run the step again as a retried task would).
 */
export function stepContext(
  input: JsonObject,
  options: StepOptions = {},
): ActionRun {
  const outputs: JsonObject = {};
  const logs: string[] = [];
  const checkpoints = options.checkpoints ?? new Map();
  const line = (level: string) => (message: string, meta?: unknown) =>
    logs.push(
      `${level} ${message}${meta instanceof Error ? ` ${meta.message}` : ''}`,
    );
  const logger: LoggerService = {
    info: line('info'),
    warn: line('warn'),
    error: line('error'),
    debug: () => {},
    child: () => logger,
  };
  const base = createMockActionContext({ input, logger });
  const ctx: ActionContext<any, any> = {
    ...base,
    isDryRun: options.dryRun ?? false,
    task: { id: options.taskId ?? 'task-1' },
    step: { id: options.stepId ?? 'deploy', name: 'a step' },
    signal: options.signal,
    output: (name: string, value: JsonValue) => {
      outputs[name] = value;
    },
    getInitiatorCredentials: async () => mockCredentials.user(ADA),
    async checkpoint({ key, fn }) {
      if (checkpoints.has(key)) return checkpoints.get(key) as any;
      const value = await fn();
      checkpoints.set(key, value);
      return value;
    },
  };
  return { ctx, outputs, logs };
}
