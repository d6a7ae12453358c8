import { Invocation } from './scenario';

/*
 * What "a deploy ran twice" means, judged from the deploy scripts' records (deployScript.mjs).
 * Each function returns the violations it found as sentences (empty: none), so a failing test
 * names every one of them.
 */

/** The forward operations: each puts something out, so running one again is a side effect. */
export const FORWARD_OPS = ['deploy', 'set-weight', 'switch', 'promote'];

/** One run of a script: from its `start` line to its `end` or `orphaned` line. */
export interface ScriptRun {
  deployId: string;
  op: string;
  /** `set-weight` carries its weight: `set-weight 50`. */
  key: string;
  attempt: number | null;
  pid: number;
  /** The backend process that started it. */
  backend: number;
  start: number;
  /** `Infinity` while it runs (or when it vanished without a line). */
  end: number;
  outcome: 'ok' | 'failed' | 'orphaned' | 'running';
}

/** Pairs the records of each script process into runs, in start order. */
export function scriptRuns(records: Invocation[]): ScriptRun[] {
  const runs = new Map<number, ScriptRun>();
  for (const r of records) {
    if (!r.deployId) continue;
    if (r.event === 'start') {
      runs.set(r.pid, {
        deployId: r.deployId,
        op: r.op,
        key: r.op === 'set-weight' ? `set-weight ${r.weight}` : r.op,
        attempt: r.attempt,
        pid: r.pid,
        backend: r.ppid,
        start: r.at,
        end: Infinity,
        outcome: 'running',
      });
      continue;
    }
    const run = runs.get(r.pid);
    if (!run || (r.event !== 'end' && r.event !== 'orphaned')) continue;
    run.end = r.at;
    if (r.event === 'orphaned') run.outcome = 'orphaned';
    else run.outcome = r.code === 0 ? 'ok' : 'failed';
  }
  return [...runs.values()].sort((a, b) => a.start - b.start);
}

const describe = (run: ScriptRun) =>
  `${run.key} (attempt ${run.attempt}, pid ${run.pid} of backend ${run.backend})`;

/**
 * Never two backends at once: no run of one backend process overlaps in time a run of another
 * for the same deploy, and no run of an attempt overlaps a run of another attempt.
 */
export function overlappingRuns(runs: ScriptRun[], deployId: string): string[] {
  const mine = runs.filter(r => r.deployId === deployId);
  const problems: string[] = [];
  for (let i = 0; i < mine.length; i++) {
    for (let j = i + 1; j < mine.length; j++) {
      const [a, b] = [mine[i], mine[j]];
      const overlap = a.start < b.end && b.start < a.end;
      if (overlap && (a.backend !== b.backend || a.attempt !== b.attempt)) {
        problems.push(`${describe(a)} and ${describe(b)} ran at the same time`);
      }
    }
  }
  return problems;
}

/** No forward operation twice in one attempt (the engine's own double work). */
export function repeatedInAttempt(
  runs: ScriptRun[],
  deployId: string,
): string[] {
  const seen = new Map<string, ScriptRun>();
  const problems: string[] = [];
  for (const run of runs.filter(r => r.deployId === deployId)) {
    if (!FORWARD_OPS.includes(run.op) && run.op !== 'rollback') continue;
    const key = `${run.attempt}|${run.key}`;
    const first = seen.get(key);
    if (first) {
      problems.push(`${describe(run)} repeats ${describe(first)}`);
    } else {
      seen.set(key, run);
    }
  }
  return problems;
}

/** Where a deploy stood when its backend was killed, as the database had it. */
export interface KillPoint {
  status: string;
  phase: string;
  stepIndex: number | null;
  steps: number[];
  attempt: number;
  /** The pid of the backend that was killed and of the one started after it. */
  killedBackend: number;
  restartedBackend: number;
}

/**
 * After a restart, a completed phase is never run again: of the forward operations that
 * finished before the kill, only the one of the phase the database recorded (the one the kill
 * interrupted) may run again. A provider that cannot resume runs no forward operation at all
 * after the kill.
 */
export function rerunAfterKill(
  runs: ScriptRun[],
  deployId: string,
  kill: KillPoint,
  resumable: boolean,
): string[] {
  const mine = runs.filter(r => r.deployId === deployId);
  const after = mine.filter(
    r => r.backend === kill.restartedBackend && FORWARD_OPS.includes(r.op),
  );
  if (kill.status === 'queued') return [];
  if (!resumable || kill.status === 'rolling-back') {
    return after.map(
      r =>
        `${describe(r)} ran after the restart although the deploy was ${
          resumable ? 'rolling back' : 'interrupted and cannot resume'
        }`,
    );
  }
  const interrupted = interruptedKey(kill);
  const completedBefore = new Set(
    mine
      .filter(r => r.backend === kill.killedBackend && r.outcome === 'ok')
      .map(r => r.key),
  );
  return after
    .filter(r => completedBefore.has(r.key) && r.key !== interrupted)
    .map(
      r =>
        `${describe(
          r,
        )} ran again after the restart although it had completed before the kill in phase ${
          kill.phase
        }`,
    );
}

/** The forward operation of the phase the kill interrupted, if it has one. */
export function interruptedKey(kill: KillPoint): string | undefined {
  switch (kill.phase) {
    case 'deploy':
    case 'switch':
    case 'promote':
      return kill.phase;
    case 'step':
      return kill.stepIndex === null
        ? undefined
        : `set-weight ${kill.steps[kill.stepIndex]}`;
    default:
      return undefined;
  }
}
