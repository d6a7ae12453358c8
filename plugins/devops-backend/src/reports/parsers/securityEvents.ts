import { isIP } from 'node:net';
import {
  ParsedSecurityEvent,
  ParsedSecurityEventsReport,
  ReportParser,
  SECURITY_EVENT_TYPES,
  describeByteSize,
} from '@devops-growth/backstage-plugin-devops-node';
import { z } from 'zod';
import { excerpt, reportError } from './common';
import { controlProblem, describeZodIssue, readEventLines } from './jsonLines';

const LABEL = 'DevOps security events';
/** One event per line, each line at most this long. */
const MAX_LINE_BYTES = 64 * 1024;
/** An event nests two levels (the object, `ruleIds`). */
const MAX_DEPTH = 4;

const ISO_TIME_RE =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/i;

/**
 * An ISO 8601 date and time with its time zone (`2026-12-02T06:36:40Z`,
 * `2026-12-02T07:36:40.5+01:00`); undefined for anything else, a time without a zone included
 * (it would be read in the server's zone).
 */
export function parseIsoTime(s: string): Date | undefined {
  const m = ISO_TIME_RE.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, sec, oh, om] = m;
  if (
    Number(mo) < 1 ||
    Number(mo) > 12 ||
    Number(h) > 23 ||
    Number(mi) > 59 ||
    Number(sec ?? 0) > 59 ||
    Number(oh ?? 0) > 14 ||
    Number(om ?? 0) > 59
  ) {
    return undefined;
  }
  const day = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (day.getUTCDate() !== Number(d)) return undefined; // 2026-02-30
  const at = new Date(s);
  return Number.isNaN(at.getTime()) ? undefined : at;
}

const text = (max: number) =>
  z
    .string()
    .min(1, 'empty text')
    .max(max, `longer than ${max} characters`)
    .superRefine((s, ctx) => {
      const problem = controlProblem(s);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });

/**
 * One line of the `devops-security-events` format. Unknown keys are refused, so that a
 * misspelt optional field (`client_ip`) fails the upload instead of vanishing.
 */
export const securityEventLineSchema = z
  .object({
    time: z.string().refine(s => parseIsoTime(s) !== undefined, {
      message:
        'not an ISO 8601 date and time with its time zone (like 2026-12-02T06:36:40Z)',
    }),
    type: z.enum(SECURITY_EVENT_TYPES),
    severity: z.enum(['critical', 'high', 'medium', 'low']),
    source: text(100),
    id: text(200).optional(),
    clientIp: z
      .string()
      .refine(s => isIP(s) !== 0, { message: 'not an IPv4 or IPv6 address' })
      .optional(),
    request: text(2000).optional(),
    ruleIds: z.array(text(200)).max(50, 'more than 50 rule ids').optional(),
    message: text(4000).optional(),
    blocked: z.boolean().optional(),
    environment: text(100).optional(),
  })
  .strict();

/**
 * The DevOps security event format (`devops-security-events`): JSON lines, one event per line,
 * for IDSs, application logs and anything else that is not a ModSecurity audit log. Each line is
 * validated by `securityEventLineSchema`; the first bad line fails the report with its number
 * and field, and nothing is stored.
 */
export class SecurityEventsParser implements ReportParser {
  readonly format = 'devops-security-events';
  readonly kind = 'security-events' as const;

  async parse(
    input: AsyncIterable<Buffer>,
  ): Promise<ParsedSecurityEventsReport> {
    const events = await readEventLines(
      input,
      LABEL,
      { maxLineBytes: MAX_LINE_BYTES, maxDepth: MAX_DEPTH },
      readEvent,
    );
    return { kind: 'security-events', events };
  }
}

function readEvent(value: unknown, line: number): ParsedSecurityEvent {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw reportError(
      LABEL,
      line,
      `a JSON object per line expected (one event per line, lines of at most ${describeByteSize(
        MAX_LINE_BYTES,
      )}), not ${
        Array.isArray(value) ? 'an array' : excerpt(JSON.stringify(value))
      }`,
    );
  }
  const parsed = securityEventLineSchema.safeParse(value);
  if (!parsed.success) {
    throw reportError(LABEL, line, describeZodIssue(parsed.error, 'the event'));
  }
  const e = parsed.data;
  const event: ParsedSecurityEvent = {
    id: e.id ?? null,
    at: parseIsoTime(e.time)!,
    source: e.source,
    type: e.type,
    severity: e.severity,
    blocked: e.blocked ?? false,
    clientIp: e.clientIp ?? null,
    request: e.request ?? null,
    ruleIds: [...new Set(e.ruleIds ?? [])],
    message: e.message ?? '',
  };
  if (e.environment !== undefined) event.environment = e.environment;
  return event;
}

/** The `devops-security-events` report parser. */
export const securityEventsParser = new SecurityEventsParser();
