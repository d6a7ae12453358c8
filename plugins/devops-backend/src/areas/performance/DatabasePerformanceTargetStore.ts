import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import {
  LoadTestRun,
  LoadTestStatus,
  PERFORMANCE_TARGET_KEYS,
  PerformanceTargetChange,
  PerformanceTargetKey,
  PerformanceTargets,
} from '@devops-growth/backstage-plugin-devops-common';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';

const migrationsDir = resolvePackagePath(
  '@devops-growth/backstage-plugin-devops-backend',
  'migrations',
);

const OVERRIDES = 'devops_perf_target_overrides';
const CHANGES = 'devops_perf_target_changes';
const RUNS = 'devops_load_test_runs';

/** A run still `running` this long after its planned end belongs to a process that died. */
export const LOAD_TEST_GRACE_MS = 30_000;
/** Message of runs whose process stopped before they finished. */
export const INTERRUPTED_MESSAGE = 'interrupted by a backend restart';
const MAX_ERROR_LENGTH = 2000;

/** The outcome of a finished load test. */
export type LoadTestOutcome =
  | {
      status: 'succeeded';
      requests: number;
      throughput: number;
      p50Ms: number | null;
      p95Ms: number | null;
      p99Ms: number | null;
      errors: number;
    }
  | {
      status: 'failed';
      error: string;
      requests?: number | null;
      errors?: number | null;
    };

/** Storage of target overrides, their history, and load test runs. */
export interface PerformanceTargetStore {
  /** The entity's overrides set through the API. */
  getOverrides(entityRef: string): Promise<Partial<PerformanceTargets>>;
  /** The entity's target changes, newest first. */
  listTargetChanges(
    entityRef: string,
    options?: { limit?: number },
  ): Promise<PerformanceTargetChange[]>;
  /** Records a change and applies it to the overrides, in one transaction. */
  applyTargetChange(change: {
    entityRef: string;
    changes: Partial<Record<PerformanceTargetKey, number | null>>;
    actor: string;
    comment: string | null;
    at?: Date;
  }): Promise<PerformanceTargetChange>;

  /**
   * Stores a new `running` run. Throws `ConflictError` when the entity already has a running run
   * or `maxConcurrent` runs are running in the whole installation; the checks and the insert are
   * atomic (unique constraints), also across backend replicas.
   */
  startLoadTest(run: {
    entityRef: string;
    environment: string;
    url: string;
    startedBy: string;
    durationSeconds: number;
    connections: number;
    maxConcurrent: number;
    at?: Date;
  }): Promise<LoadTestRun>;
  /** Finishes a running run; `undefined` when it is not running anymore (or unknown). */
  finishLoadTest(
    id: string,
    outcome: LoadTestOutcome,
    at?: Date,
  ): Promise<LoadTestRun | undefined>;
  getLoadTest(entityRef: string, id: string): Promise<LoadTestRun | undefined>;
  /** The entity's runs, newest first. */
  listLoadTests(
    entityRef: string,
    options?: { limit?: number },
  ): Promise<LoadTestRun[]>;
  /**
   * Marks failed the runs left `running` past their deadline (planned end + grace) by a process
   * that died. Returns how many.
   */
  failInterruptedLoadTests(now?: Date): Promise<number>;
}

type RunRow = {
  id: string;
  entity_ref: string;
  environment: string;
  url: string;
  status: LoadTestStatus;
  started_by: string;
  started_at_ms: number | string;
  finished_at_ms: number | string | null;
  duration_seconds: number | string;
  connections: number | string;
  requests: number | string | null;
  throughput: number | string | null;
  p50_ms: number | string | null;
  p95_ms: number | string | null;
  p99_ms: number | string | null;
  errors: number | string | null;
  error: string | null;
  deadline_ms?: number | string;
};

const num = (v: number | string | null | undefined) =>
  v === null || v === undefined ? null : Number(v);

/**
 * A stored run as the API shows it. A run still `running` past its deadline was left by a process
 * that died: it is shown as failed without writing (reads stay reads); the row itself is failed by
 * `failInterruptedLoadTests`, at start-up and before every new run.
 */
function rowToRun(row: RunRow, now: number = Date.now()): LoadTestRun {
  if (
    row.status === 'running' &&
    row.deadline_ms !== undefined &&
    Number(row.deadline_ms) < now
  ) {
    return {
      ...rowToRun({ ...row, status: 'failed' }),
      finishedAt: null,
      error: INTERRUPTED_MESSAGE,
    };
  }
  return {
    id: row.id,
    entityRef: row.entity_ref,
    environment: row.environment,
    url: row.url,
    status: row.status,
    startedBy: row.started_by,
    startedAt: new Date(Number(row.started_at_ms)).toISOString(),
    finishedAt:
      row.finished_at_ms === null
        ? null
        : new Date(Number(row.finished_at_ms)).toISOString(),
    durationSeconds: Number(row.duration_seconds),
    connections: Number(row.connections),
    requests: num(row.requests),
    throughput: num(row.throughput),
    p50Ms: num(row.p50_ms),
    p95Ms: num(row.p95_ms),
    p99Ms: num(row.p99_ms),
    errors: num(row.errors),
    error: row.error,
  };
}

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return (
    e?.code === '23505' ||
    e?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    /UNIQUE constraint failed/i.test(e?.message ?? '')
  );
}

/** Knex implementation of {@link PerformanceTargetStore}, for SQLite and PostgreSQL. */
export class DatabasePerformanceTargetStore implements PerformanceTargetStore {
  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
  }): Promise<DatabasePerformanceTargetStore> {
    const { database, skipMigrations } = options;
    const client = await database.getClient();
    if (!database.migrations?.skip && !skipMigrations) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new DatabasePerformanceTargetStore(client);
  }

  private constructor(private readonly db: Knex) {}

  async getOverrides(entityRef: string): Promise<Partial<PerformanceTargets>> {
    const rows: Array<{ target: string; value: number | string }> =
      await this.db(OVERRIDES)
        .where({ entity_ref: entityRef })
        .select('target', 'value');
    const overrides: Partial<PerformanceTargets> = {};
    for (const row of rows) {
      if ((PERFORMANCE_TARGET_KEYS as readonly string[]).includes(row.target)) {
        overrides[row.target as PerformanceTargetKey] = Number(row.value);
      }
    }
    return overrides;
  }

  async listTargetChanges(
    entityRef: string,
    options: { limit?: number } = {},
  ): Promise<PerformanceTargetChange[]> {
    const rows = await this.db(CHANGES)
      .where({ entity_ref: entityRef })
      .orderBy([
        { column: 'at_ms', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(options.limit ?? 50);
    return rows.map(row => ({
      id: row.id,
      entityRef: row.entity_ref,
      changes: JSON.parse(row.changes),
      actor: row.actor,
      comment: row.comment,
      at: new Date(Number(row.at_ms)).toISOString(),
    }));
  }

  async applyTargetChange(change: {
    entityRef: string;
    changes: Partial<Record<PerformanceTargetKey, number | null>>;
    actor: string;
    comment: string | null;
    at?: Date;
  }): Promise<PerformanceTargetChange> {
    const id = randomUUID();
    const at = change.at ?? new Date();
    const entries = PERFORMANCE_TARGET_KEYS.filter(
      key => change.changes[key] !== undefined,
    ).map(key => [key, change.changes[key] as number | null] as const);
    if (entries.length === 0) {
      throw new Error('A target change must change at least one target');
    }
    await this.db.transaction(async tx => {
      await tx(CHANGES).insert({
        id,
        entity_ref: change.entityRef,
        changes: JSON.stringify(Object.fromEntries(entries)),
        actor: change.actor,
        comment: change.comment,
        at_ms: at.getTime(),
      });
      const removed = entries.filter(([, v]) => v === null).map(([k]) => k);
      if (removed.length > 0) {
        await tx(OVERRIDES)
          .where({ entity_ref: change.entityRef })
          .whereIn('target', removed)
          .delete();
      }
      const set = entries.filter(([, v]) => v !== null);
      if (set.length > 0) {
        await tx(OVERRIDES)
          .insert(
            set.map(([target, value]) => ({
              entity_ref: change.entityRef,
              target,
              value,
              change_id: id,
            })),
          )
          .onConflict(['entity_ref', 'target'])
          .merge(['value', 'change_id']);
      }
    });
    return {
      id,
      entityRef: change.entityRef,
      changes: Object.fromEntries(entries),
      actor: change.actor,
      comment: change.comment,
      at: at.toISOString(),
    };
  }

  async startLoadTest(run: {
    entityRef: string;
    environment: string;
    url: string;
    startedBy: string;
    durationSeconds: number;
    connections: number;
    maxConcurrent: number;
    at?: Date;
  }): Promise<LoadTestRun> {
    const at = run.at ?? new Date();
    await this.failInterruptedLoadTests(at);
    const conflict = () =>
      new ConflictError(
        `A load test of ${run.entityRef} is already running; wait for it to finish`,
      );
    const entityRunning = async () =>
      (await this.db(RUNS)
        .where({ running_entity_ref: run.entityRef })
        .first('id')) !== undefined;
    if (await entityRunning()) {
      throw conflict();
    }
    const used = new Set(
      (
        await this.db(RUNS).whereNotNull('running_slot').select('running_slot')
      ).map(r => Number(r.running_slot)),
    );
    const id = randomUUID();
    const row = {
      id,
      entity_ref: run.entityRef,
      environment: run.environment,
      url: run.url,
      status: 'running' as LoadTestStatus,
      started_by: run.startedBy,
      started_at_ms: at.getTime(),
      finished_at_ms: null,
      deadline_ms:
        at.getTime() + run.durationSeconds * 1000 + LOAD_TEST_GRACE_MS,
      duration_seconds: run.durationSeconds,
      connections: run.connections,
      requests: null,
      throughput: null,
      p50_ms: null,
      p95_ms: null,
      p99_ms: null,
      errors: null,
      error: null,
      running_entity_ref: run.entityRef,
    };
    for (let slot = 1; slot <= run.maxConcurrent; slot++) {
      if (used.has(slot)) continue;
      try {
        // A single statement: atomic on its own, no transaction to abort on a violation.
        await this.db(RUNS).insert({ ...row, running_slot: slot });
        return rowToRun(row);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        if (await entityRunning()) throw conflict();
        // Another replica took this slot in the meantime: try the next one.
      }
    }
    throw new ConflictError(
      `${run.maxConcurrent} load test(s) are already running, the most allowed at once ` +
        '(devops.performance.loadTests.maxConcurrent); try again when one has finished',
    );
  }

  async finishLoadTest(
    id: string,
    outcome: LoadTestOutcome,
    at: Date = new Date(),
  ): Promise<LoadTestRun | undefined> {
    const update =
      outcome.status === 'succeeded'
        ? {
            requests: outcome.requests,
            throughput: outcome.throughput,
            p50_ms: outcome.p50Ms,
            p95_ms: outcome.p95Ms,
            p99_ms: outcome.p99Ms,
            errors: outcome.errors,
            error: null,
          }
        : {
            requests: outcome.requests ?? null,
            errors: outcome.errors ?? null,
            error: outcome.error.slice(0, MAX_ERROR_LENGTH),
          };
    const changed = await this.db(RUNS)
      .where({ id, status: 'running' })
      .update({
        ...update,
        status: outcome.status,
        finished_at_ms: at.getTime(),
        running_entity_ref: null,
        running_slot: null,
      });
    if (changed === 0) return undefined;
    const row = await this.db<RunRow>(RUNS).where({ id }).first();
    return row ? rowToRun(row) : undefined;
  }

  async getLoadTest(
    entityRef: string,
    id: string,
  ): Promise<LoadTestRun | undefined> {
    const row = await this.db<RunRow>(RUNS)
      .where({ id, entity_ref: entityRef })
      .first();
    return row ? rowToRun(row) : undefined;
  }

  async listLoadTests(
    entityRef: string,
    options: { limit?: number } = {},
  ): Promise<LoadTestRun[]> {
    const rows = await this.db<RunRow>(RUNS)
      .where({ entity_ref: entityRef })
      .orderBy([
        { column: 'started_at_ms', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(options.limit ?? 50);
    return rows.map(row => rowToRun(row));
  }

  async failInterruptedLoadTests(now: Date = new Date()): Promise<number> {
    return this.db(RUNS)
      .whereNotNull('running_slot')
      .where('status', 'running')
      .where('deadline_ms', '<', now.getTime())
      .update({
        status: 'failed',
        finished_at_ms: now.getTime(),
        error: INTERRUPTED_MESSAGE,
        running_entity_ref: null,
        running_slot: null,
      });
  }
}
