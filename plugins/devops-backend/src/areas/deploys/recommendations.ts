import {
  DeployDrift,
  DeployPerformanceImpact,
  DoraSummary,
  Recommendation,
} from '@devops-growth/backstage-plugin-devops-common';

/** What the deploy recommendations look at, per environment of the entity. */
export interface EnvironmentFacts {
  name: string;
  /** What runs there now. */
  running: { version: string; at: Date } | null;
  /** The newest final deploy of any kind, when one happened in the read window. */
  lastDeploy: {
    version: string;
    status: string;
    at: Date;
    impact: DeployPerformanceImpact | null;
  } | null;
  dora30: DoraSummary | undefined;
  /** The previous good version a rollback would deploy, if any. */
  rollbackTo: string | null;
  /** Incidents of the environment not resolved yet. */
  openIncidents: number;
  /** A deploy is in flight in the environment. */
  inFlight?: boolean;
  /** An annotation of the entity the environment's settings could not be read from. */
  annotationProblem?: string;
  /** The drift sweep's open finding: what runs is not what the last successful deploy left. */
  drift?: DeployDrift | null;
  /** A per-entity environment whose teardown failed at least once (still retried). */
  teardownFailing?: { attempts: number; lastError: string } | null;
}

/** Change failure rate above which a recommendation is made (DORA's medium tier ends at 15 %). */
export const CHANGE_FAILURE_RATE_LIMIT_PERCENT = 15;
/** No deploy for this long to an environment that runs a version is worth a look. */
export const STALE_DAYS = 30;
/** A deploy whose impact worsened the error rate by this many points or P95 by this many per cent. */
const IMPACT_ERROR_POINTS = 1;
const IMPACT_P95_PERCENT = 20;

const DAY_MS = 86_400_000;
const round = (v: number) => Math.round(v * 10) / 10;

function impactRegressed(impact: DeployPerformanceImpact | null): boolean {
  if (!impact) return false;
  return (
    (impact.errorRateDeltaPoints ?? 0) >= IMPACT_ERROR_POINTS ||
    (impact.p95ChangePercent ?? 0) >= IMPACT_P95_PERCENT
  );
}

/** Where CI (or a person) records a deploy made outside the portal. */
const PUSHED_DEPLOYS_API =
  'POST /api/devops/entities/<kind>/<namespace>/<name>/deploys/pushed';

/** `deploy.drift`: the environment runs another version than its last successful deploy left. */
function driftRecommendation(env: string, drift: DeployDrift): Recommendation {
  const { expected, actual } = drift;
  const runs = actual.version ?? 'nothing';
  const record =
    actual.version === null
      ? ''
      : ` If ${actual.version} was deployed on purpose outside the portal, record it through ${PUSHED_DEPLOYS_API}: it then becomes what ${env} should run.`;
  return {
    id: 'deploy.drift',
    area: 'deploy',
    priority: 'high',
    title: `${env} runs ${runs}, the last deploy left ${expected.version}`,
    description: `The provider reports ${
      actual.version === null ? 'nothing running' : actual.version
    } in ${env} since ${
      drift.detectedAt
    }, while the last successful deploy there left ${
      expected.version
    }: the history, DORA and rollbacks describe a version that does not run. Redeploy ${
      expected.version
    } to put back what was deployed.${record}`,
    evidence: [
      { label: 'Environment', value: env },
      { label: 'Expected version', value: expected.version },
      { label: 'Deploy', value: expected.deployId },
      { label: 'Deployed at', value: expected.at },
      { label: 'Reported version', value: actual.version ?? 'none' },
      { label: 'Reported healthy', value: actual.healthy ? 'yes' : 'no' },
      { label: 'Provider message', value: actual.message ?? '' },
      { label: 'Detected at', value: drift.detectedAt },
      { label: 'Last checked at', value: drift.lastCheckedAt },
    ].filter(e => e.value !== ''),
  };
}

/**
 * The deploys card's recommendations (pure): an environment that runs another version than its
 * last successful deploy left (the drift sweep's open finding); a per-entity environment whose
 * teardown keeps failing; a rollback target when an environment has an open incident, a failed
 * last deploy or a deploy that made it slower or more error-prone; a change failure rate above
 * 15 % over 30 days; no deploy in 30 days; no deploy recorded at all; an annotation that could
 * not be read.
 */
export function deployRecommendations(input: {
  environments: EnvironmentFacts[];
  now: Date;
}): Recommendation[] {
  const out: Recommendation[] = [];
  const { environments, now } = input;
  for (const env of environments) {
    if (env.annotationProblem) {
      out.push({
        id: 'deploy.invalid-annotation',
        area: 'deploy',
        priority: 'high',
        title: `Deploy settings of ${env.name} cannot be read`,
        description: `${env.annotationProblem}. Deploys to ${env.name} are refused until the annotation is fixed.`,
        evidence: [{ label: 'Environment', value: env.name }],
      });
    }
    if (env.drift && env.drift.resolvedAt === null) {
      out.push(driftRecommendation(env.name, env.drift));
    }
    if (env.teardownFailing) {
      const { attempts, lastError } = env.teardownFailing;
      out.push({
        id: 'deploy.teardown-failing',
        area: 'deploy',
        priority: 'medium',
        title: `Teardown of ${env.name} keeps failing`,
        description: `${attempts} attempt${attempts === 1 ? '' : 's'} to tear ${
          env.name
        } down failed, the last with: ${lastError}. What runs there stays up (and costs) until a teardown succeeds; attempts go on with a growing wait. Fix what the error names (the provider's teardown command, its access), or remove what runs by hand and let the next attempt finish.`,
        evidence: [
          { label: 'Environment', value: env.name },
          { label: 'Attempts', value: String(attempts) },
          { label: 'Last error', value: lastError },
        ],
      });
    }
    const last = env.lastDeploy;
    const reasons: string[] = [];
    if (env.openIncidents > 0) {
      reasons.push(
        `${env.openIncidents} open incident${
          env.openIncidents === 1 ? '' : 's'
        }`,
      );
    }
    // A rolled-back deploy already put the previous version back: nothing to offer for it.
    if (last && last.status === 'failed') {
      reasons.push(`the last deploy (${last.version}) ${last.status}`);
    }
    if (last && last.status === 'succeeded' && impactRegressed(last.impact)) {
      const i = last.impact!;
      reasons.push(
        `${last.version} changed the error rate by ${round(
          i.errorRateDeltaPoints ?? 0,
        )} points and P95 by ${round(i.p95ChangePercent ?? 0)} %`,
      );
    }
    if (env.rollbackTo && reasons.length > 0) {
      out.push({
        id: 'deploy.rollback-available',
        area: 'deploy',
        priority: env.openIncidents > 0 ? 'high' : 'medium',
        title: `Rollback to ${env.rollbackTo} available in ${env.name}`,
        description: `${reasons.join('; ')}. ${
          env.rollbackTo
        } is the previous good version in ${
          env.name
        }; Roll back deploys it with the same gates.`,
        evidence: [
          { label: 'Environment', value: env.name },
          { label: 'Running', value: env.running?.version ?? 'unknown' },
          { label: 'Previous good version', value: env.rollbackTo },
        ],
      });
    }
    const cfr = env.dora30?.changeFailureRatePercent.value;
    if (
      cfr !== null &&
      cfr !== undefined &&
      cfr > CHANGE_FAILURE_RATE_LIMIT_PERCENT
    ) {
      out.push({
        id: 'deploy.change-failure-rate',
        area: 'deploy',
        priority:
          cfr > 2 * CHANGE_FAILURE_RATE_LIMIT_PERCENT ? 'high' : 'medium',
        title: `Change failure rate in ${env.name} is above ${CHANGE_FAILURE_RATE_LIMIT_PERCENT} %`,
        description: `${round(cfr)} % of the deploys to ${
          env.name
        } in the last 30 days failed, were rolled back or were followed by an incident. Smaller changes, a canary strategy and the coverage gate lower it.`,
        evidence: [
          { label: 'Environment', value: env.name },
          { label: 'Change failure rate (30 days)', value: `${round(cfr)} %` },
          {
            label: 'Failed deploys (30 days)',
            value: `${env.dora30!.failedChanges} of ${env.dora30!.changes}`,
          },
        ],
      });
    }
    if (
      env.running &&
      now.getTime() - (last?.at ?? env.running.at).getTime() >
        STALE_DAYS * DAY_MS
    ) {
      const since = last?.at ?? env.running.at;
      out.push({
        id: 'deploy.stale',
        area: 'deploy',
        priority: 'low',
        title: `No deploy to ${env.name} in ${STALE_DAYS} days`,
        description: `${env.name} runs ${env.running.version} since ${since
          .toISOString()
          .slice(
            0,
            10,
          )}. Long gaps make each deploy bigger and riskier; ship smaller changes more often.`,
        evidence: [
          { label: 'Environment', value: env.name },
          { label: 'Last deploy', value: since.toISOString() },
        ],
      });
    }
  }
  if (
    environments.length > 0 &&
    environments.every(e => !e.running && !e.lastDeploy && !e.inFlight)
  ) {
    out.push({
      id: 'deploy.none',
      area: 'deploy',
      priority: 'low',
      title: 'No deploy recorded',
      description: `Deploy from this card, or let CI push its deploys to ${PUSHED_DEPLOYS_API}, so that history and DORA cover them.`,
      evidence: [
        {
          label: 'Environments',
          value: environments.map(e => e.name).join(', '),
        },
      ],
    });
  }
  const order = { high: 0, medium: 1, low: 2 };
  return out.sort((a, b) => order[a.priority] - order[b.priority]);
}
