import { ReportParserRegistry } from '../../reports/ReportParserRegistry';
import { AreaContext, DevopsAreaParts } from '../types';
import { createCoverageRouter } from './coverageRoutes';
import { CoverageService } from './CoverageService';
import { DatabaseReportStore } from './DatabaseReportStore';
import { readCoverageSettings } from './settings';
import { ReportRetention } from './tasks/ReportRetention';

export { CoverageService } from './CoverageService';

/**
 * The coverage & tests area: reports pushed from CI (`POST /reports`, parsed by the report
 * parsers of every format), their history and retention, and the card's summary.
 */
export function createCoverageArea(
  context: AreaContext,
  options: { parsers: ReportParserRegistry; maxBodySize: number },
): DevopsAreaParts & { service: CoverageService } {
  const settings = readCoverageSettings(context.config);
  const store = new DatabaseReportStore(context.knex);
  const service = new CoverageService(store, options.parsers, settings);
  return {
    service,
    router: createCoverageRouter(context, service, {
      maxBodySize: options.maxBodySize,
    }),
    tasks: [new ReportRetention(store, settings.retention, context.logger)],
  };
}
