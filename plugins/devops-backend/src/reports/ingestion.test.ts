import { createBackendModule } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  ParsedTestReport,
  devopsReportParsersExtensionPoint,
} from '@devops-growth/backstage-plugin-devops-node';
import { Knex } from 'knex';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/databases';
import { devopsPlugin } from '../plugin';
import { fixture } from './parsers/testUtils';

jest.setTimeout(60_000);

const databases = createTestDatabases();

// The catalog holds one service with the coverage area switched on.
const payments: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments',
    annotations: { 'devops-growth.io/monitoring': 'coverage' },
  },
};

/** A third-party parser that hands back whatever the report held, NUL included. */
const passThroughModule = createBackendModule({
  pluginId: 'devops',
  moduleId: 'pass-through-tests',
  register(env) {
    env.registerInit({
      deps: { parsers: devopsReportParsersExtensionPoint },
      async init({ parsers }) {
        parsers.addParser({
          format: 'pass-through-tests',
          kind: 'tests',
          async parse(input): Promise<ParsedTestReport> {
            let text = '';
            for await (const chunk of input) text += chunk.toString('utf8');
            return {
              kind: 'tests',
              cases: text
                .split('\n')
                .filter(line => line !== '')
                .map(name => ({
                  suite: 'module',
                  name,
                  outcome: 'passed',
                  durationMs: 1,
                })),
            };
          },
        });
      },
    });
  },
});

describe.each(databases.eachSupportedId())(
  'report ingestion on %p',
  databaseId => {
    let knex: Knex;

    async function start() {
      knex = await databases.init(databaseId);
      const { server } = await startTestBackend({
        features: [
          devopsPlugin,
          passThroughModule,
          mockServices.database.factory({ knex }),
          catalogServiceMock.factory({ entities: [payments] }),
        ],
      });
      return server;
    }

    const where = {
      entity: 'component:default/payments',
      commit: '0123456789abcdef0123456789abcdef01234567',
      branch: 'main',
    };
    const upload = (
      server: Awaited<ReturnType<typeof start>>,
      format: string,
      body: Buffer | string,
    ) =>
      request(server)
        .post('/api/devops/reports')
        .query({ ...where, format })
        .set('Content-Type', 'application/octet-stream')
        .send(body);

    async function storedRows() {
      const [reports, cases] = await Promise.all([
        knex('devops_reports').count({ n: '*' }),
        knex('devops_test_cases').count({ n: '*' }),
      ]);
      return { reports: Number(reports[0].n), cases: Number(cases[0].n) };
    }

    it('answers 400 to a JUnit file with a NUL in a test name, with the line, and stores nothing', async () => {
      const server = await start();
      const res = await upload(
        server,
        'junit',
        fixture('hostile/junit-nul-in-test-name.xml'),
      );
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({
        name: 'InputError',
        message: expect.stringMatching(
          /^JUnit XML line 5: character U\+0000 is not allowed in XML/,
        ),
      });
      expect(await storedRows()).toEqual({ reports: 0, cases: 0 });

      // The same file without the NUL is stored: the refusal is about the character.
      const clean = fixture('hostile/junit-nul-in-test-name.xml')
        .toString('utf8')
        .replace('\u0000', '');
      const ok = await upload(server, 'junit', clean);
      expect(ok.status).toBe(201);
      expect(await storedRows()).toEqual({ reports: 1, cases: 2 });
    });

    it('refuses control characters that a module parser lets through, naming the test case and field', async () => {
      const server = await start();
      for (const [body, message] of [
        [
          'test_ok\ntest_\u0000take\n',
          'The pass-through-tests report: test case 2 holds the control character U+0000 in its name ("test_\\u0000take"); reports must not contain control characters other than tab and line feed',
        ],
        [
          'colour \u001b[31mred\n',
          'The pass-through-tests report: test case 1 holds the control character U+001B in its name ("colour \\u001b[31mred"); reports must not contain control characters other than tab and line feed',
        ],
      ]) {
        const res = await upload(server, 'pass-through-tests', body);
        expect(res.status).toBe(400);
        expect(res.body.error.message).toBe(message);
      }
      expect(await storedRows()).toEqual({ reports: 0, cases: 0 });

      const ok = await upload(server, 'pass-through-tests', 'a\tb\nc\n');
      expect(ok.status).toBe(201);
      expect(await storedRows()).toEqual({ reports: 1, cases: 2 });
    });

    if (databaseId.startsWith('POSTGRES')) {
      it('is needed on PostgreSQL: its text columns cannot hold NUL at all', async () => {
        knex = await databases.init(databaseId);
        await expect(
          knex.raw('select ?::text as t', ['a\u0000b']),
        ).rejects.toThrow(/0x00/);
      });
    }
  },
);
