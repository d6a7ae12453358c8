import { ComplianceControlResult } from '@devops-growth/backstage-plugin-devops-common';
import { FrameworkResult } from './analysis';

/** A framework's result for one entity, as evaluated. */
export type ComplianceResultInput = FrameworkResult & { entityRef: string };

/** A stored result: the latest evaluation of one framework for one entity. */
export interface StoredComplianceResult {
  entityRef: string;
  frameworkId: string;
  title: string;
  score: number | null;
  passed: number;
  failed: number;
  notEvaluated: number;
  /** ISO 8601. */
  evaluatedAt: string;
  controls: ComplianceControlResult[];
}

/** What one save wrote. */
export interface ComplianceSaveCounts {
  /** Results inserted or replaced. */
  results: number;
  /** History points appended. */
  historyPoints: number;
  /** Results deleted: frameworks that no longer apply to an evaluated entity. */
  removed: number;
}

/** Latest compliance results and score history. Dialect differences stay in implementations. */
export interface ComplianceStore {
  /**
   * Stores an evaluation of `entityRefs` in one transaction: `results` replace the entities'
   * latest ones, results of frameworks not in `results` are deleted, and a history point is
   * appended for each result whose score changed or whose newest point is `historyIntervalMs`
   * old. Set-based: a few statements per chunk of entities, whatever their number.
   */
  saveResults(input: {
    entityRefs: string[];
    results: ComplianceResultInput[];
    at: Date;
    historyIntervalMs: number;
  }): Promise<ComplianceSaveCounts>;

  /** The entity's latest results, one per framework, without their controls. */
  listResults(
    entityRef: string,
  ): Promise<Array<Omit<StoredComplianceResult, 'controls'>>>;

  /** The latest result of one framework for the entity, with its controls. */
  getResult(
    entityRef: string,
    frameworkId: string,
  ): Promise<StoredComplianceResult | undefined>;

  /** Score history since `since`, oldest first, at most the newest `limit` points. */
  listHistory(
    entityRef: string,
    frameworkId: string,
    options: { since: Date; limit: number },
  ): Promise<Array<{ at: string; score: number | null }>>;

  /** Deletes history points and results older than `olderThan`; returns how many of each. */
  prune(olderThan: Date): Promise<{ results: number; historyPoints: number }>;
}
