import { AreaContext, DevopsAreaParts } from '../types';
import { createCoverageRouter } from './coverageRoutes';
import { CoverageService } from './CoverageService';
import { DatabaseReportStore } from './DatabaseReportStore';
import { readCoverageSettings } from './settings';
import { ReportRetention } from './tasks/ReportRetention';

export { CoverageService } from './CoverageService';

/**
 * The coverage & tests area: coverage and test reports pushed from CI (`POST /reports` hands
 * them to the area's report sink), their history and retention, and the card's summary.
 */
export function createCoverageArea(
  context: AreaContext,
): DevopsAreaParts & { service: CoverageService } {
  const settings = readCoverageSettings(context.config);
  const store = new DatabaseReportStore(context.knex);
  const service = new CoverageService(store, settings);
  return {
    service,
    router: createCoverageRouter(context, service),
    reportSinks: [
      {
        area: 'coverage',
        kinds: ['coverage', 'tests'],
        ingest: (upload, body) => service.ingest(upload, body),
      },
    ],
    tasks: [new ReportRetention(store, settings.retention, context.logger)],
  };
}
