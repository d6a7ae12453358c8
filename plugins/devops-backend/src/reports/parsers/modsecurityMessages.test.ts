import {
  classify,
  isVerdictRule,
  parseRuleMessage,
  ruleSeverity,
  ruleType,
} from './modsecurityMessages';

/** A message as ModSecurity 2.9 writes it (the fields after the rule's text). */
const msg = (text: string, fields: [string, string][]): string =>
  `${text}${fields.map(([k, v]) => ` [${k} "${v}"]`).join('')}`;

const sqli = msg('Warning. detected SQLi using libinjection.', [
  [
    'file',
    '/usr/share/modsecurity-crs/rules/REQUEST-942-APPLICATION-ATTACK-SQLI.conf',
  ],
  ['line', '66'],
  ['id', '942100'],
  ['msg', 'SQL Injection Attack Detected via libinjection'],
  ['data', 'Matched Data: s&sos found within ARGS:q: 1\\x22 OR 1=1'],
  ['severity', 'CRITICAL'],
  ['tag', 'application-multi'],
  ['tag', 'attack-sqli'],
]);
const verdict = msg(
  'Access denied with code 403 (phase 2). Operator GE matched 5 at TX:anomaly_score.',
  [
    [
      'file',
      '/usr/share/modsecurity-crs/rules/REQUEST-949-BLOCKING-EVALUATION.conf',
    ],
    ['id', '949110'],
    ['msg', 'Inbound Anomaly Score Exceeded (Total Score: 5)'],
    ['severity', 'CRITICAL'],
    ['tag', 'attack-generic'],
  ],
);
const correlation = msg(
  'Warning. Operator GE matched 5 at TX:inbound_anomaly_score.',
  [
    ['file', '/usr/share/modsecurity-crs/rules/RESPONSE-980-CORRELATION.conf'],
    ['id', '980130'],
    [
      'msg',
      'Inbound Anomaly Score Exceeded (Total Inbound Score: 5 - SQLI=5,XSS=0)',
    ],
    ['tag', 'event-correlation'],
  ],
);

describe('parseRuleMessage', () => {
  it('reads id, msg, severity and every tag', () => {
    expect(parseRuleMessage(sqli)).toEqual({
      id: '942100',
      msg: 'SQL Injection Attack Detected via libinjection',
      severity: 'CRITICAL',
      tags: ['application-multi', 'attack-sqli'],
      text: 'Warning. detected SQLi using libinjection.',
    });
  });

  it('unescapes \\" inside values', () => {
    const m = parseRuleMessage(
      msg('Warning.', [
        ['file', 'x.conf'],
        ['id', '1'],
        ['msg', 'Found \\"evil\\" in a \\\\ path'],
      ]),
    );
    expect(m.msg).toBe('Found "evil" in a \\ path');
  });

  it('reads the fields from the last [file] on: the rule text is not escaped', () => {
    const forged = `Warning. Pattern match "x" at ARGS:"] [id "999999"] [severity "NOTICE"] [tag "attack-xss"] [x ".${sqli.slice(
      sqli.indexOf(' [file'),
    )}`;
    const m = parseRuleMessage(forged);
    expect(m.id).toBe('942100');
    // A forged [file] field in the name comes before ModSecurity's own.
    const forgedFile = `Warning. Pattern match "x" at ARGS:"] [file "a.conf"] [id "999999"] [x ".${sqli.slice(
      sqli.indexOf(' [file'),
    )}`;
    expect(parseRuleMessage(forgedFile).id).toBe('942100');
    expect(m.severity).toBe('CRITICAL');
    expect(m.tags).toEqual(['application-multi', 'attack-sqli']);
  });

  it('reads a message without [file] from its first field, and one without fields', () => {
    expect(
      parseRuleMessage(
        'Warning. Something. [id "200002"] [msg "Failed to parse request body."]',
      ),
    ).toMatchObject({
      id: '200002',
      msg: 'Failed to parse request body.',
      text: 'Warning. Something.',
    });
    expect(parseRuleMessage('Audit log: something odd')).toEqual({
      id: null,
      msg: null,
      severity: null,
      tags: [],
      text: 'Audit log: something odd',
    });
  });
});

describe('rule classes and severities', () => {
  const rule = (id: string | null, tags: string[] = []) => ({
    id,
    msg: null,
    severity: null,
    tags,
    text: '',
  });

  it.each([
    ['913100', 'scanner'],
    ['911100', 'protocol-violation'],
    ['920350', 'protocol-violation'],
    ['921120', 'protocol-violation'],
    ['930120', 'path-traversal'],
    ['931100', 'file-inclusion'],
    ['932160', 'command-injection'],
    ['933160', 'code-injection'],
    ['934100', 'code-injection'],
    ['941100', 'xss'],
    ['942100', 'sql-injection'],
    ['944150', 'code-injection'],
    ['943100', 'other'],
    ['200002', 'protocol-violation'],
    ['1234', 'other'],
  ])('CRS id %s is %s', (id, type) => {
    expect(ruleType(rule(id))).toBe(type);
  });

  it('prefers the attack tag to the id (custom rules)', () => {
    expect(ruleType(rule('10001', ['custom', 'attack-sqli']))).toBe(
      'sql-injection',
    );
    expect(ruleType(rule('10002', ['ATTACK-XSS']))).toBe('xss');
    expect(ruleType(rule(null, ['attack-rfi']))).toBe('file-inclusion');
  });

  it('maps severity words and digits', () => {
    expect(
      [
        'EMERGENCY',
        'ALERT',
        'CRITICAL',
        'ERROR',
        'WARNING',
        'NOTICE',
        'INFO',
        'DEBUG',
      ].map(ruleSeverity),
    ).toEqual([
      'critical',
      'critical',
      'critical',
      'high',
      'medium',
      'low',
      'low',
      'low',
    ]);
    expect(['0', '2', '3', '4', '5', '7'].map(ruleSeverity)).toEqual([
      'critical',
      'critical',
      'high',
      'medium',
      'low',
      'low',
    ]);
    expect(ruleSeverity('SEVERE')).toBeUndefined();
    expect(ruleSeverity(null)).toBeUndefined();
  });

  it('knows the verdict rules', () => {
    expect(['949110', '959100', '980130', '980140'].every(isVerdictRule)).toBe(
      true,
    );
    expect(['942100', '9491100', null].some(isVerdictRule)).toBe(false);
  });
});

describe('classify', () => {
  const m = (
    id: string,
    severity: string | null,
    tags: string[] = [],
    message?: string,
  ) => ({
    id,
    msg: message ?? `rule ${id}`,
    severity,
    tags,
    text: '',
  });

  it('leaves the verdicts out of the type, severity and rule ids', () => {
    expect(
      classify([sqli, verdict, correlation].map(parseRuleMessage)),
    ).toEqual({
      type: 'sql-injection',
      severity: 'critical',
      ruleIds: ['942100'],
      message: 'SQL Injection Attack Detected via libinjection',
    });
  });

  it('gives the class with the highest CRS score, the first on a tie', () => {
    // 930120 (LFI, 5) fires before 932100 and 932160 (RCE, 10).
    expect(
      classify([
        m('930120', 'CRITICAL'),
        m('932100', 'CRITICAL'),
        m('932160', 'CRITICAL'),
      ]),
    ).toMatchObject({ type: 'command-injection', message: 'rule 932100' });
    // Tie: scanner first.
    expect(
      classify([m('913100', 'CRITICAL'), m('942100', 'CRITICAL')])?.type,
    ).toBe('scanner');
    // A warning does not outweigh a critical rule.
    expect(
      classify([m('920350', 'WARNING'), m('941100', 'CRITICAL')]),
    ).toMatchObject({
      type: 'xss',
      severity: 'critical',
    });
  });

  it('takes the highest severity, medium when no rule names one', () => {
    expect(
      classify([m('920350', 'WARNING'), m('920300', 'NOTICE')])?.severity,
    ).toBe('medium');
    expect(classify([m('920350', null)])?.severity).toBe('medium');
    expect(
      classify([m('920470', 'ERROR'), m('920350', 'WARNING')])?.severity,
    ).toBe('high');
  });

  it('keeps each rule id once, in firing order', () => {
    expect(
      classify([
        m('930100', 'CRITICAL'),
        m('930110', 'CRITICAL'),
        m('930100', 'CRITICAL'),
      ])?.ruleIds,
    ).toEqual(['930100', '930110']);
  });

  it('types a transaction with only verdicts as other, rated by them', () => {
    expect(classify([verdict, correlation].map(parseRuleMessage))).toEqual({
      type: 'other',
      severity: 'critical',
      ruleIds: [],
      message: 'Inbound Anomaly Score Exceeded (Total Score: 5)',
    });
    expect(classify([])).toBeUndefined();
  });
});
