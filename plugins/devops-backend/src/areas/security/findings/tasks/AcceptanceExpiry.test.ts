import { mockServices, TestDatabaseId } from '@backstage/backend-test-utils';
import { ParsedFinding } from '@devops-growth/backstage-plugin-devops-node';
import { createTestDatabases } from '../../../../__testUtils__/databases';
import { migrateToLatest } from '../../../../database/migrations';
import { scanInput } from '../__testUtils__/findings';
import { DatabaseFindingStore } from '../DatabaseFindingStore';
import { AcceptanceExpiry } from './AcceptanceExpiry';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const T0 = Date.parse('2026-11-01T10:00:00Z');

function findings(n: number): ParsedFinding[] {
  return Array.from({ length: n }, (_, i) => ({
    ruleId: `rule-${i}`,
    title: `t${i}`,
    message: 'm',
    category: 'code',
    severity: 'medium',
    toolSeverity: 'warning',
    location: { path: 'src/a.ts', line: i + 1 },
  }));
}

describe('AcceptanceExpiry', () => {
  it('is a global task run every hour', async () => {
    const scheduler = mockServices.scheduler.mock();
    await new AcceptanceExpiry(
      { reopenExpired: jest.fn() },
      { maintenanceFrequency: { hours: 1 } },
      mockServices.logger.mock(),
    ).schedule(scheduler);
    expect(scheduler.scheduleTask).toHaveBeenCalledWith(
      expect.objectContaining({
        id: 'devops-security-acceptance-expiry',
        scope: 'global',
        frequency: { hours: 1 },
      }),
    );
  });

  it.each(databases.eachSupportedId())(
    'reopens a backlog larger than one batch on %p, leaving running acceptances',
    async (databaseId: TestDatabaseId) => {
      const knex = await databases.init(databaseId);
      await migrateToLatest(knex);
      const store = new DatabaseFindingStore(knex);
      await store.recordScan(scanInput(T0, findings(520)));
      await knex('devops_security_findings').update({
        status: 'accepted',
        accepted_until_ms: T0 + 1000,
      });
      await knex('devops_security_findings')
        .whereIn('rule_id', ['rule-0', 'rule-1'])
        .update({ accepted_until_ms: T0 + 5000 });
      const logger = mockServices.logger.mock();
      const task = new AcceptanceExpiry(
        store,
        { maintenanceFrequency: { hours: 1 } },
        logger,
      );
      expect(await task.run(new Date(T0 + 2000))).toBe(518);
      expect(logger.info).toHaveBeenCalledWith(
        'Reopened 518 findings whose acceptance expired',
      );
      const left = await knex('devops_security_findings')
        .where({ status: 'accepted' })
        .pluck('rule_id');
      expect(left.sort()).toEqual(['rule-0', 'rule-1']);
      expect(
        Number(
          (
            await knex('devops_security_finding_events')
              .where({ kind: 'expired' })
              .count({ n: '*' })
          )[0].n,
        ),
      ).toBe(518);
      expect(await task.run(new Date(T0 + 2000))).toBe(0);
      await knex.destroy();
    },
  );
});
