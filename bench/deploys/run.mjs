// `yarn bench:deploys` (alone: `node bench/deploys/run.mjs [--runs=200] [--seed=1]`): the canary
// analysis against a Flagger-style fixed-threshold check, side by side on the same generated
// traffic (traffic.mjs).
//
// Each run is one canary deploy through the weights 10 %, 25 %, 50 % (then 100 %: the default
// canary steps), one analysis interval of 60 s at a time, 6 samples of 10 s per side and interval:
// - ours: the backend's createCanaryAnalysis (bundled from the TypeScript with esbuild) with the
//   default settings of devops.deploys.defaults.analysis, driven as the engine drives it: the
//   deploy's last verdict passed as `previous` (cumulative evidence), `promote` moves to the next
//   weight, `continue` runs another interval at the same weight, `rollback` ends the run.
// - Flagger (docs.flagger.app/usage/metrics and /usage/how-it-works; fluxcd/flagger
//   pkg/controller/scheduler.go): every interval, the built-in checks on the canary alone over
//   the interval: request-success-rate (non-5xx share of the interval's requests, as
//   `sum(rate(..{code!~"5.."}[1m])) / sum(rate(..[1m]))`) at least 99 %, and request-duration
//   (P99 in the docs; P95 here, the quantile the traffic carries) at most 500 ms, the docs'
//   example `thresholdRange`s. A failed check increments the canary's failed-checks counter,
//   which is not reset while the analysis runs; at `threshold: 5` it rolls back. A passed
//   check advances to the next of `stepWeights: [10, 25, 50]`, and past the last it promotes.
//   Flagger's first iteration only sets the first weight (no check at weight 0): not counted
//   here, which spares it one interval of delay.
// Runs: 200 healthy (canary and baseline from the same distributions) and 200 per regression
// kind and size (error rate +1, +2, +5 points; P95 +10 %, +30 %, +60 %), present from the
// first interval. The baseline gets the canary's share of the traffic (--baseline=rest: the
// rest of it, the first version's model). Printed: detection delay in intervals (1 = the first
// interval), the share caught within 3 intervals, the false rollbacks of the healthy runs and
// the goal runs ours missed, for both.
import { createRequire } from 'node:module';
import { backendSrc, bundle } from '../bundle.mjs';
import { SAMPLE_SECONDS, intervalTraffic, runProfile } from './traffic.mjs';

const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const arg = (name, fallback) =>
  Number(args.find(a => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const RUNS = arg('runs', 200);
const RPS = (args.find(a => a.startsWith('--rps='))?.split('=')[1] ?? '30-80')
  .split('-')
  .map(Number);
const SEED = arg('seed', 1);
const BASELINE =
  args.find(a => a.startsWith('--baseline='))?.split('=')[1] ?? 'equal';
if (!['equal', 'rest'].includes(BASELINE)) {
  throw new Error('--baseline is equal or rest');
}
/** A run that reaches this many intervals without a decision is cut (counted as not caught). */
const MAX_INTERVALS = 30;
const FLAGGER = { minSuccessRate: 99, maxDurationMs: 500, threshold: 5 };
const GOAL = { withinIntervals: 3, falseRollbacks: 0 };

const lib = require(await bundle('deploys', {
  contents: `
export { createCanaryAnalysis } from ${backendSrc(
    'areas/deploys/analysis/CanaryAnalysisRunner.ts',
  )};
export { readDeploySettings } from ${backendSrc('areas/deploys/settings.ts')};
`,
}));
const { ConfigReader } = require('@backstage/config');
const production = lib
  .readDeploySettings(new ConfigReader({}))
  .environments.find(e => e.name === 'production');
// Overrides to see the trade-offs, e.g. --alpha=0.01 --latencyBandPercent=25
const settings = { ...production.analysis };
const overrides = [];
for (const a of args) {
  const m = /^--(\w+)=(.+)$/.exec(a);
  if (!m || ['runs', 'seed', 'rps', 'baseline'].includes(m[1])) continue;
  if (!(m[1] in settings)) throw new Error(`No analysis setting ${m[1]}`);
  settings[m[1]] = Number(m[2]);
  overrides.push(`${m[1]}=${m[2]}`);
}
const environment = { ...production, analysis: settings };
// The analysed weights: the default canary steps below 100 % (10, 25, 50).
const WEIGHTS = environment.canarySteps.filter(w => w < 100);
const LOCATIONS = {
  canary: { environment: 'production', annotations: {} },
  baseline: { environment: 'production', annotations: {} },
};
const ENTITY = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'bench', namespace: 'default' },
};

const T0 = Date.parse('2026-12-02T12:00:00Z');

/**
 * Our analysis: the backend's own createCanaryAnalysis (bundled), over a metrics reader that
 * serves the generated traffic and a clock that sleeps instantly, driven as the engine's
 * analysis phase drives it (engine/strategies.ts): per step, intervals until promote or
 * rollback, `inconclusiveSoFar` counted in the step, the deploy's last verdict passed as
 * `previous` (cumulative evidence across intervals and steps), the step pause between steps.
 * The runner takes 7 samples a side per interval (at 0, 10, ..., 60 s); the first has no
 * rates (as the scrape provider's first scrape; later ones would span the step pause), the
 * other 6 are the interval's traffic. Returns the interval (1-based) at which it rolled back,
 * or null when it promoted.
 */
async function ours(run, regression) {
  const profile = runProfile(SEED, run, RPS);
  let now = T0;
  let traffic;
  let k = 0;
  const reader = {
    async sample(_entity, _locations, at) {
      const i = k++;
      const side = s => ({
        at,
        errorRatePercent: i === 0 ? null : s.errorRatePercent,
        p95Ms: i === 0 ? null : s.p95Ms,
        rps: i === 0 ? null : s.requests / SAMPLE_SECONDS,
      });
      const j = Math.max(0, i - 1);
      return {
        canary: side(traffic.canary[j]),
        baseline: side(traffic.baseline[j]),
      };
    },
    async window() {
      throw new Error('not used with locations');
    },
  };
  const analysis = lib.createCanaryAnalysis({
    reader,
    clock: () => new Date(now),
    sleep: async ms => {
      now += ms;
    },
  });
  const signal = new AbortController().signal;
  let previous = null;
  let step = 0;
  let inconclusive = 0;
  for (let interval = 1; interval <= MAX_INTERVALS; interval++) {
    traffic = intervalTraffic(
      SEED,
      run,
      interval,
      WEIGHTS[step],
      profile,
      regression,
      BASELINE,
    );
    k = 0;
    const verdict = await analysis.runInterval({
      entity: ENTITY,
      environment,
      locations: LOCATIONS,
      since: new Date(T0),
      step,
      interval: inconclusive + 1,
      inconclusiveSoFar: inconclusive,
      previous,
      signal,
    });
    previous = verdict;
    if (verdict.decision === 'rollback') {
      return { rolledBackAt: interval, reason: verdict.reason };
    }
    if (verdict.decision === 'promote') {
      step++;
      inconclusive = 0;
      if (step === WEIGHTS.length) {
        return { rolledBackAt: null, last: verdict.reason };
      }
      now += settings.stepPauseMs;
    } else {
      inconclusive++;
      if (inconclusive >= settings.maxInconclusiveIntervals) {
        return { rolledBackAt: interval, reason: verdict.reason };
      }
    }
  }
  return { rolledBackAt: null };
}

/** The Flagger-style check on the same traffic. */
function flagger(run, regression) {
  const profile = runProfile(SEED, run, RPS);
  let step = 0;
  let failedChecks = 0;
  for (let interval = 1; interval <= MAX_INTERVALS; interval++) {
    const { canary } = intervalTraffic(
      SEED,
      run,
      interval,
      WEIGHTS[step],
      profile,
      regression,
    );
    const requests = canary.reduce((n, s) => n + s.requests, 0);
    const errors = canary.reduce((n, s) => n + s.errors, 0);
    // No requests: Flagger's query finds no values, which fails the check.
    const successRate =
      requests > 0 ? (100 * (requests - errors)) / requests : null;
    // The interval's P95 over all its requests: the request-weighted geometric mean of the
    // samples' P95s (a histogram_quantile over the interval pools the samples' buckets).
    let logSum = 0;
    for (const s of canary)
      if (s.requests > 0) logSum += s.requests * Math.log(s.p95Ms);
    const p95 = requests > 0 ? Math.exp(logSum / requests) : null;
    const passed =
      successRate !== null &&
      successRate >= FLAGGER.minSuccessRate &&
      p95 !== null &&
      p95 <= FLAGGER.maxDurationMs;
    if (!passed) {
      failedChecks++;
      if (failedChecks >= FLAGGER.threshold) return { rolledBackAt: interval };
    } else {
      step++;
      if (step === WEIGHTS.length) return { rolledBackAt: null };
    }
  }
  return { rolledBackAt: null };
}

const KINDS = [
  { label: 'healthy', regression: undefined },
  { label: 'error rate +1 pp', regression: { errorPoints: 1 } },
  { label: 'error rate +2 pp', regression: { errorPoints: 2 }, goal: true },
  { label: 'error rate +5 pp', regression: { errorPoints: 5 } },
  { label: 'P95 +10 %', regression: { p95Fraction: 0.1 } },
  { label: 'P95 +30 %', regression: { p95Fraction: 0.3 }, goal: true },
  { label: 'P95 +60 %', regression: { p95Fraction: 0.6 } },
];

function summarise(delays) {
  const caught = delays.filter(d => d !== null).sort((a, b) => a - b);
  const all = delays
    .map(d => (d === null ? Infinity : d))
    .sort((a, b) => a - b);
  const mid = all.length >> 1;
  const median = all.length % 2 ? all[mid] : (all[mid - 1] + all[mid]) / 2;
  return {
    caught: caught.length,
    within: caught.filter(d => d <= GOAL.withinIntervals).length,
    median,
    max: caught.length ? caught[caught.length - 1] : null,
    runs: delays.length,
  };
}

const started = Date.now();
const rows = [];
for (const kind of KINDS) {
  const ourDelays = [];
  const flaggerDelays = [];
  const reasons = [];
  const missed = [];
  for (let run = 0; run < RUNS; run++) {
    // Healthy runs and each regression get their own runs (profiles and noise).
    const id = KINDS.indexOf(kind) * 100_000 + run;
    const o = await ours(id, kind.regression);
    ourDelays.push(o.rolledBackAt);
    if (o.reason)
      reasons.push(`run ${run}, interval ${o.rolledBackAt}: ${o.reason}`);
    else if (kind.goal) missed.push(`run ${run}: ${o.last}`);
    flaggerDelays.push(flagger(id, kind.regression).rolledBackAt);
  }
  rows.push({
    kind,
    ours: summarise(ourDelays),
    flagger: summarise(flaggerDelays),
    reasons,
    missed,
  });
}

const pct = (n, d) => `${((100 * n) / d).toFixed(1)} %`;
const delay = s =>
  `${Number.isFinite(s.median) ? s.median : 'not caught'} / ${s.max ?? '-'}`;
console.log(
  `Canary analysis against a Flagger-style fixed-threshold check, ${RUNS} runs per row, seed ${SEED}, ${RPS[0]}-${RPS[1]} requests/s in all`,
);
if (overrides.length) console.log(`overrides: ${overrides.join(', ')}`);
console.log(
  `ours: createCanaryAnalysis (cumulative samples, Fisher on pooled error counts, Mann-Whitney on P95, alpha ${settings.alpha} spent over the steps), band +${settings.errorRateBandPoints} pp / ${settings.latencyBandPercent} %, min ${settings.minSamples} samples, guard rail ${settings.maxErrorRatePercent} %, baseline: ${BASELINE} share; Flagger: success >= ${FLAGGER.minSuccessRate} %, P95 <= ${FLAGGER.maxDurationMs} ms, threshold ${FLAGGER.threshold}`,
);
console.log('');
const header = [
  'runs',
  'ours: rolled back',
  'ours: within 3',
  'ours: median / max',
  'Flagger: rolled back',
  'Flagger: within 3',
  'Flagger: median / max',
];
const table = rows.map(r => [
  r.kind.label,
  pct(r.ours.caught, r.ours.runs),
  pct(r.ours.within, r.ours.runs),
  delay(r.ours),
  pct(r.flagger.caught, r.flagger.runs),
  pct(r.flagger.within, r.flagger.runs),
  delay(r.flagger),
]);
const widths = [18, ...header.slice(1).map(h => h.length + 2)].map((w, i) =>
  Math.max(w, ...table.map(row => String(row[i]).length + 2)),
);
console.log(
  ['', ...header.slice(1)].map((h, i) => h.padEnd(widths[i])).join(''),
);
for (const row of table) {
  console.log(row.map((c, i) => String(c).padEnd(widths[i])).join(''));
}
console.log(
  '(delay in analysis intervals, 1 = the first; median over all runs, "not caught" when under half were; max over the caught ones)',
);

const healthy = rows[0];
console.log('');
console.log(
  `False rollbacks in ${RUNS} healthy runs: ours ${healthy.ours.caught}, Flagger ${healthy.flagger.caught}`,
);
for (const reason of healthy.reasons.slice(0, 5)) {
  console.log(`  ours, ${reason}`);
}

let missed = 0;
console.log('');
for (const r of rows.filter(row => row.kind.goal)) {
  const met = r.ours.within === r.ours.runs;
  if (!met) missed++;
  console.log(
    `${met ? 'MET ' : 'MISS'} ${r.kind.label} caught within ${
      GOAL.withinIntervals
    } intervals: ours ${r.ours.within} of ${r.ours.runs} (Flagger ${
      r.flagger.within
    } of ${r.flagger.runs})`,
  );
  for (const m of r.missed.slice(0, 5)) console.log(`  ours missed ${m}`);
}
const falseMet = healthy.ours.caught <= GOAL.falseRollbacks;
if (!falseMet) missed++;
console.log(
  `${
    falseMet ? 'MET ' : 'MISS'
  } no false rollback in ${RUNS} healthy runs: ours ${
    healthy.ours.caught
  } (Flagger ${healthy.flagger.caught})`,
);
console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);
process.exitCode = missed ? 1 : 0;
