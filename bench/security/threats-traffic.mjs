// Generated request traffic for the threat-detector benchmark: one service at a time, one value
// per collection tick (1 minute), deterministic from a seed.
//
// Normal traffic of a service = base rate (log-uniform 2..2,000 req/s)
//   x daily cycle: 1 + a cos(2π (h - peak) / 24), a in [0.4, 0.8] (peak/trough 2.3..9), peak hour
//     random (services in other time zones)
//   x weekly cycle: Saturday and Sunday (local) at 0.4..1.0 of a weekday
//   x day-to-day level: log-normal, sd 5%
//   x trend over the month: linear to 0.9..1.25
//   x organic surges: on 10% of days, a smooth bump of +20..80% over 1..3 hours
//   x deploys: 0..3 per weekday between 9:00 and 17:00 local; each 3 ticks at 0.4..0.7 (pods
//     restarting), then 2 ticks at 1.2..1.5 (clients retrying); 401s x4 for 2 ticks (sessions lost)
// measured as a rate over the tick: Poisson counts over 60 s, divided by 60, times a log-normal
// scrape jitter of sd 3%.
// 401/403 responses: 0.2..2% of requests (day-to-day sd 10%), the same Poisson measurement.
//
// Injected, at random times from day 2 on, not overlapping: one flood of each size (x3, x5,
// x10, x20 the normal rate, 5..30 ticks) and one login-failure burst of each size (2, 5, 10,
// 30, 100 failures per second on top of the usual, 3..20 ticks; the attempts count as requests).

export const TICK_MS = 60_000;
export const FLOOD_SIZES = [3, 5, 10, 20];
export const BURST_SIZES = [2, 5, 10, 30, 100];
/** Monday 2026-11-02 00:00 UTC. */
export const T0 = Date.parse('2026-11-02T00:00:00Z');

const DAY_TICKS = 1440;

export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(rand) {
  const u = 1 - rand();
  const v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

function poisson(rand, lambda) {
  if (lambda <= 0) return 0;
  if (lambda > 50) {
    return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * normal(rand)));
  }
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = rand();
  while (p > limit) {
    k += 1;
    p *= rand();
  }
  return k;
}

const uniform = (rand, lo, hi) => lo + (hi - lo) * rand();

/** Places `count` non-overlapping intervals of random lengths after `fromTick`. */
function placeIntervals(rand, taken, count, minLen, maxLen, fromTick, ticks) {
  const out = [];
  for (let i = 0; i < count; i++) {
    for (let attempt = 0; attempt < 1000; attempt++) {
      const len = Math.round(uniform(rand, minLen, maxLen));
      const start = Math.floor(uniform(rand, fromTick, ticks - len - 10));
      const end = start + len;
      // 30 ticks apart from anything injected before.
      if (taken.every(([s, e]) => end + 30 < s || start > e + 30)) {
        taken.push([start, end]);
        out.push({ start, end });
        break;
      }
    }
  }
  return out;
}

/**
 * One service's traffic over `days`. `throughput` and `authFailures` are what a collector
 * measures; `normalThroughput` and `normalAuth` the same without the injected attacks (what
 * an operator sets a fixed threshold from).
 */
export function generateService(index, seed, days) {
  const rand = mulberry32(seed * 7919 + index * 104729 + 1);
  const ticks = days * DAY_TICKS;
  const base = Math.exp(uniform(rand, Math.log(2), Math.log(2000)));
  const amplitude = uniform(rand, 0.4, 0.8);
  const peakHour = uniform(rand, 0, 24);
  const offsetHours = Math.round(peakHour - 14); // local time: the peak at about 14:00
  const weekend = uniform(rand, 0.4, 1.0);
  const growth = uniform(rand, 0.9, 1.25);
  const authShare = Math.exp(uniform(rand, Math.log(0.002), Math.log(0.02)));

  const dayLevel = [];
  const dayShare = [];
  const organic = [];
  const deploys = [];
  for (let d = 0; d < days; d++) {
    dayLevel.push(Math.exp(0.05 * normal(rand)));
    dayShare.push(Math.exp(0.1 * normal(rand)));
    if (rand() < 0.1) {
      const start =
        d * DAY_TICKS + Math.floor(uniform(rand, 0, DAY_TICKS - 200));
      organic.push({
        start,
        len: Math.round(uniform(rand, 60, 180)),
        height: uniform(rand, 0.2, 0.8),
      });
    }
    const localDay = new Date(T0 + d * 86_400_000).getUTCDay();
    if (localDay !== 0 && localDay !== 6) {
      const n = Math.floor(uniform(rand, 0, 4));
      for (let k = 0; k < n; k++) {
        const minute = Math.floor(uniform(rand, 9 * 60, 17 * 60));
        deploys.push(
          d * DAY_TICKS + ((minute - offsetHours * 60 + DAY_TICKS) % DAY_TICKS),
        );
      }
    }
  }
  const deployFactor = new Float64Array(ticks).fill(1);
  const deployAuth = new Float64Array(ticks).fill(1);
  for (const t of deploys) {
    const dip = uniform(rand, 0.4, 0.7);
    const retry = uniform(rand, 1.2, 1.5);
    for (let i = 0; i < 5 && t + i < ticks; i++) {
      deployFactor[t + i] = i < 3 ? dip : retry;
      if (i >= 3) deployAuth[t + i] = 4;
    }
  }

  const taken = [];
  const floods = placeIntervals(
    rand,
    taken,
    FLOOD_SIZES.length,
    5,
    30,
    2 * DAY_TICKS,
    ticks,
  ).map((f, i) => ({ ...f, size: FLOOD_SIZES[i] }));
  const bursts = placeIntervals(
    rand,
    taken,
    BURST_SIZES.length,
    3,
    20,
    2 * DAY_TICKS,
    ticks,
  ).map((b, i) => ({ ...b, size: BURST_SIZES[i] }));
  const floodAt = new Float64Array(ticks).fill(1);
  for (const f of floods)
    for (let t = f.start; t < f.end; t++) floodAt[t] = f.size;
  const burstAt = new Float64Array(ticks);
  for (const b of bursts)
    for (let t = b.start; t < b.end; t++) burstAt[t] = b.size;

  const throughput = new Float64Array(ticks);
  const authFailures = new Float64Array(ticks);
  const normalThroughput = new Float64Array(ticks);
  const normalAuth = new Float64Array(ticks);
  for (let t = 0; t < ticks; t++) {
    const atMs = T0 + t * TICK_MS;
    const localHour = (atMs / 3_600_000 + offsetHours + 2400) % 24;
    const localDay = new Date(atMs + offsetHours * 3_600_000).getUTCDay();
    const d = Math.floor(t / DAY_TICKS);
    let level =
      base *
      (1 + amplitude * Math.cos((2 * Math.PI * (localHour - 14)) / 24)) *
      (localDay === 0 || localDay === 6 ? weekend : 1) *
      dayLevel[d] *
      (1 + ((growth - 1) * t) / ticks);
    for (const o of organic) {
      if (t >= o.start && t < o.start + o.len) {
        level *= 1 + o.height * Math.sin((Math.PI * (t - o.start)) / o.len);
      }
    }
    level *= deployFactor[t];
    const auth = level * authShare * dayShare[d] * deployAuth[t];
    const jitter = () => Math.exp(0.03 * normal(rand));
    const measure = rate => (poisson(rand, rate * 60) / 60) * jitter();
    normalThroughput[t] = measure(level);
    normalAuth[t] = measure(auth);
    const attackLevel = level * floodAt[t] + burstAt[t];
    throughput[t] =
      floodAt[t] === 1 && burstAt[t] === 0
        ? normalThroughput[t]
        : measure(attackLevel);
    authFailures[t] =
      burstAt[t] === 0 ? normalAuth[t] : measure(auth + burstAt[t]);
  }
  return {
    params: { base, amplitude, peakHour, weekend, growth, authShare },
    throughput,
    authFailures,
    normalThroughput,
    normalAuth,
    floods,
    bursts,
    ticks,
  };
}
