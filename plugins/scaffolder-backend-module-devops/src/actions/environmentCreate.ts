import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { DevopsClient } from '../DevopsClient';
import { examples } from './environmentCreate.examples';
import { checkpointKey, DevopsActionOptions, entityRefInput } from './shared';

/**
 * `devops:environment:create`: a per-entity environment (a preview) based on a configured one,
 * with an optional time to live, on behalf of the user running the template.
 * @public
 */
export function createDevopsEnvironmentCreateAction(
  options: DevopsActionOptions,
) {
  const { client } = options;
  return createTemplateAction({
    id: 'devops:environment:create',
    description:
      'Creates a per-entity environment (a preview) in the DevOps Growth Engine, based on a configured environment whose provider, strategy and gates it uses, with its own target and an optional time to live after which it is torn down. Creating it again with the same values answers the existing one; devops:deploy then deploys to it by name.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        entityRef: entityRefInput,
        name: z =>
          z.string({
            description:
              'The new environment: 1-63 letters, digits, dots, dashes or underscores (pr-123), not the name of a configured environment.',
          }),
        basedOn: z =>
          z
            .string({
              description:
                'The configured environment it is based on; one devops.deploys.previews.basedOn allows. Default: devops.deploys.previews.defaultBasedOn.',
            })
            .optional(),
        target: z =>
          z
            .string({
              description:
                "The provider's target in it (service, deployment or application name). Default: the entity's target in basedOn followed by -<name>.",
            })
            .optional(),
        timeToLive: z =>
          z
            .string({
              description:
                'How long it lives before the teardown task removes it: 90m, 12h, 3d, 2w (at most devops.deploys.previews.maxTimeToLive). Default: kept until deleted.',
            })
            .optional(),
      },
      output: {
        name: z => z.string({ description: 'The environment.' }),
        basedOn: z =>
          z.string({
            description: 'The configured environment it is based on.',
          }),
        target: z => z.string({ description: "The provider's target in it." }),
        expiresAt: z =>
          z
            .string({
              description:
                'When it is torn down (ISO 8601); absent when it is kept until deleted.',
            })
            .optional(),
        cardUrl: z =>
          z.string({
            description:
              "The entity's DevOps tab, where the Deploys card shows the environment (an absolute URL).",
          }),
        cardPath: z =>
          z.string({
            description:
              "The same tab as a path of the app (/catalog/<namespace>/<kind>/<name>/devops), for the template's output links: the task page opens it in place, not in a new tab.",
          }),
        created: z =>
          z.boolean({
            description:
              'True when this step created it; false when it existed with the same values, and in a dry run.',
          }),
      },
    },
    async handler(ctx) {
      const entity = DevopsClient.parseEntityRef(ctx.input.entityRef);
      const credentials = await ctx.getInitiatorCredentials();
      const request = {
        name: ctx.input.name,
        basedOn: ctx.input.basedOn,
        target: ctx.input.target,
        timeToLive: ctx.input.timeToLive,
      };
      const cardUrl = client.cardUrl(entity);
      ctx.output('cardUrl', cardUrl);
      ctx.output('cardPath', client.cardPath(entity));

      if (ctx.isDryRun) {
        const { environment, exists } = await client.dryRunEnvironment(
          entity,
          request,
          credentials,
        );
        ctx.logger.info(
          `Dry run: ${environment.name} ${
            exists ? 'exists with these values already' : 'would be created'
          }: based on ${environment.basedOn}, target ${environment.target}, ${
            environment.expiresAt
              ? `torn down at ${environment.expiresAt}`
              : 'kept until deleted'
          }; nothing was stored`,
        );
        ctx.output('name', environment.name);
        ctx.output('basedOn', environment.basedOn);
        ctx.output('target', environment.target);
        if (environment.expiresAt)
          ctx.output('expiresAt', environment.expiresAt);
        ctx.output('created', false);
        return;
      }

      const created = await ctx.checkpoint({
        key: checkpointKey(ctx, 'devops.environment.create'),
        fn: async () => {
          const result = await client.createEnvironment(
            entity,
            request,
            credentials,
          );
          const e = result.environment;
          return {
            name: e.name,
            basedOn: e.basedOn,
            target: e.target,
            expiresAt: e.expiresAt,
            created: result.created,
          };
        },
      });
      ctx.logger.info(
        `${created.created ? 'Created' : 'Found, with the same values,'} ${
          created.name
        }: based on ${created.basedOn}, target ${created.target}, ${
          created.expiresAt
            ? `torn down at ${created.expiresAt}`
            : 'kept until deleted'
        }. Deploy to it with devops:deploy and environment ${created.name}`,
      );
      ctx.output('name', created.name);
      ctx.output('basedOn', created.basedOn);
      ctx.output('target', created.target);
      if (created.expiresAt) ctx.output('expiresAt', created.expiresAt);
      ctx.output('created', created.created);
    },
  });
}
