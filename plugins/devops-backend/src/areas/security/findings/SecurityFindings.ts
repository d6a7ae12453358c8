import { LoggerService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  FindingStatusChange,
  SECURITY_SEVERITIES,
  SecurityFinding,
  SecurityScanReceipt,
  SecuritySummary,
} from '@devops-growth/backstage-plugin-devops-common';
import { ParsedFindingsReport } from '@devops-growth/backstage-plugin-devops-node';
import { AreaContext, AreaTask } from '../../types';
import { FindingsPart, SecurityReportUpload } from '../types';
import {
  checkStatusChange,
  DAY_MS,
  dedupeFindings,
  findingTrend,
  zeroCounts,
} from './analysis';
import { DatabaseFindingStore } from './DatabaseFindingStore';
import { FindingEvent, FindingStore } from './FindingStore';
import {
  FindingsSettings,
  InvalidSlaAnnotation,
  readFindingsSettings,
  resolveSla,
} from './settings';
import { AcceptanceExpiry } from './tasks/AcceptanceExpiry';
import { FindingsRetention } from './tasks/FindingsRetention';

/** Days of the open-findings trend. */
export const TREND_DAYS = 90;
/** Oldest open findings the summary lists. */
export const OLDEST_COUNT = 10;

/** The summary's findings part, and the SLA annotation when it could not be read. */
export type FindingsSummary = SecuritySummary['findings'] & {
  branch: string | null;
  branches: string[];
  /** A malformed `devops-growth.io/security-sla`: ignored, config and defaults apply. */
  invalidSlaAnnotation: InvalidSlaAnnotation | null;
};

/**
 * Scanner findings of the security area: reports recorded into streams with a lifecycle per
 * finding identity, the card's summary, lists, status changes and compliance facts.
 */
export class SecurityFindings implements FindingsPart {
  readonly tasks: AreaTask[];

  static create(context: Pick<AreaContext, 'config' | 'knex' | 'logger'>) {
    return new SecurityFindings(
      new DatabaseFindingStore(context.knex),
      readFindingsSettings(context.config),
      { logger: context.logger },
    );
  }

  constructor(
    private readonly store: FindingStore,
    private readonly settings: FindingsSettings,
    options: { logger?: LoggerService; clock?: () => Date } = {},
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.tasks = options.logger
      ? [
          new AcceptanceExpiry(store, settings, options.logger),
          new FindingsRetention(store, settings, options.logger),
        ]
      : [];
  }

  private readonly clock: () => Date;

  async recordScan(
    upload: SecurityReportUpload,
    report: ParsedFindingsReport,
  ): Promise<SecurityScanReceipt> {
    if (report.runs.length === 0) {
      throw new InputError(
        `The ${upload.format} report holds no run: nothing to record`,
      );
    }
    const entityRef = stringifyEntityRef(upload.entity);
    const result = await this.store.recordScan({
      entityRef,
      branch: upload.branch,
      commitSha: upload.commitSha,
      format: upload.format,
      sizeBytes: upload.sizeBytes,
      scannedAt: upload.receivedAt,
      sla: resolveSla(upload.entity, this.settings.sla).sla,
      runs: report.runs.map(run => ({
        tool: run.tool.name,
        toolVersion: run.tool.version,
        category: run.category,
        findings: dedupeFindings(run.findings),
        toolErrorCount: run.toolErrors.length,
      })),
    });
    return {
      id: result.id,
      entityRef,
      kind: 'findings',
      format: upload.format,
      branch: upload.branch,
      commitSha: upload.commitSha,
      createdAt: upload.receivedAt.toISOString(),
      itemCount: report.runs.reduce((n, run) => n + run.findings.length, 0),
      findings: {
        new: result.new,
        reopened: result.reopened,
        fixed: result.fixed,
        open: result.open,
      },
    };
  }

  /** The branch asked for, else the branch of the entity's latest scan; syncs the SLA kept. */
  private async streamsOf(entity: Entity, branch?: string) {
    const entityRef = stringifyEntityRef(entity);
    const effective = resolveSla(entity, this.settings.sla);
    const streams = await this.store.listStreams(entityRef);
    if (
      streams.some(s =>
        SECURITY_SEVERITIES.some(v => s.sla[v] !== effective.sla[v]),
      )
    ) {
      // The annotation or config changed since the last scan: due dates follow now.
      await this.store.setEntitySla(entityRef, effective.sla);
    }
    const branches = [...new Set(streams.map(s => s.branch))];
    return {
      entityRef,
      effective,
      streams,
      branches,
      branch: branch ?? branches[0] ?? null,
    };
  }

  async summary(
    entity: Entity,
    options: { branch?: string; now: Date },
  ): Promise<FindingsSummary> {
    const { entityRef, effective, streams, branches, branch } =
      await this.streamsOf(entity, options.branch);
    const nowMs = options.now.getTime();
    const sla = Object.fromEntries(
      SECURITY_SEVERITIES.map(s => [
        s,
        { days: effective.sla[s], source: effective.sources[s] },
      ]),
    ) as FindingsSummary['sla'];
    if (branch === null) {
      return {
        branch,
        branches,
        open: zeroCounts(),
        slaBreaches: 0,
        trend: [],
        oldest: [],
        scans: [],
        sla,
        invalidSlaAnnotation: effective.invalid,
      };
    }
    const sinceMs = nowMs - TREND_DAYS * DAY_MS;
    const [counts, oldest, snapshots] = await Promise.all([
      this.store.openCounts(entityRef, branch, nowMs),
      this.store.listFindings({
        entityRef,
        branch,
        status: ['open'],
        order: 'oldest',
        limit: OLDEST_COUNT,
        offset: 0,
        nowMs,
      }),
      this.store.listSnapshots(entityRef, branch, sinceMs),
    ]);
    return {
      branch,
      branches,
      open: counts.open,
      slaBreaches: counts.breaches,
      trend: findingTrend(snapshots, sinceMs),
      oldest: oldest.items,
      scans: streams
        .filter(s => s.branch === branch)
        .map(s => ({
          tool: s.tool,
          scanCategory: s.scanCategory,
          format: s.format,
          lastScanAt: new Date(s.lastScanMs).toISOString(),
          commitSha: s.commitSha,
          findings: s.findingCount,
        })),
      sla,
      invalidSlaAnnotation: effective.invalid,
    };
  }

  async list(
    entity: Entity,
    query: Parameters<FindingsPart['list']>[1],
  ): Promise<{ items: SecurityFinding[]; total: number }> {
    const { entityRef, branch } = await this.streamsOf(entity, query.branch);
    if (branch === null) return { items: [], total: 0 };
    return this.store.listFindings({
      entityRef,
      branch,
      status: query.status,
      severity: query.severity,
      order: 'severity',
      limit: query.limit,
      offset: query.offset,
      nowMs: this.clock().getTime(),
    });
  }

  get(id: string): Promise<SecurityFinding | undefined> {
    return this.store.getFinding(id, this.clock().getTime());
  }

  /** The finding's status history, oldest first. */
  history(id: string): Promise<FindingEvent[]> {
    return this.store.listEvents(id);
  }

  async changeStatus(
    finding: SecurityFinding,
    change: FindingStatusChange,
    actor: string,
    now: Date,
  ): Promise<SecurityFinding> {
    return this.store.changeStatus({
      id: finding.id,
      nowMs: now.getTime(),
      actor,
      check: current => {
        const { acceptedUntil } = checkStatusChange(current, change, now);
        return {
          status: change.status,
          reason: change.reason ?? null,
          acceptedUntilMs: acceptedUntil ? acceptedUntil.getTime() : null,
        };
      },
    });
  }

  async facts(entityRefs: string[], now: Date) {
    return this.store.facts(entityRefs, now.getTime());
  }
}
