import { InputError } from '@backstage/errors';
import { SECURITY_SEVERITIES } from '@devops-growth/backstage-plugin-devops-common';
import { ParsedFinding } from '@devops-growth/backstage-plugin-devops-node';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { chunks, INSERT_CHUNK } from '../../../database/helpers';
import {
  compareCodeUnits,
  normalizeFindingPath,
  severityRank,
  zeroCounts,
} from './analysis';
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

/** The columns a scan refreshes on a finding it sees again. */
const REFRESHED = [
  'rule_id',
  'title',
  'message',
  'category',
  'severity',
  'tool_severity',
  'location_path',
  'location_line',
  'package_name',
  'package_version',
  'package_fixed_version',
  'advisory_id',
  'advisory_url',
  'advisory_cvss',
  'help_uri',
  'last_seen_ms',
  'last_scan_id',
];

function mergeColumns(trx: Knex.Transaction) {
  const t = FINDINGS;
  const wasFixed = `${t}.status = 'fixed'`;
  const onReopen = (then: string, otherwise: string) =>
    trx.raw(`CASE WHEN ${wasFixed} THEN ${then} ELSE ${otherwise} END`);
  return {
    ...Object.fromEntries(REFRESHED.map(c => [c, trx.raw(`excluded.${c}`)])),
    status: onReopen("'open'", `${t}.status`),
    regression: onReopen("excluded.status = 'open'", `${t}.regression`),
    reopen_count: trx.raw(
      `${t}.reopen_count + CASE WHEN ${wasFixed} THEN 1 ELSE 0 END`,
    ),
    reopened_at_ms: onReopen('excluded.last_seen_ms', `${t}.reopened_at_ms`),
    sla_base_ms: onReopen('excluded.last_seen_ms', `${t}.sla_base_ms`),
    fixed_at_ms: onReopen('NULL', `${t}.fixed_at_ms`),
    status_reason: onReopen('NULL', `${t}.status_reason`),
    status_changed_by: onReopen('NULL', `${t}.status_changed_by`),
    status_changed_ms: onReopen(
      'excluded.last_seen_ms',
      `${t}.status_changed_ms`,
    ),
  };
}

function findingRow(
  finding: ParsedFinding,
  fingerprint: string,
  base: {
    stream_id: string;
    entity_ref: string;
    branch: string;
    scanId: string;
    scannedMs: number;
  },
) {
  return {
    id: randomUUID(),
    stream_id: base.stream_id,
    entity_ref: base.entity_ref,
    branch: base.branch,
    fingerprint,
    rule_id: finding.ruleId,
    title: finding.title,
    message: finding.message,
    category: finding.category,
    severity: finding.severity,
    tool_severity: finding.toolSeverity,
    location_path: finding.location
      ? normalizeFindingPath(finding.location.path)
      : null,
    location_line: finding.location?.line ?? null,
    package_name: finding.package?.name ?? null,
    package_version: finding.package?.version ?? null,
    package_fixed_version: finding.package?.fixedVersion ?? null,
    advisory_id: finding.advisory?.id ?? null,
    advisory_url: finding.advisory?.url ?? null,
    advisory_cvss: finding.advisory?.cvssScore ?? null,
    help_uri: finding.helpUri ?? null,
    status: 'open',
    regression: false,
    reopen_count: 0,
    first_seen_ms: base.scannedMs,
    last_seen_ms: base.scannedMs,
    fixed_at_ms: null,
    reopened_at_ms: null,
    sla_base_ms: base.scannedMs,
    first_scan_id: base.scanId,
    last_scan_id: base.scanId,
  };
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
    const base = {
      stream_id: stream.id,
      entity_ref: scan.entityRef,
      branch: scan.branch,
      scanId,
      scannedMs,
    };
    const rows = [];
    for (const [fingerprint, finding] of run.findings) {
      const seen = existing.get(fingerprint);
      if (!seen) moved.new += 1;
      else if (seen.status === 'fixed') reopenedIds.push(seen.id);
      rows.push(findingRow(finding, fingerprint, base));
    }
    moved.reopened = reopenedIds.length;
    const merge = mergeColumns(trx);
    for (const chunk of chunks(rows, INSERT_CHUNK)) {
      await trx(FINDINGS)
        .insert(chunk)
        .onConflict(['stream_id', 'fingerprint'])
        .merge(merge);
    }
    if (moved.new > 0) {
      await eventsFor(
        trx,
        'opened',
        scannedMs,
        scanId,
        'f.stream_id = ? AND f.first_scan_id = ?',
        [stream.id, scanId],
      );
    }
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
