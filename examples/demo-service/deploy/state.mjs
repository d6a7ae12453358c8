// The demo deployment's state on disk, shared by deploy.mjs (which changes it) and proxy.mjs
// (which routes by it): one directory per environment (DEVOPS_DEMO_DEPLOY_DIR) holding
// state.json, a lock, the pid and log files of the instances and the proxy, and the demo users.
//
// state.json: {
//   slots: { blue, green, canary, baseline }   each null or { version, pid, port, startedAt }
//   live: 'blue' | 'green' | null              the colour taking the traffic (rolling, blue-green)
//   weight: 0-100                              canary: per cent of the traffic to the canary
//   roles: { canary, baseline }                the slots the canary and baseline ports forward to
// }
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const SLOTS = ['blue', 'green', 'canary', 'baseline'];

export function emptyState() {
  return {
    slots: { blue: null, green: null, canary: null, baseline: null },
    live: null,
    weight: 0,
    roles: { canary: null, baseline: null },
  };
}

export function readState(dir) {
  try {
    return { ...emptyState(), ...JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) };
  } catch (error) {
    if (error.code === 'ENOENT') return emptyState();
    throw new Error(`${join(dir, 'state.json')} is unreadable: ${error.message}`);
  }
}

/** Written whole and renamed into place, so the proxy never reads half a file. */
export function writeState(dir, state) {
  const file = join(dir, 'state.json');
  writeFileSync(`${file}.tmp`, `${JSON.stringify({ ...state, updatedAt: new Date().toISOString() }, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

export function alive(pid) {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // a zombie is dead; a reused pid running something else is not ours
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (stat.slice(stat.lastIndexOf(')') + 2)[0] === 'Z') return false;
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return /server\.js|proxy\.mjs/.test(cmdline);
  } catch {
    return true; // no /proc: signal 0 is all there is
  }
}

/**
 * One mutating action at a time per environment (or `name` in `dir`); a lock left by a dead
 * process is taken over, and a directory removed meanwhile (a preview's teardown) is made again.
 */
export async function withLock(dir, action, name = 'lock') {
  const file = join(dir, name);
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const fd = openSync(file, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (error) {
      if (error.code === 'ENOENT') {
        mkdirSync(dir, { recursive: true });
        continue;
      }
      if (error.code !== 'EEXIST') throw error;
      let holder;
      let age;
      try {
        holder = Number(readFileSync(file, 'utf8') || 0);
        age = Date.now() - statSync(file).mtimeMs;
      } catch {
        continue; // released meanwhile
      }
      if (!holder && age < 5000) {
        await sleep(50); // created, its pid not written yet
        continue;
      }
      let holderAlive = false;
      try {
        if (holder) process.kill(holder, 0);
        holderAlive = Boolean(holder);
      } catch {
        // dead
      }
      if (!holderAlive) {
        rmSync(file, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`another deploy action (pid ${holder}) holds ${file}`);
      await sleep(200);
    }
  }
  try {
    return await action();
  } finally {
    // only our own lock: the action may have removed the directory, and another process may
    // hold a new lock there since
    try {
      if (Number(readFileSync(file, 'utf8')) === process.pid) rmSync(file, { force: true });
    } catch {
      // gone with the directory
    }
  }
}

/** The demo service's users (`name:password,...`), made up once per state directory. */
export function demoUsers(dir) {
  const file = join(dir, 'users');
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    const users = ['alice', 'bob'].map(name => `${name}:${randomBytes(12).toString('base64url')}`).join(',');
    writeFileSync(file, users, { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}
