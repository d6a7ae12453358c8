import { ParsedFinding } from '@devops-growth/backstage-plugin-devops-node';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { chunks } from '../../../database/helpers';
import { normalizeFindingPath } from './analysis';
import { FINDINGS } from './findingRows';

/**
 * The findings of one scan of one stream written in a few statements: each finding's own
 * columns travel as one JSON parameter (expanded by the database: `jsonb_to_recordset` on
 * PostgreSQL, `json_each` on SQLite), the scan's columns as single parameters, and an
 * `ON CONFLICT` upsert refreshes, keeps or reopens the rows already there. A 100,000-finding
 * scan is 50 statements instead of 100,000 round trips (or 200 statements of 16,000 parameters).
 */

/**
 * Findings per statement: about 1 MB of JSON for typical findings, 10 MB at most (messages are
 * bounded to 4,000 characters by the parsers).
 */
export const UPSERT_CHUNK = 2_000;

/** Each finding's own columns, with their PostgreSQL type. */
const OWN_COLUMNS: Array<[string, string]> = [
  ['id', 'text'],
  ['fingerprint', 'text'],
  ['rule_id', 'text'],
  ['title', 'text'],
  ['message', 'text'],
  ['category', 'text'],
  ['severity', 'text'],
  ['tool_severity', 'text'],
  ['location_path', 'text'],
  ['location_line', 'integer'],
  ['package_name', 'text'],
  ['package_version', 'text'],
  ['package_fixed_version', 'text'],
  ['advisory_id', 'text'],
  ['advisory_url', 'text'],
  ['advisory_cvss', 'double precision'],
  ['help_uri', 'text'],
];

/** The scan's columns, the same for every finding, with their type. */
const SCAN_COLUMNS: Array<[string, string]> = [
  ['stream_id', 'VARCHAR(36)'],
  ['entity_ref', 'VARCHAR(255)'],
  ['branch', 'VARCHAR(255)'],
  ['status', 'VARCHAR(16)'],
  ['first_seen_ms', 'BIGINT'],
  ['last_seen_ms', 'BIGINT'],
  ['sla_base_ms', 'BIGINT'],
  ['first_scan_id', 'VARCHAR(36)'],
  ['last_scan_id', 'VARCHAR(36)'],
];

/** Columns a scan refreshes on a finding it sees again. */
const REFRESHED = [
  ...OWN_COLUMNS.map(([c]) => c).filter(c => c !== 'id' && c !== 'fingerprint'),
  'last_seen_ms',
  'last_scan_id',
];

/**
 * The `ON CONFLICT` update: refreshed columns from the scan; a fixed finding reopens as a
 * regression on its own row (first seen kept, reopen count up, SLA from now); accepted and
 * false-positive ones keep their status.
 */
function mergeSql(): string {
  const t = FINDINGS;
  const wasFixed = `${t}.status = 'fixed'`;
  const onReopen = (column: string, then: string) =>
    `${column} = CASE WHEN ${wasFixed} THEN ${then} ELSE ${t}.${column} END`;
  return [
    ...REFRESHED.map(c => `${c} = excluded.${c}`),
    onReopen('status', "'open'"),
    onReopen('regression', "excluded.status = 'open'"),
    `reopen_count = ${t}.reopen_count + CASE WHEN ${wasFixed} THEN 1 ELSE 0 END`,
    onReopen('reopened_at_ms', 'excluded.last_seen_ms'),
    onReopen('sla_base_ms', 'excluded.last_seen_ms'),
    onReopen('fixed_at_ms', 'NULL'),
    onReopen('status_reason', 'NULL'),
    onReopen('status_changed_by', 'NULL'),
    onReopen('status_changed_ms', 'excluded.last_seen_ms'),
  ].join(', ');
}

/** Lone UTF-16 surrogates: JSON.stringify escapes them, and PostgreSQL's JSON refuses those escapes. */
const LONE_SURROGATE =
  /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * A text as the database receives it through JSON: lone surrogates become U+FFFD, as UTF-8
 * encoding does to every other parameter, so a hostile message cannot fail the upload.
 */
function wellFormed<T extends string | null>(text: T): T {
  return (text === null ? text : text.replace(LONE_SURROGATE, '\uFFFD')) as T;
}

/** The line if the integer column can hold it (a parser's 1.5 or 2^40 is dropped, not a 500). */
function lineOf(finding: ParsedFinding): number | null {
  const line = finding.location?.line;
  return typeof line === 'number' &&
    Number.isInteger(line) &&
    line >= 0 &&
    line <= 2_147_483_647
    ? line
    : null;
}

/** A finding's own columns. */
function ownValues(finding: ParsedFinding, fingerprint: string) {
  return {
    id: randomUUID(),
    fingerprint,
    rule_id: wellFormed(finding.ruleId),
    title: wellFormed(finding.title),
    message: wellFormed(finding.message),
    category: finding.category,
    severity: finding.severity,
    tool_severity: wellFormed(finding.toolSeverity),
    location_path: finding.location
      ? wellFormed(normalizeFindingPath(finding.location.path))
      : null,
    location_line: lineOf(finding),
    package_name: wellFormed(finding.package?.name ?? null),
    package_version: wellFormed(finding.package?.version ?? null),
    package_fixed_version: wellFormed(finding.package?.fixedVersion ?? null),
    advisory_id: wellFormed(finding.advisory?.id ?? null),
    advisory_url: wellFormed(finding.advisory?.url ?? null),
    advisory_cvss: Number.isFinite(finding.advisory?.cvssScore)
      ? finding.advisory!.cvssScore
      : null,
    help_uri: wellFormed(finding.helpUri ?? null),
  };
}

export interface ScanColumns {
  stream_id: string;
  entity_ref: string;
  branch: string;
  scanId: string;
  scannedMs: number;
}

function scanValues(scan: ScanColumns): Record<string, string | number> {
  return {
    stream_id: scan.stream_id,
    entity_ref: scan.entity_ref,
    branch: scan.branch,
    status: 'open',
    first_seen_ms: scan.scannedMs,
    last_seen_ms: scan.scannedMs,
    sla_base_ms: scan.scannedMs,
    first_scan_id: scan.scanId,
    last_scan_id: scan.scanId,
  };
}

/** Upserts the scan's findings by (stream, fingerprint), in chunks of {@link UPSERT_CHUNK}. */
export async function upsertFindings(
  trx: Knex.Transaction,
  findings: Map<string, ParsedFinding>,
  scan: ScanColumns,
): Promise<void> {
  const rows = [...findings].map(([fp, f]) => ownValues(f, fp));
  const constants = scanValues(scan);
  const dialect = trx.client.dialect;
  if (dialect !== 'postgresql' && dialect !== 'sqlite3') {
    throw new Error(
      `Security findings are stored in PostgreSQL or SQLite, not ${dialect}`,
    );
  }
  const columns = [...OWN_COLUMNS, ...SCAN_COLUMNS].map(([c]) => c);
  const own =
    dialect === 'postgresql'
      ? OWN_COLUMNS.map(([c]) => `r.${c}`)
      : OWN_COLUMNS.map(([c]) => `json_extract(r.value, '$.${c}')`);
  const source =
    dialect === 'postgresql'
      ? `jsonb_to_recordset(CAST(? AS jsonb)) AS r(${OWN_COLUMNS.map(
          ([c, type]) => `${c} ${type}`,
        ).join(', ')})`
      : 'json_each(?) AS r';
  const sql =
    `INSERT INTO ${FINDINGS} (${columns.join(', ')}) ` +
    `SELECT ${[
      ...own,
      ...SCAN_COLUMNS.map(([, type]) => `CAST(? AS ${type})`),
    ].join(', ')} FROM ${source} WHERE 1 = 1 ` +
    `ON CONFLICT (stream_id, fingerprint) DO UPDATE SET ${mergeSql()}`;
  const constantBindings = SCAN_COLUMNS.map(([c]) => constants[c]);
  for (const chunk of chunks(rows, UPSERT_CHUNK)) {
    await trx.raw(sql, [...constantBindings, JSON.stringify(chunk)]);
  }
}
