import { DeployGateResult } from '@devops-growth/backstage-plugin-devops-common';
import { Knex } from 'knex';
import { chunks, IN_CHUNK } from '../../database/helpers';
import { DEPLOYS } from './deployRows';

/** What the compliance checks read of one entity's deploys in a window. */
export interface DeployComplianceCounts {
  /** Deploys of any kind (portal and pushed) that reached a production environment. */
  productionDeploys: number;
  /** Of those, the ones that went through every gate: gate results stored, none failed or overridden. */
  gatedProductionDeploys: number;
  /** A rollback succeeded, or a deploy was rolled back, in any environment. */
  rollbackTested: boolean;
}

/** Final statuses of a deploy that reached the environment (an `aborted` one never changed it). */
const REACHED = ['succeeded', 'failed', 'rolled-back'];

/**
 * True when the deploy went through every gate: it has gate results (pushed deploys have none)
 * and none of them failed or was overridden. `skipped` (switched off by config, or a rollback's
 * promotion chain) and `not-evaluated` (the entity does not enable the gate's area) count as
 * gated: they are the environment's policy, not a bypass.
 */
export function wentThroughGates(gatesJson: string): boolean {
  let gates: DeployGateResult[];
  try {
    gates = JSON.parse(gatesJson);
  } catch {
    return false;
  }
  return (
    Array.isArray(gates) &&
    gates.length > 0 &&
    gates.every(g => g.status !== 'failed' && g.status !== 'overridden')
  );
}

/**
 * Set-based reads of the deploy table for the security area's compliance facts, beside the
 * deploy store (read only; the store owns the writes). Two queries per 500 entities, whatever
 * the number of deploys. A deploy counts in the window its finish (else start, else creation)
 * falls in, as in DORA.
 */
export class DeployFactsQueries {
  constructor(private readonly db: Knex) {}

  async complianceCounts(query: {
    entityRefs: string[];
    productionEnvironments: string[];
    since: Date;
    until: Date;
  }): Promise<Map<string, DeployComplianceCounts>> {
    const out = new Map<string, DeployComplianceCounts>();
    const entry = (ref: string) => {
      let e = out.get(ref);
      if (!e) {
        e = {
          productionDeploys: 0,
          gatedProductionDeploys: 0,
          rollbackTested: false,
        };
        out.set(ref, e);
      }
      return e;
    };
    const at = this.db.raw('coalesce(finished_ms, started_ms, created_ms)');
    const since = query.since.getTime();
    const until = query.until.getTime();
    for (const refs of chunks([...new Set(query.entityRefs)], IN_CHUNK)) {
      const [production, rollbacks] = await Promise.all([
        query.productionEnvironments.length === 0
          ? []
          : (this.db(DEPLOYS)
              .whereIn('entity_ref', refs)
              .whereIn('environment', query.productionEnvironments)
              .whereIn('status', REACHED)
              .where(at, '>=', since)
              .where(at, '<', until)
              .select('entity_ref', 'gates') as Promise<
              Array<{ entity_ref: string; gates: string }>
            >),
        this.db(DEPLOYS)
          .whereIn('entity_ref', refs)
          .where(q =>
            q
              .where({ kind: 'rollback', status: 'succeeded' })
              .orWhere({ status: 'rolled-back' }),
          )
          .where(at, '>=', since)
          .where(at, '<', until)
          .distinct('entity_ref') as Promise<Array<{ entity_ref: string }>>,
      ]);
      for (const row of production) {
        const e = entry(row.entity_ref);
        e.productionDeploys++;
        if (wentThroughGates(row.gates)) e.gatedProductionDeploys++;
      }
      for (const row of rollbacks) {
        entry(row.entity_ref).rollbackTested = true;
      }
    }
    return out;
  }
}
