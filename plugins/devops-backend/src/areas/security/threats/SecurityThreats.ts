import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  SecurityScanReceipt,
  SecuritySummary,
  SecurityThreat,
  ThreatStatusChange,
} from '@devops-growth/backstage-plugin-devops-common';
import {
  ComplianceFacts,
  ParsedSecurityEventsReport,
} from '@devops-growth/backstage-plugin-devops-node';
import { Knex } from 'knex';
import { readMonitoredEntityPages } from '../../monitoredEntities';
import { AreaTask } from '../../types';
import {
  RequestMetricsReader,
  SecurityReportUpload,
  ThreatsPart,
} from '../types';
import { DatabaseThreatStore } from './DatabaseThreatStore';
import { mergeMonitoring } from './monitoring';
import { readThreatSettings, ThreatSettings } from './settings';
import { SecurityEntityPages, ThreatDetection } from './tasks/ThreatDetection';
import { ThreatStatusHistoryEntry, ThreatStore } from './ThreatStore';

/** Open threats nobody acknowledged for this long are unhandled. */
export const UNHANDLED_AFTER_MS = 86_400_000;
/** Active threats and closed ones the card lists. */
const ACTIVE_LIMIT = 50;
const RECENT_LIMIT = 10;

type ThreatFacts = Pick<
  NonNullable<ComplianceFacts['security']>,
  'openThreats' | 'unhandledThreats' | 'monitoring'
>;

/**
 * The runtime-threats part of the security area: event-based threats from pushed WAF/IDS
 * events, metric threats from the detection task, their lifecycle, and what the card and the
 * compliance checks read.
 */
export class SecurityThreats implements ThreatsPart {
  readonly tasks: AreaTask[];
  private readonly store: ThreatStore;
  private readonly settings: ThreatSettings;
  private readonly logger: LoggerService;

  constructor(options: {
    store: ThreatStore;
    settings: ThreatSettings;
    reader: RequestMetricsReader;
    /** The security-enabled entities, in pages. */
    entityPages: SecurityEntityPages;
    logger: LoggerService;
    clock?: () => Date;
  }) {
    this.store = options.store;
    this.settings = options.settings;
    this.logger = options.logger;
    this.tasks = [
      new ThreatDetection({
        store: options.store,
        reader: options.reader,
        entityPages: options.entityPages,
        settings: options.settings,
        logger: options.logger,
        clock: options.clock,
      }),
    ];
  }

  /** The part on the plugin's database, reading `devops.security.threats` and the catalog. */
  static fromConfig(
    config: Config,
    deps: {
      knex: Knex;
      reader: RequestMetricsReader;
      catalog: CatalogService;
      auth: AuthService;
      logger: LoggerService;
    },
  ): SecurityThreats {
    const settings = readThreatSettings(config);
    return new SecurityThreats({
      store: new DatabaseThreatStore(deps.knex),
      settings,
      reader: deps.reader,
      entityPages: onPage =>
        readMonitoredEntityPages(
          {
            catalog: deps.catalog,
            auth: deps.auth,
            area: 'security',
            pageSize: settings.detection.pageSize,
          },
          entities => onPage(entities.map(e => stringifyEntityRef(e))),
        ),
      logger: deps.logger,
    });
  }

  /** The detection task, for tests and benchmarks that run it by hand. */
  get detection(): ThreatDetection {
    return this.tasks[0] as ThreatDetection;
  }

  async recordEvents(
    upload: Omit<SecurityReportUpload, 'commitSha' | 'branch'> &
      Partial<Pick<SecurityReportUpload, 'commitSha' | 'branch'>>,
    report: ParsedSecurityEventsReport,
  ): Promise<SecurityScanReceipt> {
    const entityRef = stringifyEntityRef(upload.entity);
    const commitSha = upload.commitSha ?? '';
    const branch = upload.branch ?? '';
    const result = await this.store.recordEvents({
      entityRef,
      receivedAt: upload.receivedAt,
      format: upload.format,
      commitSha,
      branch,
      sizeBytes: upload.sizeBytes,
      events: report.events,
      gapMs: this.settings.events.gapMs,
      retentionMs: this.settings.events.retentionMs,
    });
    if (result.ignored > 0 || result.duplicates > 0) {
      this.logger.info(
        `Security events of ${entityRef} (${upload.format}): ${result.duplicates} already recorded, ${result.ignored} older than the event retention, not counted`,
        { entityRef },
      );
    }
    return {
      id: result.uploadId,
      entityRef,
      kind: 'security-events',
      format: upload.format,
      branch,
      commitSha,
      createdAt: upload.receivedAt.toISOString(),
      itemCount: report.events.length,
      threats: { opened: result.opened, updated: result.updated },
    };
  }

  async summary(
    entity: Entity,
    _now: Date,
  ): Promise<SecuritySummary['threats']> {
    const entityRef = stringifyEntityRef(entity);
    const [lists, records] = await Promise.all([
      this.store.listForEntity(entityRef, {
        active: ACTIVE_LIMIT,
        recent: RECENT_LIMIT,
      }),
      this.store.monitoring([entityRef]),
    ]);
    return { ...lists, monitoring: mergeMonitoring(records) };
  }

  get(id: string): Promise<SecurityThreat | undefined> {
    return this.store.get(id);
  }

  async changeStatus(
    threat: SecurityThreat,
    change: ThreatStatusChange,
    actor: string,
    now: Date,
  ): Promise<SecurityThreat> {
    const changed = await this.store.changeStatus(
      threat.id,
      change,
      actor,
      now,
    );
    if (!changed)
      throw new NotFoundError(`Threat '${threat.id}' was not found`);
    return changed;
  }

  /** The status changes of a threat, oldest first. */
  statusHistory(id: string): Promise<ThreatStatusHistoryEntry[]> {
    return this.store.statusHistory(id);
  }

  async facts(
    entityRefs: string[],
    now: Date,
  ): Promise<Map<string, ThreatFacts>> {
    const [counts, records] = await Promise.all([
      this.store.threatCounts(
        entityRefs,
        new Date(now.getTime() - UNHANDLED_AFTER_MS),
      ),
      this.store.monitoring(entityRefs),
    ]);
    const byRef = new Map<string, typeof records>();
    for (const r of records) {
      const list = byRef.get(r.entityRef) ?? [];
      list.push(r);
      byRef.set(r.entityRef, list);
    }
    const out = new Map<string, ThreatFacts>();
    for (const ref of entityRefs) {
      const c = counts.get(ref);
      out.set(ref, {
        openThreats: c?.open ?? { critical: 0, high: 0, medium: 0, low: 0 },
        unhandledThreats: c?.unhandled ?? 0,
        monitoring: mergeMonitoring(byRef.get(ref) ?? []),
      });
    }
    return out;
  }
}
