export { DevopsSecurityCard } from './DevopsSecurityCard';
