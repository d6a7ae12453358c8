import http from 'node:http';
import { AddressInfo } from 'node:net';
import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { createTestDatabases } from '../../__testUtils__/databases';
import { migrateToLatest } from '../../database/migrations';
import { AllowedHosts, HostResolver } from '../../egress/AllowedHosts';
import { DatabaseLoadTestStore } from './DatabaseLoadTestStore';
import { LoadTestRunner } from './LoadTestRunner';

jest.setTimeout(60_000);

const databases = createTestDatabases();

/** A local service that counts the connections it accepts and the Host headers it sees. */
let server: http.Server;
let port: number;
let connections = 0;
const hostHeaders = new Set<string>();

beforeAll(async () => {
  server = http.createServer((req, res) => {
    hostHeaders.add(req.headers.host ?? '');
    res.end('ok');
  });
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise(resolve => server.close(resolve));
});

beforeEach(() => {
  connections = 0;
  hostHeaders.clear();
});

/** `svc.example.test` exists only in this resolver, and points at the local service. */
const dns: HostResolver = async hostname => {
  if (hostname === 'svc.example.test') {
    return [{ address: '127.0.0.1', family: 4 }];
  }
  throw Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' });
};

describe.each(databases.eachSupportedId())('LoadTestRunner on %p', id => {
  let knex: Knex;
  let store: DatabaseLoadTestStore;

  beforeAll(async () => {
    knex = await databases.init(id);
    await migrateToLatest(knex);
  });

  beforeEach(async () => {
    await knex('devops_load_test_runs').delete();
    store = new DatabaseLoadTestStore(knex);
  });

  const runner = (allowedHosts?: string[]) =>
    new LoadTestRunner(
      store,
      {
        defaultDurationSeconds: 1,
        maxDurationSeconds: 5,
        defaultConnections: 1,
        maxConnections: 2,
        maxConcurrent: 2,
      },
      mockServices.logger.mock(),
      AllowedHosts.fromConfig(
        new ConfigReader(allowedHosts ? { devops: { allowedHosts } } : {}),
        { resolve: dns },
      ),
    );

  const request = (url: string) => ({
    entityRef: 'component:default/checkout',
    environment: 'production',
    url,
    startedBy: 'user:default/me',
    durationSeconds: 1,
    connections: 1,
  });

  it.each([
    [undefined, `http://127.0.0.1:PORT/`, 'devops.allowedHosts is not set'],
    [['*.example.test'], `http://127.0.0.1:PORT/`, 'is not in'],
    [
      ['*.example.test'],
      `http://svc.example.test:PORT/`,
      "'svc.example.test' resolves to a loopback address",
    ],
    [
      ['*.example.test', '10.0.0.0/8'],
      'http://169.254.169.254/latest/meta-data/',
      "host '169.254.169.254' is not in devops.allowedHosts",
    ],
  ])(
    'with devops.allowedHosts %j refuses %s before storing or connecting',
    async (allowedHosts, url, message) => {
      const target = url.replace('PORT', String(port));
      await expect(
        runner(allowedHosts).start(request(target)),
      ).rejects.toMatchObject({
        name: 'InputError',
        message: expect.stringContaining(message),
      });
      expect(
        await store.listLoadTests('component:default/checkout', { limit: 10 }),
      ).toEqual([]);
      expect(connections).toBe(0);
    },
  );

  it('runs against the checked address of an exactly listed host, with its Host header', async () => {
    const url = `http://svc.example.test:${port}/`;
    const loadTests = runner([`svc.example.test:${port}`]);
    const run = await loadTests.start(request(url));
    await loadTests.whenIdle();
    const [stored] = await store.listLoadTests('component:default/checkout', {
      limit: 1,
    });
    expect(stored).toMatchObject({ id: run.id, url, status: 'succeeded' });
    expect(stored.requests).toBeGreaterThan(0);
    // The system resolver does not know svc.example.test: the connections went to the
    // address the list checked, and the requests still name the declared host.
    expect(connections).toBeGreaterThan(0);
    expect([...hostHeaders]).toEqual([`svc.example.test:${port}`]);
  });
});
