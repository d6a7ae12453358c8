/**
 * Scaffolder actions of the DevOps Growth Engine: `devops:deploy`, `devops:rollback`,
 * `devops:environment:create` and `devops:environment:delete`.
 *
 * @packageDocumentation
 */
export { scaffolderModuleDevops as default } from './module';
export * from './actions';
export { createDevopsPublishLocalAction } from './actions/publishLocal';
export {
  devopsLocalRepositoriesUrlReader,
  LocalRepositoriesUrlReader,
  LOCAL_REPOSITORIES_CONFIG_KEY,
  readLocalRepositoriesDirectory,
} from './localRepositories';
export { DevopsClient } from './DevopsClient';
export type { DeployDryRunRequest, EnvironmentDryRun } from './DevopsClient';
