import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import {
  ComplianceStatus,
  SeverityCounts,
  ThreatMonitoring,
} from '@devops-growth/backstage-plugin-devops-common';

/** One control of a framework: judged by its checks. @public */
export interface ComplianceControl {
  /** The framework's own control id, for example `CC6.1` or `Art. 32`. */
  id: string;
  /** A short title in our own words (the standards' texts are copyrighted). */
  title: string;
  /** Weight in the framework's score; default 1. */
  weight?: number;
  /** Ids of the checks that judge it; the control fails if one fails, passes if all pass. */
  checks: string[];
}

/** A control catalogue: SOC 2, GDPR, ISO 27001, PCI-DSS, or one of a module or the config. @public */
export interface ComplianceFramework {
  /** Lower-case letters, digits and dashes; entities name it in `devops-growth.io/compliance-frameworks`. */
  id: string;
  title: string;
  /** The edition the controls follow, for example `2022` for ISO/IEC 27001:2022. */
  version?: string;
  controls: ComplianceControl[];
}

/**
 * What the plugin knows about an entity when its controls are evaluated. An area that is not
 * enabled for the entity, or has no data, is `null`: checks reading it are "not evaluated".
 * @public
 */
export interface ComplianceFacts {
  entity: Entity;
  now: Date;
  security: {
    /** The latest scan of any tool on any branch, `null` when none was uploaded. */
    lastScanAt: Date | null;
    open: SeverityCounts;
    /** Open findings past their SLA, per severity. */
    pastSla: SeverityCounts;
    /** Open threats per severity (acknowledged ones included). */
    openThreats: SeverityCounts;
    /** Open threats nobody acknowledged within a day. */
    unhandledThreats: number;
    monitoring: ThreatMonitoring[];
  } | null;
  coverage: {
    /** The coverage gate's verdict on the latest report. */
    gate: 'passed' | 'failed' | 'unknown';
    lastReportAt: Date | null;
  } | null;
  performance: {
    /** The latest collected sample, `null` when nothing was ever collected. */
    lastSampleAt: Date | null;
    /** True when the latest collection failed or is older than the staleness limit. */
    stale: boolean;
  } | null;
  /** Filled once the deploy area exists; `null` until then. */
  deploys: {
    /** Production deploys in the window, and how many went through every gate. */
    productionDeploys: number;
    gatedProductionDeploys: number;
    /** A rollback that succeeded within the window. */
    rollbackTested: boolean;
  } | null;
}

/** What a check found. @public */
export interface ComplianceCheckOutcome {
  status: ComplianceStatus;
  /** The value found, in words, shown as evidence ("owner group:default/team-a"). */
  value: string;
}

/**
 * An automated check over {@link ComplianceFacts}. A check whose input is missing returns
 * `not-evaluated`, never `passed`. Checks are pure and fast: a full evaluation runs them for
 * every entity and framework.
 * @public
 */
export interface ComplianceCheck {
  /** Unique id, for example `catalog.owner` or `security.sla.critical`. */
  id: string;
  /** What it checks, in words ("The entity has an owner in the catalog"). */
  title: string;
  evaluate(facts: ComplianceFacts): ComplianceCheckOutcome;
}

/**
 * Adds compliance frameworks and checks to the DevOps backend. The built-in SOC 2, GDPR,
 * ISO 27001 and PCI-DSS catalogues and the built-in checks register through the same registry.
 * A framework with a built-in id replaces the built-in one; two modules registering the same
 * framework or check id fail at start-up; a control naming an unknown check fails at start-up.
 * @public
 */
export interface DevopsComplianceExtensionPoint {
  addFramework(...frameworks: ComplianceFramework[]): void;
  addCheck(...checks: ComplianceCheck[]): void;
}

/** @public */
export const devopsComplianceExtensionPoint =
  createExtensionPoint<DevopsComplianceExtensionPoint>({
    id: 'devops.compliance',
  });
