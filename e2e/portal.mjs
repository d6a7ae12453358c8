// Starts the portal for the browser test as scripts/start.sh does (the backend and the frontend
// development server of `backstage-cli repo start` with app-config.yaml and app-config.demo.yaml,
// the demo service under scripts/demo-load.mjs), but on free ports of its own, with its own
// temporary SQLite directory and upload token, so it runs beside a developer's portal and leaves
// nothing behind.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import {
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse as parseYaml } from 'yaml';
import { freePortsBelowEphemeral } from '../examples/demo-service/deploy/processes.mjs';

const require = createRequire(import.meta.url);

/** The repository's root. */
export const root = join(import.meta.dirname, '..');

/** The demo entity the test opens. */
export const DEMO_ENTITY = {
  kind: 'component',
  namespace: 'default',
  name: 'demo-service',
};
const DEMO_SERVICE_DEFAULT_URL = 'http://localhost:7090';

const chosen = new Set();

/**
 * A port nothing listens on, below the ephemeral range (the demo deployment's helper). The test
 * holds its ports for minutes before anything binds them (development's wait for the template's
 * deploy), and a port from that range may meanwhile be taken by any `listen(0)` (the demo's
 * instances) or outgoing connection (the portal's requests): a CI run failed when development's
 * canary port was taken so ("listen EADDRINUSE ... 45405").
 */
function freePort() {
  return freePortsBelowEphemeral(1, chosen);
}

/**
 * app-config.demo.yaml's deploy environments with ports of this run: each environment's public,
 * canary and baseline port (the `command` provider's env and the canary analysis' metrics URLs)
 * moved to free ones, production's public port the demo service's. Returns the environments and
 * the hosts the backend must be allowed to request.
 */
export async function deployEnvironments(servicePort) {
  const demo = parseYaml(
    await readFile(join(root, 'app-config.demo.yaml'), 'utf8'),
  );
  const environments = structuredClone(demo.devops.deploys.environments);
  const hosts = [];
  const ports = { production: {} };
  for (const environment of environments) {
    const env = environment.command?.env ?? {};
    const moved = new Map();
    for (const key of [
      'DEVOPS_DEMO_SERVICE_PORT',
      'DEVOPS_DEMO_CANARY_PORT',
      'DEVOPS_DEMO_BASELINE_PORT',
    ]) {
      if (!env[key]) continue;
      const port =
        environment.name === 'production' && key === 'DEVOPS_DEMO_SERVICE_PORT'
          ? servicePort
          : await freePort();
      moved.set(env[key], String(port));
      env[key] = String(port);
      hosts.push(`localhost:${port}`);
      if (environment.name === 'production') ports.production[key] = port;
    }
    for (const side of Object.values(environment.command?.metrics ?? {})) {
      const url = new URL(side.metricsUrl);
      url.port = moved.get(url.port) ?? url.port;
      side.metricsUrl = url.toString();
    }
  }
  return { environments, hosts, production: ports.production };
}

/**
 * The catalog locations of app-config.yaml that allow Template entities (the DevOps templates of
 * templates/), their file targets made absolute: the run's catalog locations replace
 * app-config.yaml's list, so they are carried over from it.
 */
export async function templateLocations() {
  const config = parseYaml(
    await readFile(join(root, 'app-config.yaml'), 'utf8'),
  );
  // file targets are relative to the backend's working directory
  const backendDir = join(root, 'packages/backend');
  return (config.catalog?.locations ?? [])
    .filter(location =>
      (location.rules ?? []).some(rule => rule.allow?.includes('Template')),
    )
    .map(location =>
      location.type === 'file'
        ? { ...location, target: join(backendDir, location.target) }
        : location,
    );
}

/**
 * Polls `probe` every second until it returns a truthy value, which is returned. Fails after
 * `timeoutMs`, or as soon as `alive()` says the portal has exited.
 */
export async function waitFor(what, probe, { timeoutMs, alive = () => true }) {
  const start = Date.now();
  let lastError;
  for (;;) {
    if (!alive()) {
      throw new Error(`the portal exited while waiting for ${what}`);
    }
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() - start > timeoutMs) {
      throw new Error(
        `timed out after ${Math.round(
          timeoutMs / 1000,
        )} s waiting for ${what}` +
          (lastError ? ` (last error: ${lastError.message})` : ''),
      );
    }
    await sleep(1000);
  }
}

/**
 * Runs `deploy.mjs stop` (every instance and the proxy of a deployment, by the pids its state
 * recorded) for each demo deployment under `deployRoot`: the environments and the previews.
 */
async function stopDemoDeployments(deployRoot) {
  const entries = await readdir(deployRoot, {
    recursive: true,
    withFileTypes: true,
  }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isFile() || entry.name !== 'state.json') continue;
    const result = spawnSync(
      process.execPath,
      [join(root, 'examples/demo-service/deploy/deploy.mjs'), 'stop'],
      {
        env: {
          PATH: process.env.PATH,
          DEVOPS_DEMO_DEPLOY_DIR: entry.parentPath,
        },
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    if (result.status !== 0) {
      console.error(
        `[e2e] could not stop the demo deployment in ${entry.parentPath}: ${
          result.stderr || result.error?.message || result.signal
        }`,
      );
    }
  }
}

/**
 * Starts the portal and the demo service. Returns its URLs, the static upload token, and
 * `stop()`, which ends every process it started and removes its temporary directory.
 * Everything the processes print goes to `logFile`.
 */
export async function startPortal({ logFile }) {
  const [frontendPort, backendPort, servicePort] = [
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const frontendUrl = `http://localhost:${frontendPort}`;
  const backendUrl = `http://localhost:${backendPort}`;
  const serviceUrl = `http://localhost:${servicePort}`;
  const token = randomBytes(24).toString('hex');
  const dir = await mkdtemp(join(tmpdir(), 'devops-e2e-'));

  // The demo's catalog, with the demo service's URLs on this run's port.
  const entities = (
    await readFile(join(root, 'examples/entities.yaml'), 'utf8')
  ).replaceAll(DEMO_SERVICE_DEFAULT_URL, serviceUrl);
  if (!entities.includes(serviceUrl)) {
    throw new Error(
      `examples/entities.yaml no longer names ${DEMO_SERVICE_DEFAULT_URL}: update e2e/portal.mjs`,
    );
  }
  await writeFile(join(dir, 'entities.yaml'), entities);
  const deploys = await deployEnvironments(servicePort);
  const templates = await templateLocations();
  // Loaded last, on top of app-config.yaml and app-config.demo.yaml (YAML reads JSON).
  const config = {
    app: { baseUrl: frontendUrl },
    backend: {
      baseUrl: backendUrl,
      listen: { port: backendPort },
      cors: { origin: frontendUrl },
    },
    catalog: {
      locations: [
        { type: 'file', target: join(dir, 'entities.yaml') },
        {
          type: 'file',
          target: join(root, 'examples/org.yaml'),
          rules: [{ allow: ['User', 'Group'] }],
        },
        // The software templates app-config.yaml registers (the list replaces its locations).
        ...templates,
      ],
    },
    devops: {
      // The demo service on this run's ports (public, and the canary and baseline of each
      // environment) are the hosts the backend may request.
      allowedHosts: [
        ...new Set([`localhost:${servicePort}`, ...deploys.hosts]),
      ],
      // The demo's deploy environments on this run's ports (the list replaces the demo's).
      deploys: {
        environments: deploys.environments,
        // The test deploys a good version and expects it to succeed. `alpha` is the chance a
        // deploy of a good version may be rolled back by chance, and at the demo's few requests
        // a second the canary's ~1 % error rate is noisy enough for that to happen (at the
        // default 0.05 a CI run rolled 1.1.0 back on 13 errors in 362 requests against 1 in 309,
        // p = 0.002 at the second look's alpha of 0.049; the demo runs at 0.01). At 0.001 the
        // test's deploy fails by chance at most once in a thousand runs; a real regression (the
        // demo's `-bad` versions: 8 % errors, +150 ms) is still far beyond it.
        defaults: { analysis: { alpha: 0.001 } },
      },
      performance: {
        // Two scrapes make the first sample: collect often so it exists soon after start-up.
        collection: { frequency: { seconds: 5 } },
      },
    },
  };
  const configFile = join(dir, 'app-config.e2e.yaml');
  await writeFile(configFile, JSON.stringify(config, null, 2));

  const log = createWriteStream(logFile);
  const env = {
    ...process.env,
    DEVOPS_DEMO_DATA_DIR: join(dir, 'sqlite'),
    DEVOPS_DEMO_CI_TOKEN: token,
    DEVOPS_DEMO_SERVICE_PORT: String(servicePort),
    // The demo's deployments (app-config.demo.yaml's command provider, and demo-load.mjs, which
    // brings production up): their state in this run's directory, on this run's ports.
    DEVOPS_DEMO_ROOT: root,
    DEVOPS_DEMO_DEPLOY_ROOT: join(dir, 'deploy'),
    DEVOPS_DEMO_CANARY_PORT: String(deploys.production.DEVOPS_DEMO_CANARY_PORT),
    DEVOPS_DEMO_BASELINE_PORT: String(
      deploys.production.DEVOPS_DEMO_BASELINE_PORT,
    ),
    NODE_ENV: 'development',
    ESBK_TSCONFIG_PATH: join(root, 'tsconfig.json'),
  };
  const children = [];
  const exited = new Map();
  const start = (name, command, args, cwd = root) => {
    // Its own process group, so that stop() ends the whole tree (yarn, the CLI, the backend).
    const child = spawn(command, args, {
      cwd,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', d => log.write(d));
    child.stderr.on('data', d => log.write(d));
    child.on('exit', code => exited.set(name, code));
    children.push(child);
    return child;
  };
  await mkdir(env.DEVOPS_DEMO_DATA_DIR, { recursive: true });
  await mkdir(env.DEVOPS_DEMO_DEPLOY_ROOT, { recursive: true });
  const configArgs = [
    join(root, 'app-config.yaml'),
    join(root, 'app-config.demo.yaml'),
    configFile,
  ].flatMap(file => ['--config', file]);
  // The backend as `backstage-cli repo start` runs it (Node with the CLI's TypeScript transform),
  // without the CLI's restart on file changes: edits made while the test runs do not restart it.
  start(
    'backend',
    process.execPath,
    [
      '--enable-source-maps',
      '--require',
      require.resolve('@backstage/cli-node/config/nodeTransform.cjs'),
      'src/index',
      ...configArgs,
    ],
    join(root, 'packages/backend'),
  );
  // The frontend: the CLI's development server, as `backstage-cli repo start` runs it.
  start(
    'frontend',
    'yarn',
    ['backstage-cli', 'package', 'start', ...configArgs],
    join(root, 'packages/app'),
  );
  start('demo service', process.execPath, [
    join(root, 'scripts/demo-load.mjs'),
  ]);

  // Should this process end without stop() (a timeout, Ctrl-C), the portal ends with it.
  const killAll = signal => {
    for (const child of children) {
      try {
        process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    }
  };
  const onExit = () => killAll('SIGKILL');
  const onSignal = signal => {
    killAll('SIGKILL');
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('exit', onExit);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const alive = () => exited.size === 0;
  const stop = async () => {
    process.off('exit', onExit);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    killAll('SIGTERM');
    const deadline = Date.now() + 15_000;
    while (
      children.some(c => c.exitCode === null && c.signalCode === null) &&
      Date.now() < deadline
    ) {
      await sleep(200);
    }
    killAll('SIGKILL');
    // The demo instances and proxies run detached from the portal (as in a real deployment):
    // demo-load.mjs stops production's when it ends; what the test deployed elsewhere
    // (development from the template, previews) stops here, before its state goes.
    await stopDemoDeployments(env.DEVOPS_DEMO_DEPLOY_ROOT);
    await new Promise(resolve => log.end(resolve));
    await rm(dir, { recursive: true, force: true });
  };

  return {
    frontendUrl,
    backendUrl,
    serviceUrl,
    token,
    alive,
    exited,
    stop,
  };
}
