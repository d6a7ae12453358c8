import { makeFieldSchema } from '@backstage/plugin-scaffolder-react';

/*
 * The DevOps scaffolder fields' values and `ui:options`, as zod schemas: the template editor shows
 * them, and the components' props are typed from them.
 */

/** The zod the field schemas are built with (scaffolder-react's). */
type Zod = Parameters<
  NonNullable<Parameters<typeof makeFieldSchema>[0]['uiOptions']>
>[0];

/** A `ui:options` entry naming the form field that holds `what`. */
const fieldOption = (z: Zod, what: string) =>
  z.string().optional().describe(`The field holding ${what}`);

/** `ui:field: DevopsEnvironmentPicker`: an environment name. */
export const environmentPickerSchema = makeFieldSchema({
  output: z => z.string(),
  uiOptions: z =>
    z.object({
      entityField: fieldOption(
        z,
        'the entity ref whose environments to offer (default: entity)',
      ),
      onlyPerEntity: z
        .boolean()
        .optional()
        .describe(
          "Offer only the entity's per-entity environments (previews), not the configured ones; default: false",
        ),
    }),
});

/** `ui:field: DevopsVersionPicker`: a version. */
export const versionPickerSchema = makeFieldSchema({
  output: z => z.string(),
  uiOptions: z =>
    z.object({
      entityField: fieldOption(z, 'the entity ref (default: entity)'),
      environmentField: fieldOption(
        z,
        'the environment (default: environment)',
      ),
      mode: z
        .enum(['deploy', 'rollback'])
        .optional()
        .describe(
          "deploy: the provider's available versions; rollback: the versions that succeeded before, newest first (default: deploy)",
        ),
    }),
});

/** `ui:field: DevopsDeployGates`: the dry run's outcome, read-only. */
export const deployGatesSchema = makeFieldSchema({
  output: z =>
    z.object({
      allowed: z.boolean(),
      environment: z.string(),
      version: z.string().nullable(),
      failed: z.array(z.string()),
      activeDeployId: z.string().nullable(),
    }),
  uiOptions: z =>
    z.object({
      entityField: fieldOption(z, 'the entity ref (default: entity)'),
      environmentField: fieldOption(
        z,
        'the environment (default: environment)',
      ),
      versionField: fieldOption(
        z,
        'the version (default: version; a rollback or promotion may leave it empty)',
      ),
      action: z
        .enum(['deploy', 'promote', 'rollback'])
        .optional()
        .describe('The action whose gates to check (default: deploy)'),
      allowBlocked: z
        .boolean()
        .optional()
        .describe(
          'Let the form go on when gates fail (the action refuses then, unless it overrides them); default: false',
        ),
    }),
});
