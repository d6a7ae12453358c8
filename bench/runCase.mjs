// Runs one (implementation, format, file) case of case.mjs in its own child process.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const TIMEOUT_MS = 5 * 60 * 1000;

/** Resolves to case.mjs's JSON result, or `{ ok: false, error }`. */
export function runCase(impl, format, path, runs) {
  return new Promise(resolve => {
    const env = { ...process.env };
    delete env.NODE_OPTIONS; // both sides with Node's default heap limit
    const child = spawn(
      process.execPath,
      [join(here, 'case.mjs'), impl, format, path, String(runs)],
      {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', d => (out += d));
    child.stderr.on('data', d => (err += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve({
        ok: false,
        error: `no result after ${TIMEOUT_MS / 60000} min (stopped)`,
      });
    }, TIMEOUT_MS);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (out) {
        try {
          resolve(JSON.parse(out));
          return;
        } catch {
          // fall through
        }
      }
      const oom = /heap out of memory|Allocation failed/i.test(err);
      resolve({
        ok: false,
        error: oom
          ? 'out of memory (JavaScript heap)'
          : `exited with ${signal ?? code}: ${
              err.trim().split('\n').pop() ?? ''
            }`,
      });
    });
  });
}
