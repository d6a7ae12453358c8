import { Entity } from '@backstage/catalog-model';
import {
  ComplianceCheckResult,
  ComplianceControlResult,
  ComplianceScore,
  ComplianceStatus,
  DEVOPS_COMPLIANCE_FRAMEWORKS_ANNOTATION,
  parseComplianceFrameworksAnnotation,
  Recommendation,
} from '@devops-growth/backstage-plugin-devops-common';
import {
  ComplianceCheck,
  ComplianceCheckOutcome,
  ComplianceFacts,
  ComplianceFramework,
} from '@devops-growth/backstage-plugin-devops-node';

/**
 * Pure compliance logic: which frameworks apply to an entity, a control's status from its
 * checks, and a framework's weighted score.
 */

/** Which frameworks apply to an entity, and what was skipped. */
export interface ApplicableFrameworks {
  /** Known framework ids that apply, in the annotation's (or the config's) order. */
  ids: string[];
  source: 'annotation' | 'config';
  /** Ids the annotation names that no framework has: skipped. */
  unknown: string[];
  /** Why the annotation was not read (malformed): the config default applies instead. */
  annotationError?: string;
}

/**
 * The annotation `devops-growth.io/compliance-frameworks` when set (`none` applies none), else
 * the config default. Unknown ids are skipped and listed; a malformed annotation falls back to
 * the config default, with the reason.
 */
export function applicableFrameworks(
  entity: Entity,
  defaults: readonly string[],
  known: ReadonlySet<string>,
): ApplicableFrameworks {
  const raw =
    entity.metadata.annotations?.[DEVOPS_COMPLIANCE_FRAMEWORKS_ANNOTATION];
  if (raw !== undefined) {
    try {
      const ids = parseComplianceFrameworksAnnotation(raw);
      return {
        ids: ids.filter(id => known.has(id)),
        source: 'annotation',
        unknown: ids.filter(id => !known.has(id)),
      };
    } catch (error) {
      return {
        ids: defaults.filter(id => known.has(id)),
        source: 'config',
        unknown: [],
        annotationError: (error as Error).message,
      };
    }
  }
  return {
    ids: defaults.filter(id => known.has(id)),
    source: 'config',
    unknown: [],
  };
}

/**
 * Runs checks over one entity's facts. A check that throws is `not-evaluated` with the error as
 * its value: one broken module check does not stop an evaluation.
 */
export function runChecks(
  checks: Iterable<ComplianceCheck>,
  facts: ComplianceFacts,
): Map<string, ComplianceCheckOutcome> {
  const outcomes = new Map<string, ComplianceCheckOutcome>();
  for (const check of checks) {
    let outcome: ComplianceCheckOutcome;
    try {
      outcome = check.evaluate(facts);
      if (
        outcome?.status !== 'passed' &&
        outcome?.status !== 'failed' &&
        outcome?.status !== 'not-evaluated'
      ) {
        outcome = {
          status: 'not-evaluated',
          value: `the check returned no valid status`,
        };
      }
    } catch (error) {
      outcome = {
        status: 'not-evaluated',
        value: `the check failed: ${(error as Error)?.message ?? error}`,
      };
    }
    outcomes.set(check.id, {
      status: outcome.status,
      value: String(outcome.value ?? ''),
    });
  }
  return outcomes;
}

/**
 * A control's status from its checks' statuses: `failed` when any check failed; `passed` when
 * at least one check passed and none failed (checks without their input do not block it; the
 * evidence lists them as not evaluated); `not-evaluated` when no check could be evaluated.
 */
export function controlStatus(
  statuses: readonly ComplianceStatus[],
): ComplianceStatus {
  if (statuses.includes('failed')) return 'failed';
  if (statuses.includes('passed')) return 'passed';
  return 'not-evaluated';
}

/** A framework's result for one entity: its score, counts and controls with their evidence. */
export type FrameworkResult = Omit<ComplianceScore, 'evaluatedAt'> & {
  controls: ComplianceControlResult[];
};

/**
 * Weighted share of evaluated controls that pass, 0..100 with one decimal; `null` when no
 * control was evaluated.
 */
export function weightedScore(
  controls: ReadonlyArray<Pick<ComplianceControlResult, 'status' | 'weight'>>,
): number | null {
  let evaluated = 0;
  let passing = 0;
  for (const control of controls) {
    if (control.status === 'not-evaluated') continue;
    evaluated += control.weight;
    if (control.status === 'passed') passing += control.weight;
  }
  if (evaluated === 0) return null;
  return Math.round((passing / evaluated) * 1000) / 10;
}

/** Judges a framework from the checks' outcomes for one entity. */
export function evaluateFramework(
  framework: ComplianceFramework,
  outcomes: ReadonlyMap<string, ComplianceCheckOutcome>,
  checkTitles: ReadonlyMap<string, string>,
  checkedAt: string,
): FrameworkResult {
  const controls = framework.controls.map(control => {
    const evidence: ComplianceCheckResult[] = control.checks.map(checkId => {
      const outcome = outcomes.get(checkId) ?? {
        status: 'not-evaluated' as const,
        value: 'the check did not run',
      };
      return {
        checkId,
        title: checkTitles.get(checkId) ?? checkId,
        status: outcome.status,
        value: outcome.value,
        checkedAt,
      };
    });
    return {
      controlId: control.id,
      title: control.title,
      weight: control.weight ?? 1,
      status: controlStatus(evidence.map(e => e.status)),
      evidence,
    };
  });
  const count = (status: ComplianceStatus) =>
    controls.filter(c => c.status === status).length;
  return {
    frameworkId: framework.id,
    title: framework.title,
    score: weightedScore(controls),
    passed: count('passed'),
    failed: count('failed'),
    notEvaluated: count('not-evaluated'),
    controls,
  };
}

/**
 * Whether a new history point is due: the score changed since the last evaluation, or the last
 * point is at least `intervalMs` old (so flat stretches still have a point per interval).
 */
export function historyPointDue(
  previous: { score: number | null; historyAtMs: number | null } | undefined,
  score: number | null,
  nowMs: number,
  intervalMs: number,
): boolean {
  if (!previous || previous.historyAtMs === null) return true;
  if (previous.score !== score) return true;
  return nowMs - previous.historyAtMs >= intervalMs;
}

/**
 * Recommendations about the compliance annotation (malformed, or naming unknown frameworks),
 * for the card. Failing controls are recommended from the scores by the area's `recommend`.
 */
export function complianceRecommendations(
  applicable: ApplicableFrameworks,
): Recommendation[] {
  const out: Recommendation[] = [];
  const annotation = DEVOPS_COMPLIANCE_FRAMEWORKS_ANNOTATION;
  if (applicable.annotationError) {
    out.push({
      id: 'compliance.annotation-invalid',
      area: 'security',
      priority: 'medium',
      title: `Fix the ${annotation} annotation`,
      description: `The annotation could not be read (${applicable.annotationError}); the configured default frameworks apply instead.`,
      evidence: [
        {
          label: 'default frameworks',
          value: applicable.ids.join(', ') || 'none',
        },
      ],
    });
  }
  if (applicable.unknown.length > 0) {
    out.push({
      id: 'compliance.unknown-frameworks',
      area: 'security',
      priority: 'medium',
      title: `Unknown compliance frameworks in ${annotation}`,
      description: `No framework has the id ${applicable.unknown
        .map(id => `'${id}'`)
        .join(', ')}: ${
        applicable.unknown.length === 1 ? 'it is' : 'they are'
      } skipped. Fix the annotation, or add the framework under devops.security.compliance.frameworks.`,
      evidence: [
        { label: 'skipped', value: applicable.unknown.join(', ') },
        { label: 'applied', value: applicable.ids.join(', ') || 'none' },
      ],
    });
  }
  return out;
}
