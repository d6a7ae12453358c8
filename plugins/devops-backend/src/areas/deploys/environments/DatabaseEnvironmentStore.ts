import {
  EntityEnvironment,
  EntityEnvironmentStatus,
  EnvironmentTeardown,
} from '@devops-growth/backstage-plugin-devops-common';
import { Knex } from 'knex';
import { isUniqueViolation, msToIso } from '../../../database/helpers';
import {
  CreateEnvironmentResult,
  EnvironmentStore,
  NewEntityEnvironment,
} from '../types';

/** The per-entity environments table (migration 20261205000000_deploy_environments). */
export const DEPLOY_ENVIRONMENTS = 'devops_deploy_environments';

/** How often a create retries when the live one that blocked it was torn down in between. */
const CREATE_ATTEMPTS = 3;

type Ms = number | string | null;

interface EnvironmentRow {
  id: number;
  entity_ref: string;
  name: string;
  based_on: string;
  provider: string;
  target: string;
  created_by: string;
  created_ms: Ms;
  expires_ms: Ms;
  status: string;
  live_key: string | null;
  teardown_cause: string | null;
  teardown_requested_by: string | null;
  teardown_requested_ms: Ms;
  teardown_reason: string | null;
  teardown_attempts: number | string;
  teardown_last_attempt_ms: Ms;
  teardown_last_error: string | null;
  teardown_next_ms: Ms;
  teardown_finished_ms: Ms;
}

/** `<entity ref>|<name>`: the unique key of a live (not torn-down) environment. */
export function liveKey(entityRef: string, name: string): string {
  return `${entityRef}|${name}`;
}

function toEntityEnvironment(row: EnvironmentRow): EntityEnvironment {
  const teardown: EnvironmentTeardown | null = row.teardown_cause
    ? {
        cause: row.teardown_cause as EnvironmentTeardown['cause'],
        requestedBy: row.teardown_requested_by ?? '',
        requestedAt: msToIso(row.teardown_requested_ms)!,
        reason: row.teardown_reason,
        attempts: Number(row.teardown_attempts),
        lastAttemptAt: msToIso(row.teardown_last_attempt_ms),
        lastError: row.teardown_last_error,
        nextAttemptAt: msToIso(row.teardown_next_ms),
        finishedAt: msToIso(row.teardown_finished_ms),
      }
    : null;
  return {
    entityRef: row.entity_ref,
    name: row.name,
    basedOn: row.based_on,
    provider: row.provider,
    target: row.target,
    createdBy: row.created_by,
    createdAt: msToIso(row.created_ms)!,
    expiresAt: msToIso(row.expires_ms),
    status: row.status as EntityEnvironmentStatus,
    teardown,
  };
}

/**
 * Knex implementation of {@link EnvironmentStore} for SQLite and PostgreSQL. The database keeps
 * the invariants across replicas: one live environment per entity and name (the unique
 * `live_key`, cleared when torn down) and one replica per teardown attempt (a conditional
 * update of `teardown_next_ms` whose affected-row count decides).
 */
export class DatabaseEnvironmentStore implements EnvironmentStore {
  constructor(private readonly db: Knex) {}

  async create(
    environment: NewEntityEnvironment,
  ): Promise<CreateEnvironmentResult> {
    const key = liveKey(environment.entityRef, environment.name);
    for (let attempt = 1; ; attempt++) {
      try {
        const row = {
          entity_ref: environment.entityRef,
          name: environment.name,
          based_on: environment.basedOn,
          provider: environment.provider,
          target: environment.target,
          created_by: environment.createdBy,
          created_ms: environment.createdAt.getTime(),
          expires_ms: environment.expiresAt?.getTime() ?? null,
          status: 'active',
          live_key: key,
          teardown_attempts: 0,
        };
        await this.db(DEPLOY_ENVIRONMENTS).insert(row);
        const stored = await this.live(key);
        return { created: true, environment: toEntityEnvironment(stored!) };
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        // Another request created it first, or it was there already: answer that one.
        const existing = await this.live(key);
        if (existing) {
          return { created: false, environment: toEntityEnvironment(existing) };
        }
        // The live one was torn down in between: try again.
        if (attempt >= CREATE_ATTEMPTS) throw error;
      }
    }
  }

  private async live(key: string): Promise<EnvironmentRow | undefined> {
    return this.db<EnvironmentRow>(DEPLOY_ENVIRONMENTS)
      .where({ live_key: key })
      .first();
  }

  async get(
    entityRef: string,
    name: string,
  ): Promise<EntityEnvironment | undefined> {
    const live = await this.live(liveKey(entityRef, name));
    if (live) return toEntityEnvironment(live);
    const newest = await this.db<EnvironmentRow>(DEPLOY_ENVIRONMENTS)
      .where({ entity_ref: entityRef, name })
      .orderBy('id', 'desc')
      .first();
    return newest ? toEntityEnvironment(newest) : undefined;
  }

  async list(
    entityRef: string,
    options: { includeTornDown?: boolean } = {},
  ): Promise<EntityEnvironment[]> {
    const query = this.db<EnvironmentRow>(DEPLOY_ENVIRONMENTS).where({
      entity_ref: entityRef,
    });
    if (!options.includeTornDown) query.whereNotNull('live_key');
    const rows = await query.orderBy('created_ms', 'asc').orderBy('id', 'asc');
    return rows.map(toEntityEnvironment);
  }

  async listLive(): Promise<EntityEnvironment[]> {
    const rows = await this.db<EnvironmentRow>(DEPLOY_ENVIRONMENTS)
      .whereNotNull('live_key')
      .orderBy('entity_ref', 'asc')
      .orderBy('created_ms', 'asc')
      .orderBy('id', 'asc');
    return rows.map(toEntityEnvironment);
  }

  async countLive(entityRef: string): Promise<number> {
    const [{ count }] = await this.db(DEPLOY_ENVIRONMENTS)
      .where({ entity_ref: entityRef })
      .whereNotNull('live_key')
      .count({ count: '*' });
    return Number(count);
  }

  async requestTeardown(
    entityRef: string,
    name: string,
    request: {
      cause: EnvironmentTeardown['cause'];
      by: string;
      reason: string | null;
      at: Date;
    },
  ): Promise<boolean> {
    const count = await this.db(DEPLOY_ENVIRONMENTS)
      .where({ live_key: liveKey(entityRef, name), status: 'active' })
      .update({
        status: 'tearing-down',
        teardown_cause: request.cause,
        teardown_requested_by: request.by,
        teardown_requested_ms: request.at.getTime(),
        teardown_reason: request.reason,
        teardown_next_ms: request.at.getTime(),
      });
    return count === 1;
  }

  async markExpired(now: Date): Promise<number> {
    const t = now.getTime();
    return this.db(DEPLOY_ENVIRONMENTS)
      .where({ status: 'active' })
      .whereNotNull('expires_ms')
      .where('expires_ms', '<=', t)
      .update({
        status: 'tearing-down',
        teardown_cause: 'expired',
        teardown_requested_by: 'devops:teardown',
        teardown_requested_ms: t,
        teardown_reason: null,
        teardown_next_ms: t,
      });
  }

  async claimDueTeardowns(
    now: Date,
    leaseUntil: Date,
    limit: number,
  ): Promise<EntityEnvironment[]> {
    const t = now.getTime();
    const due = (q: Knex.QueryBuilder) =>
      q.where({ status: 'tearing-down' }).where('teardown_next_ms', '<=', t);
    const candidates: Array<{ id: number }> = await due(
      this.db(DEPLOY_ENVIRONMENTS).select('id'),
    )
      .orderBy('teardown_next_ms', 'asc')
      .orderBy('id', 'asc')
      .limit(limit);
    const claimed: EntityEnvironment[] = [];
    for (const { id } of candidates) {
      // The conditional update decides between replicas: only one of them moves the row on.
      const count = await due(
        this.db(DEPLOY_ENVIRONMENTS).where({ id }),
      ).update({ teardown_next_ms: leaseUntil.getTime() });
      if (count === 1) {
        const row = await this.db<EnvironmentRow>(DEPLOY_ENVIRONMENTS)
          .where({ id })
          .first();
        if (row) claimed.push(toEntityEnvironment(row));
      }
    }
    return claimed;
  }

  async recordTeardownAttempt(
    entityRef: string,
    name: string,
    attempt:
      | { ok: true; at: Date }
      | { ok: false; at: Date; error: string; nextAttemptAt: Date },
  ): Promise<void> {
    const at = attempt.at.getTime();
    const common = {
      teardown_attempts: this.db.raw('teardown_attempts + 1'),
      teardown_last_attempt_ms: at,
    };
    await this.db(DEPLOY_ENVIRONMENTS)
      .where({ live_key: liveKey(entityRef, name), status: 'tearing-down' })
      .update(
        attempt.ok
          ? {
              ...common,
              status: 'torn-down',
              live_key: null,
              teardown_last_error: null,
              teardown_next_ms: null,
              teardown_finished_ms: at,
            }
          : {
              ...common,
              teardown_last_error: attempt.error.slice(0, 4000),
              teardown_next_ms: attempt.nextAttemptAt.getTime(),
            },
      );
  }
}
