import { mockServices, TestDatabaseId } from '@backstage/backend-test-utils';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Knex } from 'knex';
import { createTestDatabases } from '../../../../__testUtils__/databases';
import { migrateToLatest } from '../../../../database/migrations';
import { DAY, entity, healthyFacts, NOW } from '../__testUtils__/facts';
import { ComplianceRegistry } from '../ComplianceRegistry';
import { DatabaseComplianceStore } from '../DatabaseComplianceStore';
import { SecurityCompliance } from '../SecurityCompliance';
import { readComplianceSettings } from '../settings';
import {
  COMPLIANCE_EVALUATION_TASK_ID,
  ComplianceEvaluation,
} from './ComplianceEvaluation';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'ComplianceEvaluation on %p',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      await migrateToLatest(knex);
      for (const table of ['history', 'results', 'evidence']) {
        await knex(`devops_compliance_${table}`).delete();
      }
    });

    function setup(pageSize: number, batchSize: number) {
      const settings = readComplianceSettings(
        new ConfigReader({
          devops: {
            security: {
              compliance: { evaluation: { pageSize, batchSize } },
            },
          },
        }),
      );
      const batches: string[][] = [];
      const compliance = new SecurityCompliance({
        registry: ComplianceRegistry.create({ settings }),
        store: new DatabaseComplianceStore(knex),
        settings,
        factsSource: async (entities, now) => {
          batches.push(entities.map(e => stringifyEntityRef(e)));
          return entities.map(e => healthyFacts(e, now));
        },
      });
      return { settings, compliance, batches };
    }

    it('evaluates every security-enabled entity of the catalog in pages and batches, then prunes', async () => {
      const enabled = Array.from({ length: 25 }, (_, i) => entity(`s${i}`));
      const others = [
        entity('perf-only', {
          annotations: { 'devops-growth.io/monitoring': 'performance' },
        }),
        {
          ...entity('unmonitored'),
          metadata: { name: 'unmonitored', namespace: 'default' },
        },
      ];
      const catalog = catalogServiceMock({ entities: [...others, ...enabled] });
      const { settings, compliance, batches } = setup(10, 8);
      // A result older than the retention, of an entity no longer in the catalog.
      await new DatabaseComplianceStore(knex).saveEvaluations({
        evaluations: [
          {
            entityRef: 'component:default/gone',
            checks: {},
            frameworks: [
              {
                frameworkId: 'soc2',
                title: 'SOC 2',
                score: 10,
                passed: 1,
                failed: 9,
                notEvaluated: 0,
                controls: [],
              },
            ],
          },
        ],
        at: new Date(NOW.getTime() - 401 * DAY),
        historyIntervalMs: DAY,
      });

      const task = new ComplianceEvaluation({
        compliance,
        catalog,
        auth: mockServices.auth(),
        logger: mockServices.logger.mock(),
        settings: settings.evaluation,
      });
      const run = await task.run(NOW);
      expect(run).toMatchObject({
        entities: 25,
        results: 25,
        historyPoints: 25,
        withoutFacts: 0,
        catalogPages: 3,
        prunedResults: 1,
        prunedHistoryPoints: 1,
      });
      // Pages of 10 catalog entities, evaluated once 8 or more are pending.
      expect(batches.map(b => b.length)).toEqual([8, 8, 8, 1]);
      expect(batches.flat().sort()).toEqual(
        enabled.map(e => stringifyEntityRef(e)).sort(),
      );
      // Whole entities are evaluated: the catalog checks see owner and links.
      const [soc2] = await compliance.scores(enabled[3]);
      expect(soc2).toMatchObject({ frameworkId: 'soc2', score: 100 });
    });

    it('schedules one global task with the configured frequency', async () => {
      const { settings, compliance } = setup(10, 10);
      const scheduler = mockServices.scheduler.mock();
      await new ComplianceEvaluation({
        compliance,
        catalog: catalogServiceMock({ entities: [] }),
        auth: mockServices.auth(),
        logger: mockServices.logger.mock(),
        settings: settings.evaluation,
      }).schedule(scheduler);
      expect(scheduler.scheduleTask).toHaveBeenCalledWith(
        expect.objectContaining({
          id: COMPLIANCE_EVALUATION_TASK_ID,
          frequency: { hours: 1 },
          timeout: { hours: 1 },
          scope: 'global',
        }),
      );
    });
  },
);
