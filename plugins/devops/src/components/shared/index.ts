/*
 * The card kit shared by every area's card. Cards import from here, never from one another.
 */
export { BreakableText } from './BreakableText';
export { useCardStyles } from './cardStyles';
export { ChartFrame, chartKit, chartScaffold, useChartKit } from './chartKit';
export type { ChartKit, ChartSeries, ChartTarget } from './chartKit';
export { reportLabels, sortedByTime, timeTicks } from './chartData';
export type { ReportPoint } from './chartData';
export {
  MIN_TEXT_CONTRAST,
  readableOn,
  statusChipColors,
  statusTextColors,
} from './colors';
export type { StatusTone } from './colors';
export * from './format';
export { enablingValue, MissingAreaAnnotation } from './MissingAreaAnnotation';
export { Recommendations, RecommendationsSection } from './Recommendations';
export { sortRecommendations } from './recommendations';
export { ResponsiveTable } from './ResponsiveTable';
export type { TableColumn } from './ResponsiveTable';
export { Section } from './SectionHeader';
export { StatusLabel } from './StatusLabel';
export type { AreaSummary, SummaryArea } from './areaSummary';
export { CardRoot } from './CardRoot';
export { FigureGrid, FigureTile } from './FigureTiles';
export { SelectPicker } from './SelectPicker';
export { AsyncCardContent } from './AsyncCardContent';
export { AreaCard } from './AreaCard';
export { describeRequestError } from './requestError';
export { FormDialog } from './FormDialog';
export { useCardNotice } from './CardNotice';
export { useDevopsBaseUrl } from './useDevopsBaseUrl';
