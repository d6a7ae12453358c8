import { ComplianceStatus } from '@devops-growth/backstage-plugin-devops-common';
import { ComplianceCheckOutcome } from '@devops-growth/backstage-plugin-devops-node';
import { FrameworkResult } from './analysis';

/** One entity's evaluation: what each check found, and each framework's result. */
export interface EntityEvaluation {
  entityRef: string;
  /** The outcome of every check the entity's frameworks name, by check id. */
  checks: Record<string, ComplianceCheckOutcome>;
  /** One per framework that applies; none when no framework applies (results are deleted). */
  frameworks: FrameworkResult[];
}

/** A stored result without its controls: what the score list shows. */
export interface StoredComplianceScore {
  entityRef: string;
  frameworkId: string;
  title: string;
  score: number | null;
  passed: number;
  failed: number;
  notEvaluated: number;
  /** ISO 8601. */
  evaluatedAt: string;
}

/**
 * A stored result with what its controls were judged on: each control's status and weight at
 * the evaluation, and the outcome of every check of the entity at that moment (the evidence;
 * kept once per entity, not once per framework and control).
 */
export interface StoredComplianceResult extends StoredComplianceScore {
  controls: Array<{
    controlId: string;
    status: ComplianceStatus;
    weight: number;
  }>;
  checks: Record<string, ComplianceCheckOutcome>;
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
   * Stores evaluations in one transaction: each entity's results replace its latest ones, its
   * results of frameworks it no longer has are deleted, its check outcomes replace the earlier
   * ones, and a history point is appended for each result whose score changed or whose newest
   * point is `historyIntervalMs` old. Set-based: a few statements per chunk of entities.
   */
  saveEvaluations(input: {
    evaluations: EntityEvaluation[];
    at: Date;
    historyIntervalMs: number;
  }): Promise<ComplianceSaveCounts>;

  /** The entity's latest results, one per framework, without their controls. */
  listResults(entityRef: string): Promise<StoredComplianceScore[]>;

  /** The latest result of one framework for the entity, with its controls and evidence. */
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

  /**
   * Deletes history points, results and evidence older than `olderThan`; returns how many
   * results and history points.
   */
  prune(olderThan: Date): Promise<{ results: number; historyPoints: number }>;
}
