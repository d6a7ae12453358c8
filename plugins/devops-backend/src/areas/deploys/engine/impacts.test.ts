import { TestDatabaseId } from '@backstage/backend-test-utils';
import { createTestDatabases } from '../../../__testUtils__/databases';
import { migrateToLatest } from '../../../database/migrations';
import { DatabaseDeployStore } from '../DatabaseDeployStore';
import { recordDeployImpacts } from './impacts';
import {
  queued,
  ScriptedAnalysis,
  testSettings,
} from './__testUtils__/fixtures';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const NOW = new Date('2026-12-02T12:00:00Z');
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);

describe.each(databases.eachSupportedId())(
  'recordDeployImpacts on %p',
  (databaseId: TestDatabaseId) => {
    it('fills the impact of finished deploys once the window after them has passed', async () => {
      const knex = await databases.init(databaseId);
      await migrateToLatest(knex);
      const store = new DatabaseDeployStore(knex);
      const finished = async (environment: string, minutes: number) =>
        (
          await store.create(
            queued({
              kind: 'pushed',
              environment,
              status: 'succeeded',
              createdAt: minutesAgo(minutes + 1),
              startedAt: minutesAgo(minutes + 1),
              finishedAt: minutesAgo(minutes),
            }),
          )
        ).deploy;
      const old = await finished('staging', 30);
      const recent = await finished('production', 5);
      const analysis = new ScriptedAnalysis();
      const calls: unknown[][] = [];
      const impact = analysis.impact.bind(analysis);
      analysis.impact = async (...args) => {
        calls.push(args);
        return impact(...args);
      };
      // impactWindowMs is one minute in the test settings: 15 minutes here.
      const settings = { ...testSettings(), impactWindowMs: 15 * 60_000 };

      expect(await recordDeployImpacts(store, analysis, settings, NOW)).toBe(1);
      expect(calls).toEqual([
        [old.entityRef, 'staging', minutesAgo(30), 15 * 60_000],
      ]);
      expect((await store.get(old.id))!.impact).toMatchObject({
        windowMinutes: 15,
        p95ChangePercent: 10,
      });
      expect((await store.get(recent.id))!.impact).toBeNull();
      // Done once: the next run has nothing left until the recent one's window has passed.
      expect(await recordDeployImpacts(store, analysis, settings, NOW)).toBe(0);
    });
  },
);
