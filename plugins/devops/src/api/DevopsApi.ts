import { CompoundEntityRef } from '@backstage/catalog-model';
import { createApiRef } from '@backstage/core-plugin-api';
import {
  ComplianceFrameworkDetail,
  EffectivePerformanceTargets,
  FindingStatus,
  FindingStatusChange,
  LoadTestRun,
  PerformanceSummary,
  PerformanceTargetChange,
  PerformanceTargetKey,
  PerformanceWindow,
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
  SecuritySeverity,
  SecuritySummary,
  SecurityThreat,
  ThreatStatusChange,
} from '@devops-growth/backstage-plugin-devops-common';

/**
 * Which report series to summarise. Both are optional; the backend picks its defaults when they
 * are left out, and the returned `CoverageSummary` says which ones it used.
 *
 * @public
 */
export interface CoverageSummaryOptions {
  /** Report name, for example `unit` or `e2e`. */
  report?: string;
  /** Branch the reports were uploaded for. */
  branch?: string;
}

/**
 * Which performance series to summarise. Both are optional; the backend picks its defaults when
 * they are left out, and the returned `PerformanceSummary` says which ones it used.
 *
 * @public
 */
export interface PerformanceSummaryOptions {
  /** Time window of the series: `1h`, `24h`, `7d` or `30d`. */
  window?: PerformanceWindow;
  /** Environment, for example `production`. */
  environment?: string;
}

/**
 * The targets in force for an entity, where each comes from, and the changes made to them through
 * the API.
 *
 * @public
 */
export interface PerformanceTargetsResponse {
  targets: EffectivePerformanceTargets;
  /** Changes made through the API. */
  history: PerformanceTargetChange[];
}

/**
 * A change to an entity's performance targets. In `changes`, a number sets an override (the error
 * rate as a 0..1 fraction) and `null` removes it; keys left out stay as they are.
 *
 * @public
 */
export interface PerformanceTargetsUpdate {
  changes: Partial<Record<PerformanceTargetKey, number | null>>;
  /** Why the targets change, kept in their history. */
  comment?: string;
}

/**
 * A load test to start. Every field is optional; the backend fills in and bounds its defaults.
 *
 * @public
 */
export interface LoadTestRequest {
  /** Environment whose declared `devops-growth.io/load-test-url` endpoint is loaded. */
  environment?: string;
  durationSeconds?: number;
  connections?: number;
}

/**
 * Which branch's security findings to summarise; the backend picks its default branch when it is
 * left out, and the returned `SecuritySummary` says which one it used.
 *
 * @public
 */
export interface SecuritySummaryOptions {
  branch?: string;
}

/**
 * A page of an entity's findings. Every field is optional; the backend applies its defaults and
 * bounds (open findings of the default branch, first page).
 *
 * @public
 */
export interface SecurityFindingsOptions {
  branch?: string;
  /** Only findings in these statuses. */
  status?: FindingStatus[];
  /** Only findings of these severities. */
  severity?: SecuritySeverity[];
  limit?: number;
  offset?: number;
}

/**
 * A page of findings and how many match in all.
 *
 * @public
 */
export interface SecurityFindingsPage {
  items: SecurityFinding[];
  total: number;
}

/**
 * A page of an entity's deploys, newest first, and how many match in all.
 *
 * @public
 */
export interface DeployHistoryPage {
  items: Deploy[];
  total: number;
}

/**
 * Which deploys of an entity to list. Every field is optional; the backend applies its defaults
 * and bounds (every environment, first page).
 *
 * @public
 */
export interface DeployHistoryOptions {
  environment?: string;
  limit?: number;
  offset?: number;
}

/**
 * The versions a deploy or a rollback of an environment may choose from.
 *
 * @public
 */
export interface DeployVersions {
  environment: string;
  /** What the provider can deploy; `null` when it cannot list versions (any valid version goes). */
  available: string[] | null;
  /** Versions that succeeded in the environment, newest first: the rollback targets. */
  succeeded: Array<{ version: string; deployId: string; at: string }>;
}

/**
 * A gate dry run: the body of the deploy, promote or rollback it previews (a rollback's reason is
 * optional here). Nothing is stored.
 *
 * @public
 */
export type DeployDryRunRequest =
  | ({ action: 'deploy' } & DeployRequest)
  | ({ action: 'promote' } & PromoteRequest)
  | ({ action: 'rollback' } & Omit<RollbackRequest, 'reason'> & {
        reason?: string;
      });

/**
 * Which per-entity environments to list: by default the active and tearing-down ones; with `all`,
 * the torn-down ones too (their history).
 *
 * @public
 */
export interface EntityEnvironmentsOptions {
  all?: boolean;
}

/**
 * Client side of the DevOps backend (`/api/devops`).
 *
 * @public
 */
export interface DevopsApi {
  /** Everything the "Coverage & tests" card shows for one entity. */
  getCoverageSummary(
    entityRef: CompoundEntityRef,
    options?: CoverageSummaryOptions,
  ): Promise<CoverageSummary>;

  /** Everything the "Performance" card shows for one entity. */
  getPerformanceSummary(
    entityRef: CompoundEntityRef,
    options?: PerformanceSummaryOptions,
  ): Promise<PerformanceSummary>;

  /** The performance targets in force for an entity and their change history. */
  getPerformanceTargets(
    entityRef: CompoundEntityRef,
  ): Promise<PerformanceTargetsResponse>;

  /**
   * Changes an entity's performance targets (permission
   * `devops.performance.targets.update`).
   */
  updatePerformanceTargets(
    entityRef: CompoundEntityRef,
    update: PerformanceTargetsUpdate,
  ): Promise<{
    targets: EffectivePerformanceTargets;
    change: PerformanceTargetChange;
  }>;

  /** The entity's most recent load test runs, newest first. */
  getLoadTests(entityRef: CompoundEntityRef): Promise<{ items: LoadTestRun[] }>;

  /**
   * Starts a load test against an endpoint the entity declares (permission
   * `devops.performance.load-test.create`). Resolves with the run as soon as it started.
   */
  startLoadTest(
    entityRef: CompoundEntityRef,
    request?: LoadTestRequest,
  ): Promise<{ run: LoadTestRun }>;

  /** Everything the "Security" card shows for one entity and branch. */
  getSecuritySummary(
    entityRef: CompoundEntityRef,
    options?: SecuritySummaryOptions,
  ): Promise<SecuritySummary>;

  /** A page of the entity's findings, filtered by status and severity. */
  getSecurityFindings(
    entityRef: CompoundEntityRef,
    options?: SecurityFindingsOptions,
  ): Promise<SecurityFindingsPage>;

  /** One compliance framework's score with its controls, their evidence and the score history. */
  getComplianceFramework(
    entityRef: CompoundEntityRef,
    frameworkId: string,
  ): Promise<ComplianceFrameworkDetail>;

  /**
   * Accepts a finding's risk, marks it a false positive or reopens it (permission
   * `devops.security.finding.update` on the finding's entity).
   */
  updateFindingStatus(
    findingId: string,
    change: FindingStatusChange,
  ): Promise<{ finding: SecurityFinding }>;

  /**
   * Acknowledges a threat, marks it mitigated or a false positive, or reopens it (permission
   * `devops.security.threat.update` on the threat's entity).
   */
  updateThreatStatus(
    threatId: string,
    change: ThreatStatusChange,
  ): Promise<{ threat: SecurityThreat }>;

  /** Everything the "Deploys" card shows for one entity. */
  getDeploysSummary(entityRef: CompoundEntityRef): Promise<DeploysSummary>;

  /** A page of the entity's deploys, newest first. */
  getDeployHistory(
    entityRef: CompoundEntityRef,
    options?: DeployHistoryOptions,
  ): Promise<DeployHistoryPage>;

  /** The versions a deploy to or a rollback of `environment` may choose from. */
  getDeployVersions(
    entityRef: CompoundEntityRef,
    environment: string,
  ): Promise<DeployVersions>;

  /** The entity's deploys between `from` and `to`, for the markers on the performance charts. */
  getDeployMarkers(
    entityRef: CompoundEntityRef,
    range: { from: Date; to: Date },
  ): Promise<{ markers: DeployMarker[] }>;

  /** The gates a deploy, promotion or rollback would meet, without starting anything. */
  dryRunDeploy(
    entityRef: CompoundEntityRef,
    request: DeployDryRunRequest,
  ): Promise<DeployDryRun>;

  /** Starts a deploy (permission `devops.deploy.create` on the entity). */
  startDeploy(
    entityRef: CompoundEntityRef,
    request: DeployRequest,
  ): Promise<Deploy>;

  /**
   * Deploys to an environment the version its previous environment of the chain runs (permission
   * `devops.deploy.promote` on the entity).
   */
  promoteDeploy(
    entityRef: CompoundEntityRef,
    request: PromoteRequest,
  ): Promise<Deploy>;

  /** Rolls an environment back (permission `devops.deploy.rollback` on the entity). */
  rollbackDeploy(
    entityRef: CompoundEntityRef,
    request: RollbackRequest,
  ): Promise<Deploy>;

  /** One deploy with its events. */
  getDeploy(deployId: string): Promise<DeployDetail>;

  /** Aborts a deploy in flight; the engine rolls it back (permission `devops.deploy.abort`). */
  abortDeploy(deployId: string, reason?: string): Promise<Deploy>;

  /** The entity's per-entity environments (previews), with their time to live and teardown. */
  listEnvironments(
    entityRef: CompoundEntityRef,
    options?: EntityEnvironmentsOptions,
  ): Promise<{ items: EntityEnvironment[] }>;

  /**
   * Creates a per-entity environment based on a configured one (permission
   * `devops.environment.create` on the entity). Creating the same one again with the same values
   * answers it; with other values the backend answers 409.
   */
  createEnvironment(
    entityRef: CompoundEntityRef,
    request: CreateEnvironmentRequest,
  ): Promise<EntityEnvironment>;

  /**
   * Deletes a per-entity environment (permission `devops.environment.delete` on the entity):
   * resolves with it tearing down; the teardown task removes it through its provider.
   */
  deleteEnvironment(
    entityRef: CompoundEntityRef,
    environment: string,
    reason?: string,
  ): Promise<EntityEnvironment>;
}

/**
 * Reference to the {@link DevopsApi}.
 *
 * @public
 */
export const devopsApiRef = createApiRef<DevopsApi>({
  id: 'plugin.devops.service',
});
