import {
  SECURITY_SEVERITIES,
  SecuritySeverity,
  severityFromLabel,
} from '@devops-growth/backstage-plugin-devops-common';
import { ParsedFindingsReport } from '@devops-growth/backstage-plugin-devops-node';
import { checkParsedReport } from '../ReportParserRegistry';
import { npmAuditParser } from './npmAudit';
import { fixture, parseBoth, parseError } from './testUtils';

async function audit(file: string): Promise<ParsedFindingsReport> {
  const data = fixture(file);
  const report = (await parseBoth(
    npmAuditParser,
    data,
  )) as ParsedFindingsReport;
  checkParsedReport(npmAuditParser, report);
  return report;
}

/** The most severe of `severities`. */
function worst(severities: SecuritySeverity[]): SecuritySeverity {
  return [...SECURITY_SEVERITIES].find(s => severities.includes(s))!;
}

// Expected figures come from the reports' own `metadata` and entries (see __fixtures__/README.md).
describe('npm audit on real reports', () => {
  it("arborist's all-severity-levels report: every vulnerable package, with npm's own severity", async () => {
    const file = 'real/npm-audit/arborist-all-severity-levels.json';
    const report = await audit(file);
    const raw = JSON.parse(fixture(file).toString('utf8'));
    expect(report.runs).toHaveLength(1);
    const [run] = report.runs;
    expect(run.tool).toEqual({ name: 'npm audit', version: null });
    expect(run.category).toBe('');
    expect(run.toolErrors).toEqual([]);

    const byPackage = new Map<string, SecuritySeverity[]>();
    for (const f of run.findings) {
      expect(f.category).toBe('dependency');
      expect(f.location).toBeNull();
      const list = byPackage.get(f.package!.name) ?? [];
      list.push(f.severity);
      byPackage.set(f.package!.name, list);
    }
    // metadata.vulnerabilities.total counts affected packages: 16, all of them have findings.
    expect(byPackage.size).toBe(raw.metadata.vulnerabilities.total);
    expect(byPackage.size).toBe(16);
    // npm rates a package by its worst advisory, direct or through its dependencies.
    const packageSeverity = (name: string) =>
      severityFromLabel(raw.vulnerabilities[name].severity);
    for (const [name, severities] of byPackage) {
      expect([name, worst(severities)]).toEqual([name, packageSeverity(name)]);
    }
    // metadata: low 8, moderate 1, high 5, critical 2 (packages, by npm's severity).
    const perSeverity: Record<string, number> = {};
    for (const name of byPackage.keys()) {
      const s = packageSeverity(name)!;
      perSeverity[s] = (perSeverity[s] ?? 0) + 1;
    }
    expect(perSeverity).toEqual({ low: 8, medium: 1, high: 5, critical: 2 });

    // One finding per (package, advisory): handlebars has six advisories of its own and the
    // minimist advisory through optimist.
    const handlebars = run.findings.filter(
      f => f.package!.name === 'handlebars',
    );
    expect(handlebars.map(f => f.ruleId)).toEqual([
      'npm-advisory-1164',
      'npm-advisory-1300',
      'npm-advisory-1316',
      'npm-advisory-1324',
      'npm-advisory-1325',
      'npm-advisory-755',
      'npm-advisory-1179',
    ]);
    expect(handlebars[1]).toEqual({
      ruleId: 'npm-advisory-1300',
      title: 'Denial of Service',
      message:
        'Denial of Service in handlebars >=4.0.0 <4.4.5. Fix available through `npm audit fix`.',
      category: 'dependency',
      severity: 'medium',
      toolSeverity: 'moderate',
      location: null,
      package: { name: 'handlebars', version: null, fixedVersion: null },
      advisory: {
        id: 'npm-advisory-1300',
        url: 'https://npmjs.com/advisories/1300',
        cvssScore: null,
      },
      helpUri: 'https://npmjs.com/advisories/1300',
    });

    // Transitive only: nyc (via mkdirp and yargs) gets the root advisories, minimist's and
    // mem's; its fix names nyc itself, so the fixed version is known.
    const nyc = run.findings.filter(f => f.package!.name === 'nyc');
    expect(
      nyc.map(f => [f.ruleId, f.severity, f.package!.fixedVersion]),
    ).toEqual([
      ['npm-advisory-1179', 'low', '15.1.0'],
      ['npm-advisory-1084', 'low', '15.1.0'],
    ]);
    expect(nyc[0].message).toBe(
      'nyc depends on a vulnerable minimist (<0.2.1 || >=1.0.0 <1.2.3): Prototype Pollution. Fix: update nyc to 15.1.0 (semver-major).',
    );
    // A fix through another package is said, not taken as the package's fixed version.
    const mem = run.findings.find(f => f.package!.name === 'mem')!;
    expect(mem.package!.fixedVersion).toBeNull();
    expect(mem.message).toMatch(
      /Fix: update nyc to 15\.1\.0 \(semver-major\)\.$/,
    );
    const subtext = run.findings.find(f => f.package!.name === 'subtext')!;
    expect(subtext.message).toMatch(/No fix available\.$/);
  });

  it("npm's own `npm audit --json` snapshot: the advisory's source number (its URL names no real GHSA id), a CVSS score of 0 falls back to the label", async () => {
    const report = await audit('real/npm-audit/npm-cli-json-audit.json');
    expect(report.runs[0].findings).toEqual([
      {
        ruleId: 'npm-advisory-100',
        title: 'Test advisory 100',
        message: 'Test advisory 100 in test-dep-a *. No fix available.',
        category: 'dependency',
        severity: 'high',
        toolSeverity: 'high',
        location: null,
        package: { name: 'test-dep-a', version: null, fixedVersion: null },
        advisory: {
          id: 'npm-advisory-100',
          url: 'https://github.com/advisories/GHSA-100',
          cvssScore: null,
        },
        helpUri: 'https://github.com/advisories/GHSA-100',
      },
    ]);
  });
});

describe('npm audit mapping rules', () => {
  it('takes the CVSS score when there is one, and a GHSA id from the URL', async () => {
    const body = JSON.stringify({
      auditReportVersion: 2,
      vulnerabilities: {
        xlsx: {
          name: 'xlsx',
          severity: 'high',
          via: [
            {
              source: 1108110,
              name: 'xlsx',
              dependency: 'xlsx',
              title: 'Prototype Pollution in sheetJS',
              url: 'https://github.com/advisories/GHSA-4r6h-8v6p-xvw6',
              severity: 'high',
              cvss: { score: 9.1, vectorString: 'CVSS:3.1/AV:N' },
              range: '<0.19.3',
            },
          ],
          fixAvailable: {
            name: 'xlsx',
            version: '0.20.2',
            isSemVerMajor: false,
          },
        },
        cycle: {
          name: 'cycle',
          severity: 'low',
          via: ['other'],
          fixAvailable: false,
        },
        other: {
          name: 'other',
          severity: 'low',
          via: ['cycle'],
          fixAvailable: false,
        },
      },
    });
    const report = (await parseBoth(
      npmAuditParser,
      Buffer.from(body),
    )) as ParsedFindingsReport;
    const [xlsx, cycle, other] = report.runs[0].findings;
    expect(xlsx).toMatchObject({
      ruleId: 'GHSA-4r6h-8v6p-xvw6',
      severity: 'critical',
      toolSeverity: 'high',
      package: { name: 'xlsx', version: null, fixedVersion: '0.20.2' },
      advisory: { cvssScore: 9.1 },
    });
    // Packages only vulnerable through each other (no advisory in the report) are still listed.
    expect([cycle.ruleId, cycle.severity, other.ruleId]).toEqual([
      'npm-audit/cycle',
      'low',
      'npm-audit/other',
    ]);
  });
});

describe('npm audit refusals', () => {
  it.each([
    [
      'hostile/npm-audit/npm-11-audit-endpoint-405.json',
      "npm audit JSON: npm audit printed an error instead of a report (the registry's audit endpoint failed?): 405: 405 Method Not Allowed - POST https://registry.example/-/npm/v1/security/advisories/bulk",
    ],
    [
      'hostile/npm-audit/enoaudit-error.json',
      "npm audit JSON: npm audit printed an error instead of a report (the registry's audit endpoint failed?): ENOAUDIT: Your configured registry (https://registry.example/) does not support audit requests.",
    ],
    [
      'hostile/npm-audit/npm6-advisories.json',
      'npm audit JSON line 3: this is the npm 6 audit format ("advisories"): run `npm audit --json` with npm 7 or later',
    ],
  ])('%s', async (file, message) => {
    const error = await parseError(npmAuditParser, fixture(file));
    expect(error.message).toBe(message);
  });

  it.each([
    [
      'hostile/npm-audit/truncated-arborist.json',
      /^npm audit JSON line 67: unexpected end of JSON inside an object/,
    ],
    [
      'hostile/npm-audit/bel-in-title.json',
      /^npm audit JSON line 31: "vulnerabilities"\."test-dep-a": its title holds the control character U\+0007/,
    ],
    [
      'real/sarif/flawfinder-login-c.sarif',
      /not an npm audit report, no "vulnerabilities"/,
    ],
    ['real/trivy/alpine-310.json', /not an npm audit report/],
  ])('%s', async (file, message) => {
    const error = await parseError(npmAuditParser, fixture(file));
    expect(error.message).toMatch(message);
  });

  it.each([
    [
      'auditReportVersion 1',
      '{"auditReportVersion":1,"vulnerabilities":{}}',
      /auditReportVersion 1 is not supported/,
    ],
    ['an array', '[]', /the document is not a JSON object/],
    [
      'an entry that is a string',
      '{"vulnerabilities":{"a":"b"}}',
      /"vulnerabilities"\."a" must be an object/,
    ],
    [
      'an unknown severity',
      '{"vulnerabilities":{"a":{"name":"a","severity":"severe","via":[{"source":1,"title":"t","severity":"severe"}]}}}',
      /has the severity "severe" \(info, low, moderate, high or critical expected\)/,
    ],
  ])('%s', async (_what, body, message) => {
    const error = await parseError(npmAuditParser, Buffer.from(body));
    expect(error.message).toMatch(message);
  });
});
