import { randomUUID } from 'node:crypto';
import {
  SecurityThreat,
  SeverityCounts,
  ThreatDetectorId,
  ThreatStatus,
  ThreatStatusChange,
} from '@devops-growth/backstage-plugin-devops-common';
import { Knex } from 'knex';
import { chunks, IN_CHUNK, INSERT_CHUNK } from '../../../database/helpers';
import {
  EVENT_DETECTOR,
  EVENT_FIGURES,
  eventKey,
  EventThreatWindow,
  finishEventEvidence,
  planEventThreats,
} from './events';
import { LastingThreat, MetricThreatChange } from './lifecycle';
import {
  CHANGES,
  EVENTS,
  METRIC_DETECTORS,
  MONITORING,
  newThreatRow,
  parseEvidence,
  THREATS,
  ThreatRow,
  toThreat,
  UPLOADS,
} from './threatRows';
import {
  MonitoringRecord,
  RecordEventsInput,
  RecordEventsResult,
  ThreatStatusHistoryEntry,
  ThreatStore,
} from './ThreatStore';

const ACTIVE: ThreatStatus[] = ['open', 'acknowledged'];
const CLOSED: ThreatStatus[] = ['mitigated', 'false-positive'];

/** Knex implementation of {@link ThreatStore}, for SQLite and PostgreSQL. */
export class DatabaseThreatStore implements ThreatStore {
  constructor(private readonly db: Knex) {}

  async recordEvents(input: RecordEventsInput): Promise<RecordEventsResult> {
    const { entityRef, receivedAt, gapMs } = input;
    const oldest = receivedAt.getTime() - input.retentionMs;
    const recent = input.events.filter(e => e.at.getTime() >= oldest);
    const ignored = input.events.length - recent.length;
    // The first of repeated keys within the report wins.
    const byKey = new Map<string, (typeof recent)[number]>();
    for (const event of recent) {
      const key = eventKey(event);
      if (!byKey.has(key)) byKey.set(key, event);
    }

    return this.db.transaction(async trx => {
      // Two uploads of one entity's events at once must not both open a threat for one attack:
      // on PostgreSQL they are serialised per entity (SQLite runs one write transaction at a time).
      if (trx.client.dialect === 'postgresql') {
        await trx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', [
          `devops-security-events:${entityRef}`,
        ]);
      }
      const known = new Set<string>();
      for (const part of chunks([...byKey.keys()], IN_CHUNK)) {
        const rows = await trx(EVENTS)
          .where({ entity_ref: entityRef })
          .whereIn('event_key', part)
          .select('event_key');
        for (const row of rows) known.add(row.event_key);
      }
      const fresh = [...byKey].filter(([key]) => !known.has(key));
      const duplicates = input.events.length - ignored - fresh.length;
      await this.markEventsMonitored(trx, input, fresh.length);
      const uploadId = randomUUID();
      const upload = async (opened: number, updated: number) => {
        await trx(UPLOADS).insert({
          id: uploadId,
          entity_ref: entityRef,
          format: input.format,
          commit_sha: input.commitSha,
          branch: input.branch,
          received_ms: receivedAt.getTime(),
          size_bytes: input.sizeBytes,
          event_count: input.events.length,
          new_events: fresh.length,
          duplicates,
          ignored,
          threats_opened: opened,
          threats_updated: updated,
        });
        return { uploadId, opened, updated, duplicates, ignored };
      };
      if (fresh.length === 0) return upload(0, 0);

      const events = fresh.map(([, event]) => event);
      const times = events.map(e => e.at.getTime());
      const from = Math.min(...times) - gapMs;
      const to = Math.max(...times) + gapMs;
      const candidates: ThreatRow[] = await trx(THREATS)
        .where({ entity_ref: entityRef, detector: EVENT_DETECTOR })
        .where('last_seen_ms', '>=', from)
        .where('started_ms', '<=', to);
      const existing: EventThreatWindow[] = candidates.map(row => ({
        id: row.id,
        environment: row.environment,
        type: row.type as EventThreatWindow['type'],
        severity: row.severity as EventThreatWindow['severity'],
        startedAt: new Date(Number(row.started_ms)),
        lastSeenAt: new Date(Number(row.last_seen_ms)),
        evidence: parseEvidence(row.evidence),
      }));
      const windows = planEventThreats(existing, events, gapMs);

      const endedAt = (lastSeen: Date) =>
        receivedAt.getTime() - lastSeen.getTime() > gapMs ? lastSeen : null;
      const newRows: ThreatRow[] = [];
      for (const w of windows) {
        if (!w.isNew) continue;
        w.id = randomUUID();
        newRows.push(
          newThreatRow(
            w.id,
            {
              entityRef,
              environment: w.environment,
              type: w.type,
              detector: EVENT_DETECTOR,
              severity: w.severity,
              startedAt: w.startedAt,
              lastSeenAt: w.lastSeenAt,
              evidence: finishEventEvidence(w, 0),
            },
            receivedAt,
            endedAt(w.lastSeenAt),
          ),
        );
      }
      for (const part of chunks(newRows, INSERT_CHUNK)) {
        await trx(THREATS).insert(part);
      }

      const eventRows = windows.flatMap(w =>
        w.eventIndexes.map(i => ({
          entity_ref: entityRef,
          event_key: fresh[i][0],
          threat_id: w.id!,
          at_ms: events[i].at.getTime(),
          client_ip: events[i].clientIp?.slice(0, 64) ?? null,
          blocked: events[i].blocked,
        })),
      );
      for (const part of chunks(eventRows, INSERT_CHUNK)) {
        await trx(EVENTS)
          .insert(part)
          .onConflict(['entity_ref', 'event_key'])
          .ignore();
      }

      // Distinct client addresses over the events kept (the retention bounds them).
      const clients = new Map<string, number>();
      for (const part of chunks(
        windows.map(w => w.id!),
        IN_CHUNK,
      )) {
        const rows = await trx(EVENTS)
          .whereIn('threat_id', part)
          .groupBy('threat_id')
          .select('threat_id')
          .countDistinct({ n: 'client_ip' });
        for (const row of rows as Array<{ threat_id: string; n: unknown }>) {
          clients.set(String(row.threat_id), Number(row.n));
        }
      }
      for (const w of windows) {
        const previous = w.isNew
          ? 0
          : w.evidence.figures.find(f => f.label === EVENT_FIGURES.clients)
              ?.value ?? 0;
        const evidence = finishEventEvidence(
          w,
          Math.max(previous, clients.get(w.id!) ?? 0),
        );
        const ended = endedAt(w.lastSeenAt);
        await trx(THREATS)
          .where({ id: w.id! })
          .update({
            severity: w.severity,
            started_ms: w.startedAt.getTime(),
            last_seen_ms: w.lastSeenAt.getTime(),
            ended_ms: ended ? ended.getTime() : null,
            evidence: JSON.stringify(evidence),
          });
      }
      return upload(
        windows.filter(w => w.isNew).length,
        windows.filter(w => !w.isNew).length,
      );
    });
  }

  /** An upload, even with no new event, shows that a WAF or IDS reports for the entity. */
  private async markEventsMonitored(
    trx: Knex.Transaction,
    input: RecordEventsInput,
    fresh: number,
  ) {
    const row = {
      entity_ref: input.entityRef,
      detector: EVENT_DETECTOR,
      environment: '',
      state: 'monitored',
      detail: `security events uploaded as ${input.format}; the latest upload held ${input.events.length} event(s), ${fresh} new`,
      evaluated_ms: input.receivedAt.getTime(),
    };
    await trx(MONITORING)
      .insert(row)
      .onConflict(['entity_ref', 'detector', 'environment'])
      .merge(['state', 'detail', 'evaluated_ms']);
  }

  async lastingMetricThreats(
    entityRefs: string[],
  ): Promise<Map<string, LastingThreat[]>> {
    const out = new Map<string, LastingThreat[]>();
    for (const part of chunks(entityRefs, IN_CHUNK)) {
      const rows: ThreatRow[] = await this.db(THREATS)
        .whereIn('entity_ref', part)
        .whereIn('detector', [...METRIC_DETECTORS])
        .whereNull('ended_ms');
      for (const row of rows) {
        const list = out.get(row.entity_ref) ?? [];
        list.push({
          id: row.id,
          detector: row.detector,
          environment: row.environment,
          severity: row.severity as LastingThreat['severity'],
          lastSeenAt: new Date(Number(row.last_seen_ms)),
          evidence: parseEvidence(row.evidence),
        });
        out.set(row.entity_ref, list);
      }
    }
    return out;
  }

  async applyDetection(input: {
    now: Date;
    entityRefs: string[];
    changes: Array<{ entityRef: string; change: MetricThreatChange }>;
    monitoring: MonitoringRecord[];
  }): Promise<void> {
    await this.db.transaction(async trx => {
      const opened: ThreatRow[] = [];
      for (const { change } of input.changes) {
        if (change.kind === 'open') {
          opened.push(
            newThreatRow(randomUUID(), change.threat, input.now, null),
          );
        } else if (change.kind === 'extend') {
          await trx(THREATS)
            .where({ id: change.id })
            .whereNull('ended_ms')
            .update({
              severity: change.severity,
              last_seen_ms: change.lastSeenAt.getTime(),
              evidence: JSON.stringify(change.evidence),
            });
        } else {
          await trx(THREATS)
            .where({ id: change.id })
            .whereNull('ended_ms')
            .update({ ended_ms: change.endedAt.getTime() });
        }
      }
      for (const part of chunks(opened, INSERT_CHUNK)) {
        await trx(THREATS).insert(part);
      }
      for (const part of chunks(input.entityRefs, IN_CHUNK)) {
        await trx(MONITORING)
          .whereIn('entity_ref', part)
          .whereIn('detector', [...METRIC_DETECTORS])
          .delete();
      }
      const rows = input.monitoring.map(m => ({
        entity_ref: m.entityRef,
        detector: m.detector,
        environment: m.environment,
        state: m.state,
        detail: m.detail,
        evaluated_ms: m.evaluatedAt.getTime(),
      }));
      for (const part of chunks(rows, INSERT_CHUNK)) {
        await trx(MONITORING).insert(part);
      }
    });
  }

  async endQuietEventThreats(before: Date): Promise<number> {
    return this.db(THREATS)
      .where({ detector: EVENT_DETECTOR })
      .whereNull('ended_ms')
      .where('last_seen_ms', '<', before.getTime())
      .update({ ended_ms: this.db.ref('last_seen_ms') });
  }

  async pruneEvents(before: Date): Promise<number> {
    await this.db(UPLOADS).where('received_ms', '<', before.getTime()).delete();
    return this.db(EVENTS).where('at_ms', '<', before.getTime()).delete();
  }

  async get(id: string): Promise<SecurityThreat | undefined> {
    const row: ThreatRow | undefined = await this.db(THREATS)
      .where({ id })
      .first();
    return row ? toThreat(row) : undefined;
  }

  async listForEntity(
    entityRef: string,
    limits: { active: number; recent: number },
  ): Promise<{ active: SecurityThreat[]; recent: SecurityThreat[] }> {
    const [active, recent] = await Promise.all([
      this.db(THREATS)
        .where({ entity_ref: entityRef })
        .whereIn('status', ACTIVE)
        .orderBy([
          { column: 'last_seen_ms', order: 'desc' },
          { column: 'id', order: 'asc' },
        ])
        .limit(limits.active),
      this.db(THREATS)
        .where({ entity_ref: entityRef })
        .whereIn('status', CLOSED)
        .orderBy([
          { column: 'status_changed_ms', order: 'desc' },
          { column: 'id', order: 'asc' },
        ])
        .limit(limits.recent),
    ]);
    return {
      active: (active as ThreatRow[]).map(toThreat),
      recent: (recent as ThreatRow[]).map(toThreat),
    };
  }

  async changeStatus(
    id: string,
    change: ThreatStatusChange,
    actor: string,
    now: Date,
  ): Promise<SecurityThreat | undefined> {
    return this.db.transaction(async trx => {
      const query = trx(THREATS).where({ id });
      // SQLite serialises writers; PostgreSQL locks the row against a concurrent change.
      const row: ThreatRow | undefined = await (trx.client.config.client ===
      'pg'
        ? query.forUpdate()
        : query
      ).first();
      if (!row) return undefined;
      const reason = change.reason ?? null;
      await trx(THREATS).where({ id }).update({
        status: change.status,
        status_reason: reason,
        status_changed_by: actor,
        status_changed_ms: now.getTime(),
      });
      await trx(CHANGES).insert({
        threat_id: id,
        at_ms: now.getTime(),
        actor,
        from_status: row.status,
        to_status: change.status,
        reason,
      });
      return toThreat({
        ...row,
        status: change.status,
        status_reason: reason,
        status_changed_by: actor,
        status_changed_ms: now.getTime(),
      });
    });
  }

  async statusHistory(id: string): Promise<ThreatStatusHistoryEntry[]> {
    const rows = await this.db(CHANGES)
      .where({ threat_id: id })
      .orderBy([
        { column: 'at_ms', order: 'asc' },
        { column: 'id', order: 'asc' },
      ]);
    return rows.map(row => ({
      at: new Date(Number(row.at_ms)).toISOString(),
      actor: row.actor,
      from: row.from_status,
      to: row.to_status,
      reason: row.reason,
    }));
  }

  async monitoring(entityRefs: string[]): Promise<MonitoringRecord[]> {
    const out: MonitoringRecord[] = [];
    for (const part of chunks(entityRefs, IN_CHUNK)) {
      const rows = await this.db(MONITORING)
        .whereIn('entity_ref', part)
        .orderBy(['entity_ref', 'detector', 'environment']);
      for (const row of rows) {
        out.push({
          entityRef: row.entity_ref,
          detector: row.detector as ThreatDetectorId,
          environment: row.environment,
          state: row.state,
          detail: row.detail,
          evaluatedAt: new Date(Number(row.evaluated_ms)),
        });
      }
    }
    return out;
  }

  async threatCounts(
    entityRefs: string[],
    unhandledBefore: Date,
  ): Promise<Map<string, { open: SeverityCounts; unhandled: number }>> {
    const out = new Map<string, { open: SeverityCounts; unhandled: number }>();
    const entry = (ref: string) => {
      let e = out.get(ref);
      if (!e) {
        e = { open: { critical: 0, high: 0, medium: 0, low: 0 }, unhandled: 0 };
        out.set(ref, e);
      }
      return e;
    };
    for (const part of chunks(entityRefs, IN_CHUNK)) {
      const rows = await this.db(THREATS)
        .whereIn('entity_ref', part)
        .whereIn('status', ACTIVE)
        .groupBy('entity_ref', 'severity')
        .select(
          'entity_ref',
          'severity',
          this.db.raw('COUNT(*) AS n'),
          this.db.raw(
            'SUM(CASE WHEN status = ? AND created_ms < ? THEN 1 ELSE 0 END) AS unhandled',
            ['open', unhandledBefore.getTime()],
          ),
        );
      for (const row of rows) {
        const e = entry(String(row.entity_ref));
        const severity = row.severity as keyof SeverityCounts;
        if (severity in e.open) e.open[severity] += Number(row.n);
        e.unhandled += Number(row.unhandled ?? 0);
      }
    }
    return out;
  }
}
