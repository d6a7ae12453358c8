export type {
  DevopsStore,
  NewReportMetadata,
  ReportSeriesKey,
  TestCaseOccurrence,
} from './DevopsStore';
export { DatabaseDevopsStore } from './DatabaseDevopsStore';
