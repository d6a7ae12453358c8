import {
  SecurityFinding,
  SecuritySeverity,
  SecuritySla,
} from '@devops-growth/backstage-plugin-devops-common';
import { NotFoundError } from '@backstage/errors';
import { Knex } from 'knex';
import { chunks, IN_CHUNK, msToIso } from '../../../database/helpers';
import { effectiveStatus, ScanSnapshot, zeroCounts } from './analysis';
import {
  FindingEvent,
  FindingFacts,
  FindingQuery,
  FindingStore,
  ScanInput,
  ScanResult,
  StatusChangeInput,
  StreamRecord,
} from './FindingStore';
import {
  EFFECTIVELY_OPEN,
  effectiveStatusSql,
  EVENTS,
  FindingRow,
  FINDINGS,
  findingsWithStream,
  rowToFinding,
  rowToStream,
  SCANS,
  SLA_DUE_SQL,
  slaColumns,
  STREAMS,
  StreamRow,
} from './findingRows';
import { recordScan } from './recordScan';

const SEVERITY_ORDER =
  "CASE f.severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END";

/** Open findings per entity, branch and severity, with how many are past their SLA. */
async function openCountsBy(
  db: Knex,
  where: (q: Knex.QueryBuilder) => void,
  nowMs: number,
) {
  const query = db(`${FINDINGS} as f`)
    .join(`${STREAMS} as s`, 's.id', 'f.stream_id')
    .whereRaw(EFFECTIVELY_OPEN, [nowMs])
    .groupBy('f.entity_ref', 'f.branch', 'f.severity')
    .select('f.entity_ref', 'f.branch', 'f.severity')
    .count({ n: '*' })
    .select(
      db.raw(`SUM(CASE WHEN ${SLA_DUE_SQL} < ? THEN 1 ELSE 0 END) AS past`, [
        nowMs,
      ]),
    );
  where(query);
  const rows: Array<{
    entity_ref: string;
    branch: string;
    severity: SecuritySeverity;
    n: number | string;
    past: number | string | null;
  }> = (await query) as any;
  return rows.map(r => ({
    entityRef: r.entity_ref,
    branch: r.branch,
    severity: r.severity,
    open: Number(r.n),
    past: Number(r.past ?? 0),
  }));
}

/** Knex implementation of {@link FindingStore}, for SQLite and PostgreSQL. */
export class DatabaseFindingStore implements FindingStore {
  constructor(private readonly db: Knex) {}

  recordScan(scan: ScanInput): Promise<ScanResult> {
    return recordScan(this.db, scan);
  }

  async listStreams(entityRef: string): Promise<StreamRecord[]> {
    const rows = await this.db<StreamRow>(STREAMS)
      .where({ entity_ref: entityRef })
      .orderBy([
        { column: 'last_scan_ms', order: 'desc' },
        { column: 'tool' },
        { column: 'scan_category' },
      ]);
    return rows.map(rowToStream);
  }

  async setEntitySla(entityRef: string, sla: SecuritySla): Promise<void> {
    await this.db(STREAMS)
      .where({ entity_ref: entityRef })
      .update(slaColumns(sla));
  }

  async openCounts(entityRef: string, branch: string, nowMs: number) {
    const open = zeroCounts();
    let breaches = 0;
    for (const row of await openCountsBy(
      this.db,
      q => q.where({ 'f.entity_ref': entityRef, 'f.branch': branch }),
      nowMs,
    )) {
      open[row.severity] += row.open;
      breaches += row.past;
    }
    return { open, breaches };
  }

  async listFindings(
    query: FindingQuery,
  ): Promise<{ items: SecurityFinding[]; total: number }> {
    const filtered = findingsWithStream(this.db).where({
      'f.entity_ref': query.entityRef,
      'f.branch': query.branch,
    });
    if (query.status?.length) {
      const parts = query.status.map(s => effectiveStatusSql(s, query.nowMs));
      filtered.whereRaw(
        `(${parts.map(([sql]) => sql).join(' OR ')})`,
        parts.flatMap(([, bindings]) => bindings),
      );
    }
    if (query.severity?.length) {
      filtered.whereIn('f.severity', query.severity);
    }
    const [{ n }] = await filtered.clone().clearSelect().count({ n: '*' });
    const ordered =
      query.order === 'severity'
        ? filtered.orderByRaw(`${SEVERITY_ORDER}, f.first_seen_ms, f.id`)
        : filtered.orderBy([{ column: 'f.first_seen_ms' }, { column: 'f.id' }]);
    const rows: FindingRow[] = await ordered
      .limit(query.limit)
      .offset(query.offset);
    return {
      items: rows.map(r => rowToFinding(r, query.nowMs)),
      total: Number(n),
    };
  }

  async getFinding(
    id: string,
    nowMs: number,
  ): Promise<SecurityFinding | undefined> {
    const row: FindingRow | undefined = await findingsWithStream(this.db)
      .where('f.id', id)
      .first();
    return row ? rowToFinding(row, nowMs) : undefined;
  }

  async listEvents(id: string): Promise<FindingEvent[]> {
    const finding = await this.db(FINDINGS)
      .where({ id })
      .first('first_seen_ms', 'first_scan_id');
    if (!finding) return [];
    const rows = await this.db(EVENTS)
      .where({ finding_id: id })
      .orderBy([{ column: 'at_ms' }, { column: 'id' }]);
    // The opening is the row itself (first seen, first scan): no event row per new finding.
    const opened: FindingEvent = {
      kind: 'opened',
      at: msToIso(finding.first_seen_ms)!,
      actor: null,
      reason: null,
      scanId: finding.first_scan_id,
      acceptedUntil: null,
    };
    return [
      opened,
      ...rows.map(r => ({
        kind: r.kind,
        at: msToIso(r.at_ms)!,
        actor: r.actor,
        reason: r.reason,
        scanId: r.scan_id,
        acceptedUntil: msToIso(r.accepted_until_ms),
      })),
    ];
  }

  async changeStatus(change: StatusChangeInput): Promise<SecurityFinding> {
    return this.db.transaction(async trx => {
      const row: FindingRow | undefined = await findingsWithStream(trx)
        .where('f.id', change.id)
        // The finding's row only: a scan of its stream may hold the stream's row for a while.
        .forUpdate('f')
        .first();
      if (!row) {
        throw new NotFoundError(`No finding with id ${change.id}`);
      }
      const current = effectiveStatus(
        row.status as SecurityFinding['status'],
        row.accepted_until_ms === null ? null : Number(row.accepted_until_ms),
        change.nowMs,
      );
      const next = change.check(current);
      const update = {
        status: next.status,
        status_reason: next.reason,
        status_changed_by: change.actor,
        status_changed_ms: change.nowMs,
        accepted_until_ms: next.acceptedUntilMs,
      };
      await trx(FINDINGS).where({ id: change.id }).update(update);
      await trx(EVENTS).insert({
        finding_id: change.id,
        kind: next.status === 'open' ? 'reopened' : next.status,
        at_ms: change.nowMs,
        actor: change.actor,
        reason: next.reason,
        accepted_until_ms: next.acceptedUntilMs,
      });
      return rowToFinding({ ...row, ...update }, change.nowMs);
    });
  }

  async listSnapshots(
    entityRef: string,
    branch: string,
    sinceMs: number,
  ): Promise<ScanSnapshot[]> {
    const columns = [
      'stream_id',
      'scanned_ms',
      'open_critical',
      'open_high',
      'open_medium',
      'open_low',
    ];
    const inWindow = this.db(SCANS)
      .where({ entity_ref: entityRef, branch })
      .where('scanned_ms', '>=', sinceMs)
      .select(columns);
    const before = this.db(`${SCANS} as c`)
      .where({ 'c.entity_ref': entityRef, 'c.branch': branch })
      .where(
        'c.scanned_ms',
        '=',
        this.db(`${SCANS} as p`)
          .whereRaw('p.stream_id = c.stream_id')
          .where('p.scanned_ms', '<', sinceMs)
          .max('p.scanned_ms'),
      )
      .select(columns.map(c => `c.${c}`));
    const rows = [...(await before), ...(await inWindow)];
    return rows.map(r => ({
      streamId: r.stream_id,
      scannedMs: Number(r.scanned_ms),
      open: {
        critical: Number(r.open_critical),
        high: Number(r.open_high),
        medium: Number(r.open_medium),
        low: Number(r.open_low),
      },
    }));
  }

  async facts(
    entityRefs: string[],
    nowMs: number,
  ): Promise<Map<string, FindingFacts>> {
    const out = new Map<string, FindingFacts>();
    const defaultBranch = new Map<string, string>();
    for (const ref of entityRefs) {
      out.set(ref, {
        lastScanAt: null,
        open: zeroCounts(),
        pastSla: zeroCounts(),
      });
    }
    for (const refs of chunks([...new Set(entityRefs)], IN_CHUNK)) {
      const latest: Array<{
        entity_ref: string;
        branch: string;
        at: number | string;
      }> = await this.db(STREAMS)
        .whereIn('entity_ref', refs)
        .groupBy('entity_ref', 'branch')
        .select('entity_ref', 'branch')
        .max({ at: 'last_scan_ms' });
      for (const row of latest) {
        const facts = out.get(row.entity_ref)!;
        const at = Number(row.at);
        if (!facts.lastScanAt || at > facts.lastScanAt.getTime()) {
          facts.lastScanAt = new Date(at);
          defaultBranch.set(row.entity_ref, row.branch);
        }
      }
      const counts = await openCountsBy(
        this.db,
        q => q.whereIn('f.entity_ref', refs),
        nowMs,
      );
      for (const row of counts) {
        if (defaultBranch.get(row.entityRef) !== row.branch) continue;
        const facts = out.get(row.entityRef)!;
        facts.open[row.severity] += row.open;
        facts.pastSla[row.severity] += row.past;
      }
    }
    return out;
  }

  async reopenExpired(nowMs: number, batchSize: number): Promise<number> {
    return this.db.transaction(async (trx): Promise<number> => {
      const rows = await trx(FINDINGS)
        .where({ status: 'accepted' })
        .where('accepted_until_ms', '<=', nowMs)
        .orderBy('accepted_until_ms')
        .limit(batchSize)
        .forUpdate()
        .select('id', 'accepted_until_ms');
      if (rows.length === 0) return 0;
      await trx(EVENTS).insert(
        rows.map(r => ({
          finding_id: r.id,
          kind: 'expired',
          at_ms: Number(r.accepted_until_ms),
          accepted_until_ms: Number(r.accepted_until_ms),
        })),
      );
      return trx(FINDINGS)
        .whereIn(
          'id',
          rows.map(r => r.id),
        )
        .update({
          status: 'open',
          status_reason: null,
          status_changed_by: null,
          status_changed_ms: trx.ref('accepted_until_ms'),
          accepted_until_ms: null,
        });
    });
  }

  async prune(olderThanMs: number, batchSize: number): Promise<number> {
    return this.db.transaction(async trx => {
      const fixed: string[] = (
        await trx(FINDINGS)
          .where({ status: 'fixed' })
          .where('fixed_at_ms', '<', olderThanMs)
          .limit(batchSize)
          .select('id')
      ).map(r => r.id);
      if (fixed.length > 0) {
        await trx(EVENTS).whereIn('finding_id', fixed).delete();
        await trx(FINDINGS).whereIn('id', fixed).delete();
      }
      const scans = await trx(SCANS)
        .whereIn(
          'id',
          trx(SCANS)
            .where('scanned_ms', '<', olderThanMs)
            .limit(batchSize)
            .select('id'),
        )
        .delete();
      const streams = await trx(STREAMS)
        .whereIn(
          'id',
          trx(`${STREAMS} as s`)
            .where('s.last_scan_ms', '<', olderThanMs)
            .whereNotExists(
              trx(FINDINGS).whereRaw('stream_id = s.id').select('id'),
            )
            .whereNotExists(
              trx(SCANS).whereRaw('stream_id = s.id').select('id'),
            )
            .limit(batchSize)
            .select('s.id'),
        )
        .delete();
      return fixed.length + scans + streams;
    });
  }
}
