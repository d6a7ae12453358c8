// The threat-detector benchmark (part of `yarn bench:security`; alone:
// `node bench/security/threats.mjs [--services=100] [--days=30] [--seed=1]`).
//
// Replays generated traffic (threats-traffic.mjs: daily and weekly cycles, noise, deploy blips,
// organic surges, injected floods x3..x20 and login-failure bursts of 2..100 per second) of
// 100 services over 30 simulated days, at a 1-minute collection tick, through
// - ours: the backend's traffic-flood and brute-force detectors and the threat lifecycle
//   (bundled from the TypeScript with esbuild), fed as the detection task feeds them: the
//   latest raw points, and baselines from the hourly means of the complete hours before;
// - fixed: a fixed threshold per service, set as an operator would from the first week of
//   normal traffic: request rate above 1.5x the week's highest 1-minute rate, 401/403 above
//   max(5/s, 1.5x the week's highest); the same 2 consecutive ticks to raise and to end.
// and prints, side by side, the detection delay in ticks per attack size (1 = the first
// tick of the attack) and the false alarms per service-month (threats raised outside any
// injected attack, from day 2 on: day 1 is the baseline's warm-up).
import { createRequire } from 'node:module';
import { buildThreats } from './threats-build.mjs';
import {
  BURST_SIZES,
  FLOOD_SIZES,
  generateService,
  T0,
  TICK_MS,
} from './threats-traffic.mjs';

const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const arg = (name, fallback) =>
  Number(args.find(a => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const SERVICES = arg('services', 100);
const DAYS = arg('days', 30);
const SEED = arg('seed', 1);
const HOUR = 3_600_000;
const DAY_TICKS = 1440;
/** Ticks after an attack during which a raised threat still belongs to it. */
const TAIL = 5;
const GOALS = {
  floodDelayTicks: 2,
  floodMinSize: 5,
  falseAlarmsPerServiceMonth: 0.1,
};

const lib = require(await buildThreats());
// Overrides for tuning, e.g. --trafficFlood.minRatio=2.5 --baseline.minSameWeekdayPoints=2
const flood = { ...lib.DEFAULT_TRAFFIC_FLOOD };
const brute = { ...lib.DEFAULT_BRUTE_FORCE };
const baselineSettings = { ...lib.DEFAULT_BASELINE };
const overrides = [];
for (const a of args) {
  const m = /^--(trafficFlood|bruteForce|baseline)\.(\w+)=(.+)$/.exec(a);
  if (!m) continue;
  const target = {
    trafficFlood: flood,
    bruteForce: brute,
    baseline: baselineSettings,
  }[m[1]];
  if (!(m[2] in target)) throw new Error(`No setting ${m[1]}.${m[2]}`);
  target[m[2]] = Number(m[3]);
  overrides.push(`${m[1]}.${m[2]}=${m[3]}`);
}
const K = {
  'traffic-flood': flood.consecutiveTicks,
  'brute-force': brute.consecutiveTicks,
};
const JUDGE_LAST = 2 * Math.max(...Object.values(K));

/** Hourly means (the roll-ups the task reads) of every complete hour. */
function hourlyPoints(gen) {
  const hours = Math.floor(gen.ticks / 60);
  const out = [];
  for (let h = 0; h < hours; h++) {
    let t = 0;
    let a = 0;
    for (let i = h * 60; i < h * 60 + 60; i++) {
      t += gen.throughput[i];
      a += gen.authFailures[i];
    }
    out.push({
      at: new Date(T0 + h * HOUR),
      throughput: t / 60,
      authFailureRps: a / 60,
      rateLimitedRps: null,
      errorRate: null,
    });
  }
  return out;
}

/** Our detectors over one service: the ticks at which each raised a threat. */
function runOurs(gen) {
  const hourly = hourlyPoints(gen);
  const memo = new Map();
  const baselineFor = (metric, hourMs) => {
    const key = `${metric}|${hourMs}`;
    let b = memo.get(key);
    if (!b) {
      const h = Math.round((hourMs - T0) / HOUR);
      const from = Math.max(0, h - baselineSettings.days * 24 - 1);
      b = lib.hourlyBaseline(
        hourly.slice(from, h),
        metric,
        hourMs,
        baselineSettings,
      );
      memo.set(key, b);
    }
    return b;
  };
  const opened = { 'traffic-flood': [], 'brute-force': [] };
  const lasting = { 'traffic-flood': undefined, 'brute-force': undefined };
  const window = [];
  let ids = 0;
  let lastHour = -1;
  let evaluations = 0;
  const started = process.hrtime.bigint();
  for (let t = 0; t < gen.ticks; t++) {
    const atMs = T0 + t * TICK_MS;
    const hour = Math.floor(t / 60);
    if (hour !== lastHour) {
      for (const key of memo.keys()) {
        if (Number(key.split('|')[1]) < atMs - 2 * HOUR) memo.delete(key);
      }
      lastHour = hour;
    }
    window.push({
      at: new Date(atMs),
      throughput: gen.throughput[t],
      authFailureRps: gen.authFailures[t],
      rateLimitedRps: null,
      errorRate: null,
    });
    if (window.length > JUDGE_LAST) window.shift();
    const now = new Date(atMs);
    const input = {
      environment: 'production',
      points: window,
      now,
      baselineFor,
      staleAfterMs: 10 * 60_000,
      judgeLast: JUDGE_LAST,
    };
    for (const evaluation of [
      lib.evaluateTrafficFlood(input, flood),
      lib.evaluateBruteForce(input, brute),
    ]) {
      evaluations += 1;
      const detector = evaluation.detector;
      const change = lib.planMetricThreat({
        entityRef: 'component:default/bench',
        evaluation,
        lasting: lasting[detector],
        now,
        lostAfterMs: HOUR,
      });
      if (!change) continue;
      if (change.kind === 'open') {
        opened[detector].push(t);
        lasting[detector] = {
          id: String(++ids),
          detector,
          environment: 'production',
          severity: change.threat.severity,
          lastSeenAt: change.threat.lastSeenAt,
          evidence: change.threat.evidence,
        };
      } else if (change.kind === 'extend') {
        Object.assign(lasting[detector], {
          severity: change.severity,
          lastSeenAt: change.lastSeenAt,
          evidence: change.evidence,
        });
      } else {
        lasting[detector] = undefined;
      }
    }
  }
  const ns = Number(process.hrtime.bigint() - started);
  return { opened, evaluations, ns };
}

/** A fixed threshold, k consecutive ticks to raise and to end: the ticks it raised at. */
function runFixed(values, threshold, ticks, k) {
  const opened = [];
  let above = 0;
  let below = 0;
  let firing = false;
  for (let t = 0; t < ticks; t++) {
    if (values[t] > threshold) {
      above += 1;
      below = 0;
    } else {
      below += 1;
      above = 0;
    }
    if (!firing && above >= k) {
      firing = true;
      opened.push(t);
    } else if (firing && below >= k) {
      firing = false;
    }
  }
  return opened;
}

function weekMax(values) {
  let max = 0;
  for (let t = 0; t < Math.min(values.length, 7 * DAY_TICKS); t++) {
    max = Math.max(max, values[t]);
  }
  return max;
}

/** Delay per attack (null when missed) and the raised threats outside every attack. */
function score(openedTicks, attacks, allAttacks, k) {
  const delays = attacks.map(a => {
    const t = openedTicks.find(o => o >= a.start && o < a.end + k);
    return t === undefined ? null : t - a.start + 1;
  });
  const falseAlarms = openedTicks.filter(
    o =>
      o >= DAY_TICKS && !allAttacks.some(a => o >= a.start && o < a.end + TAIL),
  ).length;
  return { delays, falseAlarms };
}

const results = {
  flood: { ours: new Map(), fixed: new Map(), fa: { ours: 0, fixed: 0 } },
  brute: { ours: new Map(), fixed: new Map(), fa: { ours: 0, fixed: 0 } },
};
const push = (map, size, delay) => {
  if (!map.has(size)) map.set(size, []);
  map.get(size).push(delay);
};
let totalNs = 0;
let totalEvaluations = 0;
const wall = Date.now();
for (let s = 0; s < SERVICES; s++) {
  const gen = generateService(s, SEED, DAYS);
  const attacks = [...gen.floods, ...gen.bursts];
  const ours = runOurs(gen);
  totalNs += ours.ns;
  totalEvaluations += ours.evaluations;
  const fixedFlood = runFixed(
    gen.throughput,
    1.5 * weekMax(gen.normalThroughput),
    gen.ticks,
    K['traffic-flood'],
  );
  const fixedBrute = runFixed(
    gen.authFailures,
    Math.max(5, 1.5 * weekMax(gen.normalAuth)),
    gen.ticks,
    K['brute-force'],
  );
  for (const [kind, list, oursTicks, fixedTicks, k] of [
    [
      'flood',
      gen.floods,
      ours.opened['traffic-flood'],
      fixedFlood,
      K['traffic-flood'],
    ],
    [
      'brute',
      gen.bursts,
      ours.opened['brute-force'],
      fixedBrute,
      K['brute-force'],
    ],
  ]) {
    const o = score(oursTicks, list, attacks, k);
    const f = score(fixedTicks, list, attacks, k);
    list.forEach((a, i) => {
      push(results[kind].ours, a.size, o.delays[i]);
      push(results[kind].fixed, a.size, f.delays[i]);
    });
    results[kind].fa.ours += o.falseAlarms;
    results[kind].fa.fixed += f.falseAlarms;
  }
  if ((s + 1) % 10 === 0)
    process.stderr.write(`${s + 1}/${SERVICES} services\n`);
}

const serviceMonths = (SERVICES * (DAYS - 1)) / 30;
/** Caught, caught within `ticks` (the goal for floods, the consecutive ticks for logins). */
function describe(delays, ticks) {
  const caught = delays.filter(d => d !== null).sort((a, b) => a - b);
  const within = caught.filter(d => d <= ticks).length;
  const median = caught.length
    ? caught[Math.floor((caught.length - 1) / 2)]
    : '-';
  const max = caught.length ? caught[caught.length - 1] : '-';
  return {
    text: `${caught.length}/${delays.length} caught, ${within} within ${ticks}, delay median ${median} max ${max}`,
    within,
    total: delays.length,
  };
}
const pad = (s, n) => String(s).padEnd(n);
const lines = [];
lines.push(
  `Threat detectors: ${SERVICES} services x ${DAYS} days at a 1-minute collection tick (seed ${SEED}); ` +
    `${serviceMonths.toFixed(
      1,
    )} service-months judged (day 1 is the baseline warm-up)` +
    (overrides.length
      ? `; overrides: ${overrides.join(' ')}`
      : '; default settings'),
);
let goalsMet = true;
const bigFloods = { within: 0, total: 0 };
for (const [kind, title, sizes, unit] of [
  ['flood', 'Traffic flood (request rate)', FLOOD_SIZES, 'x'],
  ['brute', 'Brute force (401/403 per second)', BURST_SIZES, '/s'],
]) {
  lines.push('', title);
  lines.push(`${pad('size', 8)}${pad('ours', 58)}fixed threshold`);
  for (const size of sizes) {
    const ticks = kind === 'flood' ? GOALS.floodDelayTicks : K['brute-force'];
    const o = describe(results[kind].ours.get(size), ticks);
    const f = describe(results[kind].fixed.get(size), ticks);
    lines.push(
      `${pad(unit === 'x' ? `x${size}` : `${size}/s`, 8)}${pad(o.text, 58)}${
        f.text
      }`,
    );
    if (kind === 'flood' && size >= GOALS.floodMinSize) {
      bigFloods.within += o.within;
      bigFloods.total += o.total;
      if (o.within < o.total) goalsMet = false;
    }
  }
  const fa = results[kind].fa;
  const oursRate = fa.ours / serviceMonths;
  lines.push(
    `${pad('false', 8)}${pad(
      `${fa.ours} false alarms, ${oursRate.toFixed(3)} per service-month`,
      58,
    )}${fa.fixed} false alarms, ${(fa.fixed / serviceMonths).toFixed(
      3,
    )} per service-month`,
  );
  if (oursRate >= GOALS.falseAlarmsPerServiceMonth) goalsMet = false;
}
lines.push(
  '',
  `Our detectors: ${(totalNs / totalEvaluations / 1000).toFixed(
    2,
  )} µs per detector evaluation ` +
    `(${totalEvaluations.toLocaleString('en-US')} evaluations); run ${(
      (Date.now() - wall) /
      1000
    ).toFixed(1)} s`,
  `Goals: floods x${GOALS.floodMinSize}+ caught within ${GOALS.floodDelayTicks} ticks ` +
    `(ours ${bigFloods.within}/${bigFloods.total}), under ` +
    `${GOALS.falseAlarmsPerServiceMonth} false alarms per service-month for each detector: ` +
    `${goalsMet ? 'PASS' : 'MISS'}`,
);
process.stdout.write(`${lines.join('\n')}\n`);
process.exitCode = goalsMet ? 0 : 1;
