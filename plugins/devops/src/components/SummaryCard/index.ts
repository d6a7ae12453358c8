export { DevopsSummaryCard } from './DevopsSummaryCard';
