import {
  SecurityThreat,
  SeverityCounts,
  ThreatDetectorId,
  ThreatStatus,
  ThreatStatusChange,
} from '@devops-growth/backstage-plugin-devops-common';
import { ParsedSecurityEvent } from '@devops-growth/backstage-plugin-devops-node';
import { LastingThreat, MetricThreatChange } from './lifecycle';

/** The last evaluation of a detector for an entity and environment. */
export interface MonitoringRecord {
  entityRef: string;
  detector: ThreatDetectorId;
  /** '' when the evaluation is not of one environment (no series at all, event uploads). */
  environment: string;
  state: 'monitored' | 'not-monitored';
  detail: string;
  evaluatedAt: Date;
}

/** One step of a threat's status history. */
export interface ThreatStatusHistoryEntry {
  at: string;
  actor: string;
  from: ThreatStatus;
  to: ThreatStatus;
  reason: string | null;
}

export interface RecordEventsInput {
  entityRef: string;
  receivedAt: Date;
  format: string;
  commitSha: string;
  branch: string;
  sizeBytes: number;
  events: ParsedSecurityEvent[];
  /** A quiet gap this long closes a threat. */
  gapMs: number;
  /** Events older than `receivedAt` minus this are ignored (their keys are no longer kept). */
  retentionMs: number;
}

export interface RecordEventsResult {
  /** The stored upload. */
  uploadId: string;
  opened: number;
  updated: number;
  /** Events already recorded (by id or content), or repeated within the report. */
  duplicates: number;
  /** Events older than the retention: not recorded. */
  ignored: number;
}

/** Runtime threats, their status history, event keys and detector evaluations. */
export interface ThreatStore {
  /**
   * Records a report's events in one transaction: de-duplicates them by key, extends or opens
   * event-based threats (detector `waf-events`), and marks the entity's events as monitored.
   */
  recordEvents(input: RecordEventsInput): Promise<RecordEventsResult>;

  /** Metric threats (traffic flood, brute force) whose condition has not ended, per entity. */
  lastingMetricThreats(
    entityRefs: string[],
  ): Promise<Map<string, LastingThreat[]>>;

  /**
   * Stores one detection batch in one transaction: the threat changes, and the metric detectors'
   * evaluations of these entities (replacing their earlier ones, environments that vanished
   * included).
   */
  applyDetection(input: {
    now: Date;
    entityRefs: string[];
    changes: Array<{ entityRef: string; change: MetricThreatChange }>;
    monitoring: MonitoringRecord[];
  }): Promise<void>;

  /** Ends event-based threats with no event since `before` (at their last event). */
  endQuietEventThreats(before: Date): Promise<number>;

  /** Forgets event keys of events older than `before`, and uploads received before it. */
  pruneEvents(before: Date): Promise<number>;

  get(id: string): Promise<SecurityThreat | undefined>;

  /** Open and acknowledged threats newest first, and the latest closed ones. */
  listForEntity(
    entityRef: string,
    limits: { active: number; recent: number },
  ): Promise<{ active: SecurityThreat[]; recent: SecurityThreat[] }>;

  /** Changes the status and appends it to the history, in one transaction. */
  changeStatus(
    id: string,
    change: ThreatStatusChange,
    actor: string,
    now: Date,
  ): Promise<SecurityThreat | undefined>;

  statusHistory(id: string): Promise<ThreatStatusHistoryEntry[]>;

  monitoring(entityRefs: string[]): Promise<MonitoringRecord[]>;

  /**
   * Per entity: open and acknowledged threats per severity, and open ones raised before
   * `unhandledBefore` that nobody acknowledged. Entities without threats are absent.
   */
  threatCounts(
    entityRefs: string[],
    unhandledBefore: Date,
  ): Promise<Map<string, { open: SeverityCounts; unhandled: number }>>;
}
