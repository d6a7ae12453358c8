import { ComplianceStatus } from '@devops-growth/backstage-plugin-devops-common';
import { ComplianceCheckOutcome } from '@devops-growth/backstage-plugin-devops-node';
import { Knex } from 'knex';
import { chunks, IN_CHUNK, INSERT_CHUNK } from '../../../database/helpers';
import { historyPointDue } from './analysis';
import {
  ComplianceSaveCounts,
  ComplianceStore,
  EntityEvaluation,
  StoredComplianceResult,
  StoredComplianceScore,
} from './ComplianceStore';

const RESULTS = 'devops_compliance_results';
const EVIDENCE = 'devops_compliance_evidence';
const HISTORY = 'devops_compliance_history';

type ResultRow = {
  entity_ref: string;
  framework_id: string;
  title: string;
  evaluated_ms: number | string;
  score: number | null;
  passed: number;
  failed: number;
  not_evaluated: number;
  controls: string;
  history_at_ms: number | string | null;
};

type HistoryRow = {
  entity_ref: string;
  framework_id: string;
  at_ms: number;
  score: number | null;
};

/** A control as stored: `[id, status, weight]`. */
type StoredControl = [string, ComplianceStatus, number];
/** A check outcome as stored: `[status, value]`. */
type StoredOutcome = [ComplianceStatus, string];

function rowToScore(row: ResultRow): StoredComplianceScore {
  return {
    entityRef: row.entity_ref,
    frameworkId: row.framework_id,
    title: row.title,
    score: row.score === null ? null : Number(row.score),
    passed: Number(row.passed),
    failed: Number(row.failed),
    notEvaluated: Number(row.not_evaluated),
    evaluatedAt: new Date(Number(row.evaluated_ms)).toISOString(),
  };
}

const SCORE_COLUMNS = [
  'entity_ref',
  'framework_id',
  'title',
  'evaluated_ms',
  'score',
  'passed',
  'failed',
  'not_evaluated',
];

const key = (entityRef: string, frameworkId: string) =>
  `${entityRef}\u0000${frameworkId}`;

/**
 * Knex implementation of {@link ComplianceStore}, for SQLite and PostgreSQL. The evidence is
 * kept once per entity (the frameworks share most checks), the controls as compact tuples: a
 * full evaluation of thousands of entities writes a few MB, not a copy of every check's value
 * per framework and control.
 */
export class DatabaseComplianceStore implements ComplianceStore {
  constructor(private readonly db: Knex) {}

  async saveEvaluations(input: {
    evaluations: EntityEvaluation[];
    at: Date;
    historyIntervalMs: number;
  }): Promise<ComplianceSaveCounts> {
    const atMs = input.at.getTime();
    const entityRefs = [...new Set(input.evaluations.map(e => e.entityRef))];
    const previous = new Map<
      string,
      { score: number | null; historyAtMs: number | null }
    >();
    for (const refs of chunks(entityRefs, IN_CHUNK)) {
      const rows: ResultRow[] = await this.db(RESULTS)
        .whereIn('entity_ref', refs)
        .select('entity_ref', 'framework_id', 'score', 'history_at_ms');
      for (const row of rows) {
        previous.set(key(row.entity_ref, row.framework_id), {
          score: row.score === null ? null : Number(row.score),
          historyAtMs:
            row.history_at_ms === null ? null : Number(row.history_at_ms),
        });
      }
    }

    const results: ResultRow[] = [];
    const points: HistoryRow[] = [];
    const evidence: Array<{
      entity_ref: string;
      evaluated_ms: number;
      checks: string;
    }> = [];
    const withoutFrameworks: string[] = [];
    const kept = new Set<string>();
    for (const evaluation of input.evaluations) {
      const { entityRef } = evaluation;
      if (evaluation.frameworks.length === 0) {
        withoutFrameworks.push(entityRef);
        continue;
      }
      const checks: Record<string, StoredOutcome> = {};
      for (const [id, outcome] of Object.entries(evaluation.checks)) {
        checks[id] = [outcome.status, outcome.value];
      }
      evidence.push({
        entity_ref: entityRef,
        evaluated_ms: atMs,
        checks: JSON.stringify(checks),
      });
      for (const r of evaluation.frameworks) {
        kept.add(key(entityRef, r.frameworkId));
        const before = previous.get(key(entityRef, r.frameworkId));
        const due = historyPointDue(
          before,
          r.score,
          atMs,
          input.historyIntervalMs,
        );
        if (due) {
          points.push({
            entity_ref: entityRef,
            framework_id: r.frameworkId,
            at_ms: atMs,
            score: r.score,
          });
        }
        const controls: StoredControl[] = r.controls.map(c => [
          c.controlId,
          c.status,
          c.weight,
        ]);
        results.push({
          entity_ref: entityRef,
          framework_id: r.frameworkId,
          title: r.title,
          evaluated_ms: atMs,
          score: r.score,
          passed: r.passed,
          failed: r.failed,
          not_evaluated: r.notEvaluated,
          controls: JSON.stringify(controls),
          history_at_ms: due ? atMs : before?.historyAtMs ?? null,
        });
      }
    }
    // Frameworks that no longer apply to an evaluated entity, grouped by framework.
    const stale = new Map<string, string[]>();
    for (const k of previous.keys()) {
      if (kept.has(k)) continue;
      const [entityRef, frameworkId] = k.split('\u0000');
      const refs = stale.get(frameworkId) ?? [];
      refs.push(entityRef);
      stale.set(frameworkId, refs);
    }

    let removed = 0;
    await this.db.transaction(async trx => {
      for (const chunk of chunks(results, INSERT_CHUNK)) {
        await trx(RESULTS)
          .insert(chunk)
          .onConflict(['entity_ref', 'framework_id'])
          .merge();
      }
      for (const chunk of chunks(evidence, INSERT_CHUNK)) {
        await trx(EVIDENCE).insert(chunk).onConflict('entity_ref').merge();
      }
      for (const chunk of chunks(points, INSERT_CHUNK)) {
        await trx(HISTORY)
          .insert(chunk)
          .onConflict(['entity_ref', 'framework_id', 'at_ms'])
          .merge(['score']);
      }
      for (const [frameworkId, refs] of stale) {
        for (const part of chunks(refs, IN_CHUNK)) {
          removed += await trx(RESULTS)
            .where({ framework_id: frameworkId })
            .whereIn('entity_ref', part)
            .delete();
        }
      }
      for (const part of chunks(withoutFrameworks, IN_CHUNK)) {
        await trx(EVIDENCE).whereIn('entity_ref', part).delete();
      }
    });
    return {
      results: results.length,
      historyPoints: points.length,
      removed,
    };
  }

  async listResults(entityRef: string): Promise<StoredComplianceScore[]> {
    const rows: ResultRow[] = await this.db(RESULTS)
      .where({ entity_ref: entityRef })
      .select(SCORE_COLUMNS)
      .orderBy('framework_id');
    return rows.map(rowToScore);
  }

  async getResult(
    entityRef: string,
    frameworkId: string,
  ): Promise<StoredComplianceResult | undefined> {
    const [row, evidence]: [
      ResultRow | undefined,
      { checks: string } | undefined,
    ] = await Promise.all([
      this.db(RESULTS)
        .where({ entity_ref: entityRef, framework_id: frameworkId })
        .first(),
      this.db(EVIDENCE).where({ entity_ref: entityRef }).first('checks'),
    ]);
    if (!row) return undefined;
    const controls = JSON.parse(row.controls) as StoredControl[];
    const stored = JSON.parse(evidence?.checks ?? '{}') as Record<
      string,
      StoredOutcome
    >;
    const checks: Record<string, ComplianceCheckOutcome> = {};
    for (const [id, [status, value]] of Object.entries(stored)) {
      checks[id] = { status, value };
    }
    return {
      ...rowToScore(row),
      controls: controls.map(([controlId, status, weight]) => ({
        controlId,
        status,
        weight,
      })),
      checks,
    };
  }

  async listHistory(
    entityRef: string,
    frameworkId: string,
    options: { since: Date; limit: number },
  ): Promise<Array<{ at: string; score: number | null }>> {
    const rows: Array<{ at_ms: number | string; score: number | null }> =
      await this.db(HISTORY)
        .where({ entity_ref: entityRef, framework_id: frameworkId })
        .andWhere('at_ms', '>=', options.since.getTime())
        .orderBy('at_ms', 'desc')
        .limit(options.limit)
        .select('at_ms', 'score');
    return rows.reverse().map(r => ({
      at: new Date(Number(r.at_ms)).toISOString(),
      score: r.score === null ? null : Number(r.score),
    }));
  }

  async prune(
    olderThan: Date,
  ): Promise<{ results: number; historyPoints: number }> {
    const cutoff = olderThan.getTime();
    const historyPoints = await this.db(HISTORY)
      .where('at_ms', '<', cutoff)
      .delete();
    const results = await this.db(RESULTS)
      .where('evaluated_ms', '<', cutoff)
      .delete();
    await this.db(EVIDENCE).where('evaluated_ms', '<', cutoff).delete();
    return { results, historyPoints };
  }
}
