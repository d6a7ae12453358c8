import { Entity } from '@backstage/catalog-model';
import {
  ComplianceFrameworkDetail,
  ComplianceScore,
  FindingStatus,
  Recommendation,
  FindingStatusChange,
  SecurityFinding,
  SecurityScanReceipt,
  SecuritySeverity,
  SecuritySummary,
  SecurityThreat,
  ThreatStatusChange,
} from '@devops-growth/backstage-plugin-devops-common';
import {
  ComplianceFacts,
  ComplianceFramework,
  ParsedFindingsReport,
  ParsedSecurityEventsReport,
} from '@devops-growth/backstage-plugin-devops-node';
import { AreaTask } from '../types';

/**
 * The contracts between the parts of the security area (findings, threats, compliance) and the
 * reads it makes from the other areas. `SecurityService` composes the three parts; each part
 * owns its store and tasks.
 */

/** An uploaded security report, after the route checked the entity and the area. */
export interface SecurityReportUpload {
  entity: Entity;
  /** The parser's format (`sarif`, `npm-audit`, `trivy`, `modsecurity`, `devops-security-events`). */
  format: string;
  commitSha: string;
  branch: string;
  sizeBytes: number;
  /** When the upload arrived. */
  receivedAt: Date;
}

/** An annotation that could not be read, and why. */
export interface InvalidSlaAnnotation {
  annotation: string;
  value: string;
  problem: string;
}

/** Scanner findings: lifecycle, de-duplication across scans, SLA, status changes. */
export interface FindingsPart {
  /**
   * Records a report in one transaction: per run, findings are matched by fingerprint within the
   * stream (entity, branch, tool, category); new ones open, reappearing fixed ones reopen as
   * regressions, open ones of the stream absent from this scan become fixed.
   */
  recordScan(
    upload: SecurityReportUpload,
    report: ParsedFindingsReport,
  ): Promise<SecurityScanReceipt>;
  /** The card's findings part for one branch (default: the branch of the latest scan). */
  summary(
    entity: Entity,
    options: { branch?: string; now: Date },
  ): Promise<
    SecuritySummary['findings'] & {
      branch: string | null;
      branches: string[];
      /** A malformed `devops-growth.io/security-sla`: ignored (config and defaults apply). */
      invalidSlaAnnotation: InvalidSlaAnnotation | null;
    }
  >;
  list(
    entity: Entity,
    query: {
      branch?: string;
      status?: FindingStatus[];
      severity?: SecuritySeverity[];
      limit: number;
      offset: number;
    },
  ): Promise<{ items: SecurityFinding[]; total: number }>;
  get(id: string): Promise<SecurityFinding | undefined>;
  /** Accept (reason, expiry), false positive (reason), reopen; the change is kept with the finding. */
  changeStatus(
    finding: SecurityFinding,
    change: FindingStatusChange,
    actor: string,
    now: Date,
  ): Promise<SecurityFinding>;
  /** Per entity, what compliance checks read. Entities with no scan have `lastScanAt: null`. */
  facts(
    entityRefs: string[],
    now: Date,
  ): Promise<
    Map<
      string,
      Pick<
        NonNullable<ComplianceFacts['security']>,
        'lastScanAt' | 'open' | 'pastSla'
      >
    >
  >;
  /** Reopening expired acceptances, retention. */
  tasks: AreaTask[];
}

/** Runtime threats: detectors over request metrics and pushed security events. */
export interface ThreatsPart {
  /** Records WAF/IDS events and raises or extends event-based threats, in one transaction. */
  recordEvents(
    upload: Omit<SecurityReportUpload, 'commitSha' | 'branch'> &
      Partial<Pick<SecurityReportUpload, 'commitSha' | 'branch'>>,
    report: ParsedSecurityEventsReport,
  ): Promise<SecurityScanReceipt>;
  summary(entity: Entity, now: Date): Promise<SecuritySummary['threats']>;
  get(id: string): Promise<SecurityThreat | undefined>;
  changeStatus(
    threat: SecurityThreat,
    change: ThreatStatusChange,
    actor: string,
    now: Date,
  ): Promise<SecurityThreat>;
  facts(
    entityRefs: string[],
    now: Date,
  ): Promise<
    Map<
      string,
      Pick<
        NonNullable<ComplianceFacts['security']>,
        'openThreats' | 'unhandledThreats' | 'monitoring'
      >
    >
  >;
  /** The detection sweep. */
  tasks: AreaTask[];
}

/** Compliance: frameworks, checks, scores with evidence and history. */
export interface CompliancePart {
  frameworks(): ComplianceFramework[];
  /** The latest score of each framework that applies to the entity. */
  scores(entity: Entity): Promise<ComplianceScore[]>;
  /** A framework's controls with their evidence, and the score history. 404 when it does not apply. */
  detail(
    entity: Entity,
    frameworkId: string,
  ): Promise<ComplianceFrameworkDetail>;
  /** What is wrong with the entity's framework annotation (unknown ids, a malformed value). */
  recommendations(entity: Entity): Recommendation[];
  /** Evaluates and stores the scores of these entities now (after a report, and on schedule). */
  evaluate(entities: Entity[], now: Date): Promise<void>;
  /** The scheduled evaluation of every security-enabled entity. */
  tasks: AreaTask[];
}

/** The coverage area's figures compliance checks read (implemented by `CoverageService`). */
export interface CoverageFactsReader {
  coverageFacts(
    entities: Entity[],
  ): Promise<Map<string, NonNullable<ComplianceFacts['coverage']>>>;
}

/**
 * The deploys area's figures compliance checks read (`deploys.gated`, `deploys.rollback-tested`),
 * implemented by the deploys area's `createDeployFactsReader`. One set-based read for the batch;
 * entities with no deploy in the window may be left out (they count as none).
 */
export interface DeployFactsReader {
  complianceFacts(
    entityRefs: string[],
    since: Date,
    now: Date,
  ): Promise<Map<string, NonNullable<ComplianceFacts['deploys']>>>;
}

/** The performance area's figures compliance checks read (implemented by `PerformanceService`). */
export interface PerformanceFactsReader {
  performanceFacts(
    entityRefs: string[],
    now: Date,
  ): Promise<Map<string, NonNullable<ComplianceFacts['performance']>>>;
}

/** One point of an entity's request metrics. Rates are per second; `null` when not collected. */
export interface RequestPoint {
  at: Date;
  throughput: number | null;
  /** 401 and 403 responses per second. */
  authFailureRps: number | null;
  /** 429 responses per second. */
  rateLimitedRps: number | null;
  /** Share of 5xx responses, 0..1. */
  errorRate: number | null;
}

/** An entity's request metrics in one environment, oldest point first. */
export interface RequestSeries {
  entityRef: string;
  environment: string;
  points: RequestPoint[];
}

/** The request metrics the threat detectors read (implemented by `PerformanceService`). */
export interface RequestMetricsReader {
  /** Raw samples in `[since, until)`, one query for all entities. */
  recentRequests(
    entityRefs: string[],
    since: Date,
    until: Date,
  ): Promise<RequestSeries[]>;
  /** Hourly roll-ups (means per hour) in `[since, until)`, for baselines; one query for all entities. */
  hourlyRequests(
    entityRefs: string[],
    since: Date,
    until: Date,
  ): Promise<RequestSeries[]>;
}
