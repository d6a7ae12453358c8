import { mockServices, TestDatabaseId } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { createTestDatabases } from '../../../../__testUtils__/databases';
import { migrateToLatest } from '../../../../database/migrations';
import { scanInput } from '../__testUtils__/findings';
import { DAY_MS } from '../analysis';
import { DatabaseFindingStore } from '../DatabaseFindingStore';
import { readFindingsSettings } from '../settings';
import { FindingsRetention } from './FindingsRetention';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const T0 = Date.parse('2025-06-01T00:00:00Z');

describe('FindingsRetention', () => {
  it('is a global task', async () => {
    const scheduler = mockServices.scheduler.mock();
    await new FindingsRetention(
      { prune: jest.fn() },
      readFindingsSettings(new ConfigReader({})),
      mockServices.logger.mock(),
    ).schedule(scheduler);
    expect(scheduler.scheduleTask).toHaveBeenCalledWith(
      expect.objectContaining({
        id: 'devops-security-findings-retention',
        scope: 'global',
      }),
    );
  });

  it.each(databases.eachSupportedId())(
    'deletes findings fixed and scans made before the retention on %p, in batches',
    async (databaseId: TestDatabaseId) => {
      const knex = await databases.init(databaseId);
      await migrateToLatest(knex);
      const store = new DatabaseFindingStore(knex);
      const scanAt = async (atMs: number, rules: string[]) =>
        store.recordScan(
          scanInput(
            atMs,
            rules.map(rule => ({
              ruleId: rule,
              title: rule,
              message: rule,
              category: 'code',
              severity: 'low',
              toolSeverity: 'note',
              location: null,
            })),
          ),
        );
      const many = Array.from({ length: 450 }, (_, i) => `old-${i}`);
      await scanAt(T0, [...many, 'kept']);
      await scanAt(T0 + DAY_MS, ['kept']); // fixes the 450
      await scanAt(T0 + 300 * DAY_MS, ['kept', 'recent']);
      await scanAt(T0 + 301 * DAY_MS, ['kept']); // fixes 'recent'
      const retention = new FindingsRetention(
        store,
        readFindingsSettings(
          new ConfigReader({ devops: { security: { retention: '200d' } } }),
        ),
        mockServices.logger.mock(),
      );
      // 450 fixed findings and 2 scans older than 200 days.
      expect(await retention.prune(new Date(T0 + 250 * DAY_MS))).toBe(452);
      const rules = await knex('devops_security_findings')
        .orderBy('rule_id')
        .pluck('rule_id');
      expect(rules).toEqual(['kept', 'recent']);
      expect(
        Number((await knex('devops_security_scans').count({ n: '*' }))[0].n),
      ).toBe(2);
      expect(await retention.prune(new Date(T0 + 250 * DAY_MS))).toBe(0);
      await knex.destroy();
    },
  );
});
