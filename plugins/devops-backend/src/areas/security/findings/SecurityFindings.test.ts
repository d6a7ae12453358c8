import { TestDatabaseId } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import {
  ParsedFinding,
  ParsedFindingsReport,
} from '@devops-growth/backstage-plugin-devops-node';
import { Knex } from 'knex';
import { createTestDatabases } from '../../../__testUtils__/databases';
import { migrateToLatest } from '../../../database/migrations';
import { clearFindingTables, parsedFinding } from './__testUtils__/findings';
import { DAY_MS } from './analysis';
import { DatabaseFindingStore } from './DatabaseFindingStore';
import { SecurityFindings } from './SecurityFindings';
import { readFindingsSettings } from './settings';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const T0 = Date.parse('2026-11-01T10:00:00Z');

function entity(sla?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'shop',
      namespace: 'default',
      annotations: sla ? { 'devops-growth.io/security-sla': sla } : {},
    },
  };
}

const finding = parsedFinding;

function report(
  ...runs: Array<[string, ParsedFinding[]]>
): ParsedFindingsReport {
  return {
    kind: 'findings',
    runs: runs.map(([tool, findings]) => ({
      tool: { name: tool, version: '1.0.0' },
      category: '',
      findings,
      toolErrors: [],
    })),
  };
}

function upload(atMs: number, target = entity(), branch = 'main') {
  return {
    entity: target,
    format: 'sarif',
    commitSha: `sha${atMs}`,
    branch,
    sizeBytes: 1234,
    receivedAt: new Date(atMs),
  };
}

describe.each(databases.eachSupportedId())(
  'SecurityFindings on %p',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;
    let nowMs = T0;
    let findings: SecurityFindings;
    beforeAll(async () => {
      knex = await databases.init(databaseId);
      await migrateToLatest(knex);
    });
    beforeEach(async () => {
      await clearFindingTables(knex);
      nowMs = T0;
      findings = new SecurityFindings(
        new DatabaseFindingStore(knex),
        readFindingsSettings(
          new ConfigReader({ devops: { security: { sla: { high: 5 } } } }),
        ),
        { clock: () => new Date(nowMs) },
      );
    });

    it('records a report with a receipt of how the lifecycle moved', async () => {
      const receipt = await findings.recordScan(
        upload(T0),
        report(
          ['Semgrep', [finding('a', 'high'), finding('a', 'high')]],
          ['Trivy', [finding('t', 'critical')]],
        ),
      );
      expect(receipt).toEqual({
        id: expect.any(String),
        entityRef: 'component:default/shop',
        kind: 'findings',
        format: 'sarif',
        branch: 'main',
        commitSha: `sha${T0}`,
        createdAt: new Date(T0).toISOString(),
        itemCount: 3,
        findings: { new: 2, reopened: 0, fixed: 0, open: 2 },
      });
      const second = await findings.recordScan(
        upload(T0 + DAY_MS),
        report(['Semgrep', []]),
      );
      expect(second.findings).toEqual({
        new: 0,
        reopened: 0,
        fixed: 1,
        open: 0,
      });
      await expect(
        findings.recordScan(upload(T0), { kind: 'findings', runs: [] }),
      ).rejects.toThrow('The sarif report holds no run: nothing to record');
    });

    it('summarises the latest branch with SLA sources, breaches, trend and streams', async () => {
      await findings.recordScan(
        upload(T0, entity(), 'feature'),
        report(['Semgrep', [finding('f', 'low')]]),
      );
      await findings.recordScan(
        upload(T0 + 1000),
        report(['Semgrep', [finding('a', 'high'), finding('b', 'medium')]]),
      );
      await findings.recordScan(
        upload(T0 + DAY_MS),
        report(['Semgrep', [finding('a', 'high')]]),
      );
      const now = new Date(T0 + 6 * DAY_MS);
      const summary = await findings.summary(entity('critical=2'), { now });
      expect(summary).toMatchObject({
        branch: 'main',
        branches: ['main', 'feature'],
        open: { critical: 0, high: 1, medium: 0, low: 0 },
        slaBreaches: 1,
        trend: [
          { at: '2026-11-01', critical: 0, high: 1, medium: 1, low: 0 },
          { at: '2026-11-02', critical: 0, high: 1, medium: 0, low: 0 },
        ],
        scans: [
          {
            tool: 'Semgrep',
            scanCategory: '',
            format: 'sarif',
            lastScanAt: new Date(T0 + DAY_MS).toISOString(),
            commitSha: `sha${T0 + DAY_MS}`,
            findings: 1,
          },
        ],
        sla: {
          critical: { days: 2, source: 'annotation' },
          high: { days: 5, source: 'config' },
          medium: { days: 30, source: 'default' },
          low: { days: 90, source: 'default' },
        },
        invalidSlaAnnotation: null,
      });
      expect(summary.oldest.map(f => [f.ruleId, f.slaBreached])).toEqual([
        ['a', true],
      ]);
      const feature = await findings.summary(entity(), {
        now,
        branch: 'feature',
      });
      expect(feature.open.low).toBe(1);
      const none = await findings.summary(entity(), { now, branch: 'gone' });
      expect(none).toMatchObject({ branch: 'gone', oldest: [], scans: [] });
    });

    it('moves due dates when the SLA annotation changes, and reports a malformed one', async () => {
      await findings.recordScan(
        upload(T0),
        report(['Semgrep', [finding('a', 'high')]]),
      );
      const now = new Date(T0 + 3 * DAY_MS);
      let summary = await findings.summary(entity('high=2'), { now });
      expect(summary.slaBreaches).toBe(1);
      expect(summary.oldest[0].slaDueAt).toBe(
        new Date(T0 + 2 * DAY_MS).toISOString(),
      );
      summary = await findings.summary(entity('high=two'), { now });
      expect(summary.slaBreaches).toBe(0);
      expect(summary.sla.high).toEqual({ days: 5, source: 'config' });
      expect(summary.invalidSlaAnnotation).toMatchObject({
        value: 'high=two',
        problem:
          "'high=two' is not a severity=days pair (for example critical=2)",
      });
      expect(
        (await findings.facts(['component:default/shop'], now)).get(
          'component:default/shop',
        ),
      ).toMatchObject({ open: { high: 1 }, pastSla: { high: 0 } });
    });

    it('accepts, refuses what is not allowed, and reopens by itself after the expiry', async () => {
      await findings.recordScan(
        upload(T0),
        report(['Semgrep', [finding('a', 'high'), finding('b', 'low')]]),
      );
      const { items, total } = await findings.list(entity(), {
        status: ['open'],
        severity: ['high'],
        limit: 10,
        offset: 0,
      });
      expect(total).toBe(1);
      const a = items[0];
      const now = new Date(T0 + 1000);
      await expect(
        findings.changeStatus(
          a,
          {
            status: 'accepted',
            reason: 'compensating control',
            expiresAt: new Date(T0 + 400 * DAY_MS).toISOString(),
          },
          'user:default/ann',
          now,
        ),
      ).rejects.toThrow(/more than a year ahead/);
      const expiresAt = new Date(T0 + 30 * DAY_MS).toISOString();
      const accepted = await findings.changeStatus(
        a,
        { status: 'accepted', reason: 'compensating control', expiresAt },
        'user:default/ann',
        now,
      );
      expect(accepted).toMatchObject({
        status: 'accepted',
        acceptedUntil: expiresAt,
        statusChangedAt: now.toISOString(),
      });
      nowMs = T0 + 31 * DAY_MS;
      expect((await findings.get(a.id))?.status).toBe('open');
      const [task] = SecurityFindings.create({
        config: new ConfigReader({}),
        knex,
        logger: { info: jest.fn() } as any,
      }).tasks;
      expect(await (task as any).run(new Date(nowMs))).toBe(1);
      expect(
        (await findings.history(a.id)).map(e => [e.kind, e.actor, e.reason]),
      ).toEqual([
        ['opened', null, null],
        ['accepted', 'user:default/ann', 'compensating control'],
        ['expired', null, null],
      ]);
      // Fixed findings change through scans only.
      await findings.recordScan(
        upload(T0 + 32 * DAY_MS),
        report(['Semgrep', []]),
      );
      const fixed = (await findings.get(a.id))!;
      expect(fixed.status).toBe('fixed');
      await expect(
        findings.changeStatus(
          fixed,
          { status: 'open' },
          'user:default/ann',
          now,
        ),
      ).rejects.toThrow(/fixed/);
      await expect(
        findings.changeStatus(
          { ...fixed, id: '00000000-0000-0000-0000-000000000000' },
          { status: 'false-positive', reason: 'test code' },
          'user:default/ann',
          now,
        ),
      ).rejects.toMatchObject({ name: 'NotFoundError' });
    });
  },
);
