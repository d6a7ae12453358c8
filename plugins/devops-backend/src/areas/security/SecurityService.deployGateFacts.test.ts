import { mockServices, TestDatabaseId } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { Knex } from 'knex';
import { createTestDatabases } from '../../__testUtils__/databases';
import { migrateToLatest } from '../../database/migrations';
import { createComplianceFactsSource } from './compliance';
import { ComplianceRegistry } from './compliance/ComplianceRegistry';
import { DatabaseComplianceStore } from './compliance/DatabaseComplianceStore';
import { SecurityCompliance } from './compliance/SecurityCompliance';
import { readComplianceSettings } from './compliance/settings';
import { parsedFinding } from './findings/__testUtils__/findings';
import { DatabaseFindingStore } from './findings/DatabaseFindingStore';
import { SecurityFindings } from './findings/SecurityFindings';
import { readFindingsSettings } from './findings/settings';
import { SecurityService } from './SecurityService';
import {
  InMemoryRequestMetricsReader,
  MINUTE,
} from './threats/__testUtils__/requestSeries';
import { DatabaseThreatStore } from './threats/DatabaseThreatStore';
import { SecurityThreats } from './threats/SecurityThreats';
import { readThreatSettings } from './threats/settings';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const T0 = new Date('2026-12-01T10:00:00Z');
const DAY = 24 * 60 * MINUTE;
const REF = 'component:default/shop';
const shop: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'shop',
    namespace: 'default',
    annotations: {
      'devops-growth.io/monitoring': 'security',
      'devops-growth.io/compliance-frameworks': 'soc2,gdpr',
    },
  },
  spec: {
    type: 'service',
    owner: 'group:default/team-a',
    lifecycle: 'production',
  },
};

const finding = parsedFinding;

describe.each(databases.eachSupportedId())(
  'SecurityService.deployGateFacts on %p',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;
    let service: SecurityService;
    let findings: SecurityFindings;
    let threats: SecurityThreats;

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      await migrateToLatest(knex);
      const config = new ConfigReader({});
      findings = new SecurityFindings(
        new DatabaseFindingStore(knex),
        readFindingsSettings(config),
      );
      threats = new SecurityThreats({
        store: new DatabaseThreatStore(knex),
        settings: readThreatSettings(config),
        reader: new InMemoryRequestMetricsReader(),
        entityPages: async onPage => {
          await onPage([REF]);
          return 1;
        },
        logger: mockServices.logger.mock(),
      });
      const settings = readComplianceSettings(config);
      const compliance = new SecurityCompliance({
        registry: ComplianceRegistry.create({ settings }),
        store: new DatabaseComplianceStore(knex),
        factsSource: createComplianceFactsSource({
          findings,
          threats,
          coverage: { coverageFacts: async () => new Map() },
          performance: { performanceFacts: async () => new Map() },
        }),
        settings,
      });
      service = new SecurityService(
        { findings, threats, compliance },
        mockServices.logger.mock(),
      );
    });

    it('says nothing was scanned and nothing watches before any report', async () => {
      const facts = await service.deployGateFacts(shop, T0);
      expect(facts).toMatchObject({
        criticalFindingsPastSla: 0,
        openCriticalThreats: 0,
        lastScanAt: null,
        threatDetectorsMonitoring: 0,
      });
      expect(facts.complianceScores.map(s => s.framework).sort()).toEqual([
        'gdpr',
        'soc2',
      ]);
    });

    it('counts critical findings once past their SLA, open critical threats and watching detectors, with the scores the card shows', async () => {
      await findings.recordScan(
        {
          entity: shop,
          format: 'sarif',
          commitSha: 'abc1234',
          branch: 'main',
          sizeBytes: 100,
          receivedAt: T0,
        },
        {
          kind: 'findings',
          runs: [
            {
              tool: { name: 'Semgrep', version: '1.0.0' },
              category: '',
              findings: [finding('sqli', 'critical'), finding('xss', 'high')],
              toolErrors: [],
            },
          ],
        },
      );
      // The default SLA of a critical finding is one day.
      expect(
        (await service.deployGateFacts(shop, new Date(T0.getTime() + DAY / 2)))
          .criticalFindingsPastSla,
      ).toBe(0);

      await threats.recordEvents(
        {
          entity: shop,
          format: 'modsecurity',
          sizeBytes: 100,
          receivedAt: T0,
        },
        {
          kind: 'security-events',
          events: [
            {
              id: 'tx-1',
              at: T0,
              source: 'modsecurity',
              type: 'path-traversal',
              severity: 'critical',
              blocked: true,
              clientIp: '192.0.2.10',
              request: 'GET /../../etc/passwd',
              ruleIds: ['930100'],
              message: 'Path Traversal Attack (/../)',
              environment: 'production',
            },
          ],
        },
      );
      const now = new Date(T0.getTime() + 2 * DAY);
      const facts = await service.deployGateFacts(shop, now);
      expect(facts).toMatchObject({
        criticalFindingsPastSla: 1,
        openCriticalThreats: 1,
        lastScanAt: T0,
        threatDetectorsMonitoring: 1,
      });
      const summary = await service.summary(shop, {});
      expect(facts.complianceScores).toEqual(
        summary.compliance.map(s => ({
          framework: s.frameworkId,
          title: s.title,
          score: s.score,
        })),
      );
    });
  },
);
