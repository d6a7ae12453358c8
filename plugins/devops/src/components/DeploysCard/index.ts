export { DevopsDeploysCard } from './DevopsDeploysCard';
