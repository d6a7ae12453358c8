import {
  ParsedSecurityEvent,
  ParsedSecurityEventsReport,
  ReportParser,
} from '@devops-growth/backstage-plugin-devops-node';
import { reportError } from './common';
import { controlProblem, readEventLines } from './jsonLines';
import { classify } from './modsecurityMessages';
import { RecordText, readAuditRecord } from './modsecurityRecords';

const LABEL = 'ModSecurity audit log';
/**
 * A record carries the request and response bodies it audited: with Debian's recommended limits
 * (128 KiB request body, 512 KiB response body), JSON-escaped, a line passes 1 MiB.
 */
const MAX_LINE_BYTES = 4 << 20;
/** ModSecurity 2.9 writes 5 levels (`matched_rules[].rules[].actionset`). */
const MAX_DEPTH = 32;
const MAX_REQUEST = 2000;
const MAX_MESSAGE = 2000;
const MAX_ID = 200;

/** `s` cut to `max` characters, an ellipsis marking the cut. */
function bound(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

type Counts = NonNullable<ParsedSecurityEventsReport['records']>;

/**
 * ModSecurity's JSON audit log (`SecAuditLogFormat JSON`, `SecAuditLogType Serial`: one JSON
 * object per line), as written by ModSecurity 2.9 for Apache or libmodsecurity 3 (the nginx
 * connector), with the OWASP Core Rule Set; each line is read in the shape its writer uses.
 *
 * Each transaction with at least one rule message is one event, typed and rated by `classify`
 * from the rules that fired (not from the 949110/980130 verdicts); transactions without
 * messages (benign requests, and 401 responses: CRS has no rule for a failed login) are counted
 * in `records`, not turned into events. `blocked` is 2.9's `audit_data.action.intercepted` or a
 * 403 response. Part K (`matched_rules`) and 2.9's `error_messages` (the same messages wrapped in
 * Apache error-log lines) are not read.
 */
export class ModsecurityParser implements ReportParser {
  readonly format = 'modsecurity';
  readonly kind = 'security-events' as const;

  async parse(
    input: AsyncIterable<Buffer>,
  ): Promise<ParsedSecurityEventsReport> {
    const counts: Counts = { read: 0, notEvents: 0, unauthorized: 0 };
    const events = await readEventLines(
      input,
      LABEL,
      { maxLineBytes: MAX_LINE_BYTES, maxDepth: MAX_DEPTH },
      (value, line) => readRecord(value, line, counts),
    );
    return { kind: 'security-events', events, records: counts };
  }
}

function readRecord(
  value: unknown,
  line: number,
  counts: Counts,
): ParsedSecurityEvent | undefined {
  const fail = (problem: string) => reportError(LABEL, line, problem);
  const tx = readAuditRecord(value, fail);
  counts.read++;
  const classification = classify(tx.matches);
  if (!classification) {
    counts.notEvents++;
    if (tx.status === 401) counts.unauthorized++;
    return undefined;
  }
  const text = ({ field, value: s }: RecordText, max: number) => {
    if (s === undefined || s === '') return null;
    const problem = controlProblem(s);
    if (problem) throw fail(`${field} ${problem}`);
    return bound(s, max);
  };
  const message = text(
    { field: tx.messagesField, value: classification.message },
    MAX_MESSAGE,
  );
  const ruleIds = classification.ruleIds.map(
    r => text({ field: `a rule id in ${tx.messagesField}`, value: r }, MAX_ID)!,
  );
  return {
    id: text(tx.id, MAX_ID),
    at: tx.at,
    source: 'modsecurity',
    type: classification.type,
    severity: classification.severity,
    blocked: tx.intercepted || tx.status === 403,
    clientIp: text(tx.clientIp, MAX_ID),
    request: text(tx.request, MAX_REQUEST),
    ruleIds,
    message: message ?? '',
  };
}

/** The `modsecurity` report parser. */
export const modsecurityParser = new ModsecurityParser();
