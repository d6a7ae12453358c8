import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { examples } from './rollback.examples';
import {
  deployControlInputs,
  deployOutputs,
  deployTargetInputs,
  runDeployStep,
} from './deployRun';
import { DevopsActionOptions } from './shared';

/**
 * `devops:rollback`: rolls an environment back to an earlier good version through the DevOps
 * backend, on behalf of the user running the template.
 * @public
 */
export function createDevopsRollbackAction(options: DevopsActionOptions) {
  return createTemplateAction({
    id: 'devops:rollback',
    description:
      'Rolls an entity back in an environment to a version that succeeded there before (by default the previous good one), through the DevOps Growth Engine; with wait the step follows the rollback until it is final.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        ...deployTargetInputs,
        version: z =>
          z
            .string({
              description:
                'The version to go back to; it must have succeeded in the environment before. Default: the previous good version.',
            })
            .optional(),
        reason: z =>
          z.string({
            description:
              'Why it is rolled back; kept with the rollback and in the audit log.',
          }),
        ...deployControlInputs,
      },
      output: deployOutputs,
    },
    async handler(ctx) {
      await runDeployStep(ctx, options, { kind: 'rollback', ...ctx.input });
    },
  });
}
