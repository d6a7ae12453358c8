import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { build } from 'esbuild';

/*
 * Real backend processes for the reliability tests: backend.ts bundled once with esbuild (our
 * TypeScript compiled in, every other package an ordinary require() of node_modules), started
 * with `node` on a config file of the test's, and ended with SIGKILL or SIGTERM.
 */

const packageDir = resolve(__dirname, '../../../../..');
const repoRoot = resolve(packageDir, '../..');

/** Bundles backend.ts into `outDir/backend.cjs` (about a second) and returns its path. */
export async function bundleBackend(outDir: string): Promise<string> {
  const outfile = join(outDir, 'backend.cjs');
  await build({
    entryPoints: [join(__dirname, 'backend.ts')],
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    outfile,
    sourcemap: 'inline',
    logLevel: 'warning',
    plugins: [
      {
        name: 'external-node-modules',
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, args =>
            args.path.startsWith('@devops-growth/')
              ? undefined
              : { path: args.path, external: true },
          );
        },
      },
    ],
  });
  return outfile;
}

/** A port nobody listens on now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>(done => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise<void>(done => server.close(() => done()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/**
 * One backend loads its modules at a time (a few seconds of CPU each): started side by side on
 * a small machine they would all take as long as the slowest.
 */
let startingQueue: Promise<unknown> = Promise.resolve();

/** Every backend still running, so that a failed or timed-out test leaves none behind. */
const running = new Set<ChildProcess>();

/** SIGKILLs every backend this process started that still runs. */
export function killAllBackends() {
  for (const child of running) child.kill('SIGKILL');
}
process.once('exit', killAllBackends);

/** One started backend process. */
export interface BackendProcess {
  name: string;
  pid: number;
  url: string;
  logFile: string;
  /** Resolves with the exit code or signal once the process has ended. */
  exited: Promise<string>;
  /** SIGKILL: no shutdown hook runs, leases stay where they are. */
  kill(): Promise<void>;
  /** SIGTERM and wait (the backend's graceful shutdown). */
  stop(): Promise<void>;
  /** The last lines of its log, for failure messages. */
  tail(lines?: number): string;
}

/** What {@link startBackend} starts. */
export interface BackendOptions {
  name: string;
  bundle: string;
  configFile: string;
  port: number;
  logDir: string;
  timeoutMs?: number;
}

/**
 * Starts `node <bundle> --config <configFile>` with its output in `<logDir>/<name>.log` and
 * waits until `/api/devops/health` answers (up to `timeoutMs`). It runs in the package's
 * directory: the backend looks for the repository's root from there.
 */
export function startBackend(options: BackendOptions): Promise<BackendProcess> {
  const started = startingQueue.then(() => spawnBackend(options));
  startingQueue = started.catch(() => undefined);
  return started;
}

async function spawnBackend(options: BackendOptions): Promise<BackendProcess> {
  const { name, port } = options;
  const logFile = join(options.logDir, `${name}.log`);
  const fd = openSync(logFile, 'a');
  const child: ChildProcess = spawn(
    process.execPath,
    ['--enable-source-maps', options.bundle, '--config', options.configFile],
    {
      cwd: packageDir,
      env: {
        ...process.env,
        NODE_ENV: 'development',
        NODE_PATH: [
          join(packageDir, 'node_modules'),
          join(repoRoot, 'node_modules'),
        ].join(':'),
        // Jest's variables would make the backend think it runs in a test.
        JEST_WORKER_ID: '',
      },
      stdio: ['ignore', fd, fd],
    },
  );
  closeSync(fd);
  running.add(child);
  const exited = new Promise<string>(done =>
    child.once('exit', (code, signal) => {
      running.delete(child);
      done(signal ?? `code ${code}`);
    }),
  );
  let ended: string | undefined;
  exited.then(how => {
    ended = how;
  });
  const tail = (lines = 40) => {
    try {
      return stripVTControlCharacters(
        readFileSync(logFile, 'utf8').split('\n').slice(-lines).join('\n'),
      );
    } catch {
      return '';
    }
  };
  const url = `http://127.0.0.1:${port}`;
  const started = Date.now();
  const timeoutMs = options.timeoutMs ?? 180_000;
  for (;;) {
    if (ended) {
      throw new Error(
        `backend ${name} exited (${ended}) while starting:\n${tail()}`,
      );
    }
    try {
      const response = await fetch(`${url}/api/devops/health`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() - started > timeoutMs) {
      child.kill('SIGKILL');
      throw new Error(
        `backend ${name} did not answer within ${timeoutMs} ms:\n${tail()}`,
      );
    }
    await sleep(200);
  }
  const signalAndWait = async (signal: NodeJS.Signals) => {
    if (ended) return;
    child.kill(signal);
    await exited;
  };
  return {
    name,
    pid: child.pid!,
    url,
    logFile,
    exited,
    kill: () => signalAndWait('SIGKILL'),
    stop: async () => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await signalAndWait('SIGTERM');
      clearTimeout(timer);
    },
    tail,
  };
}
