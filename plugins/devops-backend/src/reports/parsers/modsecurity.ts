import {
  ParsedSecurityEvent,
  ParsedSecurityEventsReport,
  ReportParser,
} from '@devops-growth/backstage-plugin-devops-node';
import { z } from 'zod';
import { excerpt, reportError } from './common';
import { controlProblem, describeZodIssue, readEventLines } from './jsonLines';
import { classify, parseRuleMessage } from './modsecurityMessages';

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

/** The parts of a ModSecurity 2.9 JSON audit log record that are read; the rest is ignored. */
const recordSchema = z.object({
  transaction: z.object({
    time: z.string(),
    transaction_id: z.string().optional(),
    remote_address: z.string().optional(),
  }),
  request: z.object({ request_line: z.string().optional() }).optional(),
  response: z.object({ status: z.number().optional() }).optional(),
  audit_data: z
    .object({
      messages: z.array(z.string()).optional(),
      action: z.object({ intercepted: z.boolean().optional() }).optional(),
    })
    .optional(),
});

const MONTHS = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
];
const TIME_RE =
  /^(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))? ([+-])(\d{2})(\d{2})$/;

/**
 * Reads ModSecurity's audit log time, `02/Dec/2026:06:36:40.199985 +0000` (day/month/year,
 * microseconds, UTC offset); returns undefined when it is not one (or names no real date).
 */
export function parseModsecurityTime(s: string): Date | undefined {
  const m = TIME_RE.exec(s);
  if (!m) return undefined;
  const [, dd, mon, yyyy, hh, mi, ss, frac, sign, oh, om] = m;
  const month = MONTHS.indexOf(mon);
  const day = Number(dd);
  const year = Number(yyyy);
  if (month === -1 || Number(hh) > 23 || Number(mi) > 59 || Number(ss) > 59) {
    return undefined;
  }
  if (Number(oh) > 14 || Number(om) > 59) return undefined;
  const ms = frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0;
  const local = Date.UTC(
    year,
    month,
    day,
    Number(hh),
    Number(mi),
    Number(ss),
    ms,
  );
  const check = new Date(local);
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month) {
    return undefined; // 31/Feb
  }
  const offset = (Number(oh) * 60 + Number(om)) * 60_000;
  return new Date(sign === '+' ? local - offset : local + offset);
}

/** `s` cut to `max` characters, an ellipsis marking the cut. */
function bound(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/**
 * ModSecurity 2.9 JSON audit log (`SecAuditLogFormat JSON`, `SecAuditLogType Serial`: one JSON
 * object per line), as written by ModSecurity for Apache with the OWASP Core Rule Set.
 *
 * Each transaction with at least one rule message (`audit_data.messages`) is one event, typed
 * and rated by `classify` from the rules that fired (not from the 949110/980130 verdicts);
 * transactions without messages (benign requests, and 401 responses: CRS has no rule for a
 * failed login) are counted in `records`, not turned into events. `blocked` is
 * `audit_data.action.intercepted` or a 403 response. Part K (`matched_rules`) and
 * `error_messages` (the same messages wrapped in Apache error-log lines) are not read.
 */
export class ModsecurityParser implements ReportParser {
  readonly format = 'modsecurity';
  readonly kind = 'security-events' as const;
  async parse(
    input: AsyncIterable<Buffer>,
  ): Promise<ParsedSecurityEventsReport> {
    const counts = { read: 0, notEvents: 0, unauthorized: 0 };
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
  counts: { read: number; notEvents: number; unauthorized: number },
): ParsedSecurityEvent | undefined {
  const fail = (problem: string) => reportError(LABEL, line, problem);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw fail('not a ModSecurity audit log record (a JSON object expected)');
  }
  const tx = (value as { transaction?: unknown }).transaction;
  if (
    typeof tx === 'object' &&
    tx !== null &&
    !('time' in tx) &&
    ('time_stamp' in tx || 'client_ip' in tx)
  ) {
    throw fail(
      'this is a libmodsecurity 3 (ModSecurity v3) audit log record; the modsecurity format reads the JSON audit log of ModSecurity 2.9 (Apache)',
    );
  }
  const parsed = recordSchema.safeParse(value);
  if (!parsed.success) {
    throw fail(
      `not a ModSecurity 2.9 JSON audit log record: ${describeZodIssue(
        parsed.error,
        'the record',
      )}`,
    );
  }
  const record = parsed.data;
  counts.read++;
  const at = parseModsecurityTime(record.transaction.time);
  if (!at) {
    throw fail(
      `transaction.time "${excerpt(
        record.transaction.time,
      )}" is not a ModSecurity time (like 02/Dec/2026:06:36:40.199985 +0000)`,
    );
  }
  const status = record.response?.status;
  const messages = record.audit_data?.messages ?? [];
  const classification = classify(messages.map(parseRuleMessage));
  if (!classification) {
    counts.notEvents++;
    if (status === 401) counts.unauthorized++;
    return undefined;
  }
  const text = (field: string, s: string | undefined, max: number) => {
    if (s === undefined || s === '') return null;
    const problem = controlProblem(s);
    if (problem) throw fail(`${field} ${problem}`);
    return bound(s, max);
  };
  const id = text(
    'transaction.transaction_id',
    record.transaction.transaction_id,
    MAX_ID,
  );
  const clientIp = text(
    'transaction.remote_address',
    record.transaction.remote_address,
    MAX_ID,
  );
  const request = text(
    'request.request_line',
    record.request?.request_line,
    MAX_REQUEST,
  );
  const message =
    text('audit_data.messages', classification.message, MAX_MESSAGE) ?? '';
  const ruleIds = classification.ruleIds.map(r => {
    const problem = controlProblem(r);
    if (problem) throw fail(`a rule id ${problem}`);
    return bound(r, MAX_ID);
  });
  return {
    id,
    at,
    source: 'modsecurity',
    type: classification.type,
    severity: classification.severity,
    blocked: record.audit_data?.action?.intercepted === true || status === 403,
    clientIp,
    request,
    ruleIds,
    message,
  };
}

/** The `modsecurity` report parser. */
export const modsecurityParser = new ModsecurityParser();
