import { ResponseError } from '@backstage/errors';
import {
  clientBaseUrl as baseUrl,
  clientEntityRef as entityRef,
  jsonResponse as json,
  setupClient as setup,
} from '../__testUtils__/clientSetup';
import {
  makeComplianceDetail,
  makeFinding,
  makeSecuritySummary,
  makeThreat,
} from '../__fixtures__/securitySummary';

const securityUrl = `${baseUrl}/entities/Component/default/payments/security`;

describe('DevopsClient: security', () => {
  it('fetches the security summary of a branch, encoded', async () => {
    const summary = makeSecuritySummary();
    const { client, fetch } = setup(json(summary));

    await expect(
      client.getSecuritySummary(entityRef, { branch: 'feature/a&b' }),
    ).resolves.toEqual(summary);

    const url = new URL(String(fetch.mock.calls[0][0]));
    expect(`${url.origin}${url.pathname}`).toBe(securityUrl);
    expect(url.searchParams.get('branch')).toBe('feature/a&b');
    expect(fetch.mock.calls[0][1]).toBeUndefined();
  });

  it('asks for the default branch without options', async () => {
    const { client, fetch } = setup(json(makeSecuritySummary()));

    await client.getSecuritySummary(entityRef);

    expect(fetch.mock.calls[0][0]).toBe(securityUrl);
  });

  it('fetches a page of findings with comma-separated filters', async () => {
    const body = { items: [makeFinding()], total: 31 };
    const { client, fetch } = setup(json(body));

    await expect(
      client.getSecurityFindings(entityRef, {
        branch: 'main',
        status: ['open', 'accepted'],
        severity: ['critical', 'high'],
        limit: 20,
        offset: 0,
      }),
    ).resolves.toEqual(body);

    const url = new URL(String(fetch.mock.calls[0][0]));
    expect(`${url.origin}${url.pathname}`).toBe(`${securityUrl}/findings`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      branch: 'main',
      status: 'open,accepted',
      severity: 'critical,high',
      limit: '20',
      offset: '0',
    });
  });

  it('fetches a compliance framework by id', async () => {
    const detail = makeComplianceDetail();
    const { client, fetch } = setup(json(detail));

    await expect(
      client.getComplianceFramework(entityRef, 'pci-dss'),
    ).resolves.toEqual(detail);
    expect(fetch.mock.calls[0][0]).toBe(`${securityUrl}/compliance/pci-dss`);
  });

  it('POSTs a finding status change as JSON', async () => {
    const finding = makeFinding({ status: 'accepted' });
    const { client, fetch } = setup(json({ finding }));
    const change = {
      status: 'accepted' as const,
      reason: 'Behind the VPN',
      expiresAt: '2025-04-09T12:00:00.000Z',
    };

    await expect(client.updateFindingStatus('f/1', change)).resolves.toEqual({
      finding,
    });

    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe(`${baseUrl}/security/findings/f%2F1/status`);
    expect(init?.method).toBe('POST');
    expect(new Headers(init?.headers).get('Content-Type')).toBe(
      'application/json',
    );
    expect(JSON.parse(String(init?.body))).toEqual(change);
  });

  it('POSTs a threat status change as JSON', async () => {
    const threat = makeThreat({ status: 'mitigated' });
    const { client, fetch } = setup(json({ threat }));

    await expect(
      client.updateThreatStatus('t1', { status: 'mitigated' }),
    ).resolves.toEqual({ threat });

    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe(`${baseUrl}/security/threats/t1/status`);
    expect(init?.method).toBe('POST');
    expect(JSON.parse(String(init?.body))).toEqual({ status: 'mitigated' });
  });

  it("throws a ResponseError carrying the backend's 400 message", async () => {
    const { client } = setup(
      json(
        {
          error: {
            name: 'InputError',
            message: 'expiresAt must lie in the future',
          },
          request: { method: 'POST', url: '/security/findings/f1/status' },
          response: { statusCode: 400 },
        },
        400,
      ),
    );

    const error = await client
      .updateFindingStatus('f1', {
        status: 'accepted',
        reason: 'x',
        expiresAt: '2000-01-01T00:00:00Z',
      })
      .catch(e => e);

    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(400);
    expect(error.cause.message).toBe('expiresAt must lie in the future');
  });
});
