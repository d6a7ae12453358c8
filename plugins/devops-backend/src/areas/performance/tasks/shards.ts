/** How collection splits the catalog into shards, and what a shard's tick reports. */

/** What one tick of one shard did. */
export interface CollectionTickResult {
  shard: number;
  /** Entities of the shard with performance monitoring enabled and a provider to collect them. */
  entities: number;
  /** Entities of the shard with performance monitoring enabled but no provider that handles them. */
  unhandled: number;
  /** Catalog pages read (every shard reads the whole monitored catalog, keeping its share). */
  catalogPages: number;
  samplesWritten: number;
  /** Entities that failed this tick. */
  failures: number;
  durationMs: number;
}

/**
 * The shard an entity belongs to, from a stable hash (32-bit FNV-1a) of its entity ref, so that
 * every replica agrees on the split without talking to the others.
 */
export function shardOf(entityRef: string, shards: number): number {
  let hash = 0x811c9dc5;
  const ref = entityRef.toLocaleLowerCase('en-US');
  for (let i = 0; i < ref.length; i++) {
    hash ^= ref.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/** What a scheduled run of a shard did: collected, or skipped as the catch-up of a late run. */
export type ScheduledTickOutcome =
  | { skipped: false; result: CollectionTickResult }
  | { skipped: true; reason: string };
