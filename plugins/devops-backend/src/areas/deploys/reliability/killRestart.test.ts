import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleBackend, killAllBackends } from './__testUtils__/backendProcess';
import {
  KillPoint,
  overlappingRuns,
  repeatedInAttempt,
  rerunAfterKill,
  scriptRuns,
} from './__testUtils__/invocationChecks';
import { groupCases, KillCase, killCases } from './__testUtils__/killCases';
import {
  KillGroupResult,
  NEW_VERSION,
  OLD_VERSION,
  runKillGroup,
} from './__testUtils__/killRun';

/*
 * kill -9 of a real backend process in every phase of a deploy (issue 10, reliability): each
 * strategy's deploy is held in each of its phases in an environment whose command provider has
 * a status command (it resumes) and in one without (it rolls back); the backend is killed with
 * SIGKILL, a new one starts on the same SQLite database, and every deploy must end final, say
 * in its events whether it resumed or rolled back, and never run a completed phase again nor
 * run on two backends at once (judged from the deploy scripts' own records).
 *
 * The groups run side by side, each with its own backend (a backend works on 10 deploys at
 * once). Set RELIABILITY_KEEP=1 to keep the working directory with the backends' logs.
 */

jest.setTimeout(600_000);

const root = mkdtempSync(join(tmpdir(), 'devops-reliability-kill-'));
const cases = killCases();
const groups = groupCases(cases);
const results = new Map<string, KillGroupResult>();

beforeAll(async () => {
  const bundle = await bundleBackend(root);
  const runs = await Promise.all(
    groups.map((group, i) =>
      runKillGroup({
        name: `group-${i}`,
        dir: join(root, `group-${i}`),
        bundle,
        cases: group,
      }),
    ),
  );
  runs.forEach((run, i) => {
    for (const c of groups[i]) results.set(c.entity, run);
    // eslint-disable-next-line no-console
    console.log(`group-${i} (${groups[i].length} deploys)`, run.timings);
  });
}, 600_000);

afterAll(() => {
  killAllBackends();
  if (!process.env.RELIABILITY_KEEP) {
    rmSync(root, { recursive: true, force: true });
  }
});

/** A pattern matching text that contains each part, in order. */
function containing(...parts: string[]) {
  return expect.stringMatching(
    new RegExp(
      parts.map(p => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*'),
    ),
  );
}

/** How the deploy must end, given where the kill found it. */
function expectedEnd(c: KillCase, kill: KillPoint) {
  if (kill.status === 'queued') {
    // Never started: the new backend simply runs it.
    return {
      status: 'succeeded',
      resume: [],
      outcome: containing(`${NEW_VERSION} runs in ${c.environment}`),
    };
  }
  const resumeEvent = (text: string) => [
    { message: expect.stringContaining(text), attempt: kill.attempt + 1 },
  ];
  if (c.hold === 'rollback') {
    return {
      status: 'rolled-back',
      resume: resumeEvent('rolling back again'),
      outcome: containing('phase deploy failed', `${OLD_VERSION} runs again`),
    };
  }
  return c.environment === 'resumable'
    ? {
        status: 'succeeded',
        resume: resumeEvent(`resuming phase ${kill.phase}`),
        outcome: containing(`${NEW_VERSION} runs in ${c.environment}`),
      }
    : {
        status: 'rolled-back',
        resume: resumeEvent('cannot resume'),
        outcome: containing(
          `interrupted by a backend restart in phase ${kill.phase}`,
          `${OLD_VERSION} runs again`,
        ),
      };
}

describe('kill -9 of the backend in every phase of a deploy', () => {
  it.each(cases.map(c => [c.entity, c] as const))('%s', (_, c) => {
    const run = results.get(c.entity)!;
    const where = `(logs: ${run.killed?.logFile}, ${run.restarted?.logFile})`;
    const setupError = run.setupErrors.get(c.entity);
    if (setupError) {
      throw new Error(`set-up of ${c.entity} failed: ${setupError} ${where}`);
    }
    const id = run.deployIds.get(c.entity)!;
    const kill = run.kills.get(id);
    const final = run.finals.get(id);
    if (!kill || !final) {
      throw new Error(
        `deploy ${id} of ${c.entity}: ${
          kill
            ? 'the restarted backend does not know it (lost)'
            : 'not in the database at the kill'
        } ${where}`,
      );
    }
    const expected = expectedEnd(c, kill);
    const succeeded = expected.status === 'succeeded';
    const state = run.scenario.state(c.environment, c.entity);
    expect({
      phaseAtKill: kill.phase,
      // final, never stuck active
      status: final.status,
      // the events and the outcome say whether it resumed or rolled back
      resumeEvents: final.events
        .filter(e => e.type === 'resume')
        .map(e => ({ message: e.message, attempt: e.data?.attempt })),
      outcome: final.outcome,
      // what the environment runs agrees with the status
      running: { version: state.version, canary: state.canary ?? null },
    }).toEqual({
      phaseAtKill: c.phase ?? kill.phase,
      status: expected.status,
      resumeEvents: expected.resume,
      outcome: expected.outcome,
      running: { version: succeeded ? NEW_VERSION : OLD_VERSION, canary: null },
    });

    // Nothing ran twice: see invocationChecks.ts for what that means.
    const runs = scriptRuns(run.scenario.invocations());
    const resumable =
      c.environment === 'resumable' && kill.status !== 'rolling-back';
    expect({
      overlapping: overlappingRuns(runs, id),
      repeatedInOneAttempt: repeatedInAttempt(runs, id),
      rerunAfterRestart: rerunAfterKill(runs, id, kill, resumable),
    }).toEqual({
      overlapping: [],
      repeatedInOneAttempt: [],
      rerunAfterRestart: [],
    });
    const rollbacksAfter = runs.filter(
      r =>
        r.deployId === id &&
        r.op === 'rollback' &&
        r.backend === kill.restartedBackend,
    );
    expect(rollbacksAfter.length).toBe(succeeded ? 0 : 1);
  });
});
