import { createFormField } from '@backstage/plugin-scaffolder-react/alpha';
import { DevopsDeployGates, validateDeployGates } from './DevopsDeployGates';
import { DevopsEnvironmentPicker } from './DevopsEnvironmentPicker';
import { DevopsVersionPicker, validateVersion } from './DevopsVersionPicker';
import {
  deployGatesSchema,
  environmentPickerSchema,
  versionPickerSchema,
} from './schemas';

/*
 * The DevOps scaffolder fields for the new frontend system, loaded lazily by the plugin's
 * FormFieldBlueprint extensions (alpha.tsx). The legacy system registers the same components
 * and validations through createScaffolderFieldExtension (plugin.ts).
 */

export const environmentPickerFormField = createFormField({
  name: 'DevopsEnvironmentPicker',
  component: DevopsEnvironmentPicker,
  schema: environmentPickerSchema,
});

export const versionPickerFormField = createFormField({
  name: 'DevopsVersionPicker',
  component: DevopsVersionPicker,
  validation: validateVersion,
  schema: versionPickerSchema,
});

export const deployGatesFormField = createFormField({
  name: 'DevopsDeployGates',
  component: DevopsDeployGates,
  validation: validateDeployGates,
  schema: deployGatesSchema,
});
