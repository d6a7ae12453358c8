import { TestDatabaseId } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { createTestDatabases } from '../../../__testUtils__/databases';
import { migrateToLatest } from '../../../database/migrations';
import { ComplianceResultInput } from './ComplianceStore';
import { DatabaseComplianceStore } from './DatabaseComplianceStore';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const T0 = new Date('2026-12-01T00:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (ms: number) => new Date(T0.getTime() + ms);

function result(
  entityRef: string,
  frameworkId: string,
  score: number | null,
): ComplianceResultInput {
  return {
    entityRef,
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
        evidence: [
          {
            checkId: 'threats.handled',
            title: 'No threat unhandled',
            status: 'failed',
            value: '2 threats open, with "quotes" and ünïcödé',
            checkedAt: 'ignored: the row time is used',
          },
        ],
      },
    ],
  };
}

describe.each(databases.eachSupportedId())(
  'DatabaseComplianceStore on %p',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;
    let store: DatabaseComplianceStore;

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      await migrateToLatest(knex);
      await knex('devops_compliance_history').delete();
      await knex('devops_compliance_results').delete();
      store = new DatabaseComplianceStore(knex);
    });

    it('keeps the latest result per entity and framework, with its controls and evidence', async () => {
      const saved = await store.saveResults({
        entityRefs: ['component:default/a', 'component:default/b'],
        results: [
          result('component:default/a', 'soc2', 50),
          result('component:default/a', 'gdpr', null),
          result('component:default/b', 'soc2', 100),
        ],
        at: T0,
        historyIntervalMs: DAY,
      });
      expect(saved).toEqual({ results: 3, historyPoints: 3, removed: 0 });

      await store.saveResults({
        entityRefs: ['component:default/a'],
        results: [
          result('component:default/a', 'soc2', 75),
          result('component:default/a', 'gdpr', null),
        ],
        at: at(HOUR),
        historyIntervalMs: DAY,
      });

      expect(await store.listResults('component:default/a')).toEqual([
        {
          entityRef: 'component:default/a',
          frameworkId: 'gdpr',
          title: 'gdpr title',
          score: null,
          passed: 0,
          failed: 0,
          notEvaluated: 1,
          evaluatedAt: at(HOUR).toISOString(),
        },
        {
          entityRef: 'component:default/a',
          frameworkId: 'soc2',
          title: 'soc2 title',
          score: 75,
          passed: 1,
          failed: 1,
          notEvaluated: 1,
          evaluatedAt: at(HOUR).toISOString(),
        },
      ]);
      const soc2 = await store.getResult('component:default/a', 'soc2');
      expect(soc2?.controls).toEqual([
        {
          controlId: 'CC6.1',
          title: 'Attacks are watched',
          weight: 2,
          status: 'failed',
          evidence: [
            {
              checkId: 'threats.handled',
              title: 'No threat unhandled',
              status: 'failed',
              value: '2 threats open, with "quotes" and ünïcödé',
              checkedAt: at(HOUR).toISOString(),
            },
          ],
        },
      ]);
      expect(await store.getResult('component:default/a', 'iso27001')).toBe(
        undefined,
      );
      // b was not part of the second evaluation: unchanged.
      expect(
        (await store.listResults('component:default/b')).map(
          r => r.evaluatedAt,
        ),
      ).toEqual([T0.toISOString()]);
    });

    it('appends a history point when the score changes, or once per interval', async () => {
      const ref = 'component:default/a';
      const save = (ms: number, score: number | null) =>
        store.saveResults({
          entityRefs: [ref],
          results: [result(ref, 'soc2', score)],
          at: at(ms),
          historyIntervalMs: DAY,
        });
      expect((await save(0, 50)).historyPoints).toBe(1);
      expect((await save(HOUR, 50)).historyPoints).toBe(0);
      expect((await save(2 * HOUR, 60)).historyPoints).toBe(1);
      expect((await save(3 * HOUR, null)).historyPoints).toBe(1);
      expect((await save(4 * HOUR, null)).historyPoints).toBe(0);
      // A day after the last point, a flat score gets a point again.
      expect((await save(3 * HOUR + DAY, null)).historyPoints).toBe(1);

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
      await store.saveResults({
        entityRefs: [a, 'component:default/b'],
        results: [
          result(a, 'soc2', 50),
          result(a, 'gdpr', 50),
          result('component:default/b', 'gdpr', 50),
        ],
        at: T0,
        historyIntervalMs: DAY,
      });
      const saved = await store.saveResults({
        entityRefs: [a, 'component:default/b'],
        results: [result(a, 'gdpr', 50)],
        at: at(HOUR),
        historyIntervalMs: DAY,
      });
      expect(saved).toEqual({ results: 1, historyPoints: 0, removed: 2 });
      expect((await store.listResults(a)).map(r => r.frameworkId)).toEqual([
        'gdpr',
      ]);
      expect(await store.listResults('component:default/b')).toEqual([]);
    });

    it('writes thousands of results in chunks, in one call', async () => {
      const refs = Array.from(
        { length: 1200 },
        (_, i) => `component:default/service-${i}`,
      );
      const results = refs.flatMap(ref => [
        result(ref, 'soc2', 50),
        result(ref, 'pci-dss', 80),
      ]);
      const saved = await store.saveResults({
        entityRefs: refs,
        results,
        at: T0,
        historyIntervalMs: DAY,
      });
      expect(saved).toEqual({ results: 2400, historyPoints: 2400, removed: 0 });
      const again = await store.saveResults({
        entityRefs: refs,
        results,
        at: at(HOUR),
        historyIntervalMs: DAY,
      });
      expect(again).toEqual({ results: 2400, historyPoints: 0, removed: 0 });
      const [{ n }] = await knex('devops_compliance_results').count({ n: '*' });
      expect(Number(n)).toBe(2400);
    });

    it('prunes results and history points older than the cutoff', async () => {
      const a = 'component:default/a';
      await store.saveResults({
        entityRefs: [a],
        results: [result(a, 'soc2', 10)],
        at: T0,
        historyIntervalMs: DAY,
      });
      await store.saveResults({
        entityRefs: ['component:default/b'],
        results: [result('component:default/b', 'soc2', 20)],
        at: at(10 * DAY),
        historyIntervalMs: DAY,
      });
      expect(await store.prune(at(5 * DAY))).toEqual({
        results: 1,
        historyPoints: 1,
      });
      expect(await store.listResults(a)).toEqual([]);
      expect(await store.listResults('component:default/b')).toHaveLength(1);
      expect(await store.prune(at(5 * DAY))).toEqual({
        results: 0,
        historyPoints: 0,
      });
    });
  },
);
