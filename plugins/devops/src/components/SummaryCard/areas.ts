import { SummaryArea } from '../shared';
import { coverageSummaryArea } from '../CoverageCard/summary';
import { deploysSummaryArea } from '../DeploysCard/summary';
import { performanceSummaryArea } from '../PerformanceCard/summary';
import { securitySummaryArea } from '../SecurityCard/summary';

/**
 * The areas of the summary card, in the order of the DevOps tab. Like the tab, this list composes
 * the areas; a new area (security, deploys) adds its `SummaryArea` here.
 */
export const SUMMARY_AREAS: SummaryArea<any>[] = [
  deploysSummaryArea,
  performanceSummaryArea,
  securitySummaryArea,
  coverageSummaryArea,
];
