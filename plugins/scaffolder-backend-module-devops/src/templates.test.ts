import {
  mockServices,
  startTestBackend,
  TestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import catalogModuleScaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import devopsPlugin from '@devops-growth/backstage-plugin-devops-backend';
import {
  DEPLOY_GATE_TITLES,
  DEPLOY_GATES,
} from '@devops-growth/backstage-plugin-devops-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { JsonObject } from '@backstage/types';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { Server } from 'node:http';
import knexFactory from 'knex';
import request from 'supertest';
import { parse as parseYaml } from 'yaml';
import scaffolderDevopsModule, { devopsLocalRepositoriesUrlReader } from '.';

/**
 * Every software template under `templates/` (the repository's root), run through the
 * scaffolder's dry-run API (`POST /api/scaffolder/v2/dry-run`, what the template editor calls)
 * on a backend with the real scaffolder, this module's actions and the real DevOps backend:
 * the devops actions' dry runs reach the DevOps backend's deploy and environment dry runs, so
 * the gates and the environment a template would create are real answers.
 */

jest.setTimeout(120_000);

// Jest runs this file in a VM context, but Node's fetch parses JSON in the outer realm: the
// arrays a devops action outputs (its gates, read with fetch) then carry the outer realm's
// Array.prototype, which the scaffolder's template engine refuses ("Template arrays cannot
// use a custom prototype") when the output is rendered. A backend runs in one realm, so this
// only re-parses the JSON bodies in the test's realm.
const outerFetch = global.fetch;
beforeAll(() => {
  global.fetch = async (...args: Parameters<typeof fetch>) => {
    const response = await outerFetch(...args);
    return Object.assign(response, {
      json: async () => JSON.parse(await response.text()),
    });
  };
});
afterAll(() => {
  global.fetch = outerFetch;
});

const repoRoot = resolve(__dirname, '../../..');
const templatesDir = join(repoRoot, 'templates');

/** The template directories of templates/ (its README is not one). */
function templateNames(): string[] {
  return readdirSync(templatesDir, { withFileTypes: true })
    .filter(entry => entry.isDirectory())
    .map(entry => entry.name);
}

/** A template directory as the template editor sends it: every file, base64, relative paths. */
function readTemplate(name: string): {
  template: JsonObject;
  directoryContents: { path: string; base64Content: string }[];
} {
  const dir = join(templatesDir, name);
  const files: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.push(path);
    }
  };
  walk(dir);
  return {
    template: parseYaml(readFileSync(join(dir, 'template.yaml'), 'utf8')),
    directoryContents: files.sort().map(path => ({
      path: relative(dir, path),
      base64Content: readFileSync(path).toString('base64'),
    })),
  };
}

const shop: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'shop',
    namespace: 'default',
    annotations: {
      'devops-growth.io/monitoring': 'deploy',
      'devops-growth.io/deploy-target': 'shop-web',
    },
  },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
};

/**
 * A command block of tiny scripts keeping the running version of each environment and target
 * in a file of the working directory: deploy, rollback and switchColour write it, status reads it, versions
 * lists three releases, teardown removes the file.
 */
const command = (workingDirectory: string) => {
  const file =
    'process.env.DEVOPS_ENVIRONMENT + "-" + process.env.DEVOPS_TARGET';
  const write = (variable: string) =>
    `require("fs").writeFileSync(${file}, process.env.${variable})`;
  return {
    workingDirectory,
    deploy: ['node', '-e', write('DEVOPS_VERSION')],
    rollback: ['node', '-e', write('DEVOPS_PREVIOUS_VERSION')],
    switchColour: ['node', '-e', write('DEVOPS_VERSION')],
    status: [
      'node',
      '-e',
      `const fs = require("fs"); const f = ${file}; console.log(JSON.stringify({ version: fs.existsSync(f) ? fs.readFileSync(f, "utf8") : null, healthy: true }))`,
    ],
    versions: ['node', '-e', 'console.log("1.2.0\\n1.1.0\\n1.0.0")'],
    teardown: ['node', '-e', `require("fs").rmSync(${file}, { force: true })`],
  };
};

interface DryRunResult {
  log: { body: { message: string; stepId?: string; status?: string } }[];
  output: { links?: JsonObject[]; text?: JsonObject[] } & JsonObject;
  steps: { id: string; action: string }[];
  directoryContents: { path: string; base64Content: string }[];
}

const postgres =
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
const databases: [string, () => JsonObject][] = [
  ['SQLite', () => ({ client: 'better-sqlite3', connection: ':memory:' })],
  ...(postgres
    ? [
        [
          'PostgreSQL',
          () => ({
            client: 'pg',
            connection: postgres,
            // one database per plugin, named after this prefix; dropped after the run
            prefix: `templates_test_${randomBytes(4).toString('hex')}_`,
          }),
        ] as [string, () => JsonObject],
      ]
    : []),
];

/** Log lines without colours: `warn: Gate ...`, `info: Dry run: ...`, `Beginning step Deploy`. */
const plain = (message: string) => stripVTControlCharacters(message);

/** Reads every 100 ms until `done` says so, at most 60 s; the last answer. */
async function pollUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
): Promise<T> {
  let value = await read();
  for (let i = 0; i < 600 && !done(value); i++) {
    await new Promise(r => setTimeout(r, 100));
    value = await read();
  }
  return value;
}

/** Drops the per-plugin PostgreSQL databases a backend created under its prefix. */
async function dropDatabases(databaseConfig: JsonObject) {
  if (databaseConfig.client !== 'pg') return;
  const admin = knexFactory({ client: 'pg', connection: postgres });
  const { rows } = await admin.raw(
    'SELECT datname FROM pg_database WHERE datname LIKE ?',
    [`${databaseConfig.prefix}%`],
  );
  for (const { datname } of rows) {
    await admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [datname]);
  }
  await admin.destroy();
}

/**
 * Runs a template of the catalog for real (`POST /v2/tasks` by its ref, as the Create page
 * does) until the task ends: its status, each step's log lines and the completion's output.
 */
async function runTask(
  server: Server,
  templateRef: string,
  values: JsonObject,
) {
  const created = await request(server)
    .post('/api/scaffolder/v2/tasks')
    .send({ templateRef, values });
  expect(created.status).toBe(201);
  const task = await pollUntil(
    async () =>
      (
        await request(server).get(`/api/scaffolder/v2/tasks/${created.body.id}`)
      ).body,
    t => t.status !== 'open' && t.status !== 'processing',
  );
  const events: { type: string; body: any }[] = (
    await request(server).get(
      `/api/scaffolder/v2/tasks/${created.body.id}/events`,
    )
  ).body;
  return {
    status: task.status as string,
    messages: (stepId: string) =>
      events
        .filter(e => e.type === 'log' && e.body.stepId === stepId)
        .map(e => plain(e.body.message)),
    output: events.find(e => e.type === 'completion')?.body.output,
  };
}

it("names the deploy template's override gates as the Deploys card does", () => {
  const { template } = readTemplate('deploy-service');
  const gate = (template as any).spec.parameters[1].properties.overrides.items
    .properties.gate;
  expect(gate.enum).toEqual([...DEPLOY_GATES]);
  expect(gate.enumNames).toEqual(DEPLOY_GATES.map(g => DEPLOY_GATE_TITLES[g]));
});

describe.each(databases)('the software templates on %s', (_, database) => {
  let backend: TestBackend;
  let server: Server;
  let workDir: string;
  let databaseConfig: JsonObject;

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'templates-test-'));
    databaseConfig = database();
    backend = await startTestBackend({
      features: [
        scaffolderPlugin,
        scaffolderDevopsModule,
        devopsPlugin,
        catalogServiceMock.factory({
          // the deploy template is also run for real, by its ref
          entities: [
            shop,
            readTemplate('deploy-service').template as unknown as Entity,
          ],
        }),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            scaffolder: {
              devops: {
                localRepositories: {
                  directory: join(workDir, 'repositories'),
                },
              },
            },
            backend: { database: databaseConfig },
            devops: {
              deploys: {
                promotionChain: ['staging', 'production'],
                engine: { pollInterval: '100ms' },
                defaults: {
                  strategy: 'rolling',
                  healthTimeout: { seconds: 20 },
                  gates: { coverage: false, security: false },
                  command: command(workDir),
                },
                environments: [{ name: 'staging' }, { name: 'production' }],
                previews: { maxTimeToLive: { days: 7 } },
              },
            },
          },
        }),
      ],
    });
    server = backend.server;
  });

  afterAll(async () => {
    await backend.stop();
    rmSync(workDir, { recursive: true, force: true });
    await dropDatabases(databaseConfig);
  });

  /** A real deploy through the DevOps API (no scaffolder), waited for until it succeeded. */
  async function deploy(environment: string, version: string) {
    const started = await request(server)
      .post('/api/devops/entities/component/default/shop/deploys')
      .send({ environment, version });
    expect(started.status).toBe(201);
    const deployed = await pollUntil(
      async () =>
        (
          await request(server).get(`/api/devops/deploys/${started.body.id}`)
        ).body,
      d => d.status !== 'queued' && d.status !== 'running',
    );
    expect(`${version} to ${environment}: ${deployed.status}`).toBe(
      `${version} to ${environment}: succeeded`,
    );
  }

  /** `POST /v2/dry-run` of a template directory with the form's values. */
  const postDryRun = (name: string, values: JsonObject) =>
    request(server)
      .post('/api/scaffolder/v2/dry-run')
      .send({ ...readTemplate(name), values });

  async function dryRun(name: string, values: JsonObject) {
    const res = await postDryRun(name, values);
    if (res.status !== 200) {
      throw new Error(
        `dry run of ${name} answered ${res.status}: ${JSON.stringify(
          res.body,
        )}`,
      );
    }
    const result = res.body as DryRunResult;
    return {
      ...result,
      /** The messages one step logged, without colours. */
      messages: (stepId: string) =>
        result.log
          .filter(l => l.body.stepId === stepId && l.body.message)
          .map(l => plain(l.body.message)),
      /** The steps that completed, in order. */
      completed: result.log
        .filter(l => l.body.status === 'completed')
        .map(l => l.body.stepId),
      /** A file the steps left in the workspace. */
      file: (path: string) => {
        const file = result.directoryContents.find(f => f.path === path);
        if (!file) {
          throw new Error(
            `the dry run left no ${path}, only ${result.directoryContents
              .map(f => f.path)
              .join(', ')}`,
          );
        }
        return Buffer.from(file.base64Content, 'base64').toString('utf8');
      },
    };
  }

  // app paths: the task page follows them in place
  const cardPath = '/catalog/default/component/shop/devops';
  const serviceLink = {
    title: 'Service',
    icon: 'catalog',
    entityRef: 'component:default/shop',
  };

  it('deploy-service: the gates of the deploy, overrides, the card and the gates in the text', async () => {
    const blocked = await dryRun('deploy-service', {
      entity: 'component:default/shop',
      environment: 'production',
      version: '1.1.0',
      // what the DevopsDeployGates field leaves in the form (allowBlocked: the form goes on)
      gates: {
        allowed: false,
        environment: 'production',
        version: '1.1.0',
        failed: ['promotion-chain'],
        activeDeployId: null,
      },
    });
    expect(blocked.completed).toEqual(['deploy']);
    const messages = blocked.messages('deploy');
    // No strategy chosen: none is sent, the environment's applies.
    expect(messages).toContainEqual(
      expect.stringMatching(
        /^info: Running devops:deploy in dry-run mode with inputs \(secrets redacted\): \{\s*"entityRef": "component:default\/shop",\s*"environment": "production",\s*"version": "1\.1\.0",\s*"wait": true\s*\}$/,
      ),
    );
    expect(messages).toEqual(
      expect.arrayContaining([
        'warn: Gate promotion-chain: failed: staging has not run 1.1.0 successfully; deploy it to staging first',
        'info: Gate coverage: skipped: The coverage gate is switched off for production',
        "warn: Dry run: the deploy of 1.1.0 to production would be blocked by its failed gates (override them with the step's overrides); nothing was started",
      ]),
    );
    expect(blocked.output.links).toEqual([
      { title: 'Deploy on the DevOps card', icon: 'dashboard', url: cardPath },
      serviceLink,
    ]);
    expect(blocked.output.text).toHaveLength(1);
    const text = blocked.output.text![0].content as string;
    expect(text).toContain(
      '**1.1.0** to **production** (rolling): dry run, its failed gates would block it',
    );
    expect(text).toContain(
      '- **Promotion chain**, failed: staging has not run 1.1.0 successfully; deploy it to staging first\n',
    );
    expect(text).toContain(
      '- **Coverage gate**, skipped: The coverage gate is switched off for production\n',
    );

    // The same deploy with the failed gate overridden and a strategy chosen.
    const overridden = await dryRun('deploy-service', {
      entity: 'component:default/shop',
      environment: 'production',
      version: '1.1.0',
      strategy: 'blue-green',
      overrides: [{ gate: 'promotion-chain', reason: 'hotfix, CHG-42' }],
    });
    expect(overridden.messages('deploy')).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^info: Gate promotion-chain: overridden: .* \(overridden by user:default\/mock: hotfix, CHG-42\)$/,
        ),
        'info: Dry run: the deploy of 1.1.0 to production (blue-green, from nothing) would start; nothing was started',
      ]),
    );
    expect(overridden.output.text![0].content).toContain(
      '**1.1.0** to **production** (blue-green): dry run, the gates would let it start',
    );

    // The form refuses a strategy that is not one.
    const wrong = await postDryRun('deploy-service', {
      entity: 'component:default/shop',
      environment: 'production',
      version: '1.1.0',
      strategy: 'big-bang',
    });
    expect(wrong.status).toBe(400);
    expect(JSON.stringify(wrong.body.errors)).toContain('strategy');
  });

  it('deploy-service runs for real: the step waits for the deploy and the text says it succeeded', async () => {
    const task = await runTask(
      server,
      'template:default/devops-deploy-service',
      {
        entity: 'component:default/shop',
        environment: 'staging',
        version: '1.2.0',
      },
    );
    expect({ status: task.status, messages: task.messages('deploy') }).toEqual({
      status: 'completed',
      messages: expect.arrayContaining([
        expect.stringMatching(
          /^info: Started deploy \S+ of 1\.2\.0 to staging \(rolling\) for user:default\/mock$/,
        ),
        'info: Gate promotion-chain: skipped: staging is the first environment of the promotion chain',
        'info: [log] running `deploy`: node -e require("fs").writeFileSync(process.env.DEVOPS_ENVIRONMENT + "-" + process.env.DEVOPS_TARGET, process.env.DEVOPS_VERSION)',
        'info: [status] succeeded: 1.2.0 runs in staging',
        expect.stringMatching(
          /^info: The deploy \S+ of 1\.2\.0 to staging succeeded$/,
        ),
      ]),
    });
    const { output } = task;
    expect(output.links[0]).toEqual({
      title: 'Deploy on the DevOps card',
      icon: 'dashboard',
      url: cardPath,
    });
    const [, deployId] =
      /^\*\*1\.2\.0\*\* to \*\*staging\*\* \(rolling\): \*\*succeeded\*\* \(deploy (\S+)\)\n/.exec(
        output.text[0].content,
      )!;
    expect(output.text[0].content).toContain(
      '- **Promotion chain**, skipped: staging is the first environment of the promotion chain\n',
    );
    // The command provider's script ran: staging's target runs 1.2.0.
    expect(readFileSync(join(workDir, 'staging-shop-web'), 'utf8')).toBe(
      '1.2.0',
    );
    // The DevOps backend holds the deploy the template started, by the user who ran it.
    const detail = await request(server).get(`/api/devops/deploys/${deployId}`);
    expect(detail.body).toMatchObject({
      entityRef: 'component:default/shop',
      environment: 'staging',
      version: '1.2.0',
      status: 'succeeded',
      createdBy: 'user:default/mock',
    });
  });

  it('rollback-service: a recent good version, the reason, and the card', async () => {
    await deploy('staging', '1.0.0');
    await deploy('staging', '1.1.0');
    const result = await dryRun('rollback-service', {
      entity: 'component:default/shop',
      environment: 'staging',
      version: '1.0.0',
      reason: 'errors since 1.1.0',
    });
    expect(result.completed).toEqual(['rollback']);
    expect(result.messages('rollback')).toContainEqual(
      'info: Dry run: the rollback of 1.0.0 to staging (rolling, from 1.1.0) would start; nothing was started',
    );
    expect(result.output.links).toEqual([
      {
        title: 'Rollback on the DevOps card',
        icon: 'dashboard',
        url: cardPath,
      },
      serviceLink,
    ]);
    expect(result.output.text![0].content).toContain(
      'Back to **1.0.0** in **staging** (rolling): dry run, the gates would let it start',
    );
    // A rollback may skip the promotion chain.
    expect(result.output.text![0].content).toMatch(
      /^- \*\*Promotion chain\*\*, skipped: .+$/m,
    );

    // Without a version: the previous good one.
    const previous = await dryRun('rollback-service', {
      entity: 'component:default/shop',
      environment: 'staging',
      reason: 'errors since 1.1.0',
    });
    expect(previous.messages('rollback')).toContainEqual(
      'info: Dry run: the rollback of 1.0.0 to staging (rolling, from 1.1.0) would start; nothing was started',
    );

    // The reason is required by the form.
    const noReason = await postDryRun('rollback-service', {
      entity: 'component:default/shop',
      environment: 'staging',
    });
    expect(noReason.status).toBe(400);
    expect(JSON.stringify(noReason.body.errors)).toContain('reason');
  });

  it('create-environment: the environment it would create, and the card', async () => {
    const result = await dryRun('create-environment', {
      entity: 'component:default/shop',
      name: 'pr-7',
      timeToLive: '1d',
    });
    expect(result.completed).toEqual(['environment']);
    const [line] = result
      .messages('environment')
      .filter(m => m.startsWith('info: Dry run:'));
    expect(line).toMatch(
      /^info: Dry run: pr-7 would be created: based on staging, target shop-web-pr-7, torn down at (\S+); nothing was stored$/,
    );
    const expiresAt = Date.parse(/torn down at (\S+);/.exec(line)![1]);
    expect(Math.abs(expiresAt - Date.now() - 86_400_000)).toBeLessThan(60_000);
    expect(result.output.links).toEqual([
      {
        title: 'Environment on the DevOps card',
        icon: 'dashboard',
        url: cardPath,
      },
      serviceLink,
    ]);
    expect(result.output.text).toEqual([
      {
        title: 'Environment pr-7',
        content: expect.stringMatching(
          /^Target \*\*shop-web-pr-7\*\*, expires 20\S+Z\.\s*$/,
        ),
      },
    ]);

    // Without a time to live it is kept; the form refuses a name the backend would.
    const kept = await dryRun('create-environment', {
      entity: 'component:default/shop',
      name: 'feature.checkout',
      basedOn: 'staging',
      target: 'checkout-preview',
    });
    expect(kept.messages('environment')).toContainEqual(
      'info: Dry run: feature.checkout would be created: based on staging, target checkout-preview, kept until deleted; nothing was stored',
    );
    expect(kept.output.text![0].content).toContain(
      'expires never (delete it when done)',
    );
    for (const [field, values] of [
      ['name', { name: 'PR_7' }],
      ['timeToLive', { name: 'pr-7', timeToLive: '1 day' }],
    ] as const) {
      const refused = await postDryRun('create-environment', {
        entity: 'component:default/shop',
        ...values,
      });
      expect(refused.status).toBe(400);
      expect(
        refused.body.errors.map((e: { property: string; name: string }) => [
          e.property,
          e.name,
        ]),
      ).toEqual([[`instance.${field}`, 'pattern']]);
    }
  });

  it('delete-environment: the environment it would tear down', async () => {
    const created = await request(server)
      .post('/api/devops/entities/component/default/shop/environments')
      .send({ name: 'pr-9' });
    expect(created.status).toBe(201);
    const result = await dryRun('delete-environment', {
      entity: 'component:default/shop',
      name: 'pr-9',
      reason: 'merged',
    });
    expect(result.completed).toEqual(['environment']);
    expect(result.messages('environment')).toContainEqual(
      'info: Dry run: pr-9 (active, based on staging, target shop-web-pr-9) would be torn down; nothing was deleted',
    );
    expect(result.output.links).toEqual([serviceLink]);
    expect(result.output.text).toEqual([
      {
        title: 'Environment pr-9',
        content: 'Dry run: it is active and would be torn down.\n',
      },
    ]);
  });

  it('register-service: catalog-info.yaml with the annotations, the CI workflow, publish and register', async () => {
    const result = await dryRun('register-service', {
      name: 'payments',
      owner: 'group:default/team-a',
      description: 'Takes payments: cards, "wallets"',
      areas: ['deploy', 'coverage', 'security'],
      metricsUrl:
        'staging=https://payments.staging.example.com/metrics,production=https://payments.example.com/metrics',
      coverageGate: 72.5,
      complianceFrameworks: ['soc2', 'pci-dss'],
      deployEnvironments: 'staging, production',
      deployTarget: 'payments-api',
    });
    expect(result.completed).toEqual(['fetch', 'publish']);
    expect(result.messages('publish')).toContainEqual(
      `info: Dry run: would create ${join(
        workDir,
        'repositories',
        'payments',
      )} with 2 files (.github/workflows/devops.yaml, catalog-info.yaml); nothing was written`,
    );
    // catalog:register has no dry run: the scaffolder skips it, and so the link has no entity.
    expect(result.messages('register')).toContainEqual(
      'Skipping because catalog:register does not support dry-run',
    );
    expect(result.output.links).toEqual([
      { title: 'Open in the catalog', icon: 'catalog' },
      {
        title: 'Published files',
        icon: 'folder',
        url: `${
          pathToFileURL(join(workDir, 'repositories', 'payments')).href
        }/`,
      },
    ]);
    expect(result.directoryContents.map(f => f.path).sort()).toEqual([
      '.github/workflows/devops.yaml',
      'catalog-info.yaml',
    ]);
    expect(parseYaml(result.file('catalog-info.yaml'))).toEqual({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'payments',
        description: 'Takes payments: cards, "wallets"',
        annotations: {
          'devops-growth.io/monitoring': 'deploy,coverage,security',
          'devops-growth.io/metrics-url':
            'staging=https://payments.staging.example.com/metrics,production=https://payments.example.com/metrics',
          'devops-growth.io/coverage-gate': '72.5',
          'devops-growth.io/compliance-frameworks': 'soc2,pci-dss',
          'devops-growth.io/deploy-environments': 'staging,production',
          'devops-growth.io/deploy-target': 'payments-api',
        },
      },
      spec: {
        type: 'service',
        lifecycle: 'experimental',
        owner: 'group:default/team-a',
      },
    });
    const workflow = parseYaml(result.file('.github/workflows/devops.yaml'));
    const job = workflow.jobs.reports;
    expect(job.env).toEqual({
      DEVOPS_ENTITY: 'component:default/payments',
      BACKSTAGE_URL: '${{ vars.BACKSTAGE_URL }}',
      DEVOPS_TOKEN: '${{ secrets.DEVOPS_TOKEN }}',
      COMMIT: '${{ github.event.pull_request.head.sha || github.sha }}',
      BRANCH: '${{ github.head_ref || github.ref_name }}',
    });
    const upload = job.steps.find((s: any) => s.name === 'Upload reports');
    expect(upload.run).toContain(
      '-H "Authorization: Bearer $DEVOPS_TOKEN" --data-binary "@$2"',
    );
    expect(upload.run).toContain('"$BACKSTAGE_URL/api/devops/reports"');
    expect(
      upload.run.split('\n').filter((l: string) => l.startsWith('upload ')),
    ).toEqual([
      'upload lcov reports/lcov.info unit',
      'upload junit reports/junit.xml unit',
      'upload sarif reports/scan.sarif',
    ]);
    expect(job.steps.map((s: any) => s.name)).toContain(
      'Security scan (SARIF)',
    );

    // All four areas are written as `enabled`; without coverage and security nothing is uploaded.
    const all = await dryRun('register-service', {
      name: 'inventory',
      owner: 'group:default/team-a',
      areas: ['deploy', 'performance', 'security', 'coverage'],
    });
    expect(
      parseYaml(all.file('catalog-info.yaml')).metadata.annotations,
    ).toEqual({ 'devops-growth.io/monitoring': 'enabled' });
    const deployOnly = await dryRun('register-service', {
      name: 'gateway',
      owner: 'group:default/team-a',
      areas: ['deploy', 'performance'],
      prometheusSelector: 'app="gateway",namespace="edge"',
    });
    expect(
      parseYaml(deployOnly.file('catalog-info.yaml')).metadata.annotations,
    ).toEqual({
      'devops-growth.io/monitoring': 'deploy,performance',
      'devops-growth.io/prometheus-selector': 'app="gateway",namespace="edge"',
    });
    const steps = parseYaml(deployOnly.file('.github/workflows/devops.yaml'))
      .jobs.reports.steps;
    expect(steps.map((s: any) => s.name)).not.toContain(
      'Security scan (SARIF)',
    );
    expect(steps.find((s: any) => s.name === 'Upload reports').run).not.toMatch(
      /^upload /m,
    );
  });
});

/**
 * The template locations of the repository's app-config.yaml, their file targets (relative to
 * packages/backend, where the backend runs) made absolute.
 */
function appConfigTemplateLocations(): JsonObject[] {
  const appConfig = parseYaml(
    readFileSync(join(repoRoot, 'app-config.yaml'), 'utf8'),
  );
  return appConfig.catalog.locations
    .filter((l: JsonObject) => String(l.target).includes('/templates/'))
    .map((l: JsonObject) => ({
      ...l,
      target: resolve(repoRoot, 'packages/backend', String(l.target)),
    }));
}

/**
 * The register template run for real, as on the demo machine: the real catalog (with the
 * Template kind) reads the template from its file location, fetch:template renders the
 * skeleton, devops:publish:local writes it into the local repositories directory, and
 * catalog:register adds the published catalog-info.yaml, which the catalog reads through the
 * module's file:// URL reader.
 */
describe.each(databases)(
  'the register template run for real on %s',
  (_, database) => {
    let backend: TestBackend;
    let server: Server;
    let workDir: string;
    let databaseConfig: JsonObject;

    beforeAll(async () => {
      workDir = mkdtempSync(join(tmpdir(), 'templates-register-test-'));
      databaseConfig = database();
      backend = await startTestBackend({
        features: [
          scaffolderPlugin,
          scaffolderDevopsModule,
          catalogPlugin,
          catalogModuleScaffolderEntityModel,
          devopsLocalRepositoriesUrlReader,
          mockServices.rootConfig.factory({
            data: {
              app: { baseUrl: 'http://localhost:3000' },
              backend: { database: databaseConfig },
              scaffolder: {
                devops: {
                  localRepositories: {
                    directory: join(workDir, 'repositories'),
                  },
                },
              },
              catalog: {
                rules: [{ allow: ['Component', 'Location'] }],
                locations: appConfigTemplateLocations(),
              },
            },
          }),
        ],
      });
      server = backend.server;
    });

    afterAll(async () => {
      await backend.stop();
      rmSync(workDir, { recursive: true, force: true });
      await dropDatabases(databaseConfig);
    });

    const entity = (kind: string, name: string) =>
      pollUntil(
        () =>
          request(server).get(
            `/api/catalog/entities/by-name/${kind}/default/${name}`,
          ),
        res => res.status === 200,
      );

    it('app-config.yaml registers every template; the register template publishes catalog-info.yaml and the workflow, and the catalog holds the new component with its annotations', async () => {
      // Every template directory is registered by app-config.yaml, as a Template the catalog
      // accepts.
      expect(
        appConfigTemplateLocations()
          .map(l => ({ target: l.target, rules: l.rules }))
          .sort((a, b) => String(a.target).localeCompare(String(b.target))),
      ).toEqual(
        templateNames()
          .sort()
          .map(name => ({
            target: join(templatesDir, name, 'template.yaml'),
            rules: [{ allow: ['Template'] }],
          })),
      );
      for (const name of templateNames()) {
        const { metadata } = readTemplate(name).template as any;
        const found = await entity('template', metadata.name);
        expect(`${name}: ${found.status}`).toBe(`${name}: 200`);
      }
      const task = await runTask(
        server,
        'template:default/devops-register-service',
        {
          name: 'payments',
          owner: 'group:default/team-a',
          description: 'Takes payments',
          areas: ['deploy', 'performance', 'security', 'coverage'],
          coverageGate: 85,
          complianceFrameworks: ['soc2'],
        },
      );
      expect({
        status: task.status,
        register: task.messages('register'),
      }).toEqual({ status: 'completed', register: expect.any(Array) });
      const repository = join(workDir, 'repositories', 'payments');
      expect(task.output.links).toEqual([
        {
          title: 'Open in the catalog',
          icon: 'catalog',
          entityRef: 'component:default/payments',
        },
        {
          title: 'Published files',
          icon: 'folder',
          url: `${pathToFileURL(repository).href}/`,
        },
      ]);
      expect(
        parseYaml(
          readFileSync(
            join(repository, '.github/workflows/devops.yaml'),
            'utf8',
          ),
        ).jobs.reports.env.DEVOPS_ENTITY,
      ).toBe('component:default/payments');

      const registered = await entity('component', 'payments');
      expect(registered.status).toBe(200);
      expect(registered.body.metadata.annotations).toMatchObject({
        'backstage.io/managed-by-location': `url:${
          pathToFileURL(join(repository, 'catalog-info.yaml')).href
        }`,
        'devops-growth.io/monitoring': 'enabled',
        'devops-growth.io/coverage-gate': '85',
        'devops-growth.io/compliance-frameworks': 'soc2',
      });
      // The entity pickers' catalogFilter (kind Component, the monitoring annotation present)
      // as the EntityPicker sends it: the new component is offered, the templates are not.
      const offered = await request(server)
        .get('/api/catalog/entities/by-query')
        .query({
          filter:
            'kind=component,metadata.annotations.devops-growth.io/monitoring',
        });
      expect(offered.body.items.map((e: Entity) => e.metadata.name)).toEqual([
        'payments',
      ]);
      expect(registered.body.spec).toEqual({
        type: 'service',
        lifecycle: 'experimental',
        owner: 'group:default/team-a',
      });
    });
  },
);
