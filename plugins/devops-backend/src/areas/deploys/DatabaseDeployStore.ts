import { randomUUID } from 'node:crypto';
import {
  DeployEvent,
  DeployEventType,
  DeployIncident,
  DeployKind,
  DeployMarker,
  DeployPerformanceImpact,
  DeployStatus,
} from '@devops-growth/backstage-plugin-devops-common';
import { Knex } from 'knex';
import { isUniqueViolation, msToIso } from '../../database/helpers';
import {
  DEPLOY_EVENTS,
  DEPLOY_INCIDENTS,
  DeployEventRow,
  DeployIncidentRow,
  DeployRow,
  DEPLOYS,
  newDeployRow,
  toDeployEvent,
  toDeployIncident,
  toDeployRecord,
  updateColumns,
} from './deployRows';
import {
  CreateDeployResult,
  DeployRecord,
  DeployStore,
  DeployUpdate,
  NewDeploy,
  NewDeployEvent,
} from './types';

/** How often a create retries when the deploy that blocked it disappeared in between. */
const CREATE_ATTEMPTS = 3;
/** Statuses whose impact the impact task fills. */
const IMPACT_STATUSES: DeployStatus[] = ['succeeded', 'rolled-back'];

function eventRow(deployId: string, event: NewDeployEvent) {
  return {
    deploy_id: deployId,
    at_ms: (event.at ?? new Date()).getTime(),
    type: event.type,
    message: event.message,
    data:
      event.data === undefined || event.data === null
        ? null
        : JSON.stringify(event.data),
  };
}

/**
 * Knex implementation of {@link DeployStore} for SQLite and PostgreSQL. The database enforces
 * the invariants across replicas: one active deploy per entity and environment (the unique
 * `active_key`), one deploy per idempotency key and entity, and one lease holder per deploy
 * (conditional updates whose affected-row count decides).
 */
export class DatabaseDeployStore implements DeployStore {
  constructor(private readonly db: Knex) {}

  async create(deploy: NewDeploy): Promise<CreateDeployResult> {
    for (let attempt = 1; ; attempt++) {
      const existing = await this.byIdempotencyKey(deploy);
      if (existing) {
        return { created: false, reason: 'idempotent', deploy: existing };
      }
      const row = newDeployRow(randomUUID(), deploy);
      try {
        await this.db.transaction(async trx => {
          await trx(DEPLOYS).insert(row);
          await trx(DEPLOY_EVENTS).insert(
            eventRow(row.id, {
              type: 'status',
              message: `${deploy.kind} of ${deploy.version} to ${deploy.environment} ${deploy.status} by ${deploy.createdBy}`,
              data: { status: deploy.status },
              at: deploy.createdAt,
            }),
          );
        });
        return { created: true, deploy: toDeployRecord(row) };
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        // Another request won a race: the same key (idempotent) or the same environment.
        const same = await this.byIdempotencyKey(deploy);
        if (same) return { created: false, reason: 'idempotent', deploy: same };
        const active = row.active_key
          ? await this.db<DeployRow>(DEPLOYS)
              .where({ active_key: row.active_key })
              .first()
          : undefined;
        if (active) {
          return {
            created: false,
            reason: 'active',
            deploy: toDeployRecord(active),
          };
        }
        // The blocking deploy finished in between: try again.
        if (attempt >= CREATE_ATTEMPTS) throw error;
      }
    }
  }

  private async byIdempotencyKey(
    deploy: NewDeploy,
  ): Promise<DeployRecord | undefined> {
    if (deploy.idempotencyKey === null) return undefined;
    return this.findByIdempotencyKey(deploy.entityRef, deploy.idempotencyKey);
  }

  findByIdempotencyKey(
    entityRef: string,
    idempotencyKey: string,
  ): Promise<DeployRecord | undefined>;
  findByIdempotencyKey(
    entityRef: string,
    idempotencyKey: string,
    what: 'incident',
  ): Promise<DeployIncident | undefined>;
  async findByIdempotencyKey(
    entityRef: string,
    idempotencyKey: string,
    what?: 'incident',
  ): Promise<DeployRecord | DeployIncident | undefined> {
    const where = { entity_ref: entityRef, idempotency_key: idempotencyKey };
    if (what === 'incident') {
      const row = await this.db<DeployIncidentRow>(DEPLOY_INCIDENTS)
        .where(where)
        .first();
      return row ? toDeployIncident(row) : undefined;
    }
    const row = await this.db<DeployRow>(DEPLOYS).where(where).first();
    return row ? toDeployRecord(row) : undefined;
  }

  async get(id: string): Promise<DeployRecord | undefined> {
    const row = await this.db<DeployRow>(DEPLOYS).where({ id }).first();
    return row ? toDeployRecord(row) : undefined;
  }

  async events(
    deployId: string,
    options: { afterId?: number; limit?: number } = {},
  ): Promise<DeployEvent[]> {
    const query = this.db<DeployEventRow>(DEPLOY_EVENTS)
      .where({ deploy_id: deployId })
      .orderBy('id', 'asc');
    if (options.afterId !== undefined) query.where('id', '>', options.afterId);
    if (options.limit !== undefined) query.limit(options.limit);
    return (await query).map(toDeployEvent);
  }

  async list(query: {
    entityRef: string;
    environment?: string;
    kinds?: DeployKind[];
    statuses?: DeployStatus[];
    since?: Date;
    limit: number;
    offset?: number;
  }): Promise<{ items: DeployRecord[]; total: number }> {
    const base = this.db<DeployRow>(DEPLOYS).where({
      entity_ref: query.entityRef,
    });
    if (query.environment) base.where({ environment: query.environment });
    if (query.kinds) base.whereIn('kind', query.kinds);
    if (query.statuses) base.whereIn('status', query.statuses);
    if (query.since) base.where('created_ms', '>=', query.since.getTime());
    const [rows, [{ count }]] = await Promise.all([
      base
        .clone()
        .orderBy([
          { column: 'created_ms', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .limit(query.limit)
        .offset(query.offset ?? 0),
      base.clone().count({ count: '*' }),
    ]);
    return {
      items: (rows as DeployRow[]).map(toDeployRecord),
      total: Number(count),
    };
  }

  async active(entityRef: string): Promise<DeployRecord[]> {
    const rows = await this.db<DeployRow>(DEPLOYS)
      .where({ entity_ref: entityRef })
      .whereNotNull('active_key')
      .orderBy('environment');
    return rows.map(toDeployRecord);
  }

  async lastSucceeded(entityRef: string): Promise<Map<string, DeployRecord>> {
    const ranked = this.db(DEPLOYS)
      .select('*')
      .select(
        this.db.raw(
          'row_number() over (partition by environment order by coalesce(finished_ms, started_ms, created_ms) desc, id desc) as rank',
        ),
      )
      .where({ entity_ref: entityRef, status: 'succeeded' })
      .as('ranked');
    const rows: DeployRow[] = await this.db
      .select('*')
      .from(ranked)
      .where('rank', 1);
    return new Map(rows.map(row => [row.environment, toDeployRecord(row)]));
  }

  async succeededVersions(
    entityRef: string,
    environment: string,
    limit: number,
  ): Promise<Array<{ version: string; deployId: string; at: Date }>> {
    const ranked = this.db(DEPLOYS)
      .select('version', 'id')
      .select(
        this.db.raw(
          'coalesce(finished_ms, started_ms, created_ms) as at_ms, row_number() over (partition by version order by coalesce(finished_ms, started_ms, created_ms) desc, id desc) as rank',
        ),
      )
      .where({ entity_ref: entityRef, environment, status: 'succeeded' })
      .as('ranked');
    const rows: Array<{ version: string; id: string; at_ms: string }> =
      await this.db
        .select('version', 'id', 'at_ms')
        .from(ranked)
        .where('rank', 1)
        .orderBy([
          { column: 'at_ms', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .limit(limit);
    return rows.map(r => ({
      version: r.version,
      deployId: r.id,
      at: new Date(Number(r.at_ms)),
    }));
  }

  async markers(
    entityRef: string,
    from: Date,
    to: Date,
  ): Promise<DeployMarker[]> {
    const at = this.db.raw('coalesce(started_ms, created_ms)');
    const rows: Array<DeployRow & { at_ms: string }> = await this.db(DEPLOYS)
      .select('id', 'environment', 'version', 'kind', 'status')
      .select(this.db.raw('coalesce(started_ms, created_ms) as at_ms'))
      .where({ entity_ref: entityRef })
      .where(at, '>=', from.getTime())
      .where(at, '<', to.getTime())
      .orderBy('at_ms', 'asc');
    return rows.map(r => ({
      deployId: r.id,
      environment: r.environment,
      version: r.version,
      kind: r.kind as DeployMarker['kind'],
      status: r.status as DeployStatus,
      at: msToIso(r.at_ms)!,
    }));
  }

  async claimDue(
    owner: string,
    now: Date,
    leaseMs: number,
    limit: number,
  ): Promise<DeployRecord[]> {
    const t = now.getTime();
    const free = (q: Knex.QueryBuilder) =>
      q
        .whereNotNull('active_key')
        .where('next_run_ms', '<=', t)
        .where(w =>
          w.whereNull('lease_owner').orWhere('lease_expires_ms', '<', t),
        );
    const candidates: Array<{ id: string }> = await free(
      this.db(DEPLOYS).select('id'),
    )
      .orderBy('next_run_ms', 'asc')
      .limit(limit);
    const claimed: DeployRecord[] = [];
    for (const { id } of candidates) {
      // The conditional update decides between replicas: only one of them changes the row.
      const count = await free(this.db(DEPLOYS).where({ id })).update({
        lease_owner: owner,
        lease_expires_ms: t + leaseMs,
        attempt: this.db.raw('attempt + 1'),
        updated_ms: t,
      });
      if (count === 1) {
        const row = await this.db<DeployRow>(DEPLOYS).where({ id }).first();
        if (row && row.lease_owner === owner) claimed.push(toDeployRecord(row));
      }
    }
    return claimed;
  }

  async renewLease(
    id: string,
    owner: string,
    now: Date,
    leaseMs: number,
  ): Promise<boolean> {
    const count = await this.db(DEPLOYS)
      .where({ id, lease_owner: owner })
      .update({ lease_expires_ms: now.getTime() + leaseMs });
    return count === 1;
  }

  async releaseLease(id: string, owner: string): Promise<void> {
    await this.db(DEPLOYS)
      .where({ id, lease_owner: owner })
      .update({ lease_owner: null, lease_expires_ms: null });
  }

  async update(
    id: string,
    owner: string,
    change: DeployUpdate,
    events: NewDeployEvent[] = [],
  ): Promise<boolean> {
    return this.db.transaction(async trx => {
      const count = await trx(DEPLOYS)
        .where({ id, lease_owner: owner })
        .update({ ...updateColumns(change), updated_ms: Date.now() });
      if (count !== 1) return false;
      if (events.length > 0) {
        await trx(DEPLOY_EVENTS).insert(events.map(e => eventRow(id, e)));
      }
      return true;
    });
  }

  async appendEvents(
    deployId: string,
    events: NewDeployEvent[],
  ): Promise<void> {
    if (events.length === 0) return;
    await this.db(DEPLOY_EVENTS).insert(events.map(e => eventRow(deployId, e)));
  }

  async countEvents(deployId: string, type: DeployEventType): Promise<number> {
    const [{ count }] = await this.db(DEPLOY_EVENTS)
      .where({ deploy_id: deployId, type })
      .count({ count: '*' });
    return Number(count);
  }

  async requestAbort(
    id: string,
    by: string,
    reason: string | null,
    now: Date,
  ): Promise<boolean> {
    const count = await this.db(DEPLOYS)
      .where({ id })
      .whereNotNull('active_key')
      .whereNull('abort_requested_ms')
      .update({
        abort_requested_ms: now.getTime(),
        abort_requested_by: by,
        abort_reason: reason,
        // A deploy waiting for its next step is due now (its holder sees the request anyway).
        next_run_ms: now.getTime(),
        updated_ms: now.getTime(),
      });
    if (count === 1) return true;
    // Asked before: still true while the deploy is active.
    const row = await this.db<DeployRow>(DEPLOYS)
      .where({ id })
      .whereNotNull('active_key')
      .first('id');
    return row !== undefined;
  }

  async abortRequest(
    id: string,
  ): Promise<{ at: Date; by: string; reason: string | null } | undefined> {
    const row = await this.db<DeployRow>(DEPLOYS)
      .where({ id })
      .first('abort_requested_ms', 'abort_requested_by', 'abort_reason');
    if (!row || row.abort_requested_ms === null) return undefined;
    return {
      at: new Date(Number(row.abort_requested_ms)),
      by: row.abort_requested_by ?? 'unknown',
      reason: row.abort_reason,
    };
  }

  async finishedWithoutImpact(query: {
    before: Date;
    after: Date;
    limit: number;
  }): Promise<DeployRecord[]> {
    const rows = await this.db<DeployRow>(DEPLOYS)
      .whereIn('status', IMPACT_STATUSES)
      .whereNull('impact')
      .where('finished_ms', '<', query.before.getTime())
      .where('finished_ms', '>=', query.after.getTime())
      .orderBy('finished_ms', 'asc')
      .limit(query.limit);
    return rows.map(toDeployRecord);
  }

  async setImpact(id: string, impact: DeployPerformanceImpact): Promise<void> {
    await this.db(DEPLOYS)
      .where({ id })
      .whereNull('active_key')
      .update({ impact: JSON.stringify(impact) });
  }

  async recordIncident(
    incident: Parameters<DeployStore['recordIncident']>[0],
  ): Promise<{ incident: DeployIncident; created: boolean }> {
    const existing = async () =>
      incident.idempotencyKey === null
        ? undefined
        : this.findByIdempotencyKey(
            incident.entityRef,
            incident.idempotencyKey,
            'incident',
          );
    const before = await existing();
    if (before) return { incident: before, created: false };
    const row: DeployIncidentRow = {
      id: randomUUID(),
      entity_ref: incident.entityRef,
      environment: incident.environment,
      title: incident.title,
      deploy_id: incident.deployId,
      started_ms: incident.startedAt.getTime(),
      resolved_ms: incident.resolvedAt ? incident.resolvedAt.getTime() : null,
      reported_by: incident.reportedBy,
      idempotency_key: incident.idempotencyKey,
      created_ms: incident.createdAt.getTime(),
    };
    try {
      await this.db(DEPLOY_INCIDENTS).insert(row);
    } catch (error) {
      const raced = isUniqueViolation(error) ? await existing() : undefined;
      if (!raced) throw error;
      return { incident: raced, created: false };
    }
    return { incident: toDeployIncident(row), created: true };
  }

  async incidents(query: {
    entityRef: string;
    environment?: string;
    since: Date;
  }): Promise<DeployIncident[]> {
    const q = this.db<DeployIncidentRow>(DEPLOY_INCIDENTS)
      .where({ entity_ref: query.entityRef })
      .where('started_ms', '>=', query.since.getTime())
      .orderBy('started_ms', 'asc');
    if (query.environment) q.where({ environment: query.environment });
    return (await q).map(toDeployIncident);
  }
}
