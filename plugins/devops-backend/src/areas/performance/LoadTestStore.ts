import { LoadTestRun } from '@devops-growth/backstage-plugin-devops-common';

/** A run still `running` this long after its planned end belongs to a process that died. */
export const LOAD_TEST_GRACE_MS = 30_000;
/** Message of runs whose process stopped before they finished. */
export const INTERRUPTED_MESSAGE = 'interrupted by a backend restart';

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
/** Storage of load-test runs, with the one-per-entity and installation-wide limits. */
export interface LoadTestStore {
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
