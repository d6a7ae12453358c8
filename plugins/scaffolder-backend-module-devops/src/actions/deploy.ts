import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { DEPLOY_STRATEGIES } from '@devops-growth/backstage-plugin-devops-common';
import { examples } from './deploy.examples';
import {
  deployControlInputs,
  deployOutputs,
  deployTargetInputs,
  runDeployStep,
} from './deployRun';
import { DevopsActionOptions } from './shared';

/**
 * `devops:deploy`: deploys a version of an entity to an environment through the DevOps
 * backend's deploy engine (gates, strategy, canary analysis), on behalf of the user running the
 * template.
 * @public
 */
export function createDevopsDeployAction(options: DevopsActionOptions) {
  return createTemplateAction({
    id: 'devops:deploy',
    description:
      'Deploys a version of an entity to an environment through the DevOps Growth Engine: the safety gates are evaluated, the deploy runs with the environment strategy (rolling, blue-green or canary with analysis), and with wait the step follows it until it is final.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        ...deployTargetInputs,
        version: z =>
          z.string({
            description:
              'The version to deploy (a release, image tag or commit hash): 1-128 letters, digits, dots, dashes, underscores, plus signs or colons. When the provider lists versions it must be one of them.',
          }),
        strategy: z =>
          z
            .enum(DEPLOY_STRATEGIES, {
              description:
                'rolling, blue-green or canary; one the environment allows. Default: the environment (or the entity annotation devops-growth.io/deploy-strategy) decides.',
            })
            .optional(),
        commitSha: z =>
          z
            .string({
              description:
                'The commit the version was built from (7-64 hexadecimal digits): the coverage gate reads its branch, DORA its lead time.',
            })
            .optional(),
        ...deployControlInputs,
      },
      output: deployOutputs,
    },
    async handler(ctx) {
      await runDeployStep(ctx, options, { kind: 'deploy', ...ctx.input });
    },
  });
}
