import { TestDatabaseId } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import { createTestDatabases } from '../../../__testUtils__/databases';
import { MIGRATIONS_DIRECTORY } from '../../../database/migrations';
import { FINDING_TABLES } from './__testUtils__/findings';

jest.setTimeout(60_000);

const OWN = '20261203000000_security_findings.js';
const files = fs
  .readdirSync(MIGRATIONS_DIRECTORY)
  .filter(f => f.endsWith('.js'))
  .sort();
const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'the security findings migration on %p',
  (databaseId: TestDatabaseId) => {
    it('creates the tables, keeps their rows through later migrations, and drops them on down', async () => {
      const knex = await databases.init(databaseId);
      const own = files.indexOf(OWN);
      expect(own).toBeGreaterThan(0);
      for (let i = 0; i <= own; i++) {
        await knex.migrate.up({ directory: MIGRATIONS_DIRECTORY });
      }
      const atMs = Date.parse('2026-12-01T10:00:00Z');
      const stream = {
        id: '00000000-0000-0000-0000-00000000000a',
        entity_ref: 'component:default/a',
        branch: 'main',
        tool: 'CodeQL',
        scan_category: '',
        last_scan_id: '00000000-0000-0000-0000-00000000000c',
        last_scan_ms: atMs,
        last_format: 'sarif',
        last_commit_sha: 'abcdef1',
        last_finding_count: 1,
        sla_critical_days: 1,
        sla_high_days: 7,
        sla_medium_days: 30,
        sla_low_days: 90,
      };
      await knex('devops_security_streams').insert(stream);
      const finding = {
        id: '00000000-0000-0000-0000-00000000000f',
        stream_id: stream.id,
        entity_ref: stream.entity_ref,
        branch: 'main',
        fingerprint: 'f'.repeat(64),
        rule_id: 'js/sql-injection',
        title: 'SQL injection',
        message: 'm',
        category: 'code',
        severity: 'high',
        tool_severity: 'error',
        status: 'open',
        first_seen_ms: atMs,
        last_seen_ms: atMs,
        sla_base_ms: atMs,
        first_scan_id: stream.last_scan_id,
        last_scan_id: stream.last_scan_id,
      };
      await knex('devops_security_findings').insert(finding);
      // One row per identity: a second row for the stream and fingerprint is refused.
      await expect(
        knex('devops_security_findings').insert({
          ...finding,
          id: '00000000-0000-0000-0000-000000000010',
        }),
      ).rejects.toMatchObject({
        message: expect.stringMatching(
          /UNIQUE constraint failed|duplicate key/,
        ),
      });
      await knex('devops_security_finding_events').insert({
        finding_id: finding.id,
        kind: 'opened',
        at_ms: atMs,
        scan_id: stream.last_scan_id,
      });
      await knex('devops_security_scans').insert({
        id: stream.last_scan_id,
        upload_id: stream.last_scan_id,
        stream_id: stream.id,
        entity_ref: stream.entity_ref,
        branch: 'main',
        commit_sha: 'abcdef1',
        format: 'sarif',
        tool: 'CodeQL',
        scan_category: '',
        scanned_ms: atMs,
        finding_count: 1,
        size_bytes: 2 ** 33,
        new_count: 1,
        reopened_count: 0,
        fixed_count: 0,
        open_critical: 0,
        open_high: 1,
        open_medium: 0,
        open_low: 0,
      });

      for (let i = own + 1; i < files.length; i++) {
        await knex.migrate.up({ directory: MIGRATIONS_DIRECTORY });
      }
      const row = await knex('devops_security_findings').first();
      expect(row).toMatchObject({
        fingerprint: 'f'.repeat(64),
        status: 'open',
        reopen_count: 0,
      });
      expect(Boolean(row.regression)).toBe(false);
      expect(Number(row.first_seen_ms)).toBe(atMs);
      const scan = await knex('devops_security_scans').first();
      expect(Number(scan.size_bytes)).toBe(2 ** 33);
      expect(Boolean(scan.stale)).toBe(false);
      expect(
        (await knex('devops_security_finding_events')).map(e => e.kind),
      ).toEqual(['opened']);

      for (let i = files.length - 1; i >= own; i--) {
        await knex.migrate.down({ directory: MIGRATIONS_DIRECTORY });
      }
      for (const table of FINDING_TABLES) {
        expect(await knex.schema.hasTable(table)).toBe(false);
      }
      expect(await knex.schema.hasTable('devops_reports')).toBe(true);
      await knex.destroy();
    });
  },
);
