import { ResponseError } from '@backstage/errors';
import {
  clientBaseUrl as baseUrl,
  clientEntityRef as entityRef,
  jsonResponse as json,
  setupClient as setup,
} from '../__testUtils__/clientSetup';
import {
  makeDeploy,
  makeDeployDetail,
  makeDeploysSummary,
  makeDryRun,
  makeEntityEnvironment,
} from '../__fixtures__/deploysSummary';

const deploysUrl = `${baseUrl}/entities/Component/default/payments/deploys`;

function sentBody(fetch: jest.Mock, method = 'POST') {
  const init = fetch.mock.calls[0][1] as RequestInit;
  expect(init.method).toBe(method);
  return JSON.parse(String(init.body));
}

describe('DevopsClient: deploys', () => {
  it('fetches the deploys summary', async () => {
    const summary = makeDeploysSummary();
    const { client, fetch } = setup(json(summary));

    await expect(client.getDeploysSummary(entityRef)).resolves.toEqual(summary);
    expect(fetch.mock.calls[0][0]).toBe(deploysUrl);
  });

  it('fetches a page of history for an environment', async () => {
    const { client, fetch } = setup(json({ items: [makeDeploy()], total: 31 }));

    const page = await client.getDeployHistory(entityRef, {
      environment: 'production',
      limit: 10,
      offset: 20,
    });

    expect(page.total).toBe(31);
    const url = new URL(String(fetch.mock.calls[0][0]));
    expect(`${url.origin}${url.pathname}`).toBe(`${deploysUrl}/history`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      environment: 'production',
      limit: '10',
      offset: '20',
    });
  });

  it('asks for the versions of one environment, encoded', async () => {
    const { client, fetch } = setup(
      json({ environment: 'eu prod', available: null, succeeded: [] }),
    );

    await client.getDeployVersions(entityRef, 'eu prod');

    expect(fetch.mock.calls[0][0]).toBe(
      `${deploysUrl}/versions?environment=eu+prod`,
    );
  });

  it('asks for the markers of a time range in ISO times', async () => {
    const { client, fetch } = setup(json({ markers: [] }));

    await client.getDeployMarkers(entityRef, {
      from: new Date('2025-03-10T00:00:00Z'),
      to: new Date('2025-03-10T12:00:00Z'),
    });

    const url = new URL(String(fetch.mock.calls[0][0]));
    expect(url.pathname).toBe(
      '/api/devops/entities/Component/default/payments/deploys/markers',
    );
    expect(url.searchParams.get('from')).toBe('2025-03-10T00:00:00.000Z');
    expect(url.searchParams.get('to')).toBe('2025-03-10T12:00:00.000Z');
  });

  it('posts a dry run with its action', async () => {
    const { client, fetch } = setup(json(makeDryRun()));

    await client.dryRunDeploy(entityRef, {
      action: 'deploy',
      environment: 'production',
      version: '1.5.0',
    });

    expect(fetch.mock.calls[0][0]).toBe(`${deploysUrl}/dry-run`);
    expect(sentBody(fetch)).toEqual({
      action: 'deploy',
      environment: 'production',
      version: '1.5.0',
    });
  });

  it.each([
    ['startDeploy', '', { environment: 'production', version: '1.5.0' }],
    ['promoteDeploy', '/promote', { environment: 'production' }],
    [
      'rollbackDeploy',
      '/rollback',
      { environment: 'production', reason: 'errors up' },
    ],
  ] as const)('%s posts its body to deploys%s', async (method, path, body) => {
    const deploy = makeDeploy({ status: 'queued' });
    const { client, fetch } = setup(json(deploy, 201));

    await expect((client as any)[method](entityRef, body)).resolves.toEqual(
      deploy,
    );
    expect(fetch.mock.calls[0][0]).toBe(`${deploysUrl}${path}`);
    expect(sentBody(fetch)).toEqual(body);
  });

  it('fetches one deploy with its events and aborts one with a reason', async () => {
    const detail = makeDeployDetail({ id: 'a/b' });
    const { client, fetch } = setup(json(detail));
    await expect(client.getDeploy('a/b')).resolves.toEqual(detail);
    expect(fetch.mock.calls[0][0]).toBe(`${baseUrl}/deploys/a%2Fb`);

    const abort = setup(json(makeDeploy({ status: 'rolling-back' }), 202));
    await abort.client.abortDeploy('d9', 'wrong build');
    expect(abort.fetch.mock.calls[0][0]).toBe(`${baseUrl}/deploys/d9/abort`);
    expect(sentBody(abort.fetch)).toEqual({ reason: 'wrong build' });
  });

  it("throws the backend's error, a 409 naming the active deploy", async () => {
    const { client } = setup(
      json(
        {
          error: {
            name: 'ConflictError',
            message: 'Deploy d9 of 1.5.0 is already running in production',
          },
          response: { statusCode: 409 },
        },
        409,
      ),
    );

    const error = await client
      .startDeploy(entityRef, { environment: 'production', version: '1.6.0' })
      .catch(e => e);

    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(409);
    expect(error.cause.message).toBe(
      'Deploy d9 of 1.5.0 is already running in production',
    );
  });

  describe('per-entity environments', () => {
    const environmentsUrl = `${baseUrl}/entities/Component/default/payments/environments`;

    it('lists the live environments, and the torn-down ones too with all', async () => {
      const items = [makeEntityEnvironment()];
      const live = setup(json({ items }));
      await expect(live.client.listEnvironments(entityRef)).resolves.toEqual({
        items,
      });
      expect(live.fetch.mock.calls[0][0]).toBe(environmentsUrl);

      const all = setup(json({ items }));
      await all.client.listEnvironments(entityRef, { all: true });
      expect(all.fetch.mock.calls[0][0]).toBe(`${environmentsUrl}?all=true`);
    });

    it('creates one with its body', async () => {
      const created = makeEntityEnvironment();
      const { client, fetch } = setup(json(created, 201));
      const request = { name: 'pr-42', basedOn: 'staging', timeToLive: '3d' };

      await expect(
        client.createEnvironment(entityRef, request),
      ).resolves.toEqual(created);
      expect(fetch.mock.calls[0][0]).toBe(environmentsUrl);
      expect(sentBody(fetch)).toEqual(request);
    });

    it('deletes one by its encoded name with an optional reason, answering it tearing down', async () => {
      const tearingDown = makeEntityEnvironment({ status: 'tearing-down' });
      const withReason = setup(json(tearingDown, 202));
      await expect(
        withReason.client.deleteEnvironment(entityRef, 'pr 42', 'merged'),
      ).resolves.toEqual(tearingDown);
      expect(withReason.fetch.mock.calls[0][0]).toBe(
        `${environmentsUrl}/pr%2042`,
      );
      expect(sentBody(withReason.fetch, 'DELETE')).toEqual({
        reason: 'merged',
      });

      const without = setup(json(tearingDown, 202));
      await without.client.deleteEnvironment(entityRef, 'pr-42');
      expect(sentBody(without.fetch, 'DELETE')).toEqual({});
    });

    it("throws the backend's refusal", async () => {
      const { client } = setup(
        json(
          {
            error: {
              name: 'NotFoundError',
              message: 'component:default/payments has no environment pr-9',
            },
            response: { statusCode: 404 },
          },
          404,
        ),
      );
      const error = await client
        .deleteEnvironment(entityRef, 'pr-9')
        .catch(e => e);
      expect(error).toBeInstanceOf(ResponseError);
      expect(error.statusCode).toBe(404);
    });
  });
});
