import { DeployEngine } from '../types';
import { DefaultDeployEngine, DeployEngineDeps } from './DeployEngine';

export type { DeployEngineDeps } from './DeployEngine';
export { defaultOwner } from './DeployEngine';
export { recordDeployImpacts } from './impacts';

/**
 * The deploy engine of this replica: claims due deploys every `devops.deploys.engine.pollInterval`
 * (and on `wake()`), drives each through its strategy's phases under a lease, rolls back on a
 * failed phase, a failing analysis, a timeout or an abort, and resumes or rolls back deploys a
 * restart interrupted.
 */
export function createDeployEngine(deps: DeployEngineDeps): DeployEngine {
  return new DefaultDeployEngine(deps);
}
