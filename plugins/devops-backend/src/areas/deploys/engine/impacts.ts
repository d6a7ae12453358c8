import { LoggerService } from '@backstage/backend-plugin-api';
import { CanaryAnalysis, DeploySettings, DeployStore } from '../types';
import { errorMessage } from './guard';

/** Finished deploys older than this get no impact any more (the metrics are gone). */
const LOOKBACK_MS = 7 * 24 * 3600_000;

/**
 * Fills the performance impact of `succeeded` and `rolled-back` deploys whose window after
 * them (`impactWindowMs` from `finishedAt`) has passed: the entity's metrics in the window
 * before the finish against the window after it. Meant for a scheduled task; answers how many
 * deploys got their impact. A deploy whose impact cannot be read now is tried again next time.
 */
export async function recordDeployImpacts(
  store: DeployStore,
  analysis: CanaryAnalysis,
  settings: DeploySettings,
  now: Date,
  options: { limit?: number; logger?: LoggerService } = {},
): Promise<number> {
  const windowMs = settings.impactWindowMs;
  const before = new Date(now.getTime() - windowMs);
  const due = await store.finishedWithoutImpact({
    before,
    after: new Date(before.getTime() - LOOKBACK_MS),
    limit: options.limit ?? 100,
  });
  let recorded = 0;
  for (const deploy of due) {
    try {
      const impact = await analysis.impact(
        deploy.entityRef,
        deploy.environment,
        new Date(deploy.finishedAt!),
        windowMs,
      );
      await store.setImpact(deploy.id, impact);
      recorded++;
    } catch (error) {
      options.logger?.warn(
        `Could not compute the performance impact of deploy ${
          deploy.id
        }: ${errorMessage(error)}`,
      );
    }
  }
  return recorded;
}
