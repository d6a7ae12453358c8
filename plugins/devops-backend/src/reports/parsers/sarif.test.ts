import {
  ParsedFinding,
  ParsedFindingsReport,
} from '@devops-growth/backstage-plugin-devops-node';
import { checkParsedReport } from '../ReportParserRegistry';
import { sarifParser } from './sarif';
import { chunks, fixture, parseBoth, parseError } from './testUtils';

async function sarif(data: Buffer | string): Promise<ParsedFindingsReport> {
  const report = await parseBoth(
    sarifParser,
    typeof data === 'string' ? Buffer.from(data) : data,
  );
  expect(report.kind).toBe('findings');
  checkParsedReport(sarifParser, report);
  return report as ParsedFindingsReport;
}

function countBy<T>(items: T[], key: (item: T) => string) {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

/** A one-run SARIF log around `run`. */
function log(run: object, extra: object = {}): string {
  return JSON.stringify({ version: '2.1.0', runs: [run], ...extra });
}

// Expected figures come from each tool's own printed summary (see __fixtures__/README.md).
describe('SARIF on real reports', () => {
  it('ESLint 10 + eslint-plugin-security: the 6 warnings are findings, the parse error a tool error, the suppressed one left out', async () => {
    const report = await sarif(
      fixture('real/sarif/eslint-security-project.sarif'),
    );
    expect(report.runs).toHaveLength(1);
    const [run] = report.runs;
    expect(run.tool).toEqual({ name: 'ESLint', version: '10.16.0' });
    expect(run.category).toBe('');
    // ESLint printed: 7 problems (1 error, 6 warnings); the error is the parsing error.
    expect(run.toolErrors).toEqual([
      '/tmp/h1eslint/proj/src/broken.js:4: Parsing error: Unexpected token ;',
    ]);
    expect(
      run.findings.map(f => [f.ruleId, f.location?.line, f.severity]),
    ).toEqual([
      ['security/detect-non-literal-fs-filename', 9, 'medium'],
      ['security/detect-child-process', 13, 'medium'],
      ['security/detect-non-literal-regexp', 19, 'medium'],
      ['security/detect-unsafe-regex', 22, 'medium'],
      ['security/detect-eval-with-expression', 25, 'medium'],
      ['security/detect-possible-timing-attacks', 35, 'medium'],
    ]);
    const evalFinding = run.findings[4];
    expect(evalFinding).toEqual({
      ruleId: 'security/detect-eval-with-expression',
      title:
        'Detects "eval(variable)" which can allow an attacker to run arbitrary code inside your process.',
      message: 'eval with argument of type Identifier',
      category: 'code',
      severity: 'medium',
      toolSeverity: 'warning',
      location: { path: '/tmp/h1eslint/proj/src/files.js', line: 25 },
      helpUri:
        'https://github.com/eslint-community/eslint-plugin-security/blob/main/docs/rules/detect-eval-with-expression.md',
    });
  });

  it('ESLint on the demo service: its one object-injection warning', async () => {
    const report = await sarif(
      fixture('real/sarif/eslint-security-demo-service.sarif'),
    );
    expect(report.runs[0].findings).toEqual([
      expect.objectContaining({
        ruleId: 'security/detect-object-injection',
        location: { path: '/tmp/h1eslint/demo/src/pricing.js', line: 38 },
      }),
    ]);
  });

  it('Flawfinder 2.0.19: 13 hits at level 0+, levels mapped, snippets and relative paths kept', async () => {
    const report = await sarif(fixture('real/sarif/flawfinder-login-c.sarif'));
    const [run] = report.runs;
    expect(run.tool).toEqual({ name: 'Flawfinder', version: '2.0.19' });
    // Flawfinder printed Hits@level+ = [0+] 13 (Hits = 12 at its default minimum level 1).
    expect(run.findings).toHaveLength(13);
    // 5 error (high), 2 warning (medium), 6 note (low) in the file.
    expect(countBy(run.findings, f => f.severity)).toEqual({
      high: 5,
      medium: 2,
      low: 6,
    });
    const strcpy = run.findings.find(f => f.ruleId === 'FF1001')!;
    expect(strcpy).toMatchObject({
      location: { path: 'src/login.c', line: 11 },
      snippet: '    strcpy(name, user);',
      category: 'code',
      toolSeverity: 'error',
      helpUri: 'https://cwe.mitre.org/data/definitions/120.html',
    });
    expect(strcpy.title).toMatch(/^Does not check for buffer overflows/);
    expect(run.findings.every(f => f.partialFingerprints === undefined)).toBe(
      true,
    );
  });

  it("Trivy's SARIF: package vulnerabilities with Trivy's severity tags, no dummy line", async () => {
    const report = await sarif(fixture('real/sarif/trivy-alpine-310.sarif'));
    const [run] = report.runs;
    expect(run.tool).toEqual({ name: 'Trivy', version: 'dev' });
    // 4 CVEs (3 MEDIUM, 1 LOW in the rules' tags) on libcrypto1.1 and libssl1.1.
    expect(run.findings).toHaveLength(8);
    expect(countBy(run.findings, f => f.severity)).toEqual({
      medium: 6,
      low: 2,
    });
    expect(run.findings.every(f => f.category === 'dependency')).toBe(true);
    expect(run.findings[6]).toEqual({
      ruleId: 'CVE-2019-1563',
      title: 'CVE-2019-1563',
      message:
        'Package: libssl1.1\nInstalled Version: 1.1.1c-r0\nVulnerability CVE-2019-1563\nSeverity: MEDIUM\nFixed Version: 1.1.1d-r0\nLink: [CVE-2019-1563](https://avd.aquasec.com/nvd/cve-2019-1563)',
      category: 'dependency',
      severity: 'medium',
      toolSeverity: 'MEDIUM',
      location: {
        path: 'testdata/fixtures/images/alpine-310.tar.gz',
        line: null,
      },
      helpUri: 'https://avd.aquasec.com/nvd/cve-2019-1563',
      advisory: {
        id: 'CVE-2019-1563',
        url: 'https://avd.aquasec.com/nvd/cve-2019-1563',
        cvssScore: null,
      },
      package: {
        name: 'libssl1.1',
        version: '1.1.1c-r0',
        fixedVersion: '1.1.1d-r0',
      },
    });
  });
});

describe('SARIF mapping rules', () => {
  const rule = (id: string, extra: object = {}) => ({
    id,
    shortDescription: { text: `${id} title` },
    ...extra,
  });

  it('resolves rules written after the results, in extensions, by index or id', async () => {
    const report = await sarif(
      JSON.stringify({
        runs: [
          {
            results: [
              {
                ruleId: 'js/sql-injection',
                rule: { index: 0, toolComponent: { index: 0 } },
                message: { text: 'query built from user input' },
              },
              { ruleId: 'js/unused', ruleIndex: 0, message: { text: 'x' } },
              { ruleId: 'js/xss', message: { text: 'y' } },
            ],
            tool: {
              extensions: [
                {
                  name: 'codeql/javascript-queries',
                  rules: [
                    rule('js/sql-injection', {
                      properties: { 'security-severity': '8.8' },
                    }),
                    rule('js/xss', {
                      properties: { 'security-severity': 6.1 },
                    }),
                  ],
                },
              ],
              driver: {
                name: 'CodeQL',
                semanticVersion: '2.20.1',
                rules: [rule('js/unused')],
              },
            },
            automationDetails: { id: 'codeql/javascript/2026-12-02' },
          },
        ],
        version: '2.1.0',
      }),
    );
    const [run] = report.runs;
    expect(run.tool).toEqual({ name: 'CodeQL', version: '2.20.1' });
    expect(run.category).toBe('codeql/javascript');
    expect(
      run.findings.map(f => [f.ruleId, f.title, f.severity, f.toolSeverity]),
    ).toEqual([
      ['js/sql-injection', 'js/sql-injection title', 'high', '8.8'],
      ['js/unused', 'js/unused title', 'medium', 'warning'],
      ['js/xss', 'js/xss title', 'medium', '6.1'],
    ]);
  });

  it('takes the category from automationDetails.id as GitHub does', async () => {
    const cat = async (id: string) =>
      (
        await sarif(
          log({
            tool: { driver: { name: 't' } },
            results: [],
            automationDetails: { id },
          }),
        )
      ).runs[0].category;
    expect(await cat('my-category/run-42')).toBe('my-category');
    expect(await cat('no-slash')).toBe('no-slash');
    expect(await cat('ends-with/')).toBe('ends-with');
  });

  it('keeps runs of several tools apart and reads level defaults', async () => {
    const report = await sarif(
      JSON.stringify({
        version: '2.1.0',
        runs: [
          {
            tool: {
              driver: {
                name: 'A',
                rules: [
                  rule('a1', { defaultConfiguration: { level: 'error' } }),
                ],
              },
            },
            results: [
              { ruleId: 'a1', message: { text: 'rule default' } },
              { ruleId: 'a2', message: { text: 'no level: warning' } },
              { ruleId: 'a3', level: 'note', message: { text: 'note' } },
            ],
          },
          { tool: { driver: { name: 'B', version: '1' } }, results: [] },
        ],
      }),
    );
    expect(report.runs.map(r => [r.tool.name, r.findings.length])).toEqual([
      ['A', 3],
      ['B', 0],
    ]);
    expect(report.runs[0].findings.map(f => f.severity)).toEqual([
      'high',
      'medium',
      'low',
    ]);
  });

  it('leaves out accepted suppressions and passing results, keeps rejected suppressions', async () => {
    const result = (id: string, extra: object) => ({
      ruleId: id,
      message: { text: id },
      ...extra,
    });
    const report = await sarif(
      log({
        tool: { driver: { name: 't' } },
        results: [
          result('in-source', { suppressions: [{ kind: 'inSource' }] }),
          result('accepted', {
            suppressions: [{ kind: 'external', status: 'accepted' }],
          }),
          result('under-review', {
            suppressions: [{ kind: 'external', status: 'underReview' }],
          }),
          result('rejected', {
            suppressions: [{ kind: 'external', status: 'rejected' }],
          }),
          result('empty', { suppressions: [] }),
          result('pass', { kind: 'pass' }),
          result('fail', { kind: 'fail', baselineState: 'unchanged' }),
        ],
      }),
    );
    expect(report.runs[0].findings.map(f => f.ruleId)).toEqual([
      'under-review',
      'rejected',
      'empty',
      'fail',
    ]);
  });

  it('reads locations, message templates, fingerprints, secrets and tool failures', async () => {
    const report = await sarif(
      log({
        tool: {
          driver: {
            name: 'gitleaks',
            rules: [
              rule('generic-api-key', {
                messageStrings: { default: { text: '{0} found in {1}' } },
                helpUri: 'Please see details in message',
              }),
            ],
          },
        },
        originalUriBaseIds: { SRC: { uri: 'file:///home/ci/repo/' } },
        artifacts: [{ location: { uri: 'file:///home/ci/repo/src/a%20b.ts' } }],
        results: [
          {
            ruleId: 'generic-api-key',
            message: { id: 'default', arguments: ['An API key', 'config'] },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { index: 0 },
                  region: {
                    startLine: 3,
                    snippet: { text: 'key = "***"\r\nnext line' },
                  },
                },
              },
            ],
            partialFingerprints: { primaryLocationLineHash: 'abc:1' },
          },
        ],
        invocations: [
          {
            executionSuccessful: false,
            toolExecutionNotifications: [
              { level: 'warning', message: { text: 'slow' } },
            ],
          },
        ],
      }),
    );
    const [run] = report.runs;
    expect(run.findings).toEqual([
      {
        ruleId: 'generic-api-key',
        title: 'generic-api-key title',
        message: 'An API key found in config',
        category: 'secret',
        severity: 'medium',
        toolSeverity: 'warning',
        location: { path: 'src/a b.ts', line: 3 },
        snippet: 'key = "***"\nnext line',
        partialFingerprints: { primaryLocationLineHash: 'abc:1' },
        helpUri: null,
      },
    ]);
    expect(run.toolErrors).toEqual([
      'the tool reports that its run did not complete (executionSuccessful: false)',
    ]);
  });

  it('bounds long texts and says when a run has no results array', async () => {
    const report = await sarif(
      log({
        tool: { driver: { name: 't' } },
      }),
    );
    expect(report.runs[0].toolErrors).toEqual([
      'the run has no "results" array (SARIF: the tool did not compute results)',
    ]);
    const long = await sarif(
      log({
        tool: { driver: { name: 't' } },
        results: [
          {
            ruleId: 'r',
            message: { text: 'm'.repeat(20_000) },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: 'x.js' },
                  region: { snippet: { text: 's'.repeat(5_000) } },
                },
              },
            ],
          },
        ],
      }),
    );
    const f: ParsedFinding = long.runs[0].findings[0];
    expect(f.message).toHaveLength(4000);
    expect(f.snippet).toHaveLength(2000);
    expect(f.title).toHaveLength(500);
  });
});

describe('SARIF refusals', () => {
  it.each([
    [
      'hostile/sarif/truncated-eslint.sarif',
      /^SARIF line 63: unexpected end of JSON inside a string/,
    ],
    [
      'hostile/sarif/sarif-1.0.0.sarif',
      /^SARIF line 3: SARIF version 1\.0\.0 is not supported \(2\.1\.0 expected\)/,
    ],
    [
      'real/jest-coverage-summary.json',
      /^SARIF: not a SARIF log \(no "version", no "runs"\)/,
    ],
    [
      'hostile/sarif/flawfinder-nul-in-message.sarif',
      /^SARIF line 395: run 1, result 3: its message holds the control character U\+0000/,
    ],
    ['hostile/sarif/deep-nesting.sarif', /JSON nested deeper than 256/],
    ['hostile/empty.txt', /the report is empty/],
  ])('%s', async (file, message) => {
    const error = await parseError(sarifParser, fixture(file));
    expect(error.message).toMatch(message);
  });

  it.each([
    ['an array', '[]', /the document must be an object/],
    [
      'runs as an object',
      '{"version":"2.1.0","runs":{}}',
      /"runs" must be an array/,
    ],
    [
      'a run without a tool name',
      log({ tool: { driver: {} }, results: [] }),
      /run 1 has no "tool.driver.name"/,
    ],
    [
      'a result without rule id',
      log({
        tool: { driver: { name: 't' } },
        results: [{ message: { text: 'm' } }],
      }),
      /run 1, result 1 names no rule/,
    ],
    [
      'an unknown level',
      log({
        tool: { driver: { name: 't' } },
        results: [{ ruleId: 'r', level: 'fatal', message: { text: 'm' } }],
      }),
      /has the level "fatal" \(none, note, warning or error expected\)/,
    ],
    [
      'a tab-free ESC in a rule title',
      log({
        tool: {
          driver: {
            name: 't',
            rules: [{ id: 'r', shortDescription: { text: 'a\u001b[31m' } }],
          },
        },
        results: [{ ruleId: 'r', message: { text: 'm' } }],
      }),
      /its title holds the control character U\+001B/,
    ],
  ])('%s', async (_what, body, message) => {
    const error = await parseError(sarifParser, Buffer.from(body));
    expect(error.message).toMatch(message);
  });

  it('refuses a string longer than the tokenizer holds across chunks, with its line', async () => {
    const body = Buffer.from(
      log({
        tool: { driver: { name: 't' } },
        results: [{ ruleId: 'r', message: { text: 'x'.repeat(3_000_000) } }],
      }),
    );
    await expect(sarifParser.parse(chunks(body, 65536))).rejects.toThrow(
      /^SARIF line 1: JSON token longer than 1048576 characters$/,
    );
  });
});
