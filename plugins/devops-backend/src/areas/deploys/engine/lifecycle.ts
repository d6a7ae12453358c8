import { DeployRecord, DeployUpdate, NewDeployEvent } from '../types';
import { DeployStatus } from '@devops-growth/backstage-plugin-devops-common';
import { AbortInfo, describeAbort, DeployRun, RunDeps } from './DeployRun';
import { errorMessage, Interrupted, PhaseFailure } from './guard';
import { runStrategy } from './strategies';

/**
 * The life of a claimed deploy: start or resume it, run its strategy, and end it: succeeded, or
 * rolled back (failure, timeout, analysis, restart without resume) or aborted, or failed when even
 * the rollback failed or a first deploy had nothing to return to.
 */
export async function driveDeploy(run: DeployRun): Promise<void> {
  const r = run.record;
  if (r.status === 'queued') {
    if (run.abortedBy) {
      await finish(
        run,
        'aborted',
        `aborted by ${describeAbort(run.abortedBy)} before it started`,
        [abortEvent(run.abortedBy)],
      );
      return;
    }
    await run.save({ status: 'running', startedAt: run.now() }, [
      { type: 'status', message: 'Running', data: { status: 'running' } },
    ]);
    await forward(run, false);
    return;
  }
  // Taken up again after a restart (or from a replica that lost it) in the middle of a phase.
  const resumeEvent = (message: string, data: Record<string, unknown> = {}) =>
    run.save({}, [
      {
        type: 'resume',
        message,
        data: { attempt: r.attempt, phase: r.phase, ...data },
      },
    ]);
  if (r.status === 'rolling-back') {
    await resumeEvent(`Attempt ${r.attempt}: rolling back again`);
    const cause =
      r.abortRequestedAt &&
      r.phaseStartedAt &&
      r.abortRequestedAt <= r.phaseStartedAt
        ? 'abort'
        : 'failure';
    await run.enterPhase('rollback', run.settings.phaseTimeoutMs);
    await rollBackNow(run, r.outcome ?? 'rolled back', cause);
    return;
  }
  if (run.abortedBy) {
    await resumeEvent(`Attempt ${r.attempt}: aborting`);
    await abortAndRollBack(run);
    return;
  }
  const { resumable } =
    run.on.provider.capabilities?.(run.on.target) ?? run.on.provider;
  if (!resumable) {
    await resumeEvent(
      `Attempt ${r.attempt}: provider ${run.on.provider.id} cannot resume`,
    );
    await rollBack(
      run,
      `interrupted by a backend restart in phase ${r.phase}; the provider cannot resume`,
    );
    return;
  }
  let status: unknown;
  try {
    status = await run.call(ctx => run.on.provider.status(run.on.target, ctx), {
      timeoutMs: run.settings.phaseTimeoutMs,
    });
  } catch (error) {
    if (error instanceof Interrupted && error.kind === 'abort') {
      await resumeEvent(`Attempt ${r.attempt}: aborting`);
      await abortAndRollBack(run);
      return;
    }
    const failed =
      error instanceof PhaseFailure ||
      (error instanceof Interrupted && error.kind === 'timeout');
    if (!failed) throw error;
    const message = errorMessage(error);
    await resumeEvent(`Attempt ${r.attempt}: ${message}`);
    await rollBack(
      run,
      `interrupted by a backend restart in phase ${r.phase}; the provider's status failed: ${message}`,
    );
    return;
  }
  await resumeEvent(`Attempt ${r.attempt}: resuming phase ${r.phase}`, {
    status: status as Record<string, unknown>,
  });
  await forward(run, true);
}

/** Runs the strategy; a failure, timeout or abort rolls back. */
async function forward(run: DeployRun, resume: boolean): Promise<void> {
  try {
    await runStrategy(run, resume);
  } catch (error) {
    if (error instanceof Interrupted) {
      if (error.kind === 'abort') {
        await abortAndRollBack(run);
        return;
      }
      if (error.kind === 'timeout') {
        await rollBack(run, error.message);
        return;
      }
      throw error;
    }
    if (error instanceof PhaseFailure) {
      await rollBack(run, error.message);
      return;
    }
    throw error;
  }
  await finish(
    run,
    'succeeded',
    `${run.record.version} runs in ${run.record.environment}`,
  );
}

async function abortAndRollBack(run: DeployRun): Promise<void> {
  const info = run.abortedBy!;
  const events: NewDeployEvent[] = [abortEvent(info)];
  if (run.on.provider.abort) {
    try {
      await run.call(ctx => run.on.provider.abort!(run.operation(), ctx), {
        timeoutMs: run.settings.phaseTimeoutMs,
        abortable: false,
      });
    } catch (error) {
      if (!(error instanceof PhaseFailure)) throw error;
      events.push({ type: 'error', message: `abort: ${error.message}` });
    }
  }
  await rollBack(run, `aborted by ${describeAbort(info)}`, 'abort', events);
}

/** Rolls back: traffic to the previous version, the new one removed. */
export async function rollBack(
  run: DeployRun,
  reason: string,
  cause: 'failure' | 'abort' = 'failure',
  events: NewDeployEvent[] = [],
): Promise<void> {
  await run.enterPhase(
    'rollback',
    run.settings.phaseTimeoutMs,
    { status: 'rolling-back', outcome: reason },
    [
      ...events,
      {
        type: 'status',
        message: `Rolling back: ${reason}`,
        data: { status: 'rolling-back', cause },
      },
    ],
  );
  await rollBackNow(run, reason, cause);
}

async function rollBackNow(
  run: DeployRun,
  reason: string,
  cause: 'failure' | 'abort',
): Promise<void> {
  const r = run.record;
  // the reason goes on with "; ...": without its own full stop (a verdict's reason has one)
  const because = reason.replace(/\.\s*$/, '');
  try {
    await run.call(
      ctx =>
        run.on.provider.rollback(
          run.operation({
            weight: r.strategy === 'canary' ? 0 : null,
            colour: r.strategy === 'blue-green' ? r.colour : null,
          }),
          ctx,
        ),
      { timeoutMs: run.settings.phaseTimeoutMs, abortable: false },
    );
  } catch (error) {
    if (error instanceof Interrupted && error.kind !== 'timeout') throw error;
    await finish(
      run,
      'failed',
      `${because}; the rollback failed too: ${errorMessage(error)}`,
      [{ type: 'error', message: errorMessage(error) }],
    );
    return;
  }
  if (cause === 'abort') {
    await finish(run, 'aborted', reason);
  } else if (r.previousVersion === null) {
    await finish(
      run,
      'failed',
      `${because}; the new version was removed (a first deploy has no previous version to return to)`,
    );
  } else {
    await finish(
      run,
      'rolled-back',
      `${because}; ${r.previousVersion} runs again`,
      [],
      r.strategy === 'canary' ? { weight: 0 } : {},
    );
  }
}

async function finish(
  run: DeployRun,
  status: DeployStatus,
  outcome: string,
  events: NewDeployEvent[] = [],
  change: DeployUpdate = {},
) {
  run.output.phase = 'done';
  await run.save(
    {
      ...change,
      status,
      phase: 'done',
      outcome,
      finishedAt: run.now(),
      phaseDeadline: null,
      nextRunAt: null,
    },
    [
      ...events,
      { type: 'status', message: `${status}: ${outcome}`, data: { status } },
    ],
  );
}

/** A deploy that cannot run at all (entity, environment or provider gone): failed, no provider call. */
export async function failUnrunnable(
  deps: RunDeps,
  record: DeployRecord,
  why: string,
): Promise<void> {
  const now = deps.clock();
  const ok = await deps.store.update(
    record.id,
    deps.owner,
    {
      status: 'failed',
      phase: 'done',
      outcome: why,
      finishedAt: now,
      nextRunAt: null,
      phaseDeadline: null,
    },
    [{ type: 'error', message: why, at: now }],
  );
  const fresh = ok ? await deps.store.get(record.id) : undefined;
  if (fresh) deps.listener?.(fresh);
}

function abortEvent(info: AbortInfo): NewDeployEvent {
  return {
    type: 'abort',
    message: `Aborted by ${describeAbort(info)}`,
    data: { by: info.by, reason: info.reason },
  };
}
