import { Entity } from '@backstage/catalog-model';
import {
  DeployGateResult,
  isDevopsAreaEnabled,
} from '@devops-growth/backstage-plugin-devops-common';
import {
  CoverageGateReader,
  DeployGates,
  DeploySettings,
  DeployStore,
  GateInput,
  SecurityGateReader,
} from '../types';
import { CoverageGateFacts, judgeCoverage } from './coverage';
import { judgeFreezeWindows } from './freezeWindow';
import { applyOverrides, checkOverrides } from './overrides';
import {
  entityPromotionChain,
  judgePromotionChain,
  promotionStep,
  skippedPromotionChain,
} from './promotionChain';
import { describeError } from './result';
import {
  judgeCompliance,
  judgeSecurityFindings,
  judgeSecurityThreats,
  SecurityGateSource,
} from './security';

export { applyOverrides, checkOverrides } from './overrides';
export { judgeFreezeWindows, openWindow } from './freezeWindow';

/**
 * How many versions of the previous environment the promotion-chain gate looks through (newest
 * first, without repeats): a version older than that counts as not run there.
 */
export const PROMOTION_LOOKBACK_VERSIONS = 1000;

async function coverageFacts(
  reader: CoverageGateReader | undefined,
  entity: Entity,
  entityRef: string,
): Promise<CoverageGateFacts> {
  if (!isDevopsAreaEnabled(entity, 'coverage')) return { kind: 'area-off' };
  if (!reader) return { kind: 'no-reader' };
  try {
    const facts = (await reader.coverageFacts([entity])).get(entityRef);
    return facts ? { kind: 'facts', ...facts } : { kind: 'no-entry' };
  } catch (error) {
    return { kind: 'error', message: describeError(error) };
  }
}

async function securityFacts(
  reader: SecurityGateReader | undefined,
  entity: Entity,
  now: Date,
): Promise<SecurityGateSource> {
  if (!isDevopsAreaEnabled(entity, 'security')) return { kind: 'area-off' };
  if (!reader) return { kind: 'no-reader' };
  try {
    return { kind: 'facts', facts: await reader.deployGateFacts(entity, now) };
  } catch (error) {
    return { kind: 'error', message: describeError(error) };
  }
}

/**
 * The safety gates of the deploys area. Every gate answers for every deploy, in the order of
 * `DEPLOY_GATES`, so the dry run lists all six: `passed`, `failed`, `not-evaluated` (its area is
 * not enabled for the entity or has no data; does not block), `skipped` (switched off, or a
 * rollback skipping the promotion chain) or `overridden`. Reads are made once per evaluation and
 * only for gates that are switched on; a reader of another area that throws fails its gates
 * (overridable) instead of letting the deploy through. An expired or doubled override throws an
 * `InputError` before anything is read.
 */
export function createDeployGates(deps: {
  settings: DeploySettings;
  store: DeployStore;
  coverage?: CoverageGateReader;
  security?: SecurityGateReader;
  /** When an override is applied (its `at`); default the system clock. */
  clock?: () => Date;
}): DeployGates {
  const clock = deps.clock ?? (() => new Date());
  return {
    async evaluate(input: GateInput): Promise<DeployGateResult[]> {
      checkOverrides(input.overrides, input.now);
      const { entity, entityRef, environment, now } = input;
      const gates = environment.gates;
      const step = promotionStep({
        enabled: gates.promotionChain,
        kind: input.kind,
        environment: environment.name,
        chain: entityPromotionChain(deps.settings.promotionChain, entity),
      });
      const wantsSecurity = gates.security || gates.complianceMinimum !== null;
      const [succeeded, coverage, security] = await Promise.all([
        'previous' in step
          ? deps.store.succeededVersions(
              entityRef,
              step.previous,
              PROMOTION_LOOKBACK_VERSIONS,
            )
          : undefined,
        gates.coverage
          ? coverageFacts(deps.coverage, entity, entityRef)
          : undefined,
        wantsSecurity ? securityFacts(deps.security, entity, now) : undefined,
      ]);
      const securitySource: SecurityGateSource = security ?? {
        kind: 'no-reader',
      };
      const results: DeployGateResult[] = [
        'previous' in step
          ? judgePromotionChain({
              environment: environment.name,
              previous: step.previous,
              version: input.version,
              succeeded: succeeded ?? [],
            })
          : skippedPromotionChain(step),
        judgeCoverage({
          enabled: gates.coverage,
          environment: environment.name,
          facts: coverage ?? { kind: 'no-reader' },
        }),
        judgeFreezeWindows({
          environment: environment.name,
          windows: gates.freezeWindows,
          now,
        }),
        judgeSecurityFindings({
          enabled: gates.security,
          environment: environment.name,
          source: securitySource,
        }),
        judgeSecurityThreats({
          enabled: gates.security,
          environment: environment.name,
          source: securitySource,
        }),
        judgeCompliance({
          minimum: gates.complianceMinimum,
          environment: environment.name,
          source: securitySource,
        }),
      ];
      return applyOverrides(results, input.overrides, input.actor, clock());
    },
  };
}
