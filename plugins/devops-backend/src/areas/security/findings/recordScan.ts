import { InputError } from '@backstage/errors';
import { SECURITY_SEVERITIES } from '@devops-growth/backstage-plugin-devops-common';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { chunks, INSERT_CHUNK } from '../../../database/helpers';
import { compareCodeUnits, severityRank, zeroCounts } from './analysis';
import { ScanInput, ScanResult, ScanRunInput } from './FindingStore';
import {
  EFFECTIVELY_OPEN,
  EVENTS,
  FINDINGS,
  SCANS,
  slaColumns,
  STREAMS,
  StreamRow,
} from './findingRows';
import { upsertFindings } from './upsertFindings';

/** Longest tool name, tool version and category kept (the stream key's columns). */
const MAX_KEY_LENGTH = 255;

/** Runs of the same tool and category in one report are one scan of one stream. */
function groupRuns(runs: ScanRunInput[]): ScanRunInput[] {
  const byKey = new Map<string, ScanRunInput>();
  for (const run of runs) {
    for (const [what, value] of [
      ['tool name', run.tool],
      ['tool version', run.toolVersion ?? ''],
      ['category', run.category],
    ]) {
      if (value.length > MAX_KEY_LENGTH) {
        throw new InputError(
          `The run's ${what} is longer than ${MAX_KEY_LENGTH} characters: '${value.slice(
            0,
            40,
          )}...'`,
        );
      }
    }
    if (run.tool.trim() === '') {
      throw new InputError('A run names no tool');
    }
    const key = JSON.stringify([run.tool, run.category]);
    const seen = byKey.get(key);
    if (!seen) {
      byKey.set(key, { ...run, findings: new Map(run.findings) });
      continue;
    }
    seen.toolErrorCount += run.toolErrorCount;
    for (const [fingerprint, finding] of run.findings) {
      const other = seen.findings.get(fingerprint);
      if (
        !other ||
        severityRank(finding.severity) < severityRank(other.severity)
      ) {
        seen.findings.set(fingerprint, finding);
      }
    }
  }
  return [...byKey.entries()]
    .sort(([a], [b]) => compareCodeUnits(a, b))
    .map(([, run]) => run);
}

/** Inserts events for the findings of `where` (SQL on `f`, with its bindings), set-based. */
async function eventsFor(
  trx: Knex.Transaction,
  kind: string,
  atMs: number,
  scanId: string,
  where: string,
  bindings: Array<string | number>,
) {
  await trx.raw(
    `INSERT INTO ${EVENTS} (finding_id, kind, at_ms, scan_id) ` +
      `SELECT f.id, CAST(? AS VARCHAR(16)), CAST(? AS BIGINT), CAST(? AS VARCHAR(36)) ` +
      `FROM ${FINDINGS} f WHERE ${where}`,
    [kind, atMs, scanId, ...bindings],
  );
}

/** The stream's row, created for this scan when it is the stream's first; locked till commit. */
async function lockStream(
  trx: Knex.Transaction,
  scan: ScanInput,
  run: ScanRunInput,
  scanId: string,
): Promise<StreamRow> {
  const key = {
    entity_ref: scan.entityRef,
    branch: scan.branch,
    tool: run.tool,
    scan_category: run.category,
  };
  await trx(STREAMS)
    .insert({
      id: randomUUID(),
      ...key,
      last_scan_id: scanId,
      last_scan_ms: scan.scannedAt.getTime(),
      last_format: scan.format,
      last_commit_sha: scan.commitSha,
      last_tool_version: run.toolVersion,
      last_finding_count: run.findings.size,
      ...slaColumns(scan.sla),
    })
    .onConflict(['entity_ref', 'branch', 'tool', 'scan_category'])
    .ignore();
  const row = await trx<StreamRow>(STREAMS).where(key).forUpdate().first();
  return row!;
}

/** One run's scan of its stream: the lifecycle moves unless the scan is older than the latest. */
async function recordRun(
  trx: Knex.Transaction,
  scan: ScanInput,
  run: ScanRunInput,
  uploadId: string,
) {
  const scanId = randomUUID();
  const scannedMs = scan.scannedAt.getTime();
  const stream = await lockStream(trx, scan, run, scanId);
  const stale =
    stream.last_scan_id !== scanId && Number(stream.last_scan_ms) > scannedMs;
  const moved = { new: 0, reopened: 0, fixed: 0 };

  if (!stale) {
    const existing = new Map<string, { id: string; status: string }>();
    for (const row of await trx(FINDINGS)
      .where({ stream_id: stream.id })
      .select('id', 'fingerprint', 'status')) {
      existing.set(row.fingerprint, row);
    }
    const reopenedIds: string[] = [];
    for (const fingerprint of run.findings.keys()) {
      const seen = existing.get(fingerprint);
      if (!seen) moved.new += 1;
      else if (seen.status === 'fixed') reopenedIds.push(seen.id);
    }
    moved.reopened = reopenedIds.length;
    await upsertFindings(trx, run.findings, {
      stream_id: stream.id,
      entity_ref: scan.entityRef,
      branch: scan.branch,
      scanId,
      scannedMs,
    });
    for (const ids of chunks(reopenedIds, INSERT_CHUNK)) {
      await trx(EVENTS).insert(
        ids.map(id => ({
          finding_id: id,
          kind: 'reopened',
          at_ms: scannedMs,
          scan_id: scanId,
        })),
      );
    }
    if (run.toolErrorCount === 0) {
      const absent =
        "f.stream_id = ? AND f.status = 'open' AND f.last_scan_id <> ?";
      await eventsFor(trx, 'fixed', scannedMs, scanId, absent, [
        stream.id,
        scanId,
      ]);
      moved.fixed = await trx(FINDINGS)
        .where({ stream_id: stream.id, status: 'open' })
        .whereNot({ last_scan_id: scanId })
        .update({ status: 'fixed', fixed_at_ms: scannedMs });
    }
    await trx(STREAMS)
      .where({ id: stream.id })
      .update({
        last_scan_id: scanId,
        last_scan_ms: scannedMs,
        last_format: scan.format,
        last_commit_sha: scan.commitSha,
        last_tool_version: run.toolVersion,
        last_finding_count: run.findings.size,
        ...slaColumns(scan.sla),
      });
  }

  const open = zeroCounts();
  const openRows: Array<{ severity: string; n: number | string }> = (await trx(
    `${FINDINGS} as f`,
  )
    .where('f.stream_id', stream.id)
    .whereRaw(EFFECTIVELY_OPEN, [scannedMs])
    .groupBy('f.severity')
    .select('f.severity')
    .count({ n: '*' })) as any;
  for (const row of openRows) {
    open[row.severity as keyof typeof open] = Number(row.n);
  }
  await trx(SCANS).insert({
    id: scanId,
    upload_id: uploadId,
    stream_id: stream.id,
    entity_ref: scan.entityRef,
    branch: scan.branch,
    commit_sha: scan.commitSha,
    format: scan.format,
    tool: run.tool,
    tool_version: run.toolVersion,
    scan_category: run.category,
    scanned_ms: scannedMs,
    finding_count: run.findings.size,
    size_bytes: scan.sizeBytes,
    tool_error_count: run.toolErrorCount,
    stale,
    new_count: moved.new,
    reopened_count: moved.reopened,
    fixed_count: moved.fixed,
    ...Object.fromEntries(SECURITY_SEVERITIES.map(s => [`open_${s}`, open[s]])),
  });
  const openTotal = SECURITY_SEVERITIES.reduce((n, s) => n + open[s], 0);
  return { ...moved, open: openTotal };
}

/**
 * Records an uploaded report in one transaction: one scan per stream (tool and category), the
 * findings upserted by identity in chunks, their history, and the open counts after it.
 */
export async function recordScan(
  db: Knex,
  scan: ScanInput,
): Promise<ScanResult> {
  const runs = groupRuns(scan.runs);
  const uploadId = randomUUID();
  const result: ScanResult = {
    id: uploadId,
    new: 0,
    reopened: 0,
    fixed: 0,
    open: 0,
    findingCount: 0,
  };
  await db.transaction(async trx => {
    for (const run of runs) {
      const moved = await recordRun(trx, scan, run, uploadId);
      result.new += moved.new;
      result.reopened += moved.reopened;
      result.fixed += moved.fixed;
      result.open += moved.open;
      result.findingCount += run.findings.size;
    }
  });
  return result;
}
