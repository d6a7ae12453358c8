export { DevopsEnvironmentPicker } from './DevopsEnvironmentPicker';
export { DevopsVersionPicker, validateVersion } from './DevopsVersionPicker';
export { DevopsDeployGates, validateDeployGates } from './DevopsDeployGates';
export {
  deployGatesSchema,
  environmentPickerSchema,
  versionPickerSchema,
} from './schemas';
export type { DeployGatesValue } from './model';
