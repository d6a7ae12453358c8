import { DeployDrift } from '@devops-growth/backstage-plugin-devops-common';
import { Knex } from 'knex';
import { isUniqueViolation, msToIso } from '../../../database/helpers';
import { DEPLOYS } from '../deployRows';
import { DriftStore, ObservedDrift } from '../types';

/** The drift sweep's findings (migration 20261205000000_deploy_environments.js). */
export const DEPLOY_DRIFT = 'devops_deploy_drift';

type Ms = number | string | null;

interface DriftRow {
  id: number;
  entity_ref: string;
  environment: string;
  expected_version: string;
  expected_deploy_id: string;
  expected_ms: Ms;
  actual_version: string | null;
  actual_healthy: boolean | number;
  actual_message: string | null;
  detected_ms: Ms;
  last_checked_ms: Ms;
  resolved_ms: Ms;
  open_key: string | null;
}

/** How often `record` tries again when another replica opened or closed the finding meanwhile. */
const RECORD_ATTEMPTS = 3;

/** `entity_ref|environment`: the unique key of the open finding of an environment. */
export function driftOpenKey(entityRef: string, environment: string): string {
  return `${entityRef}|${environment}`;
}

function toDrift(row: DriftRow): DeployDrift {
  return {
    entityRef: row.entity_ref,
    environment: row.environment,
    expected: {
      version: row.expected_version,
      deployId: row.expected_deploy_id,
      at: msToIso(row.expected_ms)!,
    },
    actual: {
      version: row.actual_version,
      // SQLite answers booleans as 0 / 1.
      healthy: Boolean(row.actual_healthy),
      message: row.actual_message,
    },
    detectedAt: msToIso(row.detected_ms)!,
    lastCheckedAt: msToIso(row.last_checked_ms)!,
    resolvedAt: msToIso(row.resolved_ms),
  };
}

/**
 * Knex implementation of {@link DriftStore} for SQLite and PostgreSQL. One open finding per
 * entity and environment is held by the database (the unique `open_key`, null once resolved),
 * so a finding is opened once even when two sweeps race; resolved findings stay as history.
 *
 * A finding is about one expected deploy: while it stays the last successful one, each sweep
 * that still sees a different version refreshes `actual` and `lastCheckedAt` (`detectedAt`
 * kept). When a newer deploy succeeded in the environment and the provider still disagrees,
 * the old finding is resolved and a new one opened, detected now, against the new deploy.
 */
export class DatabaseDriftStore implements DriftStore {
  constructor(private readonly db: Knex) {}

  async record(
    entityRef: string,
    environment: string,
    observed: ObservedDrift | null,
    at: Date,
  ): Promise<DeployDrift | undefined> {
    const openKey = driftOpenKey(entityRef, environment);
    const now = at.getTime();
    if (observed === null) {
      await this.db<DriftRow>(DEPLOY_DRIFT)
        .where({ open_key: openKey })
        .update({ open_key: null, resolved_ms: now, last_checked_ms: now });
      return undefined;
    }
    if (
      observed.entityRef !== entityRef ||
      observed.environment !== environment
    ) {
      throw new Error(
        `A drift of ${observed.entityRef} in ${observed.environment} cannot be recorded as one of ${entityRef} in ${environment}`,
      );
    }
    const actual = {
      actual_version: observed.actual.version,
      actual_healthy: observed.actual.healthy,
      actual_message: observed.actual.message,
      last_checked_ms: now,
    };
    for (let attempt = 1; ; attempt++) {
      try {
        await this.db.transaction(async trx => {
          const open = await trx<DriftRow>(DEPLOY_DRIFT)
            .where({ open_key: openKey })
            .first();
          if (open && open.expected_deploy_id === observed.expected.deployId) {
            await trx<DriftRow>(DEPLOY_DRIFT)
              .where({ id: open.id })
              .update(actual);
            return;
          }
          if (open) {
            // Another deploy succeeded since: that finding is over, this is a new one.
            await trx<DriftRow>(DEPLOY_DRIFT).where({ id: open.id }).update({
              open_key: null,
              resolved_ms: now,
              last_checked_ms: now,
            });
          }
          await trx(DEPLOY_DRIFT).insert({
            entity_ref: entityRef,
            environment,
            expected_version: observed.expected.version,
            expected_deploy_id: observed.expected.deployId,
            expected_ms: new Date(observed.expected.at).getTime(),
            ...actual,
            detected_ms: now,
            resolved_ms: null,
            open_key: openKey,
          });
        });
        break;
      } catch (error) {
        // Another sweep opened the finding between the read and the insert: read it again.
        if (!isUniqueViolation(error) || attempt >= RECORD_ATTEMPTS)
          throw error;
      }
    }
    const row = await this.db<DriftRow>(DEPLOY_DRIFT)
      .where({ open_key: openKey })
      .first();
    return row ? toDrift(row) : undefined;
  }

  async open(entityRef: string): Promise<DeployDrift[]> {
    const rows = await this.db<DriftRow>(DEPLOY_DRIFT)
      .where({ entity_ref: entityRef })
      .whereNotNull('open_key')
      .orderBy([
        { column: 'environment', order: 'asc' },
        { column: 'id', order: 'asc' },
      ]);
    return rows.map(toDrift);
  }

  /**
   * The entities with at least one succeeded deploy (portal or pushed) in any environment: the
   * ones the drift sweep looks at. One set-based read of the deploy table.
   */
  async deployedEntityRefs(): Promise<string[]> {
    const rows: Array<{ entity_ref: string }> = await this.db(DEPLOYS)
      .where({ status: 'succeeded' })
      .distinct('entity_ref')
      .orderBy('entity_ref');
    return rows.map(r => r.entity_ref);
  }
}
