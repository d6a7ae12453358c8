export { DevopsContent } from './DevopsContent';
