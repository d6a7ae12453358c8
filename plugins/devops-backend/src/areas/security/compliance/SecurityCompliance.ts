import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { durationToMilliseconds } from '@backstage/types';
import {
  ComplianceFrameworkDetail,
  ComplianceScore,
  DEVOPS_COMPLIANCE_FRAMEWORKS_ANNOTATION,
  Recommendation,
} from '@devops-growth/backstage-plugin-devops-common';
import {
  ComplianceFacts,
  ComplianceFramework,
} from '@devops-growth/backstage-plugin-devops-node';
import { chunks } from '../../../database/helpers';
import { AreaTask } from '../../types';
import { CompliancePart } from '../types';
import {
  ApplicableFrameworks,
  applicableFrameworks,
  complianceRecommendations,
  evaluateFramework,
  runChecks,
} from './analysis';
import { ComplianceRegistry } from './ComplianceRegistry';
import {
  ComplianceSaveCounts,
  ComplianceStore,
  EntityEvaluation,
  StoredComplianceResult,
} from './ComplianceStore';
import { ComplianceSettings } from './settings';

/**
 * What compliance checks read about a batch of entities: the lead's composition of
 * `FindingsPart.facts`, `ThreatsPart.facts`, `CoverageService.coverageFacts` and
 * `PerformanceService.performanceFacts`. One call per batch (set-based reads); one facts
 * object per entity, matched to it by entity ref.
 */
export type ComplianceFactsSource = (
  entities: Entity[],
  now: Date,
) => Promise<ComplianceFacts[]>;

/** What an evaluation did. */
export interface ComplianceEvaluationCounts extends ComplianceSaveCounts {
  entities: number;
  /** Entities no framework applies to (their results, if any, are deleted). */
  withoutFrameworks: number;
  /** Entities the facts source returned nothing for (left as they were). */
  withoutFacts: number;
}

/** Most history points a detail returns (the newest ones). */
const HISTORY_LIMIT = 1000;

/**
 * Compliance of the security area: the frameworks that apply to each entity, evaluated with the
 * registry's checks over facts from the other parts and areas, stored as the latest result per
 * framework (controls with evidence) with a score history.
 */
export class SecurityCompliance implements CompliancePart {
  readonly tasks: AreaTask[];
  private readonly registry: ComplianceRegistry;
  private readonly store: ComplianceStore;
  private readonly factsSource: ComplianceFactsSource;
  private readonly settings: ComplianceSettings;
  private readonly checkTitles: Map<string, string>;

  constructor(options: {
    registry: ComplianceRegistry;
    store: ComplianceStore;
    factsSource: ComplianceFactsSource;
    settings: ComplianceSettings;
    /** The scheduled work, built by the caller from this part (see `ComplianceEvaluation`). */
    tasks?: (part: SecurityCompliance) => AreaTask[];
  }) {
    this.registry = options.registry;
    this.store = options.store;
    this.factsSource = options.factsSource;
    this.settings = options.settings;
    this.checkTitles = new Map(
      options.registry.checks().map(c => [c.id, c.title]),
    );
    this.tasks = options.tasks?.(this) ?? [];
  }

  frameworks(): ComplianceFramework[] {
    return this.registry.frameworks();
  }

  /** Which frameworks apply to the entity, and which annotation ids were skipped. */
  applicable(entity: Entity): ApplicableFrameworks {
    return applicableFrameworks(
      entity,
      this.settings.defaultFrameworks,
      this.registry.frameworkIds(),
    );
  }

  /**
   * Recommendations for the card about the entity's compliance annotation: malformed (the
   * config default applies), or naming frameworks nobody defines (skipped).
   */
  recommendations(entity: Entity): Recommendation[] {
    return complianceRecommendations(this.applicable(entity));
  }

  /**
   * The latest score of each framework that applies, in the annotation's (or config's) order.
   * Frameworks never evaluated for the entity yet (a new annotation) are evaluated now.
   */
  async scores(entity: Entity): Promise<ComplianceScore[]> {
    const { ids } = this.applicable(entity);
    if (ids.length === 0) return [];
    const entityRef = stringifyEntityRef(entity);
    let stored = await this.store.listResults(entityRef);
    if (ids.some(id => !stored.some(r => r.frameworkId === id))) {
      await this.evaluate([entity], new Date());
      stored = await this.store.listResults(entityRef);
    }
    const byId = new Map(stored.map(r => [r.frameworkId, r]));
    return ids.flatMap(id => {
      const r = byId.get(id);
      return r
        ? [
            {
              frameworkId: r.frameworkId,
              title: r.title,
              score: r.score,
              passed: r.passed,
              failed: r.failed,
              notEvaluated: r.notEvaluated,
              evaluatedAt: r.evaluatedAt,
            },
          ]
        : [];
    });
  }

  async detail(
    entity: Entity,
    frameworkId: string,
  ): Promise<ComplianceFrameworkDetail> {
    const entityRef = stringifyEntityRef(entity);
    if (!this.registry.framework(frameworkId)) {
      throw new NotFoundError(
        `No compliance framework has the id '${frameworkId}'; known: ${[
          ...this.registry.frameworkIds(),
        ].join(', ')}`,
      );
    }
    const applicable = this.applicable(entity);
    if (!applicable.ids.includes(frameworkId)) {
      throw new NotFoundError(
        `Compliance framework '${frameworkId}' does not apply to ${entityRef} (${
          applicable.source === 'annotation'
            ? `its ${DEVOPS_COMPLIANCE_FRAMEWORKS_ANNOTATION} annotation names ${
                applicable.ids.join(', ') || 'none'
              }`
            : `the configured default is ${applicable.ids.join(', ') || 'none'}`
        })`,
      );
    }
    let result = await this.store.getResult(entityRef, frameworkId);
    if (!result) {
      await this.evaluate([entity], new Date());
      result = await this.store.getResult(entityRef, frameworkId);
    }
    if (!result) {
      throw new NotFoundError(
        `No compliance result for ${entityRef} and '${frameworkId}': its facts could not be read`,
      );
    }
    const retentionMs = durationToMilliseconds(this.settings.history.retention);
    const history = await this.store.listHistory(entityRef, frameworkId, {
      since: new Date(Date.parse(result.evaluatedAt) - retentionMs),
      limit: HISTORY_LIMIT,
    });
    return { ...this.withEvidence(frameworkId, result), history };
  }

  /**
   * A stored result's controls with their evidence: each control's checks (as the framework
   * names them now) with what each found at the evaluation; titles from the registry.
   */
  private withEvidence(
    frameworkId: string,
    result: StoredComplianceResult,
  ): Omit<ComplianceFrameworkDetail, 'history'> {
    const definitions = new Map(
      (this.registry.framework(frameworkId)?.controls ?? []).map(c => [
        c.id,
        c,
      ]),
    );
    const { entityRef: _ref, checks, controls, ...score } = result;
    return {
      ...score,
      controls: controls.map(control => {
        const definition = definitions.get(control.controlId);
        return {
          controlId: control.controlId,
          title: definition?.title ?? control.controlId,
          weight: control.weight,
          status: control.status,
          evidence: (definition?.checks ?? []).map(checkId => ({
            checkId,
            title: this.checkTitles.get(checkId) ?? checkId,
            status: checks[checkId]?.status ?? 'not-evaluated',
            value: checks[checkId]?.value ?? 'not run at the latest evaluation',
            checkedAt: result.evaluatedAt,
          })),
        };
      }),
    };
  }

  async evaluate(entities: Entity[], now: Date): Promise<void> {
    await this.evaluateAndCount(entities, now);
  }

  /**
   * {@link evaluate} with what it wrote: entities in batches of `evaluation.batchSize`, one
   * facts read and one bulk save per batch.
   */
  async evaluateAndCount(
    entities: Entity[],
    now: Date,
  ): Promise<ComplianceEvaluationCounts> {
    const counts: ComplianceEvaluationCounts = {
      entities: entities.length,
      withoutFrameworks: 0,
      withoutFacts: 0,
      results: 0,
      historyPoints: 0,
      removed: 0,
    };
    const checkedAt = now.toISOString();
    for (const batch of chunks(entities, this.settings.evaluation.batchSize)) {
      const frameworksOf = new Map<string, string[]>();
      const withFrameworks: Entity[] = [];
      for (const entity of batch) {
        const ref = stringifyEntityRef(entity);
        const { ids } = this.applicable(entity);
        frameworksOf.set(ref, ids);
        if (ids.length > 0) withFrameworks.push(entity);
        else counts.withoutFrameworks += 1;
      }
      const facts =
        withFrameworks.length > 0
          ? await this.factsSource(withFrameworks, now)
          : [];
      const factsOf = new Map(
        facts.map(f => [stringifyEntityRef(f.entity), f]),
      );

      const evaluations: EntityEvaluation[] = [];
      for (const [entityRef, ids] of frameworksOf) {
        if (ids.length === 0) {
          evaluations.push({ entityRef, checks: {}, frameworks: [] });
          continue;
        }
        const entityFacts = factsOf.get(entityRef);
        if (!entityFacts) {
          counts.withoutFacts += 1;
          continue;
        }
        const outcomes = runChecks(this.registry.checksOf(ids), entityFacts);
        evaluations.push({
          entityRef,
          checks: Object.fromEntries(outcomes),
          frameworks: ids.map(id =>
            evaluateFramework(
              this.registry.framework(id)!,
              outcomes,
              this.checkTitles,
              checkedAt,
            ),
          ),
        });
      }
      const saved = await this.store.saveEvaluations({
        evaluations,
        at: now,
        historyIntervalMs: this.settings.history.intervalMs,
      });
      counts.results += saved.results;
      counts.historyPoints += saved.historyPoints;
      counts.removed += saved.removed;
    }
    return counts;
  }

  /** Deletes results and history points past `history.retention`. */
  prune(now: Date) {
    const retentionMs = durationToMilliseconds(this.settings.history.retention);
    return this.store.prune(new Date(now.getTime() - retentionMs));
  }
}
