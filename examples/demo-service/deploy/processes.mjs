// Starting and stopping the demo's background processes: service instances (one per slot) and
// the weighted proxy. Each runs detached in its own process group, so that killing the deploy
// script (the portal kills its whole group on abort) leaves them running, with its output in
// a log file of the state directory.
import { spawn } from 'node:child_process';
import { openSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { alive, demoUsers } from './state.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const serverPath = join(here, '..', 'src', 'server.js');
const proxyPath = join(here, 'proxy.mjs');

function baseEnv() {
  const env = {};
  for (const name of ['PATH', 'HOME', 'LANG']) if (process.env[name]) env[name] = process.env[name];
  return env;
}

/**
 * What a process last printed (since the last `--- ` line an instance's start writes): the
 * line of the error it died of when there is one ("Error: listen EADDRINUSE ..."), else its
 * last lines.
 */
function tail(file, lines = 5) {
  let printed;
  try {
    printed = readFileSync(file, 'utf8').split('\n');
  } catch {
    return '(no output)';
  }
  printed = printed.slice(printed.findLastIndex(line => line.startsWith('--- ')) + 1);
  printed = printed.filter(line => line.trim() && !/^Node\.js v\d/.test(line));
  const error = printed.findLast(line => /^[A-Za-z]*Error\b/.test(line));
  return error ?? (printed.slice(-lines).join(' | ') || '(no output)');
}

function spawnDetached(script, env, logFile) {
  const out = openSync(logFile, 'a');
  const child = spawn(process.execPath, [script], { detached: true, stdio: ['ignore', out, out], env });
  child.unref();
  return child.pid;
}

/** A port free on this machine now (the instance binds it right after). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * The kernel's ephemeral port range, from which `listen(0)` and outgoing connections take
 * their ports (Linux: /proc/sys/net/ipv4/ip_local_port_range; elsewhere IANA's).
 */
export function ephemeralRange() {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low > 0 && high >= low) return [low, high];
  } catch {
    // not Linux
  }
  return [49152, 65535];
}

/** Whether a server can listen on `port` now, on every address (as the proxy does). */
function canListen(port) {
  return new Promise(resolve => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, () => server.close(() => resolve(true)));
  });
}

/**
 * The first of `count` consecutive ports nothing listens on now, below the kernel's ephemeral
 * range (from 10000): for ports held a while before anything binds them (an environment's, a
 * test's). Inside that range any `listen(0)` (an instance's port) or outgoing connection may
 * take one meanwhile; below it only a server that names the port. `avoid`: ports already handed
 * out, to which the block is added.
 */
export async function freePortsBelowEphemeral(count = 1, avoid = new Set()) {
  const [low] = ephemeralRange();
  const from = low > 11_000 ? 10_000 : 1024;
  const last = low - count;
  for (let tries = 0; tries < 200 && last >= from; tries++) {
    const first = from + Math.floor(Math.random() * (last - from + 1));
    const block = Array.from({ length: count }, (_, i) => first + i);
    if (block.some(port => avoid.has(port))) continue;
    if ((await Promise.all(block.map(canListen))).every(Boolean)) {
      for (const port of block) avoid.add(port);
      return first;
    }
  }
  throw new Error(`no ${count} consecutive free ports between ${from} and ${low - 1}, below the ephemeral range`);
}

/** Waits until `url` answers 200 (and, when given, with the version header), or throws. */
export async function waitHealthy(url, { version, pid, logFile, timeoutMs = 20_000 }) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (pid && !alive(pid)) throw new Error(`the process exited while starting: ${tail(logFile)}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.ok && (!version || res.headers.get('x-demo-version') === version)) return;
    } catch {
      // not up yet
    }
    await sleep(150);
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s: ${tail(logFile)}`);
}

/**
 * Starts the demo service at `version` in `slot`; resolves with its record once it is healthy.
 * Its port is free when chosen, but another process may take it before the instance binds it
 * (any `listen(0)` or outgoing connection draws from the same range): then it tries another,
 * three times in all. `choosePort`: how a port is chosen (tests give taken ones).
 */
export async function startInstance(dir, slot, version, { choosePort = freePort } = {}) {
  for (let attempt = 1; ; attempt++) {
    const port = await choosePort();
    const logFile = join(dir, `${slot}.log`);
    writeFileSync(logFile, `--- ${new Date().toISOString()} ${version} on ${port}\n`, { flag: 'a' });
    const pid = spawnDetached(
      serverPath,
      { ...baseEnv(), PORT: String(port), DEMO_VERSION: version, LOG_ERRORS: '0', DEMO_USERS: demoUsers(dir) },
      logFile,
    );
    try {
      await waitHealthy(`http://127.0.0.1:${port}/healthz`, { version, pid, logFile });
      return { version, pid, port, startedAt: new Date().toISOString() };
    } catch (error) {
      await stopProcess(pid);
      if (attempt < 3 && /EADDRINUSE/.test(error.message)) continue;
      throw new Error(`version ${version} did not start in slot ${slot}: ${error.message}`);
    }
  }
}

/** SIGTERM to the process group, SIGKILL after 3 s. */
export async function stopProcess(pid) {
  if (!alive(pid)) return;
  const signal = sig => {
    try {
      process.kill(-pid, sig);
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        // gone
      }
    }
  };
  signal('SIGTERM');
  for (let i = 0; i < 30 && alive(pid); i++) await sleep(100);
  if (alive(pid)) signal('SIGKILL');
}

export function ports() {
  return {
    publicPort: Number(process.env.DEVOPS_DEMO_SERVICE_PORT ?? 7090),
    canaryPort: Number(process.env.DEVOPS_DEMO_CANARY_PORT ?? 7091),
    baselinePort: Number(process.env.DEVOPS_DEMO_BASELINE_PORT ?? 7092),
  };
}

/**
 * Starts the proxy unless it runs; resolves once it answers on the public port. `given`: the
 * ports of a preview (preview.mjs); a configured environment's come from its variables.
 */
export async function ensureProxy(dir, given = ports()) {
  const pidFile = join(dir, 'proxy.pid');
  let pid;
  try {
    pid = Number(readFileSync(pidFile, 'utf8'));
  } catch {
    // never started
  }
  const { publicPort, canaryPort, baselinePort } = given;
  const logFile = join(dir, 'proxy.log');
  if (!alive(pid)) {
    // as an instance's start does: what the proxy prints from here on is this start's (tail())
    writeFileSync(logFile, `--- ${new Date().toISOString()} proxy on ${publicPort}\n`, { flag: 'a' });
    pid = spawnDetached(
      proxyPath,
      {
        ...baseEnv(),
        DEVOPS_DEMO_DEPLOY_DIR: dir,
        DEVOPS_DEMO_SERVICE_PORT: String(publicPort),
        DEVOPS_DEMO_CANARY_PORT: String(canaryPort),
        DEVOPS_DEMO_BASELINE_PORT: String(baselinePort),
      },
      logFile,
    );
    writeFileSync(pidFile, String(pid));
  }
  await waitHealthy(`http://127.0.0.1:${publicPort}/__proxy/health`, { pid, logFile, timeoutMs: 10_000 });
}

export async function stopProxy(dir) {
  const pidFile = join(dir, 'proxy.pid');
  try {
    await stopProcess(Number(readFileSync(pidFile, 'utf8')));
  } catch {
    // never started
  }
  rmSync(pidFile, { force: true });
}

/**
 * Waits (at most 3 s) until the proxy routes by the state just written: it re-reads state.json
 * every 200 ms, so that a request right after a deploy would otherwise reach the old routing.
 */
export async function waitProxyFollows(publicPort, state) {
  const deadline = Date.now() + 3000;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${publicPort}/__proxy/health`, { signal: AbortSignal.timeout(1000) });
      const seen = await res.json();
      if (seen.live === state.live && seen.weight === state.weight) return;
    } catch {
      // restarting
    }
    await sleep(50);
  }
}
