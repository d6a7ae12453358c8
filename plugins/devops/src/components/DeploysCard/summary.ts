/*
 * The deploy area's row on the DevOps summary card.
 */
import { DeploysSummary } from '@devops-growth/backstage-plugin-devops-common';
import { AreaSummary, sortRecommendations, SummaryArea } from '../shared';
import {
  activeDeploys,
  lastConfiguredEnvironment,
  STATUS_LABELS,
} from './model';

/**
 * The deploy area: a deploy in flight first, then how the newest final deploy ended; what the
 * last environment of the chain (production, usually) runs as the key figure; a recommendation
 * or the newest deploy's failure as the problem.
 */
export function summarizeDeploys(summary: DeploysSummary): AreaSummary {
  const last = lastConfiguredEnvironment(summary);
  const figure = last?.running ? `${last.name} ${last.running.version}` : null;
  const [worst] = sortRecommendations(summary.recommendations);
  const [active] = activeDeploys(summary);
  const newest = summary.history.find(d => d.finishedAt !== null);
  const failed =
    newest && ['failed', 'rolled-back'].includes(newest.status) ? newest : null;
  const problem =
    worst?.title ??
    (failed
      ? `${failed.version} in ${failed.environment}: ${
          failed.outcome ?? STATUS_LABELS[failed.status].toLowerCase()
        }`
      : null);
  if (active) {
    return {
      state: `Deploying ${active.version} to ${active.environment}`,
      tone: 'running',
      figure,
      problem,
    };
  }
  if (!newest) {
    return { state: 'No deploys yet', tone: 'neutral', figure, problem };
  }
  return {
    state: `Last deploy ${STATUS_LABELS[newest.status].toLowerCase()}`,
    tone: failed ? 'error' : 'ok',
    figure,
    problem,
  };
}

/** The deploy area of the summary card: the same request as the Deploys card. */
export const deploysSummaryArea: SummaryArea<DeploysSummary> = {
  area: 'deploy',
  title: 'Deploys',
  load: (api, entityRef) => api.getDeploysSummary(entityRef),
  summarize: summarizeDeploys,
};
