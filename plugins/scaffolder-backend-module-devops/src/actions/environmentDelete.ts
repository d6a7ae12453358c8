import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { EntityEnvironment } from '@devops-growth/backstage-plugin-devops-common';
import { DevopsClient } from '../DevopsClient';
import { examples } from './environmentDelete.examples';
import {
  checkpointKey,
  DEFAULT_POLL_INTERVAL_MS,
  DevopsActionOptions,
  entityRefInput,
  formatDuration,
  parseTimeout,
  pause,
  readWhileWaiting,
} from './shared';

/**
 * `devops:environment:delete`: tears a per-entity environment down, on behalf of the user
 * running the template; with `wait`, until its provider has removed it.
 * @public
 */
export function createDevopsEnvironmentDeleteAction(
  options: DevopsActionOptions,
) {
  const { client } = options;
  return createTemplateAction({
    id: 'devops:environment:delete',
    description:
      'Deletes a per-entity environment of the DevOps Growth Engine: its teardown starts (retried with backoff until the provider has removed it) and, with wait, the step follows the attempts until it is torn down.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        entityRef: entityRefInput,
        name: z =>
          z.string({
            description:
              'The per-entity environment to delete (one created by devops:environment:create or the API; configured environments cannot be deleted).',
          }),
        reason: z =>
          z
            .string({
              description: 'Why; kept with the teardown and in the audit log.',
            })
            .optional(),
        wait: z =>
          z
            .boolean({
              description:
                'Wait until it is torn down, logging each failed attempt; the step fails on timeout. Default: false (the step ends once the teardown has started).',
            })
            .optional(),
        timeout: z =>
          z
            .string({
              description:
                'How long to wait (with wait): 90s, 30m, 2h (at most 24h). Default: 30m. The teardown goes on after a timeout; the step fails.',
            })
            .optional(),
      },
      output: {
        status: z =>
          z.string({
            description:
              'active (dry run), tearing-down, or torn-down (with wait, or when it went at once).',
          }),
        attempts: z =>
          z.number({
            description: 'Teardown attempts made so far.',
          }),
      },
    },
    async handler(ctx) {
      const entity = DevopsClient.parseEntityRef(ctx.input.entityRef);
      const name = ctx.input.name;
      const wait = ctx.input.wait ?? false;
      const timeoutMs = parseTimeout(ctx.input.timeout ?? '30m');
      const credentials = await ctx.getInitiatorCredentials();
      const cardUrl = client.cardUrl(entity);

      if (ctx.isDryRun) {
        const environment = await client.getEnvironment(
          entity,
          name,
          credentials,
        );
        ctx.logger.info(
          `Dry run: ${name} (${environment.status}, based on ${environment.basedOn}, target ${environment.target}) would be torn down; nothing was deleted`,
        );
        ctx.output('status', environment.status);
        ctx.output('attempts', environment.teardown?.attempts ?? 0);
        return;
      }

      const deleted = await ctx.checkpoint({
        key: checkpointKey(ctx, 'devops.environment.delete'),
        fn: async () => {
          const e = await client.deleteEnvironment(
            entity,
            name,
            ctx.input.reason,
            credentials,
          );
          return { status: e.status, attempts: e.teardown?.attempts ?? 0 };
        },
      });
      ctx.logger.info(
        `Teardown of ${name} requested (${deleted.status}); follow it on ${cardUrl}`,
      );
      if (!wait || deleted.status === 'torn-down') {
        ctx.output('status', deleted.status);
        ctx.output('attempts', deleted.attempts);
        return;
      }

      const pollMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
      const deadline = Date.now() + timeoutMs;
      let environment: EntityEnvironment;
      let logged = deleted.attempts;
      for (;;) {
        await pause(ctx, pollMs);
        environment = await readWhileWaiting(
          ctx,
          { what: `the teardown of ${name}`, pollMs, cardUrl },
          () => client.getEnvironment(entity, name, credentials),
        );
        const teardown = environment.teardown;
        if (teardown && teardown.attempts > logged) {
          logged = teardown.attempts;
          if (teardown.lastError) {
            ctx.logger.warn(
              `Teardown attempt ${teardown.attempts} failed: ${
                teardown.lastError
              }${
                teardown.nextAttemptAt
                  ? `; next attempt at ${teardown.nextAttemptAt}`
                  : ''
              }`,
            );
          } else {
            ctx.logger.info(`Teardown attempt ${teardown.attempts}`);
          }
        }
        if (environment.status === 'torn-down') break;
        if (Date.now() >= deadline) {
          ctx.output('status', environment.status);
          ctx.output('attempts', teardown?.attempts ?? 0);
          throw new Error(
            `${name} is still ${
              environment.status
            } after the step's timeout of ${formatDuration(timeoutMs)} (${
              teardown?.attempts ?? 0
            } attempts${
              teardown?.lastError ? `, last error: ${teardown.lastError}` : ''
            }); the teardown goes on in the DevOps backend: see ${cardUrl}`,
          );
        }
      }
      ctx.logger.info(`${name} is torn down`);
      ctx.output('status', environment.status);
      ctx.output('attempts', environment.teardown?.attempts ?? 0);
    },
  });
}
