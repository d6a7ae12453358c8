import { DevopsClient } from '../api/DevopsClient';

/** The backend's base URL in the client tests. */
export const clientBaseUrl = 'http://localhost:7007/api/devops';

/** The test entity's ref in the client tests. */
export const clientEntityRef = {
  kind: 'Component',
  namespace: 'default',
  name: 'payments',
};

/** A client whose every request answers `response`, with the mocked fetch and discovery. */
export function setupClient(response: Response) {
  const fetch = jest.fn(
    async (_input: RequestInfo | URL, _init?: RequestInit) => response,
  );
  const discoveryApi = { getBaseUrl: jest.fn(async () => clientBaseUrl) };
  const client = new DevopsClient({ discoveryApi, fetchApi: { fetch } });
  return { client, fetch, discoveryApi };
}

/** A JSON response. */
export function jsonResponse(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
}
