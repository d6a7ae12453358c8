import { ResponseError } from '@backstage/errors';
import {
  clientBaseUrl as baseUrl,
  clientEntityRef as entityRef,
  jsonResponse as json,
  setupClient as setup,
} from '../__testUtils__/clientSetup';
import { makeSummary } from '../__fixtures__/coverageSummary';
import {
  makeLoadTestRun,
  makePerformanceSummary,
} from '../__fixtures__/performanceSummary';

describe('DevopsClient', () => {
  it('fetches the coverage summary of an entity from the devops backend', async () => {
    const summary = makeSummary();
    const { client, fetch, discoveryApi } = setup(json(summary));

    await expect(client.getCoverageSummary(entityRef)).resolves.toEqual(
      summary,
    );

    expect(discoveryApi.getBaseUrl).toHaveBeenCalledWith('devops');
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(fetch.mock.calls[0][0]).toBe(
      `${baseUrl}/entities/Component/default/payments/coverage`,
    );
  });

  it('passes the report name and branch as query parameters, encoded', async () => {
    const { client, fetch } = setup(json(makeSummary()));

    await client.getCoverageSummary(
      { kind: 'component', namespace: 'my ns', name: 'a/b' },
      { report: 'e2e tests', branch: 'feature/x&y' },
    );

    const url = new URL(String(fetch.mock.calls[0][0]));
    expect(url.pathname).toBe(
      '/api/devops/entities/component/my%20ns/a%2Fb/coverage',
    );
    expect(url.searchParams.get('report')).toBe('e2e tests');
    expect(url.searchParams.get('branch')).toBe('feature/x&y');
  });

  it('leaves out empty options', async () => {
    const { client, fetch } = setup(json(makeSummary()));

    await client.getCoverageSummary(entityRef, {
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
            url: '/entities/component/default/payments/coverage',
          },
          response: { statusCode: 404 },
        },
        404,
      ),
    );

    const error = await client.getCoverageSummary(entityRef).catch(e => e);

    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(404);
    expect(error.body.error.name).toBe('NotFoundError');
    expect(error.cause.message).toBe('No entity component:default/payments');
  });

  describe('performance', () => {
    const performanceUrl = `${baseUrl}/entities/Component/default/payments/performance`;

    it('fetches the performance summary for a window and an environment', async () => {
      const summary = makePerformanceSummary();
      const { client, fetch } = setup(json(summary));

      await expect(
        client.getPerformanceSummary(entityRef, {
          window: '7d',
          environment: 'eu prod',
        }),
      ).resolves.toEqual(summary);

      const url = new URL(String(fetch.mock.calls[0][0]));
      expect(`${url.origin}${url.pathname}`).toBe(performanceUrl);
      expect(url.searchParams.get('window')).toBe('7d');
      expect(url.searchParams.get('environment')).toBe('eu prod');
      expect(fetch.mock.calls[0][1]).toBeUndefined();
    });

    it('asks for the backend defaults without options', async () => {
      const { client, fetch } = setup(json(makePerformanceSummary()));

      await client.getPerformanceSummary(entityRef);

      expect(fetch.mock.calls[0][0]).toBe(performanceUrl);
    });

    it('fetches the targets with their history', async () => {
      const body = {
        targets: makePerformanceSummary().targets,
        history: [],
      };
      const { client, fetch } = setup(json(body));

      await expect(client.getPerformanceTargets(entityRef)).resolves.toEqual(
        body,
      );
      expect(fetch.mock.calls[0][0]).toBe(`${performanceUrl}/targets`);
    });

    it('PUTs target changes as JSON', async () => {
      const body = {
        targets: makePerformanceSummary().targets,
        change: {
          id: 'c1',
          entityRef: 'component:default/payments',
          changes: { p95Ms: 250, errorRate: null },
          actor: 'user:default/jane.doe',
          comment: 'tighter',
          at: '2025-03-03T11:00:00Z',
        },
      };
      const { client, fetch } = setup(json(body));

      await expect(
        client.updatePerformanceTargets(entityRef, {
          changes: { p95Ms: 250, errorRate: null },
          comment: 'tighter',
        }),
      ).resolves.toEqual(body);

      const [url, init] = fetch.mock.calls[0];
      expect(url).toBe(`${performanceUrl}/targets`);
      expect(init?.method).toBe('PUT');
      expect(new Headers(init?.headers).get('Content-Type')).toBe(
        'application/json',
      );
      expect(JSON.parse(String(init?.body))).toEqual({
        changes: { p95Ms: 250, errorRate: null },
        comment: 'tighter',
      });
    });

    it('lists the load tests', async () => {
      const items = [makeLoadTestRun()];
      const { client, fetch } = setup(json({ items }));

      await expect(client.getLoadTests(entityRef)).resolves.toEqual({ items });
      expect(fetch.mock.calls[0][0]).toBe(`${performanceUrl}/load-tests`);
    });

    it('POSTs a load test request and returns the started run', async () => {
      const run = makeLoadTestRun({ status: 'running', finishedAt: null });
      const { client, fetch } = setup(json({ run }, 202));

      await expect(
        client.startLoadTest(entityRef, { environment: 'staging' }),
      ).resolves.toEqual({ run });

      const [url, init] = fetch.mock.calls[0];
      expect(url).toBe(`${performanceUrl}/load-tests`);
      expect(init?.method).toBe('POST');
      expect(JSON.parse(String(init?.body))).toEqual({
        environment: 'staging',
      });
    });

    it('throws a ResponseError with the backend message when a load test is refused', async () => {
      const { client } = setup(
        json(
          {
            error: {
              name: 'ConflictError',
              message: 'A load test is already running for staging',
            },
            request: { method: 'POST', url: '/load-tests' },
            response: { statusCode: 409 },
          },
          409,
        ),
      );

      const error = await client.startLoadTest(entityRef).catch(e => e);

      expect(error).toBeInstanceOf(ResponseError);
      expect(error.statusCode).toBe(409);
      expect(error.cause.message).toBe(
        'A load test is already running for staging',
      );
    });
  });
});
