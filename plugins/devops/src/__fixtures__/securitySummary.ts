import {
  ComplianceFrameworkDetail,
  SecurityFinding,
  SecuritySummary,
  SecurityThreat,
} from '@devops-growth/backstage-plugin-devops-common';

/** Test data for the "Security" card. "Now" in these tests is 2025-03-10T12:00:00Z. */

export const SECURITY_NOW = Date.parse('2025-03-10T12:00:00Z');

export function makeFinding(
  overrides: Partial<SecurityFinding> = {},
): SecurityFinding {
  return {
    id: 'f1',
    entityRef: 'component:default/payments',
    branch: 'main',
    tool: 'ESLint',
    scanCategory: 'eslint-security',
    ruleId: 'security/detect-eval-with-expression',
    title: 'eval with argument of type Identifier',
    message: 'eval with argument of type Identifier',
    category: 'code',
    severity: 'high',
    toolSeverity: 'error',
    location: { path: 'src/handlers/report.js', line: 42 },
    package: null,
    advisory: null,
    helpUri: null,
    fingerprint: 'fp-1',
    status: 'open',
    regression: false,
    reopenCount: 0,
    firstSeenAt: '2025-02-20T12:00:00Z',
    lastSeenAt: '2025-03-10T08:00:00Z',
    fixedAt: null,
    slaDueAt: '2025-02-27T12:00:00Z',
    slaBreached: true,
    statusReason: null,
    statusChangedBy: null,
    statusChangedAt: null,
    acceptedUntil: null,
    ...overrides,
  };
}

/** A dependency finding of npm audit, not yet due. */
export const dependencyFinding = makeFinding({
  id: 'f2',
  tool: 'npm audit',
  scanCategory: '',
  ruleId: 'GHSA-jf85-cpcp-j695',
  title: 'Prototype Pollution in lodash',
  message: 'Prototype Pollution in lodash',
  category: 'dependency',
  severity: 'critical',
  toolSeverity: 'critical',
  location: null,
  package: { name: 'lodash', version: '4.17.11', fixedVersion: '4.17.12' },
  advisory: {
    id: 'GHSA-jf85-cpcp-j695',
    url: 'https://github.com/advisories/GHSA-jf85-cpcp-j695',
    cvssScore: 9.1,
  },
  fingerprint: 'fp-2',
  firstSeenAt: '2025-03-10T06:00:00Z',
  slaDueAt: '2025-03-11T06:00:00Z',
  slaBreached: false,
  regression: true,
  reopenCount: 1,
});

/** An accepted finding: its risk accepted until April. */
export const acceptedFinding = makeFinding({
  id: 'f3',
  ruleId: 'security/detect-non-literal-fs-filename',
  title: 'Found readFile from package "fs" with non literal argument',
  severity: 'medium',
  toolSeverity: 'warning',
  location: { path: 'src/files.js', line: 7 },
  status: 'accepted',
  statusReason: 'Paths come from our own config',
  statusChangedBy: 'user:default/jane.doe',
  statusChangedAt: '2025-03-05T09:00:00Z',
  acceptedUntil: '2025-04-04T09:00:00Z',
  slaDueAt: '2025-03-22T12:00:00Z',
  slaBreached: false,
});

export function makeThreat(
  overrides: Partial<SecurityThreat> = {},
): SecurityThreat {
  return {
    id: 't1',
    entityRef: 'component:default/payments',
    environment: 'production',
    type: 'brute-force',
    severity: 'high',
    status: 'open',
    detector: 'brute-force',
    startedAt: '2025-03-10T11:40:00Z',
    endedAt: null,
    lastSeenAt: '2025-03-10T11:58:00Z',
    evidence: {
      summary: '401/403 responses at 14 times their usual rate',
      figures: [
        {
          label: '401/403 per minute',
          value: 42,
          baseline: 3,
          unit: 'req/min',
        },
        {
          label: 'Share of responses',
          value: 31,
          baseline: 2,
          unit: '%',
        },
      ],
      events: [],
    },
    statusReason: null,
    statusChangedBy: null,
    statusChangedAt: null,
    ...overrides,
  };
}

/** A WAF threat with its first events. */
export const injectionThreat = makeThreat({
  id: 't2',
  type: 'injection',
  severity: 'critical',
  status: 'acknowledged',
  detector: 'waf-events',
  startedAt: '2025-03-10T10:00:00Z',
  lastSeenAt: '2025-03-10T10:05:00Z',
  evidence: {
    summary: 'SQL injection attempts blocked by ModSecurity',
    figures: [],
    events: [
      {
        at: '2025-03-10T10:00:03Z',
        source: 'modsecurity',
        clientIp: '203.0.113.7',
        request: "GET /stock?sku=1' OR '1'='1",
        ruleIds: ['942100'],
        message: 'SQL Injection Attack Detected via libinjection',
        blocked: true,
      },
    ],
    eventCount: 12,
  },
  statusReason: 'Looking into it',
  statusChangedBy: 'user:default/jane.doe',
  statusChangedAt: '2025-03-10T10:10:00Z',
});

export function makeSecuritySummary(
  overrides: Partial<SecuritySummary> = {},
): SecuritySummary {
  return {
    entityRef: 'component:default/payments',
    branch: 'main',
    branches: ['main', 'release/1.2'],
    findings: {
      open: { critical: 1, high: 3, medium: 5, low: 2 },
      slaBreaches: 2,
      trend: [
        {
          at: '2025-03-08',
          critical: 0,
          high: 4,
          medium: 6,
          low: 2,
        },
        {
          at: '2025-03-09',
          critical: 0,
          high: 3,
          medium: 5,
          low: 2,
        },
        {
          at: '2025-03-10',
          critical: 1,
          high: 3,
          medium: 5,
          low: 2,
        },
      ],
      oldest: [makeFinding(), dependencyFinding, acceptedFinding],
      scans: [
        {
          tool: 'ESLint',
          scanCategory: 'eslint-security',
          format: 'sarif',
          lastScanAt: '2025-03-10T08:00:00Z',
          commitSha: 'abcdef1234567890',
          findings: 9,
        },
        {
          tool: 'npm audit',
          scanCategory: '',
          format: 'npm-audit',
          lastScanAt: '2025-03-10T06:00:00Z',
          commitSha: '1234567abcdef',
          findings: 2,
        },
      ],
      sla: {
        critical: { days: 1, source: 'default' },
        high: { days: 7, source: 'default' },
        medium: { days: 30, source: 'config' },
        low: { days: 90, source: 'annotation' },
      },
    },
    threats: {
      active: [makeThreat(), injectionThreat],
      recent: [
        makeThreat({
          id: 't0',
          type: 'traffic-flood',
          detector: 'traffic-flood',
          severity: 'medium',
          status: 'mitigated',
          startedAt: '2025-03-07T02:00:00Z',
          endedAt: '2025-03-07T02:20:00Z',
          evidence: {
            summary: 'Request rate 8 times the usual for this hour',
            figures: [
              { label: 'Requests per second', value: 96, baseline: 12 },
            ],
            events: [],
          },
        }),
      ],
      monitoring: [
        {
          detector: 'traffic-flood',
          state: 'monitored',
          detail: 'request rate of production, 14 days of baseline',
          evaluatedAt: '2025-03-10T11:59:00Z',
        },
        {
          detector: 'brute-force',
          state: 'monitored',
          detail: '401/403 responses of production',
          evaluatedAt: '2025-03-10T11:59:00Z',
        },
        {
          detector: 'waf-events',
          state: 'not-monitored',
          detail: 'no security events were ever pushed for this entity',
          evaluatedAt: null,
        },
      ],
    },
    compliance: [
      {
        frameworkId: 'soc2',
        title: 'SOC 2',
        score: 72.5,
        passed: 8,
        failed: 3,
        notEvaluated: 2,
        evaluatedAt: '2025-03-10T11:00:00Z',
      },
      {
        frameworkId: 'gdpr',
        title: 'GDPR',
        score: null,
        passed: 0,
        failed: 0,
        notEvaluated: 5,
        evaluatedAt: '2025-03-10T11:00:00Z',
      },
    ],
    recommendations: [
      {
        id: 'security.sla-breached',
        area: 'security',
        priority: 'high',
        title: 'Fix the findings past their SLA',
        description: 'Two open findings are older than their SLA allows.',
        evidence: [{ label: 'Past SLA', value: '2' }],
      },
    ],
    ...overrides,
  };
}

/** A summary of an entity without any scan yet. */
export function makeEmptySecuritySummary(): SecuritySummary {
  const summary = makeSecuritySummary();
  return {
    ...summary,
    branch: null,
    branches: [],
    findings: {
      ...summary.findings,
      open: { critical: 0, high: 0, medium: 0, low: 0 },
      slaBreaches: 0,
      trend: [],
      oldest: [],
      scans: [],
    },
    threats: {
      active: [],
      recent: [],
      monitoring: summary.threats.monitoring.map(m => ({
        ...m,
        state: 'not-monitored',
        detail: 'no request metrics collected',
        evaluatedAt: null,
      })),
    },
    recommendations: [],
  };
}

export function makeComplianceDetail(
  overrides: Partial<ComplianceFrameworkDetail> = {},
): ComplianceFrameworkDetail {
  return {
    ...makeSecuritySummary().compliance[0],
    controls: [
      {
        controlId: 'CC6.1',
        title: 'Access to the service is owned and reviewed',
        weight: 2,
        status: 'passed',
        evidence: [
          {
            checkId: 'catalog.owner',
            title: 'Owner set in the catalog',
            status: 'passed',
            value: 'group:default/team-a',
            checkedAt: '2025-03-10T11:00:00Z',
          },
        ],
      },
      {
        controlId: 'CC7.1',
        title: 'Vulnerabilities are found and fixed in time',
        weight: 3,
        status: 'failed',
        evidence: [
          {
            checkId: 'findings.sla',
            title: 'No open finding past its SLA',
            status: 'failed',
            value: '2 findings past SLA',
            checkedAt: '2025-03-10T11:00:00Z',
          },
          {
            checkId: 'scan.fresh',
            title: 'A scan in the last 30 days',
            status: 'passed',
            value: 'last scan 2025-03-10',
            checkedAt: '2025-03-10T11:00:00Z',
          },
        ],
      },
      {
        controlId: 'CC7.4',
        title: 'Incidents are responded to',
        weight: 1,
        status: 'not-evaluated',
        evidence: [
          {
            checkId: 'runbook',
            title: 'Runbook link in the catalog',
            status: 'not-evaluated',
            value: 'no runbook link annotation',
            checkedAt: '2025-03-10T11:00:00Z',
          },
        ],
      },
    ],
    history: [
      { at: '2025-03-08T11:00:00Z', score: 60 },
      { at: '2025-03-09T11:00:00Z', score: null },
      { at: '2025-03-10T11:00:00Z', score: 72.5 },
    ],
    ...overrides,
  };
}
