import { TestDatabaseId } from '@backstage/backend-test-utils';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { NotFoundError } from '@backstage/errors';
import { ComplianceFacts } from '@devops-growth/backstage-plugin-devops-node';
import { Knex } from 'knex';
import { createTestDatabases } from '../../../__testUtils__/databases';
import { migrateToLatest } from '../../../database/migrations';
import {
  DAY,
  emptyFacts,
  entity,
  healthyFacts,
  NOW,
  zero,
} from './__testUtils__/facts';
import { ComplianceRegistry } from './ComplianceRegistry';
import { DatabaseComplianceStore } from './DatabaseComplianceStore';
import {
  ComplianceFactsSource,
  SecurityCompliance,
} from './SecurityCompliance';
import { readComplianceSettings } from './settings';

jest.setTimeout(60_000);

const databases = createTestDatabases();

/** A facts source over literal facts: healthy unless the test changes an entity's facts. */
function literalFacts() {
  const overrides = new Map<
    string,
    (e: Entity, now: Date) => ComplianceFacts
  >();
  const calls: string[][] = [];
  const source: ComplianceFactsSource = async (entities, now) => {
    calls.push(entities.map(e => stringifyEntityRef(e)));
    return entities.map(e =>
      (overrides.get(stringifyEntityRef(e)) ?? healthyFacts)(e, now),
    );
  };
  return { source, overrides, calls };
}

describe.each(databases.eachSupportedId())(
  'SecurityCompliance on %p',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;
    let facts: ReturnType<typeof literalFacts>;

    function create(compliance: object = {}) {
      const settings = readComplianceSettings(
        new ConfigReader({ devops: { security: { compliance } } }),
      );
      return new SecurityCompliance({
        registry: ComplianceRegistry.create({ settings }),
        store: new DatabaseComplianceStore(knex),
        factsSource: facts.source,
        settings,
      });
    }

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      await migrateToLatest(knex);
      for (const table of ['history', 'results', 'evidence']) {
        await knex(`devops_compliance_${table}`).delete();
      }
      facts = literalFacts();
    });

    it('evaluates the frameworks that apply and serves their scores and controls', async () => {
      const compliance = create();
      const payments = entity('payments', {
        annotations: {
          'devops-growth.io/compliance-frameworks': 'iso27001,soc2,acme',
        },
      });
      const bare = entity('bare', { spec: { type: 'service' }, links: [] });
      facts.overrides.set('component:default/bare', emptyFacts);

      await compliance.evaluate([payments, bare], NOW);
      expect(facts.calls).toEqual([
        ['component:default/payments', 'component:default/bare'],
      ]);

      // ISO 27001: everything passes but 5.30 and 8.32 lack the deploy checks (still passing on
      // their other checks); nothing fails.
      expect(await compliance.scores(payments)).toEqual([
        {
          frameworkId: 'iso27001',
          title: 'ISO/IEC 27001 Annex A (automated evidence)',
          score: 100,
          passed: 12,
          failed: 0,
          notEvaluated: 0,
          evaluatedAt: NOW.toISOString(),
        },
        expect.objectContaining({ frameworkId: 'soc2', score: 100 }),
      ]);
      // The bare entity (default: SOC 2) has no data: only its catalog checks and the
      // monitoring annotation can be judged.
      const [bareSoc2] = await compliance.scores(bare);
      expect(bareSoc2).toMatchObject({
        frameworkId: 'soc2',
        passed: 2,
        failed: 4,
        notEvaluated: 8,
      });
      const detail = await compliance.detail(bare, 'soc2');
      const byId = Object.fromEntries(
        detail.controls.map(c => [c.controlId, c]),
      );
      expect(byId['CC1.3'].status).toBe('failed');
      expect(byId['CC6.6'].status).toBe('not-evaluated');
      expect(byId['CC7.2'].evidence.map(e => [e.checkId, e.status])).toEqual([
        ['performance.monitoring-enabled', 'passed'],
        ['performance.metrics-fresh', 'not-evaluated'],
        ['threats.monitored', 'not-evaluated'],
      ]);
      // A passed check with the rest not evaluated: the control passes, on partial evidence.
      expect(byId['CC7.2'].status).toBe('passed');
      expect(
        detail.controls
          .filter(c => c.status === 'failed')
          .map(c => c.controlId),
      ).toEqual(['CC1.3', 'CC7.4', 'CC7.5', 'A1.3']);
      // Weighted: CC7.2 (2) and A1.1 (1) pass; CC1.3, CC7.4, CC7.5, A1.3 (1 each) fail.
      expect(detail.score).toBe(Math.round((3 / 7) * 1000) / 10);
      expect(bareSoc2.score).toBe(detail.score);
      expect(detail.history).toEqual([
        { at: NOW.toISOString(), score: detail.score },
      ]);
      expect(byId['CC1.3'].evidence[0]).toEqual({
        checkId: 'catalog.owner',
        title: 'An owner is set in the catalog',
        status: 'failed',
        value: 'spec.owner is not set in the catalog',
        checkedAt: NOW.toISOString(),
      });
    });

    it('keeps the score history as facts change, and drops frameworks that stop applying', async () => {
      const compliance = create();
      const ref = 'component:default/payments';
      let payments = entity('payments');
      await compliance.evaluate([payments], NOW);
      // Two findings past SLA, one of them high: CC6.8 and CC7.1 fail (weight 2 each).
      facts.overrides.set(ref, (e, now) => {
        const f = healthyFacts(e, now);
        return {
          ...f,
          security: { ...f.security!, pastSla: { ...zero(), high: 1, low: 1 } },
        };
      });
      const later = new Date(NOW.getTime() + 3_600_000);
      await compliance.evaluate([payments], later);
      const detail = await compliance.detail(payments, 'soc2');
      // 19 weight in all, 4 failing.
      expect(detail.score).toBe(78.9);
      expect(detail.history).toEqual([
        { at: NOW.toISOString(), score: 100 },
        { at: later.toISOString(), score: 78.9 },
      ]);
      const cc71 = detail.controls.find(c => c.controlId === 'CC7.1')!;
      expect(cc71.evidence[1]).toMatchObject({
        checkId: 'security.findings-within-sla',
        status: 'failed',
        value: '2 past SLA (1 high, 1 low)',
      });

      payments = entity('payments', {
        annotations: { 'devops-growth.io/compliance-frameworks': 'gdpr' },
      });
      await compliance.evaluate([payments], later);
      expect(
        (await compliance.scores(payments)).map(s => s.frameworkId),
      ).toEqual(['gdpr']);
      expect(
        (
          await knex('devops_compliance_results').where({ entity_ref: ref })
        ).map(r => r.framework_id),
      ).toEqual(['gdpr']);
      await expect(compliance.detail(payments, 'soc2')).rejects.toThrow(
        new NotFoundError(
          "Compliance framework 'soc2' does not apply to component:default/payments (its devops-growth.io/compliance-frameworks annotation names gdpr)",
        ),
      );
      await expect(compliance.detail(payments, 'hipaa')).rejects.toThrow(
        "No compliance framework has the id 'hipaa'",
      );

      // 'none': nothing applies, the stored results go, and facts are not even read.
      const none = entity('payments', {
        annotations: { 'devops-growth.io/compliance-frameworks': 'none' },
      });
      const calls = facts.calls.length;
      await compliance.evaluate([none], later);
      expect(facts.calls).toHaveLength(calls);
      expect(await compliance.scores(none)).toEqual([]);
      expect(await knex('devops_compliance_results')).toEqual([]);
    });

    it('evaluates an entity on first read, and surfaces skipped annotation ids', async () => {
      const compliance = create({ defaultFrameworks: ['soc2', 'pci-dss'] });
      const fresh = entity('fresh');
      expect((await compliance.scores(fresh)).map(s => s.frameworkId)).toEqual([
        'soc2',
        'pci-dss',
      ]);
      expect(facts.calls).toEqual([['component:default/fresh']]);
      // Read again: served from the store.
      await compliance.scores(fresh);
      expect(facts.calls).toHaveLength(1);
      const other = entity('other');
      expect((await compliance.detail(other, 'pci-dss')).controls).toHaveLength(
        11,
      );

      const typo = entity('typo', {
        annotations: { 'devops-growth.io/compliance-frameworks': 'soc-2' },
      });
      expect(await compliance.scores(typo)).toEqual([]);
      expect(compliance.recommendations(typo).map(r => r.id)).toEqual([
        'compliance.unknown-frameworks',
      ]);
    });

    it('uses config frameworks and overrides', async () => {
      const compliance = create({
        defaultFrameworks: ['baseline'],
        frameworks: [
          {
            id: 'baseline',
            title: 'Baseline',
            controls: [
              {
                id: 'B1',
                title: 'Owned',
                weight: 3,
                checks: ['catalog.owner'],
              },
              {
                id: 'B2',
                title: 'Fresh scan',
                checks: ['security.scan-fresh'],
              },
            ],
          },
        ],
      });
      const old = entity('old');
      facts.overrides.set('component:default/old', (e, now) => {
        const f = healthyFacts(e, now);
        return {
          ...f,
          security: {
            ...f.security!,
            lastScanAt: new Date(now.getTime() - 30 * DAY),
          },
        };
      });
      await compliance.evaluate([old], NOW);
      expect(await compliance.scores(old)).toEqual([
        expect.objectContaining({
          frameworkId: 'baseline',
          score: 75,
          passed: 1,
          failed: 1,
        }),
      ]);
      // The config then names another check for B2: until the next evaluation its evidence
      // says the check did not run, and the stored status stands.
      const changed = create({
        defaultFrameworks: ['baseline'],
        frameworks: [
          {
            id: 'baseline',
            title: 'Baseline',
            controls: [
              {
                id: 'B1',
                title: 'Owned',
                weight: 3,
                checks: ['catalog.owner'],
              },
              {
                id: 'B2',
                title: 'Fresh scan',
                checks: ['security.scan-fresh', 'coverage.gate'],
              },
            ],
          },
        ],
      });
      const b2 = (await changed.detail(old, 'baseline')).controls[1];
      expect(b2.status).toBe('failed');
      expect(b2.evidence.map(e => [e.checkId, e.status, e.value])).toEqual([
        [
          'security.scan-fresh',
          'failed',
          `latest scan 30 days ago (${new Date(
            NOW.getTime() - 30 * DAY,
          ).toISOString()})`,
        ],
        ['coverage.gate', 'not-evaluated', 'not run at the latest evaluation'],
      ]);
      expect(compliance.frameworks().map(f => f.id)).toEqual([
        'soc2',
        'gdpr',
        'iso27001',
        'pci-dss',
        'baseline',
      ]);
    });

    it('evaluates thousands of entities in batches, one facts read each', async () => {
      const compliance = create({
        defaultFrameworks: ['soc2', 'gdpr', 'iso27001', 'pci-dss'],
        evaluation: { batchSize: 400 },
      });
      const entities = Array.from({ length: 1000 }, (_, i) => entity(`s-${i}`));
      const counts = await compliance.evaluateAndCount(entities, NOW);
      expect(counts).toEqual({
        entities: 1000,
        withoutFrameworks: 0,
        withoutFacts: 0,
        results: 4000,
        historyPoints: 4000,
        removed: 0,
      });
      expect(facts.calls.map(c => c.length)).toEqual([400, 400, 200]);
      // An hour later nothing changed: results rewritten, no history point.
      const again = await compliance.evaluateAndCount(
        entities,
        new Date(NOW.getTime() + 3_600_000),
      );
      expect(again.historyPoints).toBe(0);
    });

    it('leaves an entity as it was when the facts source returns nothing for it', async () => {
      const compliance = create();
      const payments = entity('payments');
      await compliance.evaluate([payments], NOW);
      const skipping = new SecurityCompliance({
        registry: ComplianceRegistry.create({
          settings: readComplianceSettings(new ConfigReader({})),
        }),
        store: new DatabaseComplianceStore(knex),
        factsSource: async () => [],
        settings: readComplianceSettings(new ConfigReader({})),
      });
      const counts = await skipping.evaluateAndCount(
        [payments],
        new Date(NOW.getTime() + DAY),
      );
      expect(counts).toMatchObject({ withoutFacts: 1, results: 0, removed: 0 });
      expect((await compliance.scores(payments))[0].evaluatedAt).toBe(
        NOW.toISOString(),
      );
    });
  },
);
