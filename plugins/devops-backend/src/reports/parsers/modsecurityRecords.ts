import { InputError } from '@backstage/errors';
import { z } from 'zod';
import { excerpt } from './common';
import { describeZodIssue } from './jsonLines';
import { RuleMatch, parseRuleMessage } from './modsecurityMessages';

/** One text of a record that may be stored, with where it was read (for error messages). */
export interface RecordText {
  field: string;
  value: string | undefined;
}

/** What an audit log record says, whichever ModSecurity wrote it. */
export interface AuditedTransaction {
  id: RecordText;
  clientIp: RecordText;
  request: RecordText;
  /** The field holding the rule messages. */
  messagesField: string;
  at: Date;
  status: number | undefined;
  /** ModSecurity 2.9's `audit_data.action.intercepted` (v3 does not write it). */
  intercepted: boolean;
  matches: RuleMatch[];
}

/** The parts of a ModSecurity 2.9 JSON audit log record that are read; the rest is ignored. */
const v2Schema = z.object({
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

/** The same for libmodsecurity 3 (ModSecurity v3, the nginx connector): all under `transaction`. */
const v3Schema = z.object({
  transaction: z.object({
    time_stamp: z.string(),
    client_ip: z.string().optional(),
    unique_id: z.string().optional(),
    /** Before 3.0.3. */
    id: z.string().optional(),
    request: z
      .object({
        method: z.string().optional(),
        uri: z.string().optional(),
        http_version: z.union([z.number(), z.string()]).optional(),
      })
      .optional(),
    response: z
      .object({
        http_code: z.number().optional(),
        headers: z.record(z.string(), z.unknown()).optional(),
      })
      .optional(),
    messages: z
      .array(
        z.object({
          message: z.string().optional(),
          details: z
            .object({
              match: z.string().optional(),
              ruleId: z.string().optional(),
              severity: z.string().optional(),
              tags: z.array(z.string()).optional(),
            })
            .optional(),
        }),
      )
      .optional(),
  }),
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

/** A UTC time from its parts; undefined when they name no real time (31 Feb, 24:00). */
function utc(
  year: number,
  month: string,
  day: number,
  h: number,
  mi: number,
  s: number,
  ms = 0,
): Date | undefined {
  const m = MONTHS.indexOf(month);
  if (m === -1 || h > 23 || mi > 59 || s > 59) return undefined;
  const at = new Date(Date.UTC(year, m, day, h, mi, s, ms));
  return at.getUTCDate() === day && at.getUTCMonth() === m ? at : undefined;
}

const V2_TIME_RE =
  /^(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))? ([+-])(\d{2})(\d{2})$/;

/**
 * Reads ModSecurity 2.9's audit log time, `02/Dec/2026:06:36:40.199985 +0000` (day/month/year,
 * microseconds, UTC offset); returns undefined when it is not one (or names no real date).
 */
export function parseModsecurityTime(s: string): Date | undefined {
  const m = V2_TIME_RE.exec(s);
  if (!m) return undefined;
  const [, dd, mon, yyyy, hh, mi, ss, frac, sign, oh, om] = m;
  if (Number(oh) > 14 || Number(om) > 59) return undefined;
  const ms = frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0;
  const local = utc(+yyyy, mon, +dd, +hh, +mi, +ss, ms);
  if (!local) return undefined;
  const offset = (Number(oh) * 60 + Number(om)) * 60_000;
  return new Date(local.getTime() + (sign === '+' ? -offset : offset));
}

const HTTP_DATE_RE =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;

/** An HTTP `Date` header (`Wed, 02 Dec 2026 11:58:06 GMT`, RFC 9110's IMF-fixdate). */
export function parseHttpDate(s: string): Date | undefined {
  const m = HTTP_DATE_RE.exec(s);
  return m ? utc(+m[3], m[2], +m[1], +m[4], +m[5], +m[6]) : undefined;
}

const CTIME_RE =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Z][a-z]{2}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/;

/** libmodsecurity 3's `time_stamp` (`Wed Dec  2 11:58:06 2026`: ctime, no zone), read as UTC. */
export function parseCtimeAsUtc(s: string): Date | undefined {
  const m = CTIME_RE.exec(s);
  return m ? utc(+m[6], m[1], +m[2], +m[3], +m[4], +m[5]) : undefined;
}

/**
 * Reads one audit log record, as ModSecurity 2.9 (Apache) or libmodsecurity 3 writes it;
 * throws what `fail` builds for a record of neither shape or with a time that is none.
 */
export function readAuditRecord(
  value: unknown,
  fail: (problem: string) => InputError,
): AuditedTransaction {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw fail('not a ModSecurity audit log record (a JSON object expected)');
  }
  const tx = (value as { transaction?: unknown }).transaction;
  const v3 =
    typeof tx === 'object' &&
    tx !== null &&
    !('time' in tx) &&
    ('time_stamp' in tx || 'client_ip' in tx);
  return v3 ? readV3(value, fail) : readV2(value, fail);
}

function readV2(
  value: unknown,
  fail: (problem: string) => InputError,
): AuditedTransaction {
  const parsed = v2Schema.safeParse(value);
  if (!parsed.success) {
    throw fail(
      `not a ModSecurity JSON audit log record: ${describeZodIssue(
        parsed.error,
        'the record',
      )}`,
    );
  }
  const r = parsed.data;
  const at = parseModsecurityTime(r.transaction.time);
  if (!at) {
    throw fail(
      `transaction.time "${excerpt(
        r.transaction.time,
      )}" is not a ModSecurity time (like 02/Dec/2026:06:36:40.199985 +0000)`,
    );
  }
  return {
    id: {
      field: 'transaction.transaction_id',
      value: r.transaction.transaction_id,
    },
    clientIp: {
      field: 'transaction.remote_address',
      value: r.transaction.remote_address,
    },
    request: { field: 'request.request_line', value: r.request?.request_line },
    messagesField: 'audit_data.messages',
    at,
    status: r.response?.status,
    intercepted: r.audit_data?.action?.intercepted === true,
    matches: (r.audit_data?.messages ?? []).map(parseRuleMessage),
  };
}

function readV3(
  value: unknown,
  fail: (problem: string) => InputError,
): AuditedTransaction {
  const parsed = v3Schema.safeParse(value);
  if (!parsed.success) {
    throw fail(
      `not a libmodsecurity 3 JSON audit log record: ${describeZodIssue(
        parsed.error,
        'the record',
      )}`,
    );
  }
  const t = parsed.data.transaction;
  // The response's Date header is UTC; time_stamp is the server's local time without a zone.
  const headers = t.response?.headers ?? {};
  const dateKey = Object.keys(headers).find(k => k.toLowerCase() === 'date');
  const dateHeader = dateKey ? headers[dateKey] : undefined;
  const at =
    (typeof dateHeader === 'string' ? parseHttpDate(dateHeader) : undefined) ??
    parseCtimeAsUtc(t.time_stamp);
  if (!at) {
    throw fail(
      `transaction.time_stamp "${excerpt(
        t.time_stamp,
      )}" is not a libmodsecurity 3 time (like Wed Dec  2 11:58:06 2026)`,
    );
  }
  const req = t.request;
  let request: string | undefined;
  if (req?.method !== undefined && req.uri !== undefined) {
    // JSON reads 1.0 as 1.
    const v = req.http_version;
    const version = typeof v === 'number' && Number.isInteger(v) ? `${v}.0` : v;
    request = `${req.method} ${req.uri}${
      version === undefined ? '' : ` HTTP/${version}`
    }`;
  }
  return {
    id: {
      field:
        t.unique_id !== undefined ? 'transaction.unique_id' : 'transaction.id',
      value: t.unique_id ?? t.id,
    },
    clientIp: { field: 'transaction.client_ip', value: t.client_ip },
    request: { field: 'transaction.request', value: request },
    messagesField: 'transaction.messages',
    at,
    status: t.response?.http_code,
    intercepted: false,
    matches: (t.messages ?? []).map(m => ({
      id: m.details?.ruleId || null,
      msg: m.message || null,
      severity: m.details?.severity || null,
      tags: m.details?.tags ?? [],
      text: m.details?.match ?? '',
    })),
  };
}
