import { ParsedFindingsReport } from '@devops-growth/backstage-plugin-devops-node';
import { checkParsedReport } from '../ReportParserRegistry';
import { trivyParser } from './trivy';
import { fixture, parseBoth, parseError } from './testUtils';

async function trivy(data: Buffer | string): Promise<ParsedFindingsReport> {
  const report = (await parseBoth(
    trivyParser,
    typeof data === 'string' ? Buffer.from(data) : data,
  )) as ParsedFindingsReport;
  checkParsedReport(trivyParser, report);
  return report;
}

function countBy<T>(items: T[], key: (item: T) => string) {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

// Expected figures come from the reports' own content (see __fixtures__/README.md).
describe('Trivy JSON on real reports', () => {
  it("Trivy's alpine-310 golden file: one finding per (CVE, package), CVSS from nvd", async () => {
    const report = await trivy(fixture('real/trivy/alpine-310.json'));
    expect(report.runs).toHaveLength(1);
    const [run] = report.runs;
    expect(run.tool).toEqual({ name: 'Trivy', version: null });
    expect(run.category).toBe('container_image');
    expect(run.toolErrors).toEqual([]);
    // Two CVEs, each on libcrypto1.1 and libssl1.1, all MEDIUM.
    expect(
      run.findings.map(f => [f.ruleId, f.package!.name, f.severity]),
    ).toEqual([
      ['CVE-2019-1549', 'libcrypto1.1', 'medium'],
      ['CVE-2019-1551', 'libcrypto1.1', 'medium'],
      ['CVE-2019-1549', 'libssl1.1', 'medium'],
      ['CVE-2019-1551', 'libssl1.1', 'medium'],
    ]);
    const f = run.findings[3];
    expect({ ...f, message: f.message.slice(0, 60) }).toEqual({
      ruleId: 'CVE-2019-1551',
      title:
        'openssl: Integer overflow in RSAZ modular exponentiation on x86_64',
      message: 'There is an overflow bug in the x64_64 Montgomery squaring p',
      category: 'dependency',
      severity: 'medium',
      toolSeverity: 'MEDIUM',
      location: {
        path: 'testdata/fixtures/images/alpine-310.tar.gz (alpine 3.10.2)',
        line: null,
      },
      package: {
        name: 'libssl1.1',
        version: '1.1.1c-r0',
        fixedVersion: '1.1.1d-r2',
      },
      // nvd's V3Score 5.3, not redhat's 4.8.
      advisory: {
        id: 'CVE-2019-1551',
        url: 'https://avd.aquasec.com/nvd/cve-2019-1551',
        cvssScore: 5.3,
      },
      helpUri: 'https://avd.aquasec.com/nvd/cve-2019-1551',
    });
  });

  it("Trivy's dockerfile golden file: the failed misconfiguration (MisconfSummary Failures 1)", async () => {
    const report = await trivy(fixture('real/trivy/dockerfile.json'));
    expect(report.runs[0].category).toBe('repository');
    expect(report.runs[0].findings).toEqual([
      {
        ruleId: 'DS002',
        title: "Image user should not be 'root'",
        message:
          'Specify at least 1 USER command in Dockerfile with non-root user as argument',
        category: 'config',
        severity: 'high',
        toolSeverity: 'HIGH',
        location: { path: 'Dockerfile', line: null },
        helpUri: 'https://avd.aquasec.com/misconfig/ds002',
      },
    ]);
  });

  it("Trivy's secrets golden file: two secrets with their lines, the masked match kept", async () => {
    const report = await trivy(fixture('real/trivy/secrets.json'));
    expect(
      report.runs[0].findings.map(f => [
        f.ruleId,
        f.category,
        f.severity,
        f.location,
        f.snippet,
      ]),
    ).toEqual([
      [
        'aws-access-key-id',
        'secret',
        'critical',
        { path: 'deploy.sh', line: 3 },
        'export AWS_ACCESS_KEY_ID=********************',
      ],
      [
        'mysecret',
        'secret',
        'high',
        { path: 'deploy.sh', line: 7 },
        'echo ********',
      ],
    ]);
  });

  it("DefectDojo's license report: 17 package licenses and 2 loose files", async () => {
    const report = await trivy(
      fixture('real/trivy/defectdojo-license-scheme.json'),
    );
    const findings = report.runs[0].findings;
    expect(findings).toHaveLength(19);
    expect(findings.every(f => f.category === 'license')).toBe(true);
    // Severities in the file: HIGH 7 (all GPL-2.0), MEDIUM 1 (MPL-2.0), LOW 11.
    expect(countBy(findings, f => f.severity)).toEqual({
      high: 7,
      medium: 1,
      low: 11,
    });
    expect(findings[4]).toEqual({
      ruleId: 'MPL-2.0',
      title: 'MPL-2.0 license (reciprocal)',
      message:
        'ca-certificates-cacert is under the MPL-2.0 license, classified reciprocal',
      category: 'license',
      severity: 'medium',
      toolSeverity: 'MEDIUM',
      location: { path: 'OS Packages', line: null },
      package: {
        name: 'ca-certificates-cacert',
        version: null,
        fixedVersion: null,
      },
      helpUri: null,
    });
    expect(findings[18]).toMatchObject({
      ruleId: 'OpenSSL',
      location: { path: '/etc/ssl/misc/tsget.pl', line: null },
      helpUri: 'https://spdx.org/licenses/OpenSSL.html',
    });
  });

  it('the pre-0.20 bare array: null lists are no findings', async () => {
    const report = await trivy(
      fixture('real/trivy/defectdojo-legacy-trivy-mix-without-composer.json'),
    );
    const [run] = report.runs;
    expect(run.category).toBe('');
    // 1 lodash CVE and 5 Alpine CVEs (curl, git); Pipfile, Gemfile and Cargo lists are null.
    expect(countBy(run.findings, f => f.location!.path)).toEqual({
      'node-app/package-lock.json': 1,
      'trivy-ci-test (alpine 3.7.1)': 5,
    });
    expect(run.findings[0]).toMatchObject({
      ruleId: 'CVE-2018-16487',
      package: { name: 'lodash', version: '4.17.4', fixedVersion: '>=4.17.11' },
      advisory: { cvssScore: null },
    });
  });
});

describe('Trivy mapping rules', () => {
  it('reads missing, null and empty lists alike, PkgPath, UNKNOWN, passed checks and the vendor score', async () => {
    const report = await trivy(
      JSON.stringify({
        SchemaVersion: 2,
        Trivy: { Version: '0.58.1' },
        ArtifactName: '.',
        ArtifactType: 'filesystem',
        Results: [
          { Target: 'a', Class: 'lang-pkgs', Vulnerabilities: null },
          { Target: 'b', Class: 'lang-pkgs', Vulnerabilities: [] },
          { Class: 'lang-pkgs', Target: '' },
          {
            Class: 'lang-pkgs',
            Vulnerabilities: [
              {
                VulnerabilityID: 'CVE-2024-0001',
                PkgName: 'log4j-core',
                PkgPath: 'app/lib/log4j-core.jar',
                InstalledVersion: '2.14.0',
                SeveritySource: 'ghsa',
                Severity: 'UNKNOWN',
                CVSS: { ghsa: { V3Score: 10 } },
              },
            ],
            Target: 'Java',
          },
          {
            Target: 'main.tf',
            Class: 'config',
            Misconfigurations: [
              { ID: 'AVD-1', Status: 'PASS', Severity: 'LOW' },
              {
                AVDID: 'AVD-AWS-0086',
                Status: 'FAIL',
                Severity: 'HIGH',
                CauseMetadata: { StartLine: 12, Code: { Lines: [] } },
              },
            ],
          },
        ],
      }),
    );
    const [run] = report.runs;
    expect(run.tool).toEqual({ name: 'Trivy', version: '0.58.1' });
    expect(run.category).toBe('filesystem');
    expect(run.findings).toEqual([
      {
        ruleId: 'CVE-2024-0001',
        title: 'CVE-2024-0001',
        message: 'CVE-2024-0001',
        category: 'dependency',
        severity: 'low',
        toolSeverity: 'UNKNOWN',
        location: { path: 'Java > app/lib/log4j-core.jar', line: null },
        package: { name: 'log4j-core', version: '2.14.0', fixedVersion: null },
        advisory: { id: 'CVE-2024-0001', url: null, cvssScore: 10 },
        helpUri: null,
      },
      {
        ruleId: 'AVD-AWS-0086',
        title: 'AVD-AWS-0086',
        message: 'AVD-AWS-0086',
        category: 'config',
        severity: 'high',
        toolSeverity: 'HIGH',
        location: { path: 'main.tf', line: 12 },
        helpUri: null,
      },
    ]);
    const empty = await trivy(
      '{"SchemaVersion": 2, "ArtifactType": "container_image"}',
    );
    expect(empty.runs[0].findings).toEqual([]);
  });
});

describe('Trivy refusals', () => {
  it.each([
    [
      'real/trivy/defectdojo-legacy-trivy-mix.json',
      /^Trivy JSON line 8: Results\[0\]\.Vulnerabilities\[0\] has no VulnerabilityID/,
    ],
    [
      'hostile/trivy/schema-version-3.json',
      /^Trivy JSON line 2: Trivy SchemaVersion 3 is not supported \(2 expected\)$/,
    ],
    [
      'hostile/trivy/truncated-alpine-310.json',
      /^Trivy JSON line 109: unexpected end of JSON inside a string/,
    ],
    [
      'hostile/trivy/severity-word.json',
      /^Trivy JSON line 106: Results\[0\]\.Secrets\[1\] has the Severity "SEVERE" \(CRITICAL, HIGH, MEDIUM, LOW or UNKNOWN expected\)/,
    ],
    [
      'real/npm-audit/npm-cli-json-audit.json',
      /not a Trivy JSON report \(no "SchemaVersion"\)/,
    ],
    ['real/sarif/trivy-alpine-310.sarif', /not a Trivy JSON report/],
  ])('%s', async (file, message) => {
    const error = await parseError(trivyParser, fixture(file));
    expect(error.message).toMatch(message);
  });

  it.each([
    ['a scalar', '42', /not a Trivy JSON report/],
    [
      'Results as an object',
      '{"SchemaVersion":2,"Results":{}}',
      /"Results" must be an array/,
    ],
    [
      'a result without Target',
      '[{"Vulnerabilities":[]}]',
      /Results\[0\] has no "Target"/,
    ],
    [
      'a NUL in a path',
      '{"SchemaVersion":2,"Results":[{"Target":"a\\u0000b","Secrets":[{"RuleID":"r","Severity":"LOW"}]}]}',
      /Results\[0\]: its Target holds the control character U\+0000/,
    ],
  ])('%s', async (_what, body, message) => {
    const error = await parseError(trivyParser, Buffer.from(body));
    expect(error.message).toMatch(message);
  });
});
