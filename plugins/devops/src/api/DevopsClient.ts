import { CompoundEntityRef } from '@backstage/catalog-model';
import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  ComplianceFrameworkDetail,
  EffectivePerformanceTargets,
  FindingStatusChange,
  LoadTestRun,
  PerformanceSummary,
  PerformanceTargetChange,
  CoverageSummary,
  CreateEnvironmentRequest,
  Deploy,
  DeployDetail,
  DeployDryRun,
  DeployMarker,
  DeployRequest,
  DeploysSummary,
  EntityEnvironment,
  PromoteRequest,
  RollbackRequest,
  SecurityFinding,
  SecuritySummary,
  SecurityThreat,
  ThreatStatusChange,
} from '@devops-growth/backstage-plugin-devops-common';
import {
  DeployDryRunRequest,
  DeployHistoryOptions,
  DeployHistoryPage,
  DeployVersions,
  DevopsApi,
  EntityEnvironmentsOptions,
  LoadTestRequest,
  PerformanceSummaryOptions,
  PerformanceTargetsResponse,
  PerformanceTargetsUpdate,
  CoverageSummaryOptions,
  SecurityFindingsOptions,
  SecurityFindingsPage,
  SecuritySummaryOptions,
} from './DevopsApi';

function entityPath(entityRef: CompoundEntityRef): string {
  const path = [entityRef.kind, entityRef.namespace, entityRef.name]
    .map(encodeURIComponent)
    .join('/');
  return `/entities/${path}`;
}

/** `?a=1&b=2` from the given values, leaving out empty ones; `''` when nothing is left. */
function queryString(values: Record<string, string | undefined>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    if (value) {
      query.set(key, value);
    }
  }
  const search = query.toString();
  return search ? `?${search}` : '';
}

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

  async getCoverageSummary(
    entityRef: CompoundEntityRef,
    options?: CoverageSummaryOptions,
  ): Promise<CoverageSummary> {
    return this.request<CoverageSummary>(
      `${entityPath(entityRef)}/coverage${queryString({
        report: options?.report,
        branch: options?.branch,
      })}`,
    );
  }

  async getPerformanceSummary(
    entityRef: CompoundEntityRef,
    options?: PerformanceSummaryOptions,
  ): Promise<PerformanceSummary> {
    return this.request<PerformanceSummary>(
      `${entityPath(entityRef)}/performance${queryString({
        window: options?.window,
        environment: options?.environment,
      })}`,
    );
  }

  async getPerformanceTargets(
    entityRef: CompoundEntityRef,
  ): Promise<PerformanceTargetsResponse> {
    return this.request<PerformanceTargetsResponse>(
      `${entityPath(entityRef)}/performance/targets`,
    );
  }

  async updatePerformanceTargets(
    entityRef: CompoundEntityRef,
    update: PerformanceTargetsUpdate,
  ): Promise<{
    targets: EffectivePerformanceTargets;
    change: PerformanceTargetChange;
  }> {
    return this.request(`${entityPath(entityRef)}/performance/targets`, {
      method: 'PUT',
      body: update,
    });
  }

  async getLoadTests(
    entityRef: CompoundEntityRef,
  ): Promise<{ items: LoadTestRun[] }> {
    return this.request(`${entityPath(entityRef)}/performance/load-tests`);
  }

  async startLoadTest(
    entityRef: CompoundEntityRef,
    request: LoadTestRequest = {},
  ): Promise<{ run: LoadTestRun }> {
    return this.request(`${entityPath(entityRef)}/performance/load-tests`, {
      method: 'POST',
      body: request,
    });
  }

  async getSecuritySummary(
    entityRef: CompoundEntityRef,
    options?: SecuritySummaryOptions,
  ): Promise<SecuritySummary> {
    return this.request<SecuritySummary>(
      `${entityPath(entityRef)}/security${queryString({
        branch: options?.branch,
      })}`,
    );
  }

  async getSecurityFindings(
    entityRef: CompoundEntityRef,
    options: SecurityFindingsOptions = {},
  ): Promise<SecurityFindingsPage> {
    return this.request<SecurityFindingsPage>(
      `${entityPath(entityRef)}/security/findings${queryString({
        branch: options.branch,
        status: options.status?.join(','),
        severity: options.severity?.join(','),
        limit: options.limit?.toString(),
        offset: options.offset?.toString(),
      })}`,
    );
  }

  async getComplianceFramework(
    entityRef: CompoundEntityRef,
    frameworkId: string,
  ): Promise<ComplianceFrameworkDetail> {
    return this.request<ComplianceFrameworkDetail>(
      `${entityPath(entityRef)}/security/compliance/${encodeURIComponent(
        frameworkId,
      )}`,
    );
  }

  async updateFindingStatus(
    findingId: string,
    change: FindingStatusChange,
  ): Promise<{ finding: SecurityFinding }> {
    return this.request(
      `/security/findings/${encodeURIComponent(findingId)}/status`,
      { method: 'POST', body: change },
    );
  }

  async updateThreatStatus(
    threatId: string,
    change: ThreatStatusChange,
  ): Promise<{ threat: SecurityThreat }> {
    return this.request(
      `/security/threats/${encodeURIComponent(threatId)}/status`,
      { method: 'POST', body: change },
    );
  }

  async getDeploysSummary(
    entityRef: CompoundEntityRef,
  ): Promise<DeploysSummary> {
    return this.request<DeploysSummary>(`${entityPath(entityRef)}/deploys`);
  }

  async getDeployHistory(
    entityRef: CompoundEntityRef,
    options: DeployHistoryOptions = {},
  ): Promise<DeployHistoryPage> {
    return this.request<DeployHistoryPage>(
      `${entityPath(entityRef)}/deploys/history${queryString({
        environment: options.environment,
        limit: options.limit?.toString(),
        offset: options.offset?.toString(),
      })}`,
    );
  }

  async getDeployVersions(
    entityRef: CompoundEntityRef,
    environment: string,
  ): Promise<DeployVersions> {
    return this.request<DeployVersions>(
      `${entityPath(entityRef)}/deploys/versions${queryString({
        environment,
      })}`,
    );
  }

  async getDeployMarkers(
    entityRef: CompoundEntityRef,
    range: { from: Date; to: Date },
  ): Promise<{ markers: DeployMarker[] }> {
    return this.request(
      `${entityPath(entityRef)}/deploys/markers${queryString({
        from: range.from.toISOString(),
        to: range.to.toISOString(),
      })}`,
    );
  }

  async dryRunDeploy(
    entityRef: CompoundEntityRef,
    request: DeployDryRunRequest,
  ): Promise<DeployDryRun> {
    return this.request(`${entityPath(entityRef)}/deploys/dry-run`, {
      method: 'POST',
      body: request,
    });
  }

  async startDeploy(
    entityRef: CompoundEntityRef,
    request: DeployRequest,
  ): Promise<Deploy> {
    return this.request(`${entityPath(entityRef)}/deploys`, {
      method: 'POST',
      body: request,
    });
  }

  async promoteDeploy(
    entityRef: CompoundEntityRef,
    request: PromoteRequest,
  ): Promise<Deploy> {
    return this.request(`${entityPath(entityRef)}/deploys/promote`, {
      method: 'POST',
      body: request,
    });
  }

  async rollbackDeploy(
    entityRef: CompoundEntityRef,
    request: RollbackRequest,
  ): Promise<Deploy> {
    return this.request(`${entityPath(entityRef)}/deploys/rollback`, {
      method: 'POST',
      body: request,
    });
  }

  async getDeploy(deployId: string): Promise<DeployDetail> {
    return this.request<DeployDetail>(
      `/deploys/${encodeURIComponent(deployId)}`,
    );
  }

  async abortDeploy(deployId: string, reason?: string): Promise<Deploy> {
    return this.request(`/deploys/${encodeURIComponent(deployId)}/abort`, {
      method: 'POST',
      body: reason ? { reason } : {},
    });
  }

  async listEnvironments(
    entityRef: CompoundEntityRef,
    options: EntityEnvironmentsOptions = {},
  ): Promise<{ items: EntityEnvironment[] }> {
    return this.request(
      `${entityPath(entityRef)}/environments${queryString({
        all: options.all ? 'true' : undefined,
      })}`,
    );
  }

  async createEnvironment(
    entityRef: CompoundEntityRef,
    request: CreateEnvironmentRequest,
  ): Promise<EntityEnvironment> {
    return this.request(`${entityPath(entityRef)}/environments`, {
      method: 'POST',
      body: request,
    });
  }

  async deleteEnvironment(
    entityRef: CompoundEntityRef,
    environment: string,
    reason?: string,
  ): Promise<EntityEnvironment> {
    return this.request(
      `${entityPath(entityRef)}/environments/${encodeURIComponent(
        environment,
      )}`,
      { method: 'DELETE', body: reason ? { reason } : {} },
    );
  }

  private async request<T>(
    path: string,
    options?: { method: 'POST' | 'PUT' | 'DELETE'; body: unknown },
  ): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('devops');
    const url = `${baseUrl}${path}`;
    const response = options
      ? await this.fetchApi.fetch(url, {
          method: options.method,
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(options.body),
        })
      : await this.fetchApi.fetch(url);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
