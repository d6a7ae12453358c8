import { Entity } from '@backstage/catalog-model';
import {
  DEVOPS_DEPLOY_ENVIRONMENTS_ANNOTATION,
  DeployGateResult,
  DeployKind,
} from '@devops-growth/backstage-plugin-devops-common';
import { gateResult, GateEvidence } from './result';

/**
 * The promotion chain as it applies to the entity: `devops.deploys.promotionChain`, narrowed to
 * the environments of its `devops-growth.io/deploy-environments` annotation when it has one (an
 * entity deploying to `development,production` promotes from development straight to
 * production).
 */
export function entityPromotionChain(
  chain: string[],
  entity: Entity,
): string[] {
  const raw =
    entity.metadata.annotations?.[DEVOPS_DEPLOY_ENVIRONMENTS_ANNOTATION];
  if (!raw) return chain;
  const own = new Set(
    raw
      .split(',')
      .map(e => e.trim())
      .filter(Boolean),
  );
  return chain.filter(e => own.has(e));
}

/** Where a deploy stands in the chain: the environment it must come from, or why the gate is skipped. */
export type PromotionStep =
  | { previous: string }
  | { skipped: string; evidence: GateEvidence };

export function promotionStep(input: {
  enabled: boolean;
  kind: DeployKind;
  environment: string;
  chain: string[];
}): PromotionStep {
  const { enabled, kind, environment, chain } = input;
  const evidence = { environment, chain: chain.join(' -> ') };
  if (!enabled) {
    return {
      skipped: `The promotion-chain gate is switched off for ${environment}`,
      evidence: { ...evidence, setting: false },
    };
  }
  if (kind === 'rollback') {
    return {
      skipped: 'A rollback may skip the promotion chain',
      evidence: { ...evidence, kind },
    };
  }
  const index = chain.indexOf(environment);
  if (index === -1) {
    return {
      skipped: `${environment} is not in the promotion chain (${
        chain.join(', ') || 'empty'
      })`,
      evidence,
    };
  }
  if (index === 0) {
    return {
      skipped: `${environment} is the first environment of the promotion chain`,
      evidence,
    };
  }
  return { previous: chain[index - 1] };
}

/** The versions that succeeded in the previous environment, newest first (portal and pushed deploys). */
export type SucceededVersions = Array<{
  version: string;
  deployId: string;
  at: Date;
}>;

/** The promotion-chain gate once the previous environment's successes are known. */
export function judgePromotionChain(input: {
  environment: string;
  previous: string;
  version: string;
  succeeded: SucceededVersions;
}): DeployGateResult {
  const { environment, previous, version, succeeded } = input;
  const found = succeeded.find(s => s.version === version);
  if (found) {
    return gateResult(
      'promotion-chain',
      'passed',
      `${version} succeeded in ${previous} on ${found.at.toISOString()}`,
      {
        environment,
        previousEnvironment: previous,
        version,
        deployId: found.deployId,
        succeededAt: found.at.toISOString(),
      },
    );
  }
  return gateResult(
    'promotion-chain',
    'failed',
    `${previous} has not run ${version} successfully; deploy it to ${previous} first`,
    {
      environment,
      previousEnvironment: previous,
      version,
      latestInPrevious: succeeded[0]?.version ?? null,
    },
  );
}

/** The promotion-chain gate of a skipped step. */
export function skippedPromotionChain(
  step: Extract<PromotionStep, { skipped: string }>,
): DeployGateResult {
  return gateResult('promotion-chain', 'skipped', step.skipped, step.evidence);
}
