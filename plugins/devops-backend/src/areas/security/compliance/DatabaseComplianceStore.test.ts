import { TestDatabaseId } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { createTestDatabases } from '../../../__testUtils__/databases';
import { migrateToLatest } from '../../../database/migrations';
import { FrameworkResult } from './analysis';
import { EntityEvaluation } from './ComplianceStore';
import { DatabaseComplianceStore } from './DatabaseComplianceStore';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const T0 = new Date('2026-12-01T00:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (ms: number) => new Date(T0.getTime() + ms);

function framework(frameworkId: string, score: number | null): FrameworkResult {
  return {
    frameworkId,
    title: `${frameworkId} title`,
    score,
    passed: score === null ? 0 : 1,
    failed: score === null || score === 100 ? 0 : 1,
    notEvaluated: 1,
    controls: [
      {
        controlId: 'CC6.1',
        title: 'Attacks are watched',
        weight: 2,
        status: 'failed',
        evidence: [],
      },
      {
        controlId: 'CC8.1',
        title: 'Changes gated',
        weight: 1,
        status: 'not-evaluated',
        evidence: [],
      },
    ],
  };
}

/** An entity's evaluation with the given scores per framework id. */
function evaluation(
  entityRef: string,
  scores: Record<string, number | null>,
): EntityEvaluation {
  return {
    entityRef,
    checks: {
      'threats.handled': {
        status: 'failed',
        value: '2 threats open, with "quotes" and ünïcödé',
      },
      'deploys.gated': {
        status: 'not-evaluated',
        value: 'deploy history is not available',
      },
    },
    frameworks: Object.entries(scores).map(([id, score]) =>
      framework(id, score),
    ),
  };
}

describe.each(databases.eachSupportedId())(
  'DatabaseComplianceStore on %p',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;
    let store: DatabaseComplianceStore;
    const save = (ms: number, evaluations: EntityEvaluation[]) =>
      store.saveEvaluations({
        evaluations,
        at: at(ms),
        historyIntervalMs: DAY,
      });

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      await migrateToLatest(knex);
      for (const table of ['history', 'results', 'evidence']) {
        await knex(`devops_compliance_${table}`).delete();
      }
      store = new DatabaseComplianceStore(knex);
    });

    it('keeps the latest result per entity and framework, with its controls and evidence', async () => {
      const a = 'component:default/a';
      const b = 'component:default/b';
      expect(
        await save(0, [
          evaluation(a, { soc2: 50, gdpr: null }),
          evaluation(b, { soc2: 100 }),
        ]),
      ).toEqual({ results: 3, historyPoints: 3, removed: 0 });
      await save(HOUR, [evaluation(a, { soc2: 75, gdpr: null })]);

      expect(await store.listResults(a)).toEqual([
        {
          entityRef: a,
          frameworkId: 'gdpr',
          title: 'gdpr title',
          score: null,
          passed: 0,
          failed: 0,
          notEvaluated: 1,
          evaluatedAt: at(HOUR).toISOString(),
        },
        {
          entityRef: a,
          frameworkId: 'soc2',
          title: 'soc2 title',
          score: 75,
          passed: 1,
          failed: 1,
          notEvaluated: 1,
          evaluatedAt: at(HOUR).toISOString(),
        },
      ]);
      const soc2 = await store.getResult(a, 'soc2');
      expect(soc2?.controls).toEqual([
        { controlId: 'CC6.1', status: 'failed', weight: 2 },
        { controlId: 'CC8.1', status: 'not-evaluated', weight: 1 },
      ]);
      expect(soc2?.checks).toEqual({
        'threats.handled': {
          status: 'failed',
          value: '2 threats open, with "quotes" and ünïcödé',
        },
        'deploys.gated': {
          status: 'not-evaluated',
          value: 'deploy history is not available',
        },
      });
      expect(await store.getResult(a, 'iso27001')).toBe(undefined);
      // b was not part of the second evaluation: unchanged.
      expect((await store.listResults(b)).map(r => r.evaluatedAt)).toEqual([
        T0.toISOString(),
      ]);
    });

    it('appends a history point when the score changes, or once per interval', async () => {
      const ref = 'component:default/a';
      const points = async (ms: number, score: number | null) =>
        (await save(ms, [evaluation(ref, { soc2: score })])).historyPoints;
      expect(await points(0, 50)).toBe(1);
      expect(await points(HOUR, 50)).toBe(0);
      expect(await points(2 * HOUR, 60)).toBe(1);
      expect(await points(3 * HOUR, null)).toBe(1);
      expect(await points(4 * HOUR, null)).toBe(0);
      // A day after the last point, a flat score gets a point again.
      expect(await points(3 * HOUR + DAY, null)).toBe(1);

      expect(
        await store.listHistory(ref, 'soc2', { since: T0, limit: 100 }),
      ).toEqual([
        { at: at(0).toISOString(), score: 50 },
        { at: at(2 * HOUR).toISOString(), score: 60 },
        { at: at(3 * HOUR).toISOString(), score: null },
        { at: at(3 * HOUR + DAY).toISOString(), score: null },
      ]);
      // The newest points within the limit, oldest first; nothing before `since`.
      expect(
        await store.listHistory(ref, 'soc2', { since: T0, limit: 2 }),
      ).toEqual([
        { at: at(3 * HOUR).toISOString(), score: null },
        { at: at(3 * HOUR + DAY).toISOString(), score: null },
      ]);
      expect(
        await store.listHistory(ref, 'soc2', { since: at(HOUR), limit: 100 }),
      ).toHaveLength(3);
    });

    it('deletes the results of frameworks that no longer apply to an evaluated entity', async () => {
      const a = 'component:default/a';
      const b = 'component:default/b';
      await save(0, [
        evaluation(a, { soc2: 50, gdpr: 50 }),
        evaluation(b, { gdpr: 50 }),
      ]);
      expect(
        await save(HOUR, [evaluation(a, { gdpr: 50 }), evaluation(b, {})]),
      ).toEqual({ results: 1, historyPoints: 0, removed: 2 });
      expect((await store.listResults(a)).map(r => r.frameworkId)).toEqual([
        'gdpr',
      ]);
      expect(await store.listResults(b)).toEqual([]);
      expect(
        (await knex('devops_compliance_evidence')).map(r => r.entity_ref),
      ).toEqual([a]);
    });

    it('writes thousands of results in chunks, in one call', async () => {
      const evaluations = Array.from({ length: 1200 }, (_, i) =>
        evaluation(`component:default/service-${i}`, {
          soc2: 50,
          'pci-dss': 80,
        }),
      );
      expect(await save(0, evaluations)).toEqual({
        results: 2400,
        historyPoints: 2400,
        removed: 0,
      });
      expect(await save(HOUR, evaluations)).toEqual({
        results: 2400,
        historyPoints: 0,
        removed: 0,
      });
      const count = async (table: string) =>
        Number((await knex(table).count({ n: '*' }))[0].n);
      expect(await count('devops_compliance_results')).toBe(2400);
      expect(await count('devops_compliance_evidence')).toBe(1200);
    });

    it('prunes results, evidence and history points older than the cutoff', async () => {
      const a = 'component:default/a';
      const b = 'component:default/b';
      await save(0, [evaluation(a, { soc2: 10 })]);
      await save(10 * DAY, [evaluation(b, { soc2: 20 })]);
      expect(await store.prune(at(5 * DAY))).toEqual({
        results: 1,
        historyPoints: 1,
      });
      expect(await store.listResults(a)).toEqual([]);
      expect(await store.listResults(b)).toHaveLength(1);
      expect(
        (await knex('devops_compliance_evidence')).map(r => r.entity_ref),
      ).toEqual([b]);
      expect(await store.prune(at(5 * DAY))).toEqual({
        results: 0,
        historyPoints: 0,
      });
    });
  },
);
