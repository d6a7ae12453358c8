import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

/** One script run by the `command` provider. */
export interface CommandRun {
  /** The command's key (`deploy`, `status`...), for messages. */
  name: string;
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  /** Killed (with its process group) after this long. */
  timeoutMs: number;
  /** Aborting kills the process group too. */
  signal: AbortSignal;
  /** Each line of output, as it comes. */
  onLine(line: string, stream: 'stdout' | 'stderr'): void;
  /** Time between SIGTERM and SIGKILL of the group (default 3 s). */
  killGraceMs?: number;
}

/** Longest output line passed on; the rest of a longer line is cut. */
const MAX_LINE = 4000;
/** Most stdout kept for the caller (status JSON, version lists). */
const MAX_STDOUT = 1024 * 1024;

function describeReason(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  return reason === undefined ? 'aborted' : String(reason);
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

function killGroup(pid: number, signal: NodeJS.Signals) {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone already
  }
}

/**
 * Runs `argv` without a shell, in its own process group, with only the given environment.
 * Resolves with its stdout when it exits with 0. Rejects with an `Error` saying why otherwise:
 * "command `deploy` exited with code 3: <last stderr line>", killed by a signal, timed out or
 * aborted. On a timeout or an abort the whole group gets SIGTERM, then SIGKILL once the grace has
 * passed while any of it is still alive, so children the script started go too (unless they
 * left the group on purpose, as daemons do with setsid).
 */
export async function runCommand(run: CommandRun): Promise<string> {
  const { name, argv } = run;
  if (run.signal.aborted) {
    throw new Error(
      `command \`${name}\` was not started: ${describeReason(
        run.signal.reason,
      )}`,
    );
  }
  const child = spawn(argv[0], argv.slice(1), {
    cwd: run.cwd,
    env: run.env,
    detached: true,
    shell: false,
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  let stdout = '';
  let lastStderr = '';
  const lines = (stream: 'stdout' | 'stderr') => {
    const input = stream === 'stdout' ? child.stdout : child.stderr;
    const reader = createInterface({ input, crlfDelay: Infinity });
    reader.on('line', raw => {
      const line =
        raw.length > MAX_LINE ? `${raw.slice(0, MAX_LINE)} [cut]` : raw;
      if (stream === 'stdout') {
        if (stdout.length < MAX_STDOUT) stdout += `${raw}\n`;
      } else if (line.trim()) {
        lastStderr = line.trim();
      }
      run.onLine(line, stream);
    });
    return new Promise<void>(resolve => reader.on('close', resolve));
  };
  const outputDone = Promise.all([lines('stdout'), lines('stderr')]);

  const graceMs = run.killGraceMs ?? 3000;
  let stopped: string | undefined;
  let escalation: NodeJS.Timeout | undefined;
  const stop = (why: string) => {
    const pid = child.pid;
    if (stopped || pid === undefined) return;
    stopped = why;
    killGroup(pid, 'SIGTERM');
    // A script that ignores SIGTERM gets SIGKILL, with its group, once the grace has passed.
    escalation = setTimeout(() => killGroup(pid, 'SIGKILL'), graceMs);
  };
  const timer = setTimeout(
    () =>
      stop(
        `timed out after ${
          Math.round(run.timeoutMs / 100) / 10
        } s and was killed`,
      ),
    run.timeoutMs,
  );
  const onAbort = () =>
    stop(`was aborted (${describeReason(run.signal.reason)}) and killed`);
  run.signal.addEventListener('abort', onAbort, { once: true });

  try {
    const exit = await new Promise<{
      code: number | null;
      signal: NodeJS.Signals | null;
    }>((resolve, reject) => {
      child.once('error', error =>
        reject(
          new Error(
            `command \`${name}\` could not start ${JSON.stringify(
              argv[0],
            )} in ${run.cwd}: ${error.message}`,
          ),
        ),
      );
      child.once('exit', (code, signal) => resolve({ code, signal }));
    });
    const pid = child.pid!;
    if (stopped) {
      // The script is gone; what it started in its group gets the grace, then SIGKILL.
      const deadline = Date.now() + graceMs;
      while (groupAlive(pid) && Date.now() < deadline) {
        await sleep(50);
      }
      killGroup(pid, 'SIGKILL');
    }
    // A child left running may hold the pipes open: do not wait for it.
    await Promise.race([outputDone, sleep(1000)]);
    child.stdout.destroy();
    child.stderr.destroy();
    if (stopped) {
      throw new Error(`command \`${name}\` ${stopped}`);
    }
    if (exit.code !== 0) {
      const what =
        exit.code === null
          ? `was killed by ${exit.signal}`
          : `exited with code ${exit.code}`;
      throw new Error(
        `command \`${name}\` ${what}${lastStderr ? `: ${lastStderr}` : ''}`,
      );
    }
    return stdout;
  } finally {
    clearTimeout(timer);
    clearTimeout(escalation);
    run.signal.removeEventListener('abort', onAbort);
  }
}
