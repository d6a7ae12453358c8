import {
  FindingStatus,
  SecurityFinding,
  SecuritySeverity,
  SecuritySla,
  SeverityCounts,
} from '@devops-growth/backstage-plugin-devops-common';
import { ParsedFinding } from '@devops-growth/backstage-plugin-devops-node';
import { ScanSnapshot } from './analysis';

/** One run of an uploaded report, its findings already de-duplicated by fingerprint. */
export interface ScanRunInput {
  tool: string;
  toolVersion: string | null;
  category: string;
  findings: Map<string, ParsedFinding>;
  /** Tool failures the run reported: a failed run opens and refreshes, but fixes nothing. */
  toolErrorCount: number;
}

/** An uploaded findings report, ready to store. */
export interface ScanInput {
  entityRef: string;
  branch: string;
  commitSha: string;
  format: string;
  sizeBytes: number;
  /** The scan time: when the upload arrived. Scans of a stream are ordered by it. */
  scannedAt: Date;
  /** The entity's SLA, kept with its streams for due dates. */
  sla: SecuritySla;
  runs: ScanRunInput[];
}

/** How a scan moved the lifecycle, over all its runs. */
export interface ScanResult {
  /** The upload's id: every run's scan row carries it. */
  id: string;
  new: number;
  reopened: number;
  fixed: number;
  /** Open findings of the scanned streams afterwards. */
  open: number;
  /** Findings in the report after de-duplication. */
  findingCount: number;
}

/** A scan stream with its latest scan. */
export interface StreamRecord {
  id: string;
  entityRef: string;
  branch: string;
  tool: string;
  scanCategory: string;
  lastScanId: string;
  lastScanMs: number;
  format: string;
  commitSha: string;
  toolVersion: string | null;
  findingCount: number;
  sla: SecuritySla;
}

/** One entry of a finding's status history. */
export interface FindingEvent {
  kind:
    | 'opened'
    | 'fixed'
    | 'reopened'
    | 'accepted'
    | 'false-positive'
    | 'expired';
  /** ISO 8601. */
  at: string;
  /** Who changed it; `null` for scans and the expiry task. */
  actor: string | null;
  reason: string | null;
  scanId: string | null;
  acceptedUntil: string | null;
}

export interface FindingQuery {
  entityRef: string;
  branch: string;
  /** Effective statuses: an expired acceptance counts as open. */
  status?: FindingStatus[];
  severity?: SecuritySeverity[];
  /** `severity`: most severe first, then oldest; `oldest`: first seen first. */
  order: 'severity' | 'oldest';
  limit: number;
  offset: number;
  nowMs: number;
}

/** A status change, checked against the current status inside the store's transaction. */
export interface StatusChangeInput {
  id: string;
  nowMs: number;
  actor: string;
  /** Throws for a change that is not allowed from `current` (the effective status). */
  check(current: FindingStatus): {
    status: Exclude<FindingStatus, 'fixed'>;
    reason: string | null;
    acceptedUntilMs: number | null;
  };
}

/** Per entity, what compliance reads. */
export interface FindingFacts {
  lastScanAt: Date | null;
  open: SeverityCounts;
  pastSla: SeverityCounts;
}

/** Storage of scanner findings. Dialect differences stay inside implementations. */
export interface FindingStore {
  /** Stores a report in one transaction: scans, findings' lifecycle and their history. */
  recordScan(scan: ScanInput): Promise<ScanResult>;
  /** The entity's streams on every branch, latest scan first. */
  listStreams(entityRef: string): Promise<StreamRecord[]>;
  /** Sets the SLA kept with every stream of the entity (after its annotation changed). */
  setEntitySla(entityRef: string, sla: SecuritySla): Promise<void>;
  /** Open findings of a branch per severity, and how many are past their SLA. */
  openCounts(
    entityRef: string,
    branch: string,
    nowMs: number,
  ): Promise<{ open: SeverityCounts; breaches: number }>;
  listFindings(
    query: FindingQuery,
  ): Promise<{ items: SecurityFinding[]; total: number }>;
  getFinding(id: string, nowMs: number): Promise<SecurityFinding | undefined>;
  /** The finding's status history, oldest first. */
  listEvents(id: string): Promise<FindingEvent[]>;
  changeStatus(change: StatusChangeInput): Promise<SecurityFinding>;
  /** Snapshots of the branch's scans since `sinceMs`, and each stream's latest one before. */
  listSnapshots(
    entityRef: string,
    branch: string,
    sinceMs: number,
  ): Promise<ScanSnapshot[]>;
  /** Facts of each entity, on the branch of its latest scan. */
  facts(
    entityRefs: string[],
    nowMs: number,
  ): Promise<Map<string, FindingFacts>>;
  /** Reopens acceptances that expired by `nowMs`, at most `batchSize`; returns how many. */
  reopenExpired(nowMs: number, batchSize: number): Promise<number>;
  /**
   * Deletes fixed findings fixed before `olderThanMs`, scans before it, and streams last
   * scanned before it with no finding left, at most `batchSize` rows per statement. Returns how
   * many rows went; callers loop until 0.
   */
  prune(olderThanMs: number, batchSize: number): Promise<number>;
}
