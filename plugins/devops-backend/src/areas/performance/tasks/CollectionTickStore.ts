import { Knex } from 'knex';

/** The last run of one collection shard (scheduled task), as every replica sees it. */
export interface CollectionTick {
  startedAtMs: number;
  /** `null` while the run is in progress, or when the replica running it died. */
  finishedAtMs: number | null;
  /** The run started more than an interval plus the scheduler's poll after the run before. */
  late: boolean;
}

/** Keeps the last run of each collection shard, shared by the replicas. */
export interface CollectionTickStore {
  getTick(taskId: string): Promise<CollectionTick | undefined>;
  setTick(taskId: string, tick: CollectionTick): Promise<void>;
}

const TICKS = 'devops_perf_collection_ticks';

/** {@link CollectionTickStore} on the plugin's database (SQLite or PostgreSQL). */
export class DatabaseCollectionTickStore implements CollectionTickStore {
  constructor(private readonly db: Knex) {}

  async getTick(taskId: string): Promise<CollectionTick | undefined> {
    const row = await this.db(TICKS).where({ task_id: taskId }).first();
    if (!row) return undefined;
    return {
      startedAtMs: Number(row.started_ms),
      finishedAtMs: row.finished_ms === null ? null : Number(row.finished_ms),
      late: Boolean(row.late),
    };
  }

  async setTick(taskId: string, tick: CollectionTick): Promise<void> {
    await this.db(TICKS)
      .insert({
        task_id: taskId,
        started_ms: tick.startedAtMs,
        finished_ms: tick.finishedAtMs,
        late: tick.late,
      })
      .onConflict('task_id')
      .merge();
  }
}
