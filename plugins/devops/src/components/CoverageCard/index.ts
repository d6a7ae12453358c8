export { DevopsCoverageCard } from './DevopsCoverageCard';
