import { ResponseError } from '@backstage/errors';
import { DevopsClient } from './DevopsClient';
import { makeSummary } from '../__fixtures__/qualitySummary';

const baseUrl = 'http://localhost:7007/api/devops';

function setup(response: Response) {
  const fetch = jest.fn(async (_input: RequestInfo | URL) => response);
  const discoveryApi = { getBaseUrl: jest.fn(async () => baseUrl) };
  const client = new DevopsClient({ discoveryApi, fetchApi: { fetch } });
  return { client, fetch, discoveryApi };
}

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
}

const entityRef = { kind: 'Component', namespace: 'default', name: 'payments' };

describe('DevopsClient', () => {
  it('fetches the quality summary of an entity from the devops backend', async () => {
    const summary = makeSummary();
    const { client, fetch, discoveryApi } = setup(json(summary));

    await expect(client.getQualitySummary(entityRef)).resolves.toEqual(summary);

    expect(discoveryApi.getBaseUrl).toHaveBeenCalledWith('devops');
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(fetch.mock.calls[0][0]).toBe(
      `${baseUrl}/entities/Component/default/payments/quality`,
    );
  });

  it('passes the report name and branch as query parameters, encoded', async () => {
    const { client, fetch } = setup(json(makeSummary()));

    await client.getQualitySummary(
      { kind: 'component', namespace: 'my ns', name: 'a/b' },
      { report: 'e2e tests', branch: 'feature/x&y' },
    );

    const url = new URL(String(fetch.mock.calls[0][0]));
    expect(url.pathname).toBe(
      '/api/devops/entities/component/my%20ns/a%2Fb/quality',
    );
    expect(url.searchParams.get('report')).toBe('e2e tests');
    expect(url.searchParams.get('branch')).toBe('feature/x&y');
  });

  it('leaves out empty options', async () => {
    const { client, fetch } = setup(json(makeSummary()));

    await client.getQualitySummary(entityRef, {
      report: '',
      branch: undefined,
    });

    expect(String(fetch.mock.calls[0][0])).not.toContain('?');
  });

  it('throws a ResponseError carrying the backend error on a non-OK response', async () => {
    const { client } = setup(
      json(
        {
          error: {
            name: 'NotFoundError',
            message: 'No entity component:default/payments',
          },
          request: {
            method: 'GET',
            url: '/entities/component/default/payments/quality',
          },
          response: { statusCode: 404 },
        },
        404,
      ),
    );

    const error = await client.getQualitySummary(entityRef).catch(e => e);

    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(404);
    expect(error.body.error.name).toBe('NotFoundError');
    expect(error.cause.message).toBe('No entity component:default/payments');
  });
});
