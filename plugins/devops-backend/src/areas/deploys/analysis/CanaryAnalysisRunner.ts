import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  DeployPerformanceImpact,
  PerformanceValues,
} from '@devops-growth/backstage-plugin-devops-common';
import { CanaryAnalysis, CanaryMetricsReader, CanarySample } from '../types';
import {
  CUMULATIVE_CAP,
  accumulate,
  informationFractions,
  lookAlpha,
  previousSamples,
  toTuple,
} from './evidence';
import { judgeCanary } from './judge';
import { medianGap } from './mannWhitney';

export { medianGap };

/** How far back a rolling analysis looks to learn how often the environment is collected. */
const HISTORY_MS = 60 * 60 * 1000;

/**
 * How long a rolling interval waits: one interval, and at least until the window since the
 * change can hold `minSamples` stored samples at the environment's collection gap (plus half a
 * gap), at most `maxWaitMs` (inside the engine's budget for one interval).
 */
export function rollingWait(options: {
  now: number;
  since: number;
  intervalMs: number;
  minSamples: number;
  gapMs: number | null;
  maxWaitMs: number;
}): number {
  const { now, since, intervalMs, minSamples, gapMs, maxWaitMs } = options;
  const filled =
    gapMs && gapMs > 0 ? since + (minSamples + 0.5) * gapMs - now : 0;
  return Math.min(maxWaitMs, Math.max(intervalMs, filled));
}

/** Waits `ms`, or less when `signal` aborts (it never rejects). */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise(resolve => {
    if (signal.aborted || ms <= 0) {
      resolve();
      return;
    }
    let timer: ReturnType<typeof setTimeout> | undefined = undefined;
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * The canary analysis the engine runs (see {@link CanaryAnalysis}), reading metrics through the
 * performance area's {@link CanaryMetricsReader}.
 *
 * With metrics locations (canary and blue-green deploys whose provider says where each side's
 * metrics are) one interval takes a sample of both sides at its start and then every
 * `sampleEveryMs` until `intervalMs` has passed, on a fixed schedule (a slow source does not
 * shift the later samples). A 60 s interval sampled every 10 s gives 7 samples a side; with the
 * scrape provider the first one has no rates yet (it needs two scrapes), so 6 count. It judges
 * them with {@link judgeCanary} together with the samples of `previous` (the deploy's last
 * verdict), the newest {@link CUMULATIVE_CAP} a side, at the share of `alpha` this canary step's
 * look may spend (see evidence.ts), and returns them in the verdict's `samples` for the next interval.
 *
 * Without locations (a rolling deploy replaces every instance, so there is no baseline to run
 * beside it) the interval waits `intervalMs`, then compares the environment's own stored samples
 * since `since` (the deploy's change) against the window of the same length before it. Stored
 * samples come at the collection's pace (`devops.performance.collection.frequency`, 1 minute by
 * default), so the first interval waits longer when needed: until the window since the change
 * can hold `minSamples` of them at the gap seen in the hour before (5.5 minutes by default), at
 * most `intervalMs` plus half the phase timeout.
 */
/**
 * The verdict of an environment without collected metrics: promote, saying that the deploy was
 * not analysed and relied on the provider's health check.
 */
function notAnalysed(
  input: { step: number | null; interval: number },
  now: Date,
  environment: string,
) {
  return {
    decision: 'promote' as const,
    step: input.step,
    interval: input.interval,
    at: now.toISOString(),
    metrics: [],
    reason: `not analysed: no metrics are collected for environment ${environment} (no sample in the hour before the change); the deploy relied on the provider's health check`,
  };
}

export function createCanaryAnalysis(deps: {
  reader: CanaryMetricsReader;
  clock?: () => Date;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}): CanaryAnalysis {
  const reader = deps.reader;
  const clock = deps.clock ?? (() => new Date());
  const sleep = deps.sleep ?? abortableSleep;

  return {
    async runInterval(input) {
      const { entity, environment, locations, signal } = input;
      const settings = environment.analysis;
      const canary: CanarySample[] = [];
      const baseline: CanarySample[] = [];

      if (locations) {
        const start = clock().getTime();
        const every = Math.max(1, settings.sampleEveryMs);
        const count = Math.floor(settings.intervalMs / every);
        for (let k = 0; k <= count && !signal.aborted; k++) {
          const due = start + k * every;
          const wait = due - clock().getTime();
          if (wait > 0) {
            await sleep(wait, signal);
            if (signal.aborted) break;
          }
          const sample = await reader.sample(entity, locations, clock());
          if (sample.canary) canary.push(sample.canary);
          if (sample.baseline) baseline.push(sample.baseline);
        }
      } else {
        const entityRef = stringifyEntityRef(entity);
        const since = input.since.getTime();
        // How often the environment is collected, from the hour before the change.
        const history = await reader.window(
          entityRef,
          environment.name,
          new Date(since - HISTORY_MS),
          input.since,
        );
        if (history.length === 0) {
          // Nothing is collected for this environment: there is nothing to compare, and waiting
          // for data that never comes would only roll back a healthy deploy as inconclusive.
          return notAnalysed(input, clock(), environment.name);
        }
        const wait = rollingWait({
          now: clock().getTime(),
          since,
          intervalMs: settings.intervalMs,
          minSamples: settings.minSamples,
          gapMs: medianGap(history.map(p => p.at.getTime())),
          maxWaitMs: settings.intervalMs + environment.phaseTimeoutMs / 2,
        });
        await sleep(wait, signal);
        const now = clock();
        const length = Math.max(0, now.getTime() - since);
        const [before, after] = await Promise.all([
          reader.window(
            entityRef,
            environment.name,
            new Date(since - length),
            input.since,
          ),
          reader.window(entityRef, environment.name, input.since, now),
        ]);
        baseline.push(...before.map(toCanarySample));
        canary.push(...after.map(toCanarySample));
      }

      if (!locations) {
        return judgeCanary({
          canary,
          baseline,
          settings,
          step: input.step,
          interval: input.interval,
          inconclusiveSoFar: input.inconclusiveSoFar,
          now: clock(),
        });
      }
      // Cumulative evidence, at the per-look alpha (see evidence.ts).
      const before = previousSamples(input.previous);
      const judged = {
        canary: accumulate(before.canary, canary),
        baseline: accumulate(before.baseline, baseline),
      };
      const verdict = judgeCanary({
        ...judged,
        settings: {
          ...settings,
          alpha: lookAlpha(
            settings.alpha,
            informationFractions(
              { canarySteps: input.steps ?? environment.canarySteps },
              input.step,
            ),
          ),
        },
        step: input.step,
        interval: input.interval,
        inconclusiveSoFar: input.inconclusiveSoFar,
        now: clock(),
        railAlpha: settings.alpha,
      });
      return {
        ...verdict,
        samples: {
          canary: judged.canary.map(toTuple),
          baseline: judged.baseline.map(toTuple),
        },
      };
    },

    async impact(entityRef, environment, deployedAt, windowMs) {
      const at = deployedAt.getTime();
      const [before, after] = await Promise.all([
        reader.window(
          entityRef,
          environment,
          new Date(at - windowMs),
          deployedAt,
        ),
        reader.window(
          entityRef,
          environment,
          deployedAt,
          new Date(at + windowMs),
        ),
      ]);
      return describeImpact(
        windowMs,
        before.map(p => p.values),
        after.map(p => p.values),
      );
    },
  };
}

/** A stored performance sample as a canary-analysis sample (error rate in per cent). */
export function toCanarySample(point: {
  at: Date;
  values: Partial<PerformanceValues>;
}): CanarySample {
  const { errorRate, p95Ms, throughput } = point.values;
  return {
    at: point.at,
    errorRatePercent:
      errorRate === null || errorRate === undefined ? null : errorRate * 100,
    p95Ms: p95Ms ?? null,
    rps: throughput ?? null,
  };
}

/**
 * The impact of a deploy: the means of the window before against those of the window after;
 * the error rate's change in percentage points, P95's in per cent of the value before.
 */
export function describeImpact(
  windowMs: number,
  before: Array<Partial<PerformanceValues>>,
  after: Array<Partial<PerformanceValues>>,
): DeployPerformanceImpact {
  const side = (points: Array<Partial<PerformanceValues>>) => {
    const errorRate = mean(points.map(p => p.errorRate));
    return {
      errorRatePercent: errorRate === null ? null : errorRate * 100,
      p95Ms: mean(points.map(p => p.p95Ms)),
      rps: mean(points.map(p => p.throughput)),
    };
  };
  const b = side(before);
  const a = side(after);
  return {
    windowMinutes: windowMs / 60_000,
    before: b,
    after: a,
    errorRateDeltaPoints:
      a.errorRatePercent === null || b.errorRatePercent === null
        ? null
        : a.errorRatePercent - b.errorRatePercent,
    p95ChangePercent:
      a.p95Ms === null || b.p95Ms === null || b.p95Ms === 0
        ? null
        : ((a.p95Ms - b.p95Ms) / b.p95Ms) * 100,
  };
}

function mean(values: Array<number | null | undefined>): number | null {
  let sum = 0;
  let count = 0;
  for (const value of values) {
    if (value !== null && value !== undefined && Number.isFinite(value)) {
      sum += value;
      count++;
    }
  }
  return count === 0 ? null : sum / count;
}
