import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  createServiceFactory,
  coreServices,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizeResult,
  EvaluatePermissionRequest,
} from '@backstage/plugin-permission-common';
import {
  SecurityScanReceipt,
  SecuritySummary,
} from '@devops-growth/backstage-plugin-devops-common';
import { Knex } from 'knex';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { createTestDatabases } from '../../__testUtils__/databases';
import { devopsPlugin } from '../../plugin';

jest.setTimeout(120_000);

const fixture = (p: string) =>
  readFileSync(
    join(__dirname, '..', '..', 'reports', 'parsers', '__fixtures__', p),
  );

const payments: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments',
    namespace: 'default',
    annotations: {
      'devops-growth.io/monitoring': 'security,coverage',
      'devops-growth.io/compliance-frameworks': 'soc2,gdpr',
    },
  },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
};
const coverageOnly: Entity = {
  ...payments,
  metadata: {
    name: 'legacy',
    namespace: 'default',
    annotations: { 'devops-growth.io/monitoring': 'coverage' },
  },
};

const databases = createTestDatabases();
const SHA = '0123456789abcdef0123456789abcdef01234567';
const SHA2 = '89abcdef0123456789abcdef0123456789abcdef';

/** Permission decisions by name; every request is recorded. */
function permissionsFactory(
  denied: string[],
  seen: EvaluatePermissionRequest[],
) {
  return createServiceFactory({
    service: coreServices.permissions,
    deps: {},
    factory: () => ({
      async authorize(requests: EvaluatePermissionRequest[]) {
        seen.push(...requests);
        return requests.map(r => ({
          result: denied.includes(r.permission.name)
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW,
        }));
      },
      async authorizeConditional() {
        throw new Error('not used');
      },
    }),
  });
}

describe.each(databases.eachSupportedId())('security routes on %s', id => {
  let knex: Knex;
  const seen: EvaluatePermissionRequest[] = [];

  async function startBackend(denied: string[] = []) {
    const { server } = await startTestBackend({
      features: [
        devopsPlugin,
        mockServices.database.factory({ knex }),
        catalogServiceMock.factory({ entities: [payments, coverageOnly] }),
        mockServices.rootConfig.factory({ data: {} }),
        permissionsFactory(denied, seen),
      ],
    });
    return server;
  }

  const upload = (
    server: Awaited<ReturnType<typeof startBackend>>,
    query: Record<string, string>,
    body: Buffer | string,
  ) =>
    request(server)
      .post('/api/devops/reports')
      .query({ entity: 'component:default/payments', ...query })
      .set('Content-Type', 'application/octet-stream')
      .send(body);

  const summaryOf = async (
    server: Awaited<ReturnType<typeof startBackend>>,
  ): Promise<SecuritySummary> => {
    const res = await request(server).get(
      '/api/devops/entities/component/default/payments/security',
    );
    expect(res.status).toBe(200);
    return res.body;
  };

  beforeAll(async () => {
    knex = await databases.init(id);
  });

  it('takes real SARIF scans, keeps each tool a stream of its own and fixes only in that stream', async () => {
    const server = await startBackend();
    const eslint = fixture('real/sarif/eslint-security-project.sarif');
    const first = await upload(
      server,
      { format: 'sarif', commit: SHA, branch: 'main' },
      eslint,
    );
    expect(first.status).toBe(201);
    const receipt: SecurityScanReceipt = first.body.report;
    expect(receipt.kind).toBe('findings');
    expect(receipt.findings!.new).toBeGreaterThan(0);
    expect(receipt.findings!.open).toBe(receipt.findings!.new);

    // The same scan again: nothing new, nothing fixed.
    const again = await upload(
      server,
      { format: 'sarif', commit: SHA, branch: 'main' },
      eslint,
    );
    expect(again.body.report.findings).toMatchObject({
      new: 0,
      fixed: 0,
      reopened: 0,
    });

    // Another tool's scan does not fix ESLint's findings.
    const flawfinder = await upload(
      server,
      { format: 'sarif', commit: SHA, branch: 'main' },
      fixture('real/sarif/flawfinder-login-c.sarif'),
    );
    expect(flawfinder.status).toBe(201);
    expect(flawfinder.body.report.findings.fixed).toBe(0);

    const summary = await summaryOf(server);
    expect(summary.branch).toBe('main');
    const openTotal = Object.values(summary.findings.open).reduce(
      (a, b) => a + b,
      0,
    );
    expect(openTotal).toBe(
      receipt.findings!.open + flawfinder.body.report.findings.open,
    );
    expect(summary.findings.scans.map(s => s.tool).sort()).toEqual([
      'ESLint',
      'Flawfinder',
    ]);
    // Compliance was evaluated when the report arrived, for the frameworks the annotation names.
    expect(summary.compliance.map(c => c.frameworkId).sort()).toEqual([
      'gdpr',
      'soc2',
    ]);

    // A newer ESLint scan of other code: ESLint's findings absent from it are fixed.
    const later = await upload(
      server,
      { format: 'sarif', commit: SHA2, branch: 'main' },
      fixture('real/sarif/eslint-security-demo-service.sarif'),
    );
    expect(later.status).toBe(201);
    expect(later.body.report.findings.fixed).toBeGreaterThan(0);
  });

  it('refuses bad uploads with a 400 naming the problem and stores nothing', async () => {
    const server = await startBackend();
    const before = await summaryOf(server);

    const coverageAsSarif = await upload(
      server,
      { format: 'sarif', commit: SHA, branch: 'main' },
      fixture('real/jest-lcov.info'),
    );
    expect(coverageAsSarif.status).toBe(400);
    expect(coverageAsSarif.body.error.message).toMatch(/sarif/i);

    const noCommit = await upload(
      server,
      { format: 'sarif' },
      fixture('real/sarif/flawfinder-login-c.sarif'),
    );
    expect(noCommit.status).toBe(400);
    expect(noCommit.body.error.message).toContain('commit is required');

    const truncated = fixture('real/trivy/alpine-310.json');
    const cut = await upload(
      server,
      { format: 'trivy', commit: SHA, branch: 'main' },
      truncated.subarray(0, Math.floor(truncated.length / 2)),
    );
    expect(cut.status).toBe(400);

    const notEnabled = await upload(
      server,
      {
        entity: 'component:default/legacy',
        format: 'sarif',
        commit: SHA,
        branch: 'main',
      },
      fixture('real/sarif/flawfinder-login-c.sarif'),
    );
    expect(notEnabled.status).toBe(400);
    expect(notEnabled.body.error.message).toContain(
      'does not enable the security area',
    );

    const after = await summaryOf(server);
    expect(after.findings.open).toEqual(before.findings.open);
    expect(after.findings.scans).toEqual(before.findings.scans);
  });

  it('takes npm audit and Trivy reports', async () => {
    const server = await startBackend();
    const npm = await upload(
      server,
      { format: 'npm-audit', commit: SHA, branch: 'release' },
      fixture('real/npm-audit/arborist-all-severity-levels.json'),
    );
    expect(npm.status).toBe(201);
    expect(npm.body.report.itemCount).toBeGreaterThan(0);
    const trivy = await upload(
      server,
      { format: 'trivy', commit: SHA, branch: 'release' },
      fixture('real/trivy/alpine-310.json'),
    );
    expect(trivy.status).toBe(201);
    const res = await request(server)
      .get('/api/devops/entities/component/default/payments/security/findings')
      .query({ branch: 'release', severity: 'critical,high', limit: 500 });
    expect(res.status).toBe(200);
    expect(res.body.total).toBeGreaterThan(0);
    for (const f of res.body.items) {
      expect(['critical', 'high']).toContain(f.severity);
      expect(f.branch).toBe('release');
    }
    const bad = await request(server)
      .get('/api/devops/entities/component/default/payments/security/findings')
      .query({ severity: 'urgent' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain("severity 'urgent'");
  });

  it('changes a finding status as a resource permission on the entity, and refuses a bad change', async () => {
    const server = await startBackend();
    const list = await request(server)
      .get('/api/devops/entities/component/default/payments/security/findings')
      .query({ branch: 'main', status: 'open' });
    const finding = list.body.items[0];
    expect(finding).toBeDefined();

    const past = await request(server)
      .post(`/api/devops/security/findings/${finding.id}/status`)
      .send({
        status: 'accepted',
        reason: 'fixed upstream next sprint',
        expiresAt: '2020-01-01T00:00:00Z',
      });
    expect(past.status).toBe(400);

    const noReason = await request(server)
      .post(`/api/devops/security/findings/${finding.id}/status`)
      .send({ status: 'false-positive' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.message).toContain('reason');

    seen.length = 0;
    const expiresAt = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const ok = await request(server)
      .post(`/api/devops/security/findings/${finding.id}/status`)
      .send({ status: 'accepted', reason: 'behind the VPN', expiresAt });
    expect(ok.status).toBe(200);
    expect(ok.body.finding).toMatchObject({
      id: finding.id,
      status: 'accepted',
      statusReason: 'behind the VPN',
    });
    expect(ok.body.finding.acceptedUntil).toBeTruthy();
    expect(seen).toContainEqual(
      expect.objectContaining({
        permission: expect.objectContaining({
          name: 'devops.security.finding.update',
          resourceType: 'catalog-entity',
        }),
        resourceRef: 'component:default/payments',
      }),
    );

    const deniedServer = await startBackend(['devops.security.finding.update']);
    const denied = await request(deniedServer)
      .post(`/api/devops/security/findings/${finding.id}/status`)
      .send({ status: 'open' });
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toBe(
      'Not allowed: devops.security.finding.update on component:default/payments',
    );

    const unknown = await request(server)
      .post('/api/devops/security/findings/does-not-exist/status')
      .send({ status: 'open' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toBe(
      "Finding 'does-not-exist' was not found",
    );
  });

  it('turns a real ModSecurity log into threats, without a commit, and changes their status', async () => {
    const server = await startBackend();
    const res = await upload(
      server,
      { format: 'modsecurity' },
      fixture('real/modsecurity/modsec-audit-on.jsonl'),
    );
    expect(res.status).toBe(201);
    expect(res.body.report.kind).toBe('security-events');
    expect(res.body.report.threats.opened).toBeGreaterThan(0);

    const summary = await summaryOf(server);
    const injection = summary.threats.active.find(t => t.type === 'injection');
    expect(injection).toBeDefined();
    expect(injection!.evidence.events.length).toBeGreaterThan(0);
    const waf = summary.threats.monitoring.find(
      m => m.detector === 'waf-events',
    );
    expect(waf?.state).toBe('monitored');

    // The same log again counts no event twice.
    const again = await upload(
      server,
      { format: 'modsecurity' },
      fixture('real/modsecurity/modsec-audit-on.jsonl'),
    );
    expect(again.body.report.threats.opened).toBe(0);

    const ack = await request(server)
      .post(`/api/devops/security/threats/${injection!.id}/status`)
      .send({ status: 'acknowledged', reason: 'WAF blocks these; watching' });
    expect(ack.status).toBe(200);
    expect(ack.body.threat.status).toBe('acknowledged');

    const bad = await request(server)
      .post(`/api/devops/security/threats/${injection!.id}/status`)
      .send({ status: 'resolved' });
    expect(bad.status).toBe(400);
    const unknown = await request(server)
      .post('/api/devops/security/threats/no-such-threat/status')
      .send({ status: 'acknowledged' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toBe(
      "Threat 'no-such-threat' was not found",
    );
  });

  it('drills into a framework that applies, and answers 404 for one that does not', async () => {
    const server = await startBackend();
    const soc2 = await request(server).get(
      '/api/devops/entities/component/default/payments/security/compliance/soc2',
    );
    expect(soc2.status).toBe(200);
    expect(soc2.body.controls.length).toBeGreaterThan(0);
    for (const control of soc2.body.controls) {
      expect(['passed', 'failed', 'not-evaluated']).toContain(control.status);
    }
    // No deploy area yet: its checks are never "passed".
    const pci = await request(server).get(
      '/api/devops/entities/component/default/payments/security/compliance/pci-dss',
    );
    expect(pci.status).toBe(404);
    const notEnabled = await request(server).get(
      '/api/devops/entities/component/default/legacy/security',
    );
    expect(notEnabled.status).toBe(400);
  });
});
