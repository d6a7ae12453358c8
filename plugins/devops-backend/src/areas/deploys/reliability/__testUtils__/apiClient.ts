import { DeployDetail } from '@devops-growth/backstage-plugin-devops-common';

/** The answer of one request: status and parsed JSON body (or text). */
export interface ApiAnswer<T = any> {
  status: number;
  body: T;
}

/** The devops API with the static token. */
export class ApiClient {
  constructor(readonly baseUrl: string, private readonly token: string) {}

  async request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiAnswer<T>> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: response.status, body: parsed as T };
  }

  deploysPath(entity: string): string {
    return `/api/devops/entities/component/default/${entity}/deploys`;
  }

  startDeploy(
    entity: string,
    body: { environment: string; version: string; idempotencyKey?: string },
  ) {
    return this.request('POST', this.deploysPath(entity), body);
  }

  /** Records `version` as deployed outside and succeeded (the rollback target of later deploys). */
  recordPushed(entity: string, environment: string, version: string) {
    return this.request('POST', `${this.deploysPath(entity)}/pushed`, {
      environment,
      version,
      deployedAt: new Date(Date.now() - 60_000).toISOString(),
      outcome: 'succeeded',
      source: 'reliability-test',
    });
  }

  deploy(id: string): Promise<ApiAnswer<DeployDetail>> {
    return this.request<DeployDetail>('GET', `/api/devops/deploys/${id}`);
  }
}
