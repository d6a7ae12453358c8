import {
  ComplianceControlResult,
  ComplianceStatus,
} from '@devops-growth/backstage-plugin-devops-common';
import { Knex } from 'knex';
import { chunks, IN_CHUNK, INSERT_CHUNK } from '../../../database/helpers';
import { historyPointDue } from './analysis';
import {
  ComplianceResultInput,
  ComplianceSaveCounts,
  ComplianceStore,
  StoredComplianceResult,
} from './ComplianceStore';

const RESULTS = 'devops_compliance_results';
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
  controls?: string;
  history_at_ms: number | string | null;
};

/**
 * The controls as stored: the evidence without its time, which is the row's evaluation time
 * (every check of an evaluation runs at the same moment).
 */
type StoredControl = {
  id: string;
  title: string;
  weight: number;
  status: ComplianceStatus;
  evidence: Array<{
    checkId: string;
    title: string;
    status: ComplianceStatus;
    value: string;
  }>;
};

function encodeControls(controls: ComplianceControlResult[]): string {
  const stored: StoredControl[] = controls.map(c => ({
    id: c.controlId,
    title: c.title,
    weight: c.weight,
    status: c.status,
    evidence: c.evidence.map(e => ({
      checkId: e.checkId,
      title: e.title,
      status: e.status,
      value: e.value,
    })),
  }));
  return JSON.stringify(stored);
}

function decodeControls(
  json: string,
  checkedAt: string,
): ComplianceControlResult[] {
  const stored = JSON.parse(json) as StoredControl[];
  return stored.map(c => ({
    controlId: c.id,
    title: c.title,
    weight: c.weight,
    status: c.status,
    evidence: c.evidence.map(e => ({ ...e, checkedAt })),
  }));
}

function rowToResult(row: ResultRow): Omit<StoredComplianceResult, 'controls'> {
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

const SUMMARY_COLUMNS = [
  'entity_ref',
  'framework_id',
  'title',
  'evaluated_ms',
  'score',
  'passed',
  'failed',
  'not_evaluated',
  'history_at_ms',
];

/** Knex implementation of {@link ComplianceStore}, for SQLite and PostgreSQL. */
export class DatabaseComplianceStore implements ComplianceStore {
  constructor(private readonly db: Knex) {}

  async saveResults(input: {
    entityRefs: string[];
    results: ComplianceResultInput[];
    at: Date;
    historyIntervalMs: number;
  }): Promise<ComplianceSaveCounts> {
    const atMs = input.at.getTime();
    const entityRefs = [...new Set(input.entityRefs)];
    const previous = new Map<
      string,
      { score: number | null; historyAtMs: number | null }
    >();
    for (const refs of chunks(entityRefs, IN_CHUNK)) {
      const rows: ResultRow[] = await this.db(RESULTS)
        .whereIn('entity_ref', refs)
        .select('entity_ref', 'framework_id', 'score', 'history_at_ms');
      for (const row of rows) {
        previous.set(`${row.entity_ref}\u0000${row.framework_id}`, {
          score: row.score === null ? null : Number(row.score),
          historyAtMs:
            row.history_at_ms === null ? null : Number(row.history_at_ms),
        });
      }
    }

    const rows: Array<Required<ResultRow>> = [];
    const points: Array<{
      entity_ref: string;
      framework_id: string;
      at_ms: number;
      score: number | null;
    }> = [];
    const kept = new Set<string>();
    for (const r of input.results) {
      const key = `${r.entityRef}\u0000${r.frameworkId}`;
      kept.add(key);
      const before = previous.get(key);
      const due = historyPointDue(
        before,
        r.score,
        atMs,
        input.historyIntervalMs,
      );
      if (due) {
        points.push({
          entity_ref: r.entityRef,
          framework_id: r.frameworkId,
          at_ms: atMs,
          score: r.score,
        });
      }
      rows.push({
        entity_ref: r.entityRef,
        framework_id: r.frameworkId,
        title: r.title,
        evaluated_ms: atMs,
        score: r.score,
        passed: r.passed,
        failed: r.failed,
        not_evaluated: r.notEvaluated,
        controls: encodeControls(r.controls),
        history_at_ms: due ? atMs : before?.historyAtMs ?? null,
      });
    }
    // Frameworks that no longer apply to an evaluated entity, grouped by framework.
    const stale = new Map<string, string[]>();
    for (const key of previous.keys()) {
      if (kept.has(key)) continue;
      const [entityRef, frameworkId] = key.split('\u0000');
      const refs = stale.get(frameworkId) ?? [];
      refs.push(entityRef);
      stale.set(frameworkId, refs);
    }

    let removed = 0;
    await this.db.transaction(async trx => {
      for (const chunk of chunks(rows, INSERT_CHUNK)) {
        await trx(RESULTS)
          .insert(chunk)
          .onConflict(['entity_ref', 'framework_id'])
          .merge();
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
    });
    return { results: rows.length, historyPoints: points.length, removed };
  }

  async listResults(
    entityRef: string,
  ): Promise<Array<Omit<StoredComplianceResult, 'controls'>>> {
    const rows: ResultRow[] = await this.db(RESULTS)
      .where({ entity_ref: entityRef })
      .select(SUMMARY_COLUMNS)
      .orderBy('framework_id');
    return rows.map(rowToResult);
  }

  async getResult(
    entityRef: string,
    frameworkId: string,
  ): Promise<StoredComplianceResult | undefined> {
    const row: ResultRow | undefined = await this.db(RESULTS)
      .where({ entity_ref: entityRef, framework_id: frameworkId })
      .first();
    if (!row) return undefined;
    const result = rowToResult(row);
    return {
      ...result,
      controls: decodeControls(row.controls ?? '[]', result.evaluatedAt),
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
    return { results, historyPoints };
  }
}
