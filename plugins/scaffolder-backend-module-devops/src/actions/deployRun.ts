import { ActionContext } from '@backstage/plugin-scaffolder-node';
import {
  DEPLOY_GATES,
  DEPLOY_STRATEGIES,
  DeployDetail,
  DeployEvent,
  DeployGateOverride,
  DeployStrategy,
  isActiveDeployStatus,
} from '@devops-growth/backstage-plugin-devops-common';
import type { z as zod } from 'zod/v3';
import { DevopsClient } from '../DevopsClient';
import {
  checkpointKey,
  DEFAULT_POLL_INTERVAL_MS,
  DevopsActionOptions,
  entityRefInput,
  formatDuration,
  gatesOutput,
  logGates,
  parseTimeout,
  pause,
  readWhileWaiting,
  stepIdempotencyKey,
} from './shared';

type Z = typeof zod;

/** The inputs `devops:deploy` and `devops:rollback` start with: what and where. */
export const deployTargetInputs = {
  entityRef: entityRefInput,
  environment: (z: Z) =>
    z.string({
      description:
        'The environment, as devops.deploys.environments names it (staging, production) or a per-entity environment created by devops:environment:create.',
    }),
};

/** The inputs `devops:deploy` and `devops:rollback` end with: overrides, waiting, idempotency. */
export const deployControlInputs = {
  overrides: (z: Z) =>
    z
      .array(
        z.object({
          gate: z.enum(DEPLOY_GATES, {
            description: `The failed gate to override: ${DEPLOY_GATES.join(
              ', ',
            )}.`,
          }),
          reason: z.string({
            description:
              'Why it is safe anyway; kept with the deploy and in the audit log.',
          }),
        }),
        {
          description:
            'Failed safety gates to override, each with a reason. The user running the template needs devops.deploy.gate.override on the entity.',
        },
      )
      .optional(),
  wait: (z: Z) =>
    z
      .boolean({
        description:
          'Wait until the deploy is final, logging its phases, canary steps and analysis verdicts; the step fails unless it succeeded. Default: true. With false the step ends once the deploy has started.',
      })
      .optional(),
  timeout: (z: Z) =>
    z
      .string({
        description:
          'How long to wait (with wait): 90s, 30m, 2h (at most 24h). Default: 30m. The deploy goes on after a timeout; the step fails.',
      })
      .optional(),
  idempotencyKey: (z: Z) =>
    z
      .string({
        description:
          'Sent as the Idempotency-Key: a start with a key already used answers the deploy it started. Default: derived from the task and step ids, so a retried task never deploys twice.',
      })
      .optional(),
};

/** The outputs `devops:deploy` and `devops:rollback` share. */
export const deployOutputs = {
  deployId: (z: Z) =>
    z
      .string({
        description: 'The deploy started (absent in a dry run).',
      })
      .optional(),
  status: (z: Z) =>
    z
      .string({
        description:
          'With wait, the final status (succeeded); without, the status when the step ended (queued, running...). Absent in a dry run.',
      })
      .optional(),
  version: (z: Z) =>
    z.string({
      description:
        'The version deployed (for a rollback without a version, the previous good one).',
    }),
  environment: (z: Z) => z.string({ description: 'The environment.' }),
  strategy: (z: Z) =>
    z.enum(DEPLOY_STRATEGIES, {
      description: 'The strategy used: rolling, blue-green or canary.',
    }),
  cardUrl: (z: Z) =>
    z.string({
      description:
        "The entity's DevOps tab, where the Deploys card follows the deploy (an absolute URL).",
    }),
  cardPath: (z: Z) =>
    z.string({
      description:
        "The same tab as a path of the app (/catalog/<namespace>/<kind>/<name>/devops), for the template's output links: the task page opens it in place, not in a new tab.",
    }),
  allowed: (z: Z) =>
    z.boolean({
      description:
        'Whether the gates let it start (always true after a real start; a dry run reports false without failing).',
    }),
  gates: (z: Z) =>
    z.array(
      z.object({
        gate: z.string(),
        title: z.string(),
        status: z.string(),
        message: z.string(),
        overriddenBy: z.string().optional(),
        overrideReason: z.string().optional(),
      }),
      {
        description:
          'Each safety gate: its id and name (title), passed, failed, not-evaluated, skipped or overridden, and why.',
      },
    ),
};

/** What a deploy or rollback step asks for, once its input is read. */
export interface DeployStepRequest {
  kind: 'deploy' | 'rollback';
  entityRef: string;
  environment: string;
  version?: string;
  strategy?: DeployStrategy;
  commitSha?: string;
  reason?: string;
  overrides?: DeployGateOverride[];
  wait?: boolean;
  timeout?: string;
  idempotencyKey?: string;
}

type DeployStepContext = ActionContext<any, any>;

/**
 * The body of `devops:deploy` and `devops:rollback`. Dry run: the backend's dry run, each gate
 * logged, nothing started. Otherwise: start once (a checkpoint, and an idempotency key the
 * backend honours), log the gates, and with `wait` follow the deploy's events until it is final;
 * a final status other than succeeded fails the step with the deploy's outcome.
 */
export async function runDeployStep(
  ctx: DeployStepContext,
  options: DevopsActionOptions,
  request: DeployStepRequest,
): Promise<void> {
  const { client } = options;
  const entity = DevopsClient.parseEntityRef(request.entityRef);
  const wait = request.wait ?? true;
  const timeoutMs = parseTimeout(request.timeout ?? '30m');
  const cardUrl = client.cardUrl(entity);
  const credentials = await ctx.getInitiatorCredentials();
  const what = request.kind === 'deploy' ? 'deploy' : 'rollback';
  ctx.output('cardUrl', cardUrl);
  ctx.output('cardPath', client.cardPath(entity));
  ctx.output('environment', request.environment);

  if (ctx.isDryRun) {
    const dryRun = await client.dryRunDeploy(
      entity,
      {
        action: request.kind,
        environment: request.environment,
        ...(request.version ? { version: request.version } : {}),
        ...(request.kind === 'deploy'
          ? { strategy: request.strategy, commitSha: request.commitSha }
          : { reason: request.reason }),
        overrides: request.overrides,
      } as Parameters<DevopsClient['dryRunDeploy']>[1],
      credentials,
    );
    logGates(ctx, dryRun.gates);
    const from = dryRun.previousVersion ?? 'nothing';
    if (dryRun.allowed) {
      ctx.logger.info(
        `Dry run: the ${what} of ${dryRun.version} to ${dryRun.environment} (${dryRun.strategy}, from ${from}) would start; nothing was started`,
      );
    } else {
      ctx.logger.warn(
        `Dry run: the ${what} of ${dryRun.version} to ${dryRun.environment} would be blocked by its failed gates (override them with the step's overrides); nothing was started`,
      );
    }
    if (dryRun.activeDeployId) {
      ctx.logger.warn(
        `Deploy ${dryRun.activeDeployId} is in flight in ${dryRun.environment}: a real run would fail until it is final (${cardUrl})`,
      );
    }
    ctx.output('version', dryRun.version);
    ctx.output('strategy', dryRun.strategy);
    ctx.output('allowed', dryRun.allowed);
    ctx.output('gates', gatesOutput(dryRun.gates));
    return;
  }

  const idempotencyKey =
    request.idempotencyKey ?? stepIdempotencyKey(ctx, `devops:${what}`);
  const started = await ctx.checkpoint({
    key: checkpointKey(ctx, `devops.${what}.start`),
    fn: async () => {
      const common = {
        environment: request.environment,
        overrides: request.overrides,
        idempotencyKey,
      };
      const result =
        request.kind === 'deploy'
          ? await client.startDeploy(
              entity,
              {
                ...common,
                version: request.version!,
                strategy: request.strategy,
                commitSha: request.commitSha,
              },
              credentials,
            )
          : await client.startRollback(
              entity,
              { ...common, version: request.version, reason: request.reason! },
              credentials,
            );
      return { deployId: result.deploy.id, created: result.created };
    },
  });
  ctx.output('deployId', started.deployId);

  let detail = await client.getDeploy(started.deployId, credentials);
  ctx.logger.info(
    started.created
      ? `Started ${what} ${detail.id} of ${detail.version} to ${
          detail.environment
        } (${describePlan(detail)}) for ${detail.createdBy}`
      : `Following ${what} ${detail.id} of ${detail.version} to ${detail.environment}, started earlier with the idempotency key ${idempotencyKey} (a retried step does not start another)`,
  );
  logGates(ctx, detail.gates);
  ctx.output('version', detail.version);
  ctx.output('strategy', detail.strategy);
  ctx.output('allowed', true);
  ctx.output('gates', gatesOutput(detail.gates));
  ctx.logger.info(`Follow it on ${cardUrl}`);

  if (!wait) {
    ctx.output('status', detail.status);
    return;
  }

  const pollMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const deadline = Date.now() + timeoutMs;
  let lastEventId = 0;
  for (;;) {
    for (const event of detail.events) {
      if (event.id <= lastEventId) continue;
      logEvent(ctx, event);
      lastEventId = event.id;
    }
    if (!isActiveDeployStatus(detail.status)) break;
    if (Date.now() >= deadline) {
      ctx.output('status', detail.status);
      throw new Error(
        `The ${what} ${detail.id} of ${detail.version} to ${
          detail.environment
        } is still ${detail.status} (phase ${
          detail.phase
        }) after the step's timeout of ${formatDuration(
          timeoutMs,
        )}; it goes on in the DevOps backend: follow or abort it on ${cardUrl}, or give the step a longer timeout`,
      );
    }
    await pause(ctx, pollMs);
    detail = await readWhileWaiting(
      ctx,
      { what: `the ${what} ${detail.id}`, pollMs, cardUrl },
      () => client.getDeploy(started.deployId, credentials),
    );
  }

  ctx.output('status', detail.status);
  if (detail.status !== 'succeeded') {
    throw new Error(
      `The ${what} ${detail.id} of ${detail.version} to ${
        detail.environment
      } ended ${detail.status}: ${
        detail.outcome ?? 'no outcome given'
      }. See ${cardUrl}`,
    );
  }
  ctx.logger.info(
    `The ${what} ${detail.id} of ${detail.version} to ${detail.environment} succeeded`,
  );
}

function describePlan(deploy: DeployDetail): string {
  const steps = deploy.steps.length
    ? ` ${deploy.steps.map(s => `${s}%`).join(', ')}`
    : '';
  const from = deploy.previousVersion
    ? `, replacing ${deploy.previousVersion}`
    : '';
  return `${deploy.strategy}${steps}${from}`;
}

/** A deploy event as a progress line: what the engine did, the weight, the verdict. */
function logEvent(ctx: Pick<DeployStepContext, 'logger'>, event: DeployEvent) {
  const line = `[${event.type}] ${event.message}`;
  if (event.type === 'error' || event.type === 'abort') ctx.logger.warn(line);
  else ctx.logger.info(line);
}
