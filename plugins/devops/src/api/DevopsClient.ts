import { CompoundEntityRef } from '@backstage/catalog-model';
import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { QualitySummary } from '@devops-growth/backstage-plugin-devops-common';
import { DevopsApi, QualitySummaryOptions } from './DevopsApi';

/**
 * Default {@link DevopsApi} implementation, talking to the `devops` backend plugin through the
 * discovery and fetch APIs (so that the user's Backstage token is sent along).
 *
 * @public
 */
export class DevopsClient implements DevopsApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async getQualitySummary(
    entityRef: CompoundEntityRef,
    options?: QualitySummaryOptions,
  ): Promise<QualitySummary> {
    const path = [entityRef.kind, entityRef.namespace, entityRef.name]
      .map(encodeURIComponent)
      .join('/');
    const query = new URLSearchParams();
    if (options?.report) {
      query.set('report', options.report);
    }
    if (options?.branch) {
      query.set('branch', options.branch);
    }
    const search = query.toString();
    return this.get<QualitySummary>(
      `/entities/${path}/quality${search ? `?${search}` : ''}`,
    );
  }

  private async get<T>(path: string): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('devops');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
