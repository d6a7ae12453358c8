import { Knex } from 'knex';
import { DeployFactsReader } from '../security/types';
import { DeployFactsQueries } from './DeployFactsQueries';
import { DeploySettings } from './types';

/**
 * The environments compliance calls production: the last environment of the promotion chain
 * (`production` by default).
 */
export function productionEnvironments(settings: DeploySettings): string[] {
  const chain = settings.promotionChain;
  return chain.length > 0 ? [chain[chain.length - 1]] : [];
}

/**
 * The deploys area's side of the compliance facts (`deploys.gated`, `deploys.rollback-tested`):
 * per entity, the production deploys of the window and how many went through every gate, and
 * whether a rollback succeeded. Built from the database and the settings only, so the security
 * area can be given it before the deploys area is created (the deploys area reads the security
 * area through `SecurityService.deployGateFacts`).
 */
export function createDeployFactsReader(deps: {
  knex: Knex;
  settings: DeploySettings;
}): DeployFactsReader {
  const queries = new DeployFactsQueries(deps.knex);
  const environments = productionEnvironments(deps.settings);
  return {
    complianceFacts: (entityRefs, since, now) =>
      queries.complianceCounts({
        entityRefs,
        productionEnvironments: environments,
        since,
        until: now,
      }),
  };
}
