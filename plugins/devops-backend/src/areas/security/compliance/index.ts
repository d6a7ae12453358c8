import {
  ComplianceCheck,
  ComplianceFramework,
} from '@devops-growth/backstage-plugin-devops-node';
import { AreaContext } from '../../types';
import { ComplianceRegistry } from './ComplianceRegistry';
import { DatabaseComplianceStore } from './DatabaseComplianceStore';
import {
  ComplianceFactsSource,
  SecurityCompliance,
} from './SecurityCompliance';
import { readComplianceSettings } from './settings';
import { ComplianceEvaluation } from './tasks/ComplianceEvaluation';

export { createComplianceFactsSource } from './factsSource';
export type { ComplianceFactsSource } from './SecurityCompliance';
export { SecurityCompliance } from './SecurityCompliance';

/**
 * The compliance part of the security area: settings from `devops.security.compliance`, the
 * registry (built-in catalogues and checks, then the modules' ones from
 * `devopsComplianceExtensionPoint`, then the config's), the store, and the scheduled evaluation.
 * Throws at start-up on a bad config or registration, naming the key or the module's id.
 */
export function createSecurityCompliance(
  context: Pick<AreaContext, 'config' | 'knex' | 'catalog' | 'auth' | 'logger'>,
  options: {
    factsSource: ComplianceFactsSource;
    moduleFrameworks?: ComplianceFramework[];
    moduleChecks?: ComplianceCheck[];
  },
): SecurityCompliance {
  const settings = readComplianceSettings(context.config);
  const registry = ComplianceRegistry.create({
    settings,
    moduleFrameworks: options.moduleFrameworks,
    moduleChecks: options.moduleChecks,
  });
  return new SecurityCompliance({
    registry,
    store: new DatabaseComplianceStore(context.knex),
    factsSource: options.factsSource,
    settings,
    tasks: compliance => [
      new ComplianceEvaluation({
        compliance,
        catalog: context.catalog,
        auth: context.auth,
        logger: context.logger,
        settings: settings.evaluation,
      }),
    ],
  });
}
