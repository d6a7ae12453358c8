import { RequestMetricsReader, RequestPoint, RequestSeries } from '../../types';

const HOUR = 3_600_000;
export const MINUTE = 60_000;

/** A deterministic PRNG (mulberry32), so generated series are the same on every run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * One point per minute over [from, to): a daily cycle around `base` req/s (peak at 14:00 UTC,
 * half the base at 2:00), ±5% noise, and 1% of requests failing authentication unless
 * `auth` is false. `shape(atMs)` multiplies the rate (floods); `extraAuth(atMs)` adds 401/403s.
 */
export function generateRequests(options: {
  from: number;
  to: number;
  base: number;
  seed?: number;
  auth?: boolean;
  shape?: (atMs: number) => number;
  extraAuth?: (atMs: number) => number;
}): RequestPoint[] {
  const rand = seeded(options.seed ?? 1);
  const out: RequestPoint[] = [];
  for (let t = options.from; t < options.to; t += MINUTE) {
    const hour = (t / HOUR) % 24;
    const level =
      options.base *
      (0.75 + 0.25 * Math.cos((2 * Math.PI * (hour - 14)) / 24)) *
      (1 + 0.1 * (rand() - 0.5));
    const throughput = level * (options.shape?.(t) ?? 1);
    const extra = options.extraAuth?.(t) ?? 0;
    out.push({
      at: new Date(t),
      throughput: throughput + extra,
      authFailureRps: options.auth === false ? null : level * 0.01 + extra,
      rateLimitedRps: null,
      errorRate: 0,
    });
  }
  return out;
}

/**
 * The request metrics of a few entities held in memory (raw points; hourly means computed from
 * them as the performance area's roll-up does), recording every call, for the detection tests.
 */
export class InMemoryRequestMetricsReader implements RequestMetricsReader {
  readonly calls: Array<{
    kind: 'recent' | 'hourly';
    entityRefs: string[];
  }> = [];
  private readonly series = new Map<string, RequestPoint[]>();

  set(entityRef: string, environment: string, points: RequestPoint[]) {
    this.series.set(JSON.stringify([entityRef, environment]), points);
  }

  async recentRequests(
    entityRefs: string[],
    since: Date,
    until: Date,
  ): Promise<RequestSeries[]> {
    this.calls.push({ kind: 'recent', entityRefs });
    return this.select(entityRefs, points =>
      points.filter(p => p.at >= since && p.at < until),
    );
  }

  async hourlyRequests(
    entityRefs: string[],
    since: Date,
    until: Date,
  ): Promise<RequestSeries[]> {
    this.calls.push({ kind: 'hourly', entityRefs });
    return this.select(entityRefs, points => {
      const hours = new Map<number, RequestPoint[]>();
      for (const p of points) {
        const h = Math.floor(p.at.getTime() / HOUR) * HOUR;
        if (h < since.getTime() || h + HOUR > until.getTime()) continue;
        const list = hours.get(h) ?? [];
        list.push(p);
        hours.set(h, list);
      }
      return [...hours].map(([h, list]) => ({
        at: new Date(h),
        throughput: mean(list.map(p => p.throughput)),
        authFailureRps: mean(list.map(p => p.authFailureRps)),
        rateLimitedRps: mean(list.map(p => p.rateLimitedRps)),
        errorRate: mean(list.map(p => p.errorRate)),
      }));
    });
  }

  private select(
    entityRefs: string[],
    pick: (points: RequestPoint[]) => RequestPoint[],
  ): RequestSeries[] {
    const out: RequestSeries[] = [];
    for (const [key, points] of this.series) {
      const [entityRef, environment] = JSON.parse(key) as [string, string];
      if (!entityRefs.includes(entityRef)) continue;
      const picked = pick(points);
      if (picked.length > 0)
        out.push({ entityRef, environment, points: picked });
    }
    return out;
  }
}

function mean(values: Array<number | null>): number | null {
  const present = values.filter((v): v is number => v !== null);
  return present.length === 0
    ? null
    : present.reduce((a, b) => a + b, 0) / present.length;
}
