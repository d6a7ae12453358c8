import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { Entity } from '@backstage/catalog-model';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { execFile } from 'node:child_process';
import { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import request from 'supertest';
import { Knex } from 'knex';
import { createTestDatabases } from '../../__testUtils__/databases';
import { devopsPlugin } from '../../plugin';

jest.setTimeout(60_000);

const execFileAsync = promisify(execFile);

const fixture = (p: string) =>
  readFileSync(join(__dirname, '..', '..', 'reports', 'parsers', '__fixtures__', p));

const monitored: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments',
    namespace: 'default',
    annotations: { 'devops-growth.io/monitoring': 'coverage,deploy' },
  },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
};
const unmonitored: Entity = {
  ...monitored,
  metadata: { name: 'legacy', namespace: 'default' },
};

const databases = createTestDatabases();
let knex: Knex;

async function startBackend(
  options: {
    config?: object;
    permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
  } = {},
) {
  const features = [
    devopsPlugin,
    mockServices.database.factory({ knex }),
    catalogServiceMock.factory({ entities: [monitored, unmonitored] }),
    mockServices.rootConfig.factory({ data: options.config ?? {} }),
    ...(options.permission
      ? [mockServices.permissions.factory({ result: options.permission })]
      : []),
  ];
  const { server } = await startTestBackend({ features });
  return server;
}

const SHA = '0123456789abcdef0123456789abcdef01234567';
const upload = (
  server: Awaited<ReturnType<typeof startBackend>>,
  query: Record<string, string>,
  body: Buffer | string,
) =>
  request(server)
    .post('/api/devops/reports')
    .query({
      entity: 'component:default/payments',
      commit: SHA,
      branch: 'main',
      ...query,
    })
    .set('Content-Type', 'application/octet-stream')
    .send(body);

async function storedReports(server: Awaited<ReturnType<typeof startBackend>>) {
  const res = await request(server)
    .get('/api/devops/reports')
    .query({ entity: 'component:default/payments' });
  expect(res.status).toBe(200);
  return res.body.items as unknown[];
}

describe.each(databases.eachSupportedId())('coverage routes on %p', databaseId => {
  beforeEach(async () => {
    knex = await databases.init(databaseId);
  });

  it('ingests a real LCOV and JUnit report and serves the coverage summary', async () => {
    const server = await startBackend();
    const lcov = await upload(
      server,
      { format: 'lcov', name: 'unit' },
      fixture('real/jest-lcov.info'),
    );
    expect(lcov.status).toBe(201);
    expect(lcov.body.report).toMatchObject({
      entityRef: 'component:default/payments',
      kind: 'coverage',
      format: 'lcov',
      name: 'unit',
      commitSha: SHA,
      branch: 'main',
      absentMetrics: ['statements'],
    });
    expect(lcov.body.report.coverage.lines.total).toBeGreaterThan(0);

    // The catalog's spelling of the ref is stored, whatever case CI used.
    const junit = await upload(
      server,
      { format: 'junit', name: 'unit', entity: 'Component:default/Payments' },
      fixture('real/jest-junit.xml'),
    );
    expect(junit.status).toBe(201);
    expect(junit.body.report.tests.total).toBe(13);

    const summary = await request(server).get(
      '/api/devops/entities/component/default/payments/coverage?report=unit',
    );
    expect(summary.status).toBe(200);
    expect(summary.body).toMatchObject({
      entityRef: 'component:default/payments',
      reportName: 'unit',
      branch: 'main',
      available: { reportNames: ['unit'], branches: ['main'] },
    });
    expect(summary.body.coverage.latest.id).toBe(lcov.body.report.id);
    expect(summary.body.coverage.gate).toMatchObject({
      threshold: 80,
      source: 'default',
    });
    expect(summary.body.tests.latest.id).toBe(junit.body.report.id);
    expect(summary.body.tests.passRate).not.toBeNull();
  });

  it('takes the gate from app-config, accepts gzip bodies, and computes deltas', async () => {
    const server = await startBackend({
      config: { devops: { coverage: { gate: { lines: 10 } } } },
    });
    const first = await upload(
      server,
      { format: 'lcov' },
      fixture('real/node-test.lcov'),
    );
    expect(first.status).toBe(201);
    const second = await request(server)
      .post('/api/devops/reports')
      .query({
        entity: 'payments',
        format: 'lcov',
        commit: 'abcdef1',
        branch: 'main',
      })
      .set('Content-Encoding', 'gzip')
      .send(gzipSync(fixture('real/jest-lcov.info')));
    expect(second.status).toBe(201);
    expect(second.body.report.name).toBe('default');

    const summary = await request(server).get(
      '/api/devops/entities/component/default/payments/coverage',
    );
    expect(summary.body.coverage.gate).toMatchObject({
      threshold: 10,
      source: 'config',
    });
    expect(summary.body.coverage.previousReportId).toBe(first.body.report.id);
    expect(summary.body.coverage.trend).toHaveLength(2);
    expect(typeof summary.body.coverage.deltas.lines).toBe('number');
  });

  describe('refuses bad input with a 4xx that names the problem, and stores nothing', () => {
    const cases: Array<
      [string, Record<string, string>, Buffer | string, number, RegExp]
    > = [
      [
        'missing entity',
        { entity: '', format: 'lcov' },
        'x',
        400,
        /entity is required/,
      ],
      [
        'invalid commit',
        { format: 'lcov', commit: 'not-a-sha' },
        'x',
        400,
        /commit must be a hexadecimal/,
      ],
      [
        'unknown format',
        { format: 'emma' },
        'x',
        400,
        /Unknown report format 'emma'.*cobertura/,
      ],
      [
        'bad report name',
        { format: 'lcov', name: '../etc' },
        'x',
        400,
        /name must be/,
      ],
      [
        'unknown entity',
        { format: 'lcov', entity: 'component:default/nope' },
        fixture('real/jest-lcov.info'),
        404,
        /component:default\/nope.*not found/,
      ],
      [
        'entity without the annotation',
        { format: 'lcov', entity: 'component:default/legacy' },
        fixture('real/jest-lcov.info'),
        400,
        /does not enable the coverage area/,
      ],
      ['empty body', { format: 'lcov' }, '', 400, /empty/i],
      [
        'truncated XML',
        { format: 'cobertura' },
        fixture('hostile/truncated-cobertura.xml'),
        400,
        /line \d+/i,
      ],
      [
        'billion laughs',
        { format: 'cobertura' },
        fixture('hostile/billion-laughs.xml'),
        400,
        /ENTITY|entit/i,
      ],
      [
        'external entity (file)',
        { format: 'cobertura' },
        fixture('hostile/xxe-file.xml'),
        400,
        /ENTITY|entit/i,
      ],
      [
        'external entity (http)',
        { format: 'junit' },
        fixture('hostile/xxe-http.xml'),
        400,
        /ENTITY|entit/i,
      ],
      [
        'JUnit sent as Cobertura',
        { format: 'cobertura' },
        fixture('real/jest-junit.xml'),
        400,
        /coverage.*testsuites|testsuites.*coverage/,
      ],
      [
        'LCOV sent as JUnit',
        { format: 'junit' },
        fixture('real/jest-lcov.info'),
        400,
        /XML|line 1/i,
      ],
      [
        'unknown LCOV record',
        { format: 'lcov' },
        fixture('hostile/lcov-unknown-record.info'),
        400,
        /line \d+/,
      ],
      [
        'NUL in an LCOV path',
        { format: 'lcov' },
        fixture('hostile/lcov-nul-in-path.info'),
        400,
        /control|NUL/i,
      ],
      [
        'path escaping the repository',
        { format: 'lcov' },
        'SF:../../../etc/passwd\nDA:1,1\nLF:1\nLH:1\nend_of_record\n',
        400,
        /escapes the repository root/,
      ],
      [
        'JSON of the wrong shape',
        { format: 'istanbul-summary' },
        fixture('hostile/not-istanbul-shape.json'),
        400,
        /^Istanbul coverage-summary JSON line 5: "total".functions must be an object/,
      ],
      [
        'binary garbage',
        { format: 'jacoco' },
        fixture('hostile/binary-garbage.gz'),
        400,
        /^JaCoCo XML line 1: not an XML document \(it starts with "\\u001f/,
      ],
    ];

    it.each(cases)('%s', async (_title, query, body, status, message) => {
      const server = await startBackend();
      const res = await upload(server, query, body);
      expect(res.status).toBe(status);
      expect(res.body.error.message).toMatch(message);
      expect(await storedReports(server)).toEqual([]);
    });

    it('answers 413 for a body over devops.reports.maxBodySize, declared or streamed', async () => {
      const server = await startBackend({
        config: { devops: { reports: { maxBodySize: '1kb' } } },
      });
      const res = await upload(
        server,
        { format: 'lcov' },
        fixture('real/jest-lcov.info'),
      );
      expect(res.status).toBe(413);
      expect(res.body.error.message).toMatch(/exceeds the limit of 1 kB/);
      // gzip: small on the wire, large once decompressed
      const bomb = gzipSync(
        Buffer.from(`TN:\n${'SF:a.js\nDA:1,1\nend_of_record\n'.repeat(2000)}`),
      );
      expect(bomb.length).toBeLessThan(1024);
      const res2 = await request(server)
        .post('/api/devops/reports')
        .query({
          entity: 'payments',
          format: 'lcov',
          commit: SHA,
          branch: 'main',
        })
        .set('Content-Encoding', 'gzip')
        .send(bomb);
      expect(res2.status).toBe(413);
      expect(await storedReports(server)).toEqual([]);
    });

    it('answers 400 for a corrupt gzip body', async () => {
      const server = await startBackend();
      const res = await request(server)
        .post('/api/devops/reports')
        .query({
          entity: 'payments',
          format: 'lcov',
          commit: SHA,
          branch: 'main',
        })
        .set('Content-Encoding', 'gzip')
        .send(Buffer.from('this is not gzip at all'));
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/gzip/);
    });
  });

  describe('multipart/form-data uploads', () => {
    const multipart = (server: Awaited<ReturnType<typeof startBackend>>) =>
      request(server).post('/api/devops/reports').query({
        entity: 'component:default/payments',
        format: 'lcov',
        commit: SHA,
        branch: 'main',
      });

    it('reads the one file part of `curl -F file=@lcov.info` like a raw body', async () => {
      const server = await startBackend();
      const raw = await upload(
        server,
        { format: 'lcov', name: 'raw' },
        fixture('real/jest-lcov.info'),
      );
      // The real client: curl builds the multipart body and its boundary.
      const { port } = server.address() as AddressInfo;
      const url = `http://127.0.0.1:${port}/api/devops/reports?entity=payments&format=lcov&commit=${SHA}&branch=main&name=form`;
      const curl = await execFileAsync('curl', [
        '-sS',
        '-F',
        `file=@${join(
          __dirname,
          '..',
          '..',
          'reports',
          'parsers',
          '__fixtures__',
          'real',
          'jest-lcov.info',
        )}`,
        url,
      ]);
      const form = JSON.parse(curl.stdout);
      expect(form.report).toMatchObject({ format: 'lcov', name: 'form' });
      expect(form.report.coverage).toEqual(raw.body.report.coverage);
      expect(form.report.itemCount).toBe(raw.body.report.itemCount);
      expect(form.report.sizeBytes).toBe(raw.body.report.sizeBytes);

      // A gzip-compressed file part (`-F file=@lcov.info.gz`) is read too.
      const gz = await multipart(server)
        .query({ name: 'gz' })
        .attach('file', gzipSync(fixture('real/jest-lcov.info')), 'lcov.info.gz');
      expect(gz.status).toBe(201);
      expect(gz.body.report.coverage).toEqual(raw.body.report.coverage);
    });

    it.each([
      [
        'a text field besides the file',
        (r: request.Test) =>
          r.field('branch', 'main').attach('file', fixture('real/jest-lcov.info'), 'lcov.info'),
        /text field 'branch'.*exactly one file part/,
      ],
      [
        'two files',
        (r: request.Test) =>
          r
            .attach('file', fixture('real/jest-lcov.info'), 'a.info')
            .attach('other', fixture('real/jest-lcov.info'), 'b.info'),
        /more than one part; .*exactly one file part/,
      ],
      [
        'only a text field',
        (r: request.Test) => r.field('report', 'TN:\nend_of_record\n'),
        /text field 'report'/,
      ],
    ])('refuses %s with 400, storing nothing', async (_name, build, message) => {
      const server = await startBackend();
      const res = await build(multipart(server));
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(message);
      expect(await storedReports(server)).toEqual([]);
    });

    it('refuses a multipart body without a boundary or with no part', async () => {
      const server = await startBackend();
      const noBoundary = await multipart(server)
        .set('Content-Type', 'multipart/form-data')
        .send('whatever');
      expect(noBoundary.status).toBe(400);
      expect(noBoundary.body.error.message).toMatch(
        /Invalid multipart\/form-data upload: .*exactly one file part/,
      );
      const empty = await multipart(server)
        .set('Content-Type', 'multipart/form-data; boundary=XYZ')
        .send('--XYZ--\r\n');
      expect(empty.status).toBe(400);
      expect(empty.body.error.message).toMatch(/no file part/);
      expect(await storedReports(server)).toEqual([]);
    });

    it('answers 413 for a file part over the limit', async () => {
      const server = await startBackend({
        config: { devops: { reports: { maxBodySize: '1kb' } } },
      });
      const bomb = gzipSync(
        Buffer.from(`TN:\n${'SF:a.js\nDA:1,1\nend_of_record\n'.repeat(2000)}`),
      );
      const res = await multipart(server).attach('file', bomb, 'lcov.info.gz');
      expect(res.body.error.message).toMatch(/exceeds the limit of 1 kB/);
      expect(res.status).toBe(413);
      expect(await storedReports(server)).toEqual([]);
    });
  });

  it('requires the upload permission and credentials', async () => {
    const denied = await startBackend({ permission: AuthorizeResult.DENY });
    const res = await upload(
      denied,
      { format: 'lcov' },
      fixture('real/jest-lcov.info'),
    );
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/devops.report.create/);

    const server = await startBackend();
    const anonymous = await upload(
      server,
      { format: 'lcov' },
      fixture('real/jest-lcov.info'),
    ).set('Authorization', mockCredentials.none.header());
    expect(anonymous.status).toBe(401);
    expect(await storedReports(server)).toEqual([]);
  });

  it('serves report details and files, and 404s for unknown ones', async () => {
    const server = await startBackend();
    const up = await upload(
      server,
      { format: 'cobertura' },
      fixture('real/jest-cobertura.xml'),
    );
    expect(up.status).toBe(201);
    const id = up.body.report.id;
    expect(
      (await request(server).get(`/api/devops/reports/${id}`)).body.id,
    ).toBe(id);
    const files = await request(server).get(
      `/api/devops/reports/${id}/files?limit=1`,
    );
    expect(files.status).toBe(200);
    expect(files.body.items).toHaveLength(1);
    expect((await request(server).get('/api/devops/reports/nope')).status).toBe(
      404,
    );
    expect(
      (await request(server).get('/api/devops/reports/x/files?limit=0')).status,
    ).toBe(400);
    const unknown = await request(server).get(
      '/api/devops/entities/component/default/ghost/coverage',
    );
    expect(unknown.status).toBe(404);
  });
});
