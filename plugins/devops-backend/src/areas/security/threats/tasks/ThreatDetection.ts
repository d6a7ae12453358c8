import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { ThreatDetectorId } from '@devops-growth/backstage-plugin-devops-common';
import { AreaTask } from '../../../types';
import { RequestMetricsReader, RequestPoint, RequestSeries } from '../../types';
import {
  BaselineResult,
  hourlyBaseline,
  HOUR_MS,
  hourStart,
  RateMetric,
} from '../detectors';
import { planMetricThreat, MetricThreatChange } from '../lifecycle';
import {
  evaluateBruteForce,
  evaluateTrafficFlood,
  MetricEvaluation,
} from '../metricDetectors';
import { ThreatSettings } from '../settings';
import { MonitoringRecord, ThreatStore } from '../ThreatStore';

/** Reads the security-enabled entities' refs in pages; returns the number of pages. */
export type SecurityEntityPages = (
  onPage: (entityRefs: string[]) => Promise<void>,
) => Promise<number>;

/** What one detection run did. */
export interface DetectionResult {
  entities: number;
  batches: number;
  opened: number;
  extended: number;
  ended: number;
  /** Event-based threats ended for a quiet gap. */
  eventThreatsEnded: number;
  durationMs: number;
}

const METRICS: RateMetric[] = [
  'throughput',
  'authFailureRps',
  'authFailureShare',
];
/** A lasting metric threat whose detector lost its input this long ends at its last sighting. */
const LOST_AFTER_MS = HOUR_MS;

/** An entity's baselines for one hour (and the hour before), from its hourly roll-ups. */
interface CachedBaselines {
  hourMs: number;
  environments: Set<string>;
  byKey: Map<string, BaselineResult>;
}

const baselineKey = (env: string, metric: RateMetric, hourMs: number) =>
  `${env}\0${metric}\0${hourMs}`;

/**
 * The detection sweep: every security-enabled entity's request metrics through the traffic
 * flood and brute force detectors, in batches (one `recentRequests` and at most one
 * `hourlyRequests` call per batch; baselines are cached for the hour, as the hourly roll-ups
 * only change when an hour completes), threats opened, extended and ended, each detector's
 * evaluation stored; then event-based threats quiet for the gap end, and old event keys go.
 */
export class ThreatDetection implements AreaTask {
  static readonly TASK_ID = 'devops-security-threat-detection';
  private readonly cache = new Map<string, CachedBaselines>();

  constructor(
    private readonly options: {
      store: ThreatStore;
      reader: RequestMetricsReader;
      entityPages: SecurityEntityPages;
      settings: ThreatSettings;
      logger: LoggerService;
      clock?: () => Date;
    },
  ) {}

  async schedule(scheduler: SchedulerService): Promise<void> {
    const { settings, logger } = this.options;
    await scheduler.scheduleTask({
      id: ThreatDetection.TASK_ID,
      frequency: settings.detection.frequency,
      timeout: settings.detection.timeout,
      scope: 'global',
      fn: async () => {
        const result = await this.run();
        logger.debug(
          `Threat detection: ${result.entities} entities in ${result.batches} batches, ${result.opened} threats opened, ${result.extended} extended, ${result.ended} ended, ${result.eventThreatsEnded} event threats ended, in ${result.durationMs} ms`,
        );
      },
    });
  }

  async run(
    now: Date = (this.options.clock ?? (() => new Date()))(),
  ): Promise<DetectionResult> {
    const started = Date.now();
    const { store, settings, entityPages } = this.options;
    const result: DetectionResult = {
      entities: 0,
      batches: 0,
      opened: 0,
      extended: 0,
      ended: 0,
      eventThreatsEnded: 0,
      durationMs: 0,
    };
    let pending: string[] = [];
    const flush = async (all: boolean) => {
      while (
        pending.length >= settings.detection.batchSize ||
        (all && pending.length > 0)
      ) {
        const batch = pending.slice(0, settings.detection.batchSize);
        pending = pending.slice(batch.length);
        const changes = await this.detectBatch(batch, now);
        result.batches += 1;
        result.entities += batch.length;
        for (const { change } of changes) {
          if (change.kind === 'open') result.opened += 1;
          else if (change.kind === 'extend') result.extended += 1;
          else result.ended += 1;
        }
      }
    };
    const seen = new Set<string>();
    await entityPages(async refs => {
      for (const ref of refs) {
        if (!seen.has(ref)) {
          seen.add(ref);
          pending.push(ref);
        }
      }
      await flush(false);
    });
    await flush(true);
    for (const ref of this.cache.keys()) {
      if (!seen.has(ref)) this.cache.delete(ref);
    }
    result.eventThreatsEnded = await store.endQuietEventThreats(
      new Date(now.getTime() - settings.events.gapMs),
    );
    await store.pruneEvents(
      new Date(now.getTime() - settings.events.retentionMs),
    );
    result.durationMs = Date.now() - started;
    return result;
  }

  /** Evaluates one batch and stores its outcome in one transaction. */
  private async detectBatch(
    refs: string[],
    now: Date,
  ): Promise<Array<{ entityRef: string; change: MetricThreatChange }>> {
    const { store, reader, settings } = this.options;
    const recent = await reader.recentRequests(
      refs,
      new Date(now.getTime() - HOUR_MS),
      new Date(now.getTime() + 1),
    );
    await this.refreshBaselines(refs, now);
    const lasting = await store.lastingMetricThreats(refs);

    const byRef = new Map<string, RequestSeries[]>();
    for (const series of recent) {
      const list = byRef.get(series.entityRef) ?? [];
      list.push(series);
      byRef.set(series.entityRef, list);
    }
    const changes: Array<{ entityRef: string; change: MetricThreatChange }> =
      [];
    const monitoring: MonitoringRecord[] = [];
    for (const entityRef of refs) {
      const cached = this.cache.get(entityRef)!;
      const series = new Map(
        (byRef.get(entityRef) ?? []).map(s => [s.environment, s.points]),
      );
      const environments = new Set([...series.keys(), ...cached.environments]);
      for (const threat of lasting.get(entityRef) ?? []) {
        environments.add(threat.environment);
      }
      const evaluations: MetricEvaluation[] = [];
      for (const environment of [...environments].sort()) {
        const input = {
          environment,
          points: series.get(environment) ?? ([] as RequestPoint[]),
          now,
          staleAfterMs: settings.detection.staleAfterMs,
          judgeLast: Math.max(20, 2 * settings.trafficFlood.consecutiveTicks),
          baselineFor: (metric: RateMetric, hourMs: number) =>
            cached.byKey.get(baselineKey(environment, metric, hourMs)) ?? {
              missing: `the baseline needs ${settings.baseline.minHours} hours of history; 0 so far`,
            },
        };
        evaluations.push(
          evaluateTrafficFlood(input, settings.trafficFlood),
          evaluateBruteForce(
            {
              ...input,
              judgeLast: Math.max(20, 2 * settings.bruteForce.consecutiveTicks),
            },
            settings.bruteForce,
          ),
        );
      }
      if (environments.size === 0) {
        monitoring.push(
          this.record(
            entityRef,
            'traffic-flood',
            '',
            'no request-rate samples in the last hour',
            now,
          ),
          this.record(
            entityRef,
            'brute-force',
            '',
            'no request metrics in the last hour',
            now,
          ),
        );
      }
      for (const evaluation of evaluations) {
        monitoring.push({
          entityRef,
          detector: evaluation.detector,
          environment: evaluation.environment,
          ...evaluation.monitoring,
          evaluatedAt: now,
        });
        const change = planMetricThreat({
          entityRef,
          evaluation,
          lasting: (lasting.get(entityRef) ?? []).find(
            t =>
              t.detector === evaluation.detector &&
              t.environment === evaluation.environment,
          ),
          now,
          lostAfterMs: LOST_AFTER_MS,
        });
        if (change) changes.push({ entityRef, change });
      }
    }
    await store.applyDetection({ now, entityRefs: refs, changes, monitoring });
    return changes;
  }

  private record(
    entityRef: string,
    detector: ThreatDetectorId,
    environment: string,
    detail: string,
    now: Date,
  ): MonitoringRecord {
    return {
      entityRef,
      detector,
      environment,
      state: 'not-monitored',
      detail,
      evaluatedAt: now,
    };
  }

  /**
   * Computes the baselines of the hours around now for the batch's entities whose
   * cached ones are of an earlier hour: one `hourlyRequests` call for them all.
   */
  private async refreshBaselines(refs: string[], now: Date): Promise<void> {
    const { reader, settings } = this.options;
    const hourMs = hourStart(now.getTime());
    const stale = refs.filter(ref => this.cache.get(ref)?.hourMs !== hourMs);
    if (stale.length === 0) return;
    // The judged points (at most the last hour) sit between the middles of these hours.
    const hours = [-2, -1, 0, 1].map(n => hourMs + n * HOUR_MS);
    const since = new Date(hours[0] - settings.baseline.days * 24 * HOUR_MS);
    const hourly = await reader.hourlyRequests(stale, since, new Date(hourMs));
    const byRef = new Map<string, RequestSeries[]>();
    for (const series of hourly) {
      const list = byRef.get(series.entityRef) ?? [];
      list.push(series);
      byRef.set(series.entityRef, list);
    }
    for (const ref of stale) {
      const entry: CachedBaselines = {
        hourMs,
        environments: new Set(),
        byKey: new Map(),
      };
      for (const series of byRef.get(ref) ?? []) {
        entry.environments.add(series.environment);
        for (const metric of METRICS) {
          for (const hour of hours) {
            entry.byKey.set(
              baselineKey(series.environment, metric, hour),
              hourlyBaseline(series.points, metric, hour, settings.baseline),
            );
          }
        }
      }
      this.cache.set(ref, entry);
    }
  }
}
