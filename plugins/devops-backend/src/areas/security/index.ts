import {
  ComplianceCheck,
  ComplianceFramework,
} from '@devops-growth/backstage-plugin-devops-node';
import { AreaContext, DevopsAreaParts } from '../types';
import {
  createComplianceFactsSource,
  createSecurityCompliance,
} from './compliance';
import { SecurityFindings } from './findings/SecurityFindings';
import { createSecurityRouter } from './securityRoutes';
import { SecurityService } from './SecurityService';
import { SecurityThreats } from './threats/SecurityThreats';
import {
  CoverageFactsReader,
  DeployFactsReader,
  PerformanceFactsReader,
  RequestMetricsReader,
} from './types';

export { SecurityService } from './SecurityService';

/**
 * The security area: scanner findings (SARIF, npm audit, Trivy) with their lifecycle and SLA,
 * runtime threats (detectors over the performance area's request metrics, and pushed WAF/IDS
 * events), compliance scores with evidence, and the card's summary. Reads the other areas
 * through their services only.
 */
export function createSecurityArea(
  context: AreaContext,
  options: {
    coverage: CoverageFactsReader;
    performance: RequestMetricsReader & PerformanceFactsReader;
    moduleFrameworks: ComplianceFramework[];
    moduleChecks: ComplianceCheck[];
    /** The deploys area's compliance facts (`createDeployFactsReader`); without it the deploy checks are not evaluated. */
    deploys?: DeployFactsReader;
  },
): DevopsAreaParts & { service: SecurityService } {
  const findings = SecurityFindings.create(context);
  const threats = SecurityThreats.fromConfig(context.config, {
    ...context,
    reader: options.performance,
  });
  const compliance = createSecurityCompliance(context, {
    factsSource: createComplianceFactsSource({
      findings,
      threats,
      coverage: options.coverage,
      performance: options.performance,
      deploys: options.deploys,
    }),
    moduleFrameworks: options.moduleFrameworks,
    moduleChecks: options.moduleChecks,
  });
  const service = new SecurityService(
    { findings, threats, compliance },
    context.logger,
  );
  const ingest: NonNullable<
    DevopsAreaParts['reportSinks']
  >[number]['ingest'] = (upload, body) => service.ingest(upload, body);
  return {
    service,
    router: createSecurityRouter(context, service),
    reportSinks: [
      { area: 'security', kinds: ['findings'], ingest },
      {
        area: 'security',
        kinds: ['security-events'],
        commitRequired: false,
        ingest,
      },
    ],
    tasks: [...findings.tasks, ...threats.tasks, ...compliance.tasks],
  };
}
