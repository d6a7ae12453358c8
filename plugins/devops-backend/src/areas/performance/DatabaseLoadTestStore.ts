import { ConflictError } from '@backstage/errors';
import {
  LoadTestRun,
  LoadTestStatus,
} from '@devops-growth/backstage-plugin-devops-common';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { isUniqueViolation, msToIso } from '../../database/helpers';
import {
  INTERRUPTED_MESSAGE,
  LOAD_TEST_GRACE_MS,
  LoadTestOutcome,
  LoadTestStore,
} from './LoadTestStore';

const RUNS = 'devops_load_test_runs';
const MAX_ERROR_LENGTH = 2000;

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
    startedAt: msToIso(row.started_at_ms)!,
    finishedAt: msToIso(row.finished_at_ms),
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

/** Knex implementation of {@link LoadTestStore}, for SQLite and PostgreSQL. */
export class DatabaseLoadTestStore implements LoadTestStore {
  constructor(private readonly db: Knex) {}

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
