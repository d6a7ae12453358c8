import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import {
  DeployOperation,
  DeployProviderContext,
  DeployTarget,
} from '@devops-growth/backstage-plugin-devops-node';
import { CommandDeployProvider } from './CommandDeployProvider';

const fixtures = join(__dirname, '__fixtures__');
const node = process.execPath;
const logger = mockServices.logger.mock();

function target(block: object, environment = 'production'): DeployTarget {
  return {
    environment,
    name: 'demo-service',
    config: new ConfigReader(block as any),
  };
}

function operation(
  block: object,
  overrides: Partial<DeployOperation> = {},
): DeployOperation {
  return {
    deployId: 'd-42',
    attempt: 1,
    entity: {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'demo-service' },
    },
    entityRef: 'component:default/demo-service',
    kind: 'deploy',
    target: target(block),
    version: '1.1.0',
    previousVersion: '1.0.0',
    commitSha: null,
    strategy: 'canary',
    step: 1,
    weight: 25,
    colour: null,
    ...overrides,
  };
}

function context(options: { timeoutMs?: number; signal?: AbortSignal } = {}) {
  const lines: string[] = [];
  const ctx: DeployProviderContext = {
    signal: options.signal ?? new AbortController().signal,
    timeoutMs: options.timeoutMs ?? 30_000,
    log: (line, stream) => lines.push(`${stream ?? 'info'}: ${line}`),
    logger,
  };
  return { ctx, lines };
}

/** True while the process runs; a zombie waiting for its (new) parent to reap it is dead. */
function alive(pid: number) {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return true; // no /proc: signal 0 is all there is
  }
}

const provider = new CommandDeployProvider({
  logger,
  rootDir: fixtures,
  killGraceMs: 500,
});

describe('CommandDeployProvider', () => {
  it('gives the deploy its parameters as DEVOPS_* variables and nothing of the backend besides PATH, HOME and LANG', async () => {
    process.env.DEVOPS_SECRET_OF_THE_BACKEND = 'do-not-leak';
    const { ctx, lines } = context();
    await provider.deploy(
      operation({
        deploy: [node, 'env.mjs'],
        rollback: [node, 'env.mjs'],
        env: { DEMO_DIR: '/tmp/demo' },
      }),
      ctx,
    );
    delete process.env.DEVOPS_SECRET_OF_THE_BACKEND;
    const names = lines
      .filter(l => l.startsWith('stdout: '))
      .map(l => l.slice(8).split('=')[0]);
    expect(lines).toEqual(
      expect.arrayContaining([
        `info: running \`deploy\`: ${node} env.mjs`,
        'stdout: DEVOPS_DEPLOY_ID=d-42',
        'stdout: DEVOPS_ATTEMPT=1',
        'stdout: DEVOPS_ENTITY_REF=component:default/demo-service',
        'stdout: DEVOPS_ENTITY_NAME=demo-service',
        'stdout: DEVOPS_ENVIRONMENT=production',
        'stdout: DEVOPS_TARGET=demo-service',
        'stdout: DEVOPS_BASE_ENVIRONMENT=production',
        'stdout: DEVOPS_VERSION=1.1.0',
        'stdout: DEVOPS_PREVIOUS_VERSION=1.0.0',
        'stdout: DEVOPS_COMMIT_SHA=',
        'stdout: DEVOPS_STRATEGY=canary',
        'stdout: DEVOPS_STEP=1',
        'stdout: DEVOPS_WEIGHT=25',
        'stdout: DEVOPS_COLOUR=',
        'stdout: DEVOPS_KIND=deploy',
        'stdout: DEMO_DIR=/tmp/demo',
      ]),
    );
    expect(lines[lines.length - 1]).toMatch(/^info: `deploy` succeeded in /);
    expect(names).not.toContain('DEVOPS_SECRET_OF_THE_BACKEND');
    for (const name of names) {
      expect(name).toMatch(/^(DEVOPS_|DEMO_DIR$|PATH$|HOME$|LANG$)/);
    }
  });

  it('passes a version only as a variable: never as an argument, never through a shell', async () => {
    const { ctx, lines } = context();
    await provider.deploy(
      operation(
        { deploy: [node, 'env.mjs', '$DEVOPS_VERSION'], rollback: [node] },
        { version: '1.0.0;touch-x' },
      ),
      ctx,
    );
    expect(lines).toContain('stdout: DEVOPS_VERSION=1.0.0;touch-x');
  });

  it('fails with the exit code and the last stderr line, both also in the deploy log', async () => {
    const { ctx, lines } = context();
    await expect(
      provider.deploy(
        operation({ deploy: [node, 'fail.mjs'], rollback: [node] }),
        ctx,
      ),
    ).rejects.toThrow('command `deploy` exited with code 3: boom: disk full');
    expect(lines).toEqual(
      expect.arrayContaining([
        'stderr: warming up',
        'stdout: half of it done',
        'stderr: boom: disk full',
        'stderr: command `deploy` exited with code 3: boom: disk full',
      ]),
    );
  });

  it('says so when the program does not exist', async () => {
    const { ctx } = context();
    await expect(
      provider.deploy(
        operation({ deploy: ['no-such-program-xyz'], rollback: [node] }),
        ctx,
      ),
    ).rejects.toThrow(
      `command \`deploy\` could not start "no-such-program-xyz" in ${fixtures}: spawn no-such-program-xyz ENOENT`,
    );
  });

  it('kills the whole process group on abort, the script and the child it started', async () => {
    const controller = new AbortController();
    const { ctx, lines } = context({ signal: controller.signal });
    const started = Date.now();
    const running = provider.setWeight(
      operation({
        deploy: [node],
        rollback: [node],
        setWeight: [node, 'hang.mjs'],
      }),
      ctx,
    );
    let child: number | undefined;
    while (child === undefined && Date.now() - started < 10_000) {
      await sleep(50);
      const line = lines.find(l => l.startsWith('stdout: child '));
      if (line) child = Number(line.slice('stdout: child '.length));
    }
    expect(alive(child!)).toBe(true);
    controller.abort(new Error('aborted by alice'));
    await expect(running).rejects.toThrow(
      'command `setWeight` was aborted (aborted by alice) and killed',
    );
    expect(alive(child!)).toBe(false);
  });

  it('kills a group that ignores SIGTERM with SIGKILL once the time limit and the grace are over', async () => {
    const { ctx, lines } = context({ timeoutMs: 60_000 });
    const started = Date.now();
    await expect(
      provider.deploy(
        operation({
          deploy: [node, 'hang.mjs', 'ignore-term'],
          rollback: [node],
          timeout: '1500ms',
        }),
        ctx,
      ),
    ).rejects.toThrow('command `deploy` timed out after 1.5 s and was killed');
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(1500 + 500);
    expect(took).toBeLessThan(6000);
    expect(lines).toContain('stdout: ignoring SIGTERM');
    const child = Number(
      lines
        .find(l => l.startsWith('stdout: child '))!
        .split(' ')
        .pop(),
    );
    expect(alive(child)).toBe(false);
  });

  it('takes the smaller of its configured timeout and the phase budget', async () => {
    const { ctx } = context({ timeoutMs: 800 });
    await expect(
      provider.deploy(
        operation({
          deploy: [node, 'hang.mjs'],
          rollback: [node],
          timeout: { minutes: 5 },
        }),
        ctx,
      ),
    ).rejects.toThrow('command `deploy` timed out after 0.8 s and was killed');
  });

  it('reads the status JSON', async () => {
    const { ctx, lines } = context();
    const status = {
      version: '1.0.0',
      healthy: true,
      canary: { version: '1.1.0', weight: 25 },
      message: '2 instances up',
    };
    await expect(
      provider.status(
        target({
          status: [node, 'print.mjs'],
          env: { PRINT: JSON.stringify(status) },
        }),
        ctx,
      ),
    ).resolves.toEqual(status);
    expect(lines).toEqual([]);
  });

  it('refuses malformed status output with a clear message', async () => {
    const { ctx } = context();
    const status = (print: string) =>
      provider.status(
        target({ status: [node, 'print.mjs'], env: { PRINT: print } }),
        ctx,
      );
    await expect(status('up and running')).rejects.toThrow(
      'command `status` printed no JSON on stdout ("up and running"): print one object such as {"version":"1.2.0","healthy":true}',
    );
    await expect(status('{"version":"1.0.0","healthy":"yes"}')).rejects.toThrow(
      'command `status` printed a wrong status: healthy:',
    );
    await expect(
      status(
        '{"version":"1.0.0","healthy":true,"canary":{"version":"1.1.0","weight":250}}',
      ),
    ).rejects.toThrow(
      'command `status` printed a wrong status: canary.weight:',
    );
  });

  it('reports healthy without a status command, and says that is all it knows', async () => {
    const { ctx } = context();
    await expect(provider.status(target({}), ctx)).resolves.toEqual({
      version: null,
      healthy: true,
      message:
        "No status command is configured for production: the deploy command's exit code is the only health check",
    });
  });

  it('lists versions one a line, newest first as printed, and refuses a line that is no version', async () => {
    const { ctx } = context();
    const versions = (print: string) =>
      provider.listVersions(
        target({ versions: [node, 'print.mjs'], env: { PRINT: print } }),
        ctx,
      );
    await expect(
      versions('1.3.0-bad\n1.2.0\n\n 1.1.0 \n1.0.0\n'),
    ).resolves.toEqual(['1.3.0-bad', '1.2.0', '1.1.0', '1.0.0']);
    await expect(versions('1.2.0\n../../etc\n')).rejects.toThrow(
      'command `versions` printed "../../etc", which is not a version',
    );
    await expect(
      provider.listVersions(target({}), ctx),
    ).resolves.toBeUndefined();
  });

  it('supports the strategies its configured commands allow, and resumes and reports status only with a status command', () => {
    expect(
      provider.capabilities(target({ deploy: ['x'], rollback: ['x'] })),
    ).toEqual({
      strategies: ['rolling'],
      resumable: false,
      reportsStatus: false,
    });
    expect(
      provider.capabilities(
        target({
          deploy: ['x'],
          rollback: ['x'],
          setWeight: ['x'],
          switchColour: ['x'],
          status: ['x'],
        }),
      ),
    ).toEqual({
      strategies: ['rolling', 'blue-green', 'canary'],
      resumable: true,
      reportsStatus: true,
    });
    expect(provider.capabilities(target({ deploy: ['x'] }))).toEqual({
      strategies: [],
      resumable: false,
      reportsStatus: false,
    });
    // A status command alone: nothing to deploy with, but the drift sweep can see the target.
    expect(provider.capabilities(target({ status: ['x'] }))).toEqual({
      strategies: [],
      resumable: false,
      reportsStatus: true,
    });
  });

  it('names the missing command instead of running nothing', async () => {
    const { ctx } = context();
    await expect(
      provider.switchColour(
        operation({ deploy: [node], rollback: [node] }),
        ctx,
      ),
    ).rejects.toThrow(
      'The command provider cannot switchColour in production: devops.deploys.environments[production].command.switchColour is not configured',
    );
    // promote and abort are optional: nothing to do without them
    await expect(
      provider.promote(operation({ deploy: [node], rollback: [node] }), ctx),
    ).resolves.toBeUndefined();
  });

  it('refuses a command given as a shell string, unknown keys and bad durations, naming the key', () => {
    expect(() =>
      provider.capabilities(target({ deploy: 'node deploy.mjs deploy' })),
    ).toThrow(
      'Invalid config at devops.deploys.environments[production].command.deploy: Invalid input: expected array, received string: give the command as an array of arguments, for example [node, deploy.mjs, deploy]; it runs without a shell',
    );
    expect(() => provider.capabilities(target({ deplyo: ['x'] }))).toThrow(
      'Invalid config at devops.deploys.environments[production].command: Unrecognized key: "deplyo" (unknown key deplyo)',
    );
    expect(() => provider.capabilities(target({ timeout: 'soon' }))).toThrow(
      'Invalid config at devops.deploys.environments[production].command.timeout: expected a duration such as 5m or { minutes: 5 }, got "soon"',
    );
  });

  it('tells the analysis where the canary and baseline metrics are', () => {
    const block = {
      deploy: ['x'],
      rollback: ['x'],
      metrics: {
        canary: { metricsUrl: 'http://localhost:7091/metrics' },
        baseline: { metricsUrl: 'http://localhost:7092/metrics' },
      },
    };
    expect(provider.metricsLocations(operation(block))).toEqual({
      canary: {
        environment: 'production',
        annotations: {
          'devops-growth.io/metrics-url': 'http://localhost:7091/metrics',
        },
      },
      baseline: {
        environment: 'production',
        annotations: {
          'devops-growth.io/metrics-url': 'http://localhost:7092/metrics',
        },
      },
    });
    expect(
      provider.metricsLocations(operation({ deploy: ['x'] })),
    ).toBeUndefined();
  });
});
