export { createDevopsDeployAction } from './deploy';
export { createDevopsRollbackAction } from './rollback';
export { createDevopsEnvironmentCreateAction } from './environmentCreate';
export { createDevopsEnvironmentDeleteAction } from './environmentDelete';
export type { DevopsActionOptions } from './shared';
