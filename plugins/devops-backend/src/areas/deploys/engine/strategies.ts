import {
  CanaryAnalysisVerdict,
  DeployColour,
  DeployPhase,
} from '@devops-growth/backstage-plugin-devops-common';
import {
  DeployOperation,
  DeployProviderStatus,
} from '@devops-growth/backstage-plugin-devops-node';
import type { DeployRun } from './DeployRun';
import { formatDuration, PhaseFailure, sleep } from './guard';

/** How often the health phase asks the provider, at most. */
const HEALTH_POLL_MAX_MS = 2000;

/** The colour a blue-green deploy goes on: the idle one (blue when none serves). */
export function idleColour(serving: DeployColour | null): DeployColour {
  return serving === 'blue' ? 'green' : 'blue';
}

/**
 * Whether the provider reports the new version up and healthy: rolling by the serving version,
 * canary by the canary's version, blue-green by health alone (the idle colour takes no traffic,
 * so the serving version is still the old one); a provider that reports no version at all (the
 * command provider without a status command) by its health alone.
 */
export function isHealthy(
  status: DeployProviderStatus,
  strategy: DeployOperation['strategy'],
  version: string,
): boolean {
  if (!status.healthy) return false;
  if (strategy === 'blue-green') return true;
  // A provider that cannot tell what runs (the command provider without a status command)
  // answers its health alone.
  if (status.version === null && !status.canary) return true;
  if (strategy === 'canary') {
    return status.canary?.version === version || status.version === version;
  }
  return status.version === version;
}

/**
 * Where a run starts: from the beginning, or (resumed) at the stored phase. A phase that was
 * never entered (no `phaseStartedAt`) starts from the beginning.
 */
function startPhase(run: DeployRun, resume: boolean): DeployPhase {
  const { phase, phaseStartedAt } = run.record;
  if (!resume || phaseStartedAt === null || phase === 'gates') return 'deploy';
  return phase;
}

const ORDER: Record<DeployPhase, number> = {
  gates: 0,
  deploy: 1,
  health: 2,
  step: 3,
  analysis: 4,
  switch: 5,
  promote: 6,
  rollback: 7,
  done: 8,
};

/** Drives the deploy forward with its strategy, from the start or where it was. */
export async function runStrategy(run: DeployRun, resume: boolean) {
  const from = startPhase(run, resume);
  const at = (phase: DeployPhase) => ORDER[from] <= ORDER[phase];
  switch (run.record.strategy) {
    case 'rolling':
      if (at('deploy')) await deployPhase(run, {});
      if (at('health')) await healthPhase(run);
      if (at('analysis')) await analysisPhase(run, null, from === 'analysis');
      await promotePhase(run);
      return;
    case 'blue-green': {
      if (from === 'deploy') {
        const status = await run.call(
          ctx => run.on.provider.status(run.on.target, ctx),
          { timeoutMs: run.settings.phaseTimeoutMs },
        );
        // Stored with the deploy phase: the colour serving before the switch.
        await deployPhase(run, { colour: status.colour ?? null });
      }
      const colour = idleColour(run.record.colour);
      if (at('health')) await healthPhase(run);
      if (run.on.provider.metricsLocations?.(run.operation())) {
        // The provider can show the idle colour's metrics (mirrored or test traffic): judge it
        // against the serving colour before any user traffic moves.
        if (at('analysis')) await analysisPhase(run, null, from === 'analysis');
        await switchPhase(run, colour);
      } else {
        // The idle colour takes no traffic before the switch: switch, then judge the
        // environment after the switch against the window before it; a failing verdict
        // switches back at once (the previous colour still runs the previous version).
        if (from !== 'analysis') await switchPhase(run, colour);
        await analysisPhase(run, null, from === 'analysis');
      }
      return;
    }
    case 'canary':
      await canary(run, from);
      return;
    default:
      throw new PhaseFailure(`unknown strategy ${run.record.strategy}`);
  }
}

async function canary(run: DeployRun, from: DeployPhase) {
  const steps = run.record.steps;
  if (from === 'deploy') await deployPhase(run, { weight: 0, stepIndex: null });
  if (ORDER[from] <= ORDER.health) await healthPhase(run);
  let first = ORDER[from] <= ORDER.health ? 0 : run.record.stepIndex ?? 0;
  let phase: DeployPhase = ORDER[from] <= ORDER.health ? 'step' : from;
  if (phase === 'promote') first = steps.length;
  for (let i = first; i < steps.length; i++) {
    if (phase === 'step')
      await stepPhase(run, i, i === first && from === 'step');
    if (steps[i] < 100) {
      await analysisPhase(run, i, i === first && from === 'analysis');
    }
    phase = 'step';
  }
  await promotePhase(run);
}

async function deployPhase(
  run: DeployRun,
  change: { colour?: DeployColour | null; weight?: number; stepIndex?: null },
) {
  run.checkpoint();
  await run.enterPhase('deploy', run.settings.phaseTimeoutMs, change);
  const colour =
    run.record.strategy === 'blue-green' ? idleColour(run.record.colour) : null;
  await run.call(
    ctx =>
      run.on.provider.deploy(
        run.operation({ colour, weight: change.weight ?? null }),
        ctx,
      ),
    { timeoutMs: run.settings.phaseTimeoutMs },
  );
}

async function healthPhase(run: DeployRun) {
  run.checkpoint();
  const timeoutMs = run.settings.healthTimeoutMs;
  await run.enterPhase('health', timeoutMs);
  const every = Math.max(5, Math.min(HEALTH_POLL_MAX_MS, timeoutMs / 10));
  const { version, strategy } = run.record;
  let last: DeployProviderStatus | undefined;
  await run.call(
    async ctx => {
      for (;;) {
        last = await run.on.provider.status(run.on.target, ctx);
        if (isHealthy(last, strategy, version)) return;
        await sleep(every, ctx.signal);
      }
    },
    {
      timeoutMs,
      timeoutMessage: () =>
        `${version} was not healthy within ${formatDuration(timeoutMs)}${
          last
            ? ` (the provider reported ${last.version ?? 'no version'}, ${
                last.healthy ? 'healthy' : 'not healthy'
              }${last.message ? `: ${last.message}` : ''})`
            : ''
        }`,
    },
  );
}

async function stepPhase(run: DeployRun, index: number, resumed: boolean) {
  run.checkpoint();
  const { provider } = run.on;
  const weight = run.record.steps[index];
  const pauseMs = run.settings.analysis.stepPauseMs;
  const before = resumed ? run.record : undefined;
  if (!resumed) {
    await run.enterPhase(
      'step',
      run.settings.phaseTimeoutMs,
      { stepIndex: index, analysisInterval: 0 },
      [
        {
          type: 'step',
          message: `Step ${index + 1} of ${
            run.record.steps.length
          }: ${weight}% of the traffic to ${run.record.version}`,
          data: { step: index, weight },
        },
      ],
    );
  }
  if (!provider.setWeight) {
    throw new PhaseFailure(
      `phase step failed: provider ${provider.id} cannot set canary weights`,
    );
  }
  await run.call(
    ctx => provider.setWeight!(run.operation({ step: index, weight }), ctx),
    { timeoutMs: run.settings.phaseTimeoutMs },
  );
  // A resumed step waits what was left of its pause; a new one waits the whole pause.
  const planned = before?.nextRunAt?.getTime() ?? 0;
  const resumedPause =
    before && planned > (before.phaseStartedAt?.getTime() ?? 0)
      ? Math.max(0, planned - run.now().getTime())
      : undefined;
  const waitMs = resumedPause ?? pauseMs;
  await run.save({
    weight,
    nextRunAt: new Date(run.now().getTime() + waitMs),
  });
  if (waitMs > 0) await run.wait(waitMs);
}

async function analysisPhase(
  run: DeployRun,
  step: number | null,
  resumed: boolean,
) {
  run.checkpoint();
  const settings = run.settings.analysis;
  const budget = settings.intervalMs + run.settings.phaseTimeoutMs;
  let inconclusive = resumed ? run.record.analysisInterval : 0;
  if (!resumed) {
    await run.enterPhase('analysis', budget, { analysisInterval: 0 });
  }
  const since = run.record.phaseStartedAt ?? run.now();
  const locations =
    run.record.strategy === 'rolling'
      ? undefined
      : run.on.provider.metricsLocations?.(run.operation());
  for (;;) {
    run.checkpoint();
    const interval = inconclusive + 1;
    const inconclusiveSoFar = inconclusive;
    const deadline = new Date(run.now().getTime() + budget);
    await run.save({ phaseDeadline: deadline, nextRunAt: run.now() });
    const verdict: CanaryAnalysisVerdict = await run.call(
      ctx =>
        run.analysis.runInterval({
          entity: run.on.entity,
          environment: run.settings,
          locations,
          since,
          step,
          interval,
          inconclusiveSoFar,
          // The deploy's last verdict carries the samples judged so far (cumulative evidence).
          previous: run.record.lastVerdict,
          steps: run.record.steps,
          signal: ctx.signal,
        }),
      { timeoutMs: budget },
    );
    const event = {
      type: 'analysis' as const,
      message: `Analysis ${
        step === null ? '' : `of step ${step + 1} `
      }interval ${interval}: ${verdict.decision}: ${verdict.reason}`,
      // The samples stay with the deploy's last verdict (the next interval's evidence), not in
      // every event.
      data: { ...verdict, samples: undefined },
    };
    if (verdict.decision === 'promote') {
      await run.save(
        { lastVerdict: verdict, analysisInterval: interval, status: 'running' },
        [event],
      );
      return;
    }
    if (verdict.decision === 'rollback') {
      await run.save({ lastVerdict: verdict, analysisInterval: interval }, [
        event,
      ]);
      throw new PhaseFailure(`canary analysis: ${verdict.reason}`);
    }
    inconclusive = interval;
    if (inconclusive >= settings.maxInconclusiveIntervals) {
      await run.save({ lastVerdict: verdict, analysisInterval: interval }, [
        event,
      ]);
      throw new PhaseFailure(
        `canary analysis: ${inconclusive} inconclusive intervals in a row (${verdict.reason})`,
      );
    }
    await run.save(
      { lastVerdict: verdict, analysisInterval: interval, status: 'paused' },
      run.record.status === 'paused'
        ? [event]
        : [
            event,
            {
              type: 'status',
              message: `Paused: waiting for more data (${verdict.reason})`,
              data: { status: 'paused' },
            },
          ],
    );
  }
}

async function switchPhase(run: DeployRun, colour: DeployColour) {
  run.checkpoint();
  const { provider } = run.on;
  await run.enterPhase('switch', run.settings.phaseTimeoutMs);
  if (!provider.switchColour) {
    throw new PhaseFailure(
      `phase switch failed: provider ${provider.id} cannot switch colours`,
    );
  }
  await run.call(
    ctx => provider.switchColour!(run.operation({ colour }), ctx),
    {
      timeoutMs: run.settings.phaseTimeoutMs,
    },
  );
  await run.save({ colour });
}

async function promotePhase(run: DeployRun) {
  run.checkpoint();
  const { provider } = run.on;
  await run.enterPhase('promote', run.settings.phaseTimeoutMs);
  if (provider.promote) {
    await run.call(
      ctx =>
        provider.promote!(
          run.operation({
            weight: run.record.strategy === 'canary' ? 100 : null,
          }),
          ctx,
        ),
      { timeoutMs: run.settings.phaseTimeoutMs },
    );
  }
  if (run.record.strategy === 'canary') await run.save({ weight: 100 });
}
