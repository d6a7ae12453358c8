import {
  ParsedSecurityEventsReport,
  SecurityEventType,
} from '@devops-growth/backstage-plugin-devops-node';
import { checkParsedReport } from '../ReportParserRegistry';
import { modsecurityParser } from './modsecurity';
import {
  parseCtimeAsUtc,
  parseHttpDate,
  parseModsecurityTime,
} from './modsecurityRecords';
import { chunks, fixture, parseBoth, parseError } from './testUtils';

const real = (name: string) => fixture(`real/modsecurity/${name}`);
const hostile = (name: string) => fixture(`hostile/modsecurity/${name}`);

async function parse(data: Buffer): Promise<ParsedSecurityEventsReport> {
  const report = (await parseBoth(
    modsecurityParser,
    data,
  )) as ParsedSecurityEventsReport;
  // What the backend checks before storing (control characters, types, severities).
  checkParsedReport(modsecurityParser, report);
  return report;
}

function countBy<T>(items: T[], key: (item: T) => string) {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

/** The ids of the records with rule messages, read from the file without the parser. */
function idsWithMessages(data: Buffer): string[] {
  return data
    .toString('utf8')
    .split('\n')
    .filter(l => l.trim())
    .map(l => JSON.parse(l))
    .filter(r => r.audit_data?.messages)
    .map(r => r.transaction.transaction_id);
}

/**
 * The attack rules of each transaction with messages, in the order of the requests sent by
 * scripts/fixtures/modsecurity.sh (the 949110/980130 verdicts left out, repeats once).
 */
const RULES: [SecurityEventType, string[]][] = [
  ['sql-injection', ['942100']],
  ['sql-injection', ['942100', '942190', '942270', '942360']],
  ['sql-injection', ['942100']],
  ['xss', ['941100', '941110', '941160', '941180']],
  ['xss', ['941100', '941120', '941160']],
  ['command-injection', ['930120', '932100', '932160']],
  ['command-injection', ['932105', '932130']],
  ['path-traversal', ['930100', '930110', '930120', '932160']],
  ['path-traversal', ['930100', '930110', '930120', '932160']],
  ['path-traversal', ['930130']],
  ['file-inclusion', ['931100', '931120']],
  ['code-injection', ['933100', '933130', '933160']],
  ['code-injection', ['933160']],
  ['scanner', ['913100']],
  ['scanner', ['913100']],
  ['protocol-violation', ['920350']],
  ['protocol-violation', ['911100']],
  ['protocol-violation', ['920420']],
  ['protocol-violation', ['921160', '921120']],
  ['xss', ['941100', '941110', '941160']],
  ['xss', ['941100', '941110', '941160']],
  ['sql-injection', ['942100', '942190', '942270', '942360']],
];

/** The events of the 36 requests of scripts/fixtures/modsecurity.sh, whichever server logged them. */
function expectTheRequestsEvents(report: ParsedSecurityEventsReport) {
  expect(report.records).toEqual({ read: 35, notEvents: 13, unauthorized: 4 });
  expect(report.events.map(e => [e.type, e.ruleIds])).toEqual(RULES);
}

describe('ModSecurity 2.9 JSON audit log, CRS 3.3.4 (real, SecRuleEngine On)', () => {
  const data = real('modsec-audit-on.jsonl');

  it('turns the 22 transactions with rule messages into events and counts the other 13', async () => {
    const report = await parse(data);
    expectTheRequestsEvents(report);
    expect(report.events.map(e => e.id)).toEqual(idsWithMessages(data));
    expect(countBy(report.events, e => e.type)).toEqual({
      'sql-injection': 4,
      xss: 4,
      'command-injection': 2,
      'path-traversal': 3,
      'file-inclusion': 1,
      'code-injection': 2,
      scanner: 2,
      'protocol-violation': 4,
    });
  });

  it('classifies from the rules that fired, not from the 949110/980130 verdicts', async () => {
    const report = await parse(data);
    expect(report.events.map(e => [e.type, e.ruleIds])).toEqual(RULES);
    for (const e of report.events) {
      expect(e.ruleIds).not.toContain('949110');
      expect(e.ruleIds).not.toContain('980130');
    }
  });

  it('reads blocked, severity, time, client, request and message', async () => {
    const { events } = await parse(data);
    // 21 intercepted with a 403; the numeric Host header (920350, a WARNING) passed.
    expect(events.filter(e => e.blocked)).toHaveLength(21);
    expect(countBy(events, e => e.severity)).toEqual({
      critical: 21,
      medium: 1,
    });
    const numericHost = events.find(e => e.ruleIds[0] === '920350')!;
    expect(numericHost).toMatchObject({ blocked: false, severity: 'medium' });
    expect(events[0]).toEqual({
      id: 'axADtZRiRHE5JFWeZjmlQAAAAAA',
      at: new Date('2026-12-02T11:40:37.372Z'),
      source: 'modsecurity',
      type: 'sql-injection',
      severity: 'critical',
      blocked: true,
      clientIp: '127.0.0.1',
      request: 'GET /search?q=1%27+OR+%271%27%3d%271%27+--+ HTTP/1.1',
      ruleIds: ['942100'],
      message: 'SQL Injection Attack Detected via libinjection',
    });
    // The winning class's first rule names the event: 930120 (OS file access) fired first.
    expect(events[5].message).toBe(
      'Remote Command Execution: Unix Command Injection',
    );
    // Raw UTF-8 in the request line, decoded whole in 7-byte chunks too.
    expect(events[19].request).toBe('POST /search HTTP/1.1');
    expect(events[20].request).toBe(
      "GET /search?q=<script>alert('\u2615')</script> HTTP/1.1",
    );
  });

  it('does not take fields from a parameter name copied into the rule text', async () => {
    const { events } = await parse(data);
    // The request named a parameter `"] [id "999999"] [msg "forged"] [tag "attack-xss"] [x "`.
    const forged = events[events.length - 1];
    expect(forged.request).toContain('%5Bid%20%22999999%22%5D');
    expect(forged.ruleIds).not.toContain('999999');
    expect(forged.type).toBe('sql-injection');
    expect(forged.message).toBe(
      'SQL Injection Attack Detected via libinjection',
    );
  });
});

describe('ModSecurity audit log in DetectionOnly mode (real)', () => {
  it('gives the same events, none blocked', async () => {
    const on = await parse(real('modsec-audit-on.jsonl'));
    const detect = await parse(real('modsec-audit-detection-only.jsonl'));
    expectTheRequestsEvents(detect);
    expect(detect.events.filter(e => e.blocked)).toHaveLength(0);
    expect(detect.events.map(e => e.request)).toEqual(
      on.events.map(e => e.request),
    );
  });
});

describe('ModSecurity audit log with part K (real)', () => {
  it('reads the messages, not the set-up rules of matched_rules', async () => {
    const data = real('modsec-audit-part-k.jsonl');
    expect(data.length).toBeGreaterThan(150_000); // about 55 KB of part K per transaction
    const report = await parse(data);
    expect(report.records).toEqual({ read: 3, notEvents: 2, unauthorized: 1 });
    expect(report.events).toHaveLength(1);
    expect(report.events[0]).toMatchObject({
      id: 'axADxLd1E_wVDQyVCmgm1gAAAAE',
      type: 'sql-injection',
      ruleIds: ['942100'],
      blocked: true,
    });
  });
});

describe('libmodsecurity 3 JSON audit log, nginx, CRS 3.3.4 (real)', () => {
  const data = real('modsec3-nginx-audit-on.jsonl');

  it('gives the events the Apache log gives for the same requests', async () => {
    const report = await parse(data);
    expectTheRequestsEvents(report);
    expect(report.events.filter(e => e.blocked)).toHaveLength(21);
    expect(countBy(report.events, e => e.severity)).toEqual({
      critical: 21,
      medium: 1,
    });
  });

  it('reads the unique id, the Date header, the client and the request', async () => {
    const { events } = await parse(data);
    expect(events[0]).toEqual({
      id: '179621268853.148738',
      // Date: Wed, 02 Dec 2026 11:58:08 GMT (time_stamp: Wed Dec  2 11:58:08 2026)
      at: new Date('2026-12-02T11:58:08Z'),
      source: 'modsecurity',
      type: 'sql-injection',
      severity: 'critical',
      blocked: true,
      clientIp: '127.0.0.1',
      request: 'GET /search?q=1%27+OR+%271%27%3d%271%27+--+ HTTP/1.1',
      ruleIds: ['942100'],
      message: 'SQL Injection Attack Detected via libinjection',
    });
    expect(events[20].request).toBe(
      "GET /search?q=<script>alert('\u2615')</script> HTTP/1.1",
    );
  });

  it("reads a ModSecurity 3.0.2 record (Elastic's test data): id, numeric severity", async () => {
    const report = await parse(
      real('elastic-libmodsecurity-3.0.2-nginx.jsonl'),
    );
    expect(report).toEqual({
      kind: 'security-events',
      records: { read: 1, notEvents: 0, unauthorized: 0 },
      events: [
        {
          id: '162100396753.595789',
          at: new Date('2021-05-14T14:52:47Z'),
          source: 'modsecurity',
          type: 'protocol-violation',
          severity: 'medium',
          blocked: false,
          clientIp: '67.43.156.14',
          request: 'GET /owa/ HTTP/1.1',
          ruleIds: ['920350'],
          message: 'Host header is a numeric IP address',
        },
      ],
    });
  });
});

describe('ModSecurity time', () => {
  it('reads day/month/year, microseconds and the offset', () => {
    expect(
      parseModsecurityTime('02/Dec/2026:06:36:40.199985 +0000')?.toISOString(),
    ).toBe('2026-12-02T06:36:40.199Z');
    expect(
      parseModsecurityTime('02/Dec/2026:07:36:40 +0100')?.toISOString(),
    ).toBe('2026-12-02T06:36:40.000Z');
    expect(
      parseModsecurityTime('01/Jan/2027:01:00:00.5 -0230')?.toISOString(),
    ).toBe('2027-01-01T03:30:00.500Z');
  });

  it('reads HTTP dates and ctime (as UTC)', () => {
    expect(parseHttpDate('Wed, 02 Dec 2026 11:58:06 GMT')?.toISOString()).toBe(
      '2026-12-02T11:58:06.000Z',
    );
    expect(parseHttpDate('Wed, 31 Nov 2026 11:58:06 GMT')).toBeUndefined();
    expect(parseHttpDate('Wednesday, 02-Dec-26 11:58:06 GMT')).toBeUndefined();
    expect(parseCtimeAsUtc('Wed Dec  2 11:58:06 2026')?.toISOString()).toBe(
      '2026-12-02T11:58:06.000Z',
    );
    expect(parseCtimeAsUtc('Wed Dec 12 11:58:06 2026')?.getUTCDate()).toBe(12);
    expect(parseCtimeAsUtc('Wed Dec  2 11:58:06')).toBeUndefined();
  });

  it.each([
    '2026-12-02T06:36:40Z',
    '31/Feb/2026:06:36:40.199985 +0000',
    '02/Dez/2026:06:36:40 +0000',
    '02/Dec/2026:24:00:00 +0000',
    '02/Dec/2026:06:36:40',
    '02/Dec/2026:06:36:40 +2500',
  ])('refuses %s', s => {
    expect(parseModsecurityTime(s)).toBeUndefined();
  });
});

describe('hostile and wrong ModSecurity logs', () => {
  const refusal = async (data: Buffer) =>
    (await parseError(modsecurityParser, data)).message;

  it('refuses a log cut in the middle of its last line, naming the line', async () => {
    expect(await refusal(hostile('truncated-last-line.jsonl'))).toMatch(
      /^ModSecurity audit log line 12: not a JSON value/,
    );
  });

  it('refuses coverage and test reports sent as modsecurity', async () => {
    expect(await refusal(fixture('real/jest-coverage-summary.json'))).toMatch(
      /^ModSecurity audit log line 1: not a JSON value/,
    );
    expect(await refusal(fixture('real/jest-lcov.info'))).toMatch(
      /^ModSecurity audit log line 1: not a JSON value/,
    );
    expect(await refusal(hostile('coverage-summary-one-line.json'))).toMatch(
      /^ModSecurity audit log line 1: not a ModSecurity JSON audit log record: transaction: /,
    );
  });

  it('refuses garbage and an empty body', async () => {
    expect(await refusal(fixture('hostile/binary-garbage.gz'))).toMatch(
      /line 1: not a JSON value/,
    );
    expect(await refusal(fixture('hostile/empty.txt'))).toMatch(
      /the report is empty/,
    );
    expect(await refusal(Buffer.from('\n\n  \n'))).toMatch(
      /the report is empty/,
    );
  });

  it('refuses a line over 4 MiB without reading on', async () => {
    let pulled = 0;
    async function* endless() {
      yield Buffer.from('{"transaction":{"time":"');
      const block = Buffer.alloc(64 * 1024, 'a');
      for (;;) {
        pulled += block.length;
        yield block;
      }
    }
    await expect(modsecurityParser.parse(endless())).rejects.toThrow(
      /^ModSecurity audit log line 1: the line is longer than 4 MB$/,
    );
    expect(pulled).toBeLessThanOrEqual((4 << 20) + 64 * 1024);
    const giant = Buffer.concat([
      real('modsec-audit-part-k.jsonl'),
      Buffer.from(`{"x":"${'a'.repeat(5 << 20)}"}\n`),
    ]);
    await expect(modsecurityParser.parse(chunks(giant))).rejects.toThrow(
      /^ModSecurity audit log line 4: the line is longer than 4 MB$/,
    );
  });

  it('refuses deep nesting', async () => {
    const deep = `{"transaction":{"time":"02/Dec/2026:06:36:40 +0000"},"x":${'['.repeat(
      100,
    )}${']'.repeat(100)}}\n`;
    expect(await refusal(Buffer.from(deep))).toMatch(
      /line 1: objects and arrays nested deeper than 32 levels/,
    );
  });

  it("refuses a time that is not ModSecurity's", async () => {
    expect(await refusal(hostile('bad-time.jsonl'))).toMatch(
      /^ModSecurity audit log line 2: transaction.time "2026-12-02T11:39:30Z" is not a ModSecurity time/,
    );
  });

  it('refuses control characters in stored texts, naming the field', async () => {
    expect(await refusal(hostile('control-char-request-line.jsonl'))).toMatch(
      /^ModSecurity audit log line 1: request.request_line contains the control character U\+0001$/,
    );
  });

  it('refuses messages that are not strings', async () => {
    expect(await refusal(hostile('messages-as-objects.jsonl'))).toMatch(
      /^ModSecurity audit log line 1: not a ModSecurity JSON audit log record: audit_data.messages.0: /,
    );
  });

  it('refuses a libmodsecurity 3 record without a Date header and with a time_stamp that is none', async () => {
    expect(await refusal(hostile('v3-bad-time-stamp.jsonl'))).toMatch(
      /^ModSecurity audit log line 1: transaction.time_stamp "2026-12-02 11:58:08" is not a libmodsecurity 3 time/,
    );
    expect(
      await refusal(
        Buffer.from(
          '{"transaction":{"client_ip":"127.0.0.1","time_stamp":"Wed Dec  2 11:58:06 2026","messages":"942100"}}\n',
        ),
      ),
    ).toMatch(
      /^ModSecurity audit log line 1: not a libmodsecurity 3 JSON audit log record: transaction.messages: /,
    );
  });
});
