import {
  PERFORMANCE_TARGET_KEYS,
  PerformanceTargetChange,
  PerformanceTargetKey,
  PerformanceTargets,
} from '@devops-growth/backstage-plugin-devops-common';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { msToIso } from '../../database/helpers';
import { PerformanceTargetStore } from './PerformanceTargetStore';

const OVERRIDES = 'devops_perf_target_overrides';
const CHANGES = 'devops_perf_target_changes';

/** Knex implementation of {@link PerformanceTargetStore}, for SQLite and PostgreSQL. */
export class DatabasePerformanceTargetStore implements PerformanceTargetStore {
  constructor(private readonly db: Knex) {}

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
      at: msToIso(row.at_ms)!,
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
}
