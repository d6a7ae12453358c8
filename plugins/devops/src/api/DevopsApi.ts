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
}

/**
 * Reference to the {@link DevopsApi}.
 *
 * @public
 */
export const devopsApiRef = createApiRef<DevopsApi>({
  id: 'plugin.devops.service',
});
