import {
  ParsedSecurityEventsReport,
  SECURITY_EVENT_TYPES,
} from '@devops-growth/backstage-plugin-devops-node';
import { checkParsedReport } from '../ReportParserRegistry';
import { parseIsoTime, securityEventsParser } from './securityEvents';
import { chunks, fixture, parseBoth, parseError } from './testUtils';

const lines = (...events: object[]) =>
  Buffer.from(events.map(e => `${JSON.stringify(e)}\n`).join(''));

const minimal = {
  time: '2026-12-02T06:36:40Z',
  type: 'scanner',
  severity: 'low',
  source: 'suricata',
};

async function parse(data: Buffer): Promise<ParsedSecurityEventsReport> {
  const report = (await parseBoth(
    securityEventsParser,
    data,
  )) as ParsedSecurityEventsReport;
  checkParsedReport(securityEventsParser, report);
  return report;
}

const refusal = async (data: Buffer) =>
  (await parseError(securityEventsParser, data)).message;

const hostile = (name: string) => fixture(`hostile/security-events/${name}`);

describe('devops-security-events', () => {
  it('reads every field of an event, defaults for the optional ones', async () => {
    const report = await parse(
      lines(
        {
          time: '2026-12-02T07:36:40.250+01:00',
          type: 'sql-injection',
          severity: 'high',
          source: 'suricata',
          id: 'flow-1234',
          clientIp: '2001:db8::7',
          request: 'GET /search?q=1%27%20OR%201=1',
          ruleIds: ['2006445', '2006446', '2006445'],
          message: 'ET WEB_SERVER Possible SQL Injection Attempt',
          blocked: true,
          environment: 'production',
        },
        minimal,
      ),
    );
    expect(report).toEqual({
      kind: 'security-events',
      events: [
        {
          id: 'flow-1234',
          at: new Date('2026-12-02T06:36:40.250Z'),
          source: 'suricata',
          type: 'sql-injection',
          severity: 'high',
          blocked: true,
          clientIp: '2001:db8::7',
          request: 'GET /search?q=1%27%20OR%201=1',
          ruleIds: ['2006445', '2006446'],
          message: 'ET WEB_SERVER Possible SQL Injection Attempt',
          environment: 'production',
        },
        {
          id: null,
          at: new Date('2026-12-02T06:36:40Z'),
          source: 'suricata',
          type: 'scanner',
          severity: 'low',
          blocked: false,
          clientIp: null,
          request: null,
          ruleIds: [],
          message: '',
        },
      ],
    });
  });

  it('reads the example of the manual', async () => {
    const example = Buffer.from(
      [
        '{"time":"2026-12-02T06:36:40Z","type":"sql-injection","severity":"high","source":"suricata","clientIp":"203.0.113.9","request":"GET /search?q=1%27%20OR%201=1","ruleIds":["2006445"],"message":"ET WEB_SERVER Possible SQL Injection Attempt","blocked":false,"environment":"production"}',
        '{"time":"2026-12-02T07:40:00+01:00","type":"auth-failure","severity":"medium","source":"fail2ban","clientIp":"198.51.100.23","message":"sshd: 12 failed logins in 60 s","blocked":true}',
        '',
      ].join('\n'),
    );
    const { events } = await parse(example);
    expect(events.map(e => [e.type, e.at.toISOString(), e.blocked])).toEqual([
      ['sql-injection', '2026-12-02T06:36:40.000Z', false],
      ['auth-failure', '2026-12-02T06:40:00.000Z', true],
    ]);
  });

  it('reads CRLF line ends, blank lines, a byte order mark and multi-byte text cut across chunks', async () => {
    const text = `\ufeff${JSON.stringify({
      ...minimal,
      message: 'Tentative d’injection — café ☕ 🚨',
    })}\r\n\r\n${JSON.stringify(minimal)}`;
    const data = Buffer.from(text, 'utf8');
    const report = await parse(data);
    expect(report.events.map(e => e.message)).toEqual([
      'Tentative d’injection — café ☕ 🚨',
      '',
    ]);
    // Cut at every byte too.
    expect(await securityEventsParser.parse(chunks(data, 1))).toEqual(report);
  });

  it('reads each of the event types', async () => {
    const types = [...SECURITY_EVENT_TYPES];
    const report = await parse(
      lines(...types.map(type => ({ ...minimal, type }))),
    );
    expect(report.events.map(e => e.type)).toEqual(types);
  });
});

describe('refused devops-security-events reports', () => {
  it('names the line and the field', async () => {
    expect(await refusal(hostile('local-time.jsonl'))).toMatch(
      /^DevOps security events line 2: time: not an ISO 8601 date and time with its time zone/,
    );
    expect(await refusal(hostile('bad-type.jsonl'))).toMatch(
      /^DevOps security events line 3: type: /,
    );
    expect(await refusal(hostile('unknown-key.jsonl'))).toMatch(
      /^DevOps security events line 2: the event: .*client_ip/,
    );
    expect(await refusal(hostile('long-request.jsonl'))).toMatch(
      /^DevOps security events line 1: request: longer than 2000 characters$/,
    );
    expect(await refusal(hostile('nul-in-message.jsonl'))).toMatch(
      /^DevOps security events line 1: message: contains the control character U\+0000$/,
    );
  });

  it.each([
    [{ ...minimal, time: '2026-02-30T06:36:40Z' }, /time: not an ISO 8601/],
    [{ ...minimal, time: '2026-12-02T25:00:00Z' }, /time: not an ISO 8601/],
    [
      { ...minimal, time: 1764657400 },
      /^DevOps security events line 1: time: /,
    ],
    [{ ...minimal, severity: 'urgent' }, /line 1: severity: /],
    [{ ...minimal, source: '' }, /line 1: source: empty text/],
    [{ ...minimal, source: undefined }, /line 1: source: /],
    [
      { ...minimal, clientIp: '10.0.0.300' },
      /clientIp: not an IPv4 or IPv6 address/,
    ],
    [
      { ...minimal, ruleIds: Array(51).fill('1') },
      /ruleIds: more than 50 rule ids/,
    ],
    [{ ...minimal, ruleIds: ['1', 2] }, /ruleIds.1: /],
    [{ ...minimal, blocked: 'yes' }, /blocked: /],
    [
      { ...minimal, message: 'a\u001bb' },
      /message: contains the control character U\+001B/,
    ],
  ])('refuses %j', async (event, message) => {
    expect(await refusal(lines(event))).toMatch(message);
  });

  it('refuses what is not one event object per line', async () => {
    expect(await refusal(hostile('array-line.jsonl'))).toMatch(
      /^DevOps security events line 1: a JSON object per line expected .*not an array$/,
    );
    expect(await refusal(hostile('events-document.json'))).toMatch(
      /^DevOps security events line 1: not a JSON value/,
    );
    expect(await refusal(hostile('truncated.jsonl'))).toMatch(
      /^DevOps security events line 2: not a JSON value .*\(the last line has no line end: is the report cut short\?\)$/,
    );
    // Shorter than a byte order mark.
    expect(await refusal(Buffer.from('[]'))).toMatch(
      /^DevOps security events line 1: a JSON object per line expected/,
    );
    expect(await refusal(Buffer.from('1\n2'))).toMatch(
      /^DevOps security events line 1: a JSON object per line expected .*not 1$/,
    );
    expect(await refusal(fixture('real/jest-coverage-summary.json'))).toMatch(
      /^DevOps security events line 1: not a JSON value/,
    );
    expect(await refusal(fixture('hostile/binary-garbage.gz'))).toMatch(
      /line 1: not a JSON value/,
    );
    expect(await refusal(fixture('hostile/empty.txt'))).toMatch(
      /the report is empty/,
    );
  });

  it('refuses a line over 64 KiB and deep nesting', async () => {
    expect(
      await refusal(
        lines(minimal, { ...minimal, message: 'a'.repeat(70_000) }),
      ),
    ).toMatch(/^DevOps security events line 2: the line is longer than 64 kB$/);
    expect(
      await refusal(
        Buffer.from(`{"ruleIds":${'['.repeat(10)}${']'.repeat(10)}}\n`),
      ),
    ).toMatch(/line 1: objects and arrays nested deeper than 4 levels/);
  });
});

describe('parseIsoTime', () => {
  it('needs a time zone', () => {
    expect(parseIsoTime('2026-12-02T06:36:40Z')?.toISOString()).toBe(
      '2026-12-02T06:36:40.000Z',
    );
    expect(parseIsoTime('2026-12-02T06:36+05:30')?.toISOString()).toBe(
      '2026-12-02T01:06:00.000Z',
    );
    expect(parseIsoTime('2026-12-02T06:36:40')).toBeUndefined();
    expect(parseIsoTime('2026-12-02')).toBeUndefined();
    expect(parseIsoTime('Wed, 02 Dec 2026 06:36:40 GMT')).toBeUndefined();
  });
});
