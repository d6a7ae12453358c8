import { LoggerService } from '@backstage/backend-plugin-api';
import {
  DEVOPS_METRICS_URL_ANNOTATION,
  DEPLOY_STRATEGIES,
  DeployStrategy,
  deployVersionSchema,
} from '@devops-growth/backstage-plugin-devops-common';
import {
  CanaryMetricsLocation,
  DeployOperation,
  DeployProvider,
  DeployProviderContext,
  DeployProviderStatus,
  DeployTarget,
} from '@devops-growth/backstage-plugin-devops-node';
import { z } from 'zod';
import {
  CommandName,
  CommandSettings,
  commandCapabilities,
  commandKey,
  readCommandSettings,
} from './commandSettings';
import { runCommand } from './runCommand';

/** The variables of the backend's own environment a command gets; nothing else leaks through. */
const INHERITED_ENV = ['PATH', 'HOME', 'LANG'] as const;

const statusSchema = z.object({
  version: z.string().nullable(),
  healthy: z.boolean(),
  colour: z.enum(['blue', 'green']).nullable().optional(),
  canary: z
    .object({ version: z.string(), weight: z.number().min(0).max(100) })
    .nullable()
    .optional(),
  message: z.string().max(2000).optional(),
});

/** The deploy's parameters as `DEVOPS_*` variables; what does not apply is empty. */
export function operationEnv(
  operation: DeployOperation,
): Record<string, string> {
  const text = (value: string | number | null) =>
    value === null ? '' : String(value);
  return {
    ...targetEnv(operation.target),
    DEVOPS_DEPLOY_ID: operation.deployId,
    DEVOPS_ATTEMPT: String(operation.attempt),
    DEVOPS_ENTITY_REF: operation.entityRef,
    DEVOPS_ENTITY_NAME: operation.entity.metadata.name,
    DEVOPS_VERSION: operation.version,
    DEVOPS_PREVIOUS_VERSION: text(operation.previousVersion),
    DEVOPS_COMMIT_SHA: text(operation.commitSha),
    DEVOPS_STRATEGY: operation.strategy,
    DEVOPS_STEP: text(operation.step),
    DEVOPS_WEIGHT: text(operation.weight),
    DEVOPS_COLOUR: text(operation.colour),
    DEVOPS_KIND: operation.kind,
  };
}

function targetEnv(target: DeployTarget): Record<string, string> {
  return {
    DEVOPS_ENVIRONMENT: target.environment,
    DEVOPS_TARGET: target.name,
    // A preview's base (whose block runs); the environment itself for a configured one.
    DEVOPS_BASE_ENVIRONMENT: target.basedOn ?? target.environment,
  };
}

/**
 * The built-in `command` provider: deploys by running the scripts configured in the
 * environment's `command:` block (`devops.deploys.environments[].command`), each an argv array
 * run without a shell, in its own process group, in `workingDirectory`, with a minimal
 * environment (PATH, HOME, LANG, the block's `env` and the deploy's `DEVOPS_*` variables).
 * Output lines go to the deploy's events; a non-zero exit fails the operation; an abort or the
 * time limit kills the whole group.
 *
 * What an environment supports follows from what it configures (`capabilities`): rolling needs
 * `deploy` and `rollback`, canary also `setWeight`, blue-green also `switchColour`; deploys are
 * resumed after a backend restart only with a `status` command.
 */
export class CommandDeployProvider implements DeployProvider {
  readonly id = 'command';
  readonly strategies: readonly DeployStrategy[] = DEPLOY_STRATEGIES;
  readonly resumable = true;

  readonly #rootDir: string;
  readonly #logger: LoggerService;
  readonly #killGraceMs: number | undefined;

  constructor(options: {
    logger: LoggerService;
    /** Relative working directories resolve against it; default `process.cwd()`. */
    rootDir?: string;
    /** Between SIGTERM and SIGKILL when a command is killed; default 3 s. */
    killGraceMs?: number;
  }) {
    this.#logger = options.logger;
    this.#rootDir = options.rootDir ?? process.cwd();
    this.#killGraceMs = options.killGraceMs;
  }

  capabilities(target: DeployTarget) {
    return commandCapabilities(this.#settings(target));
  }

  async listVersions(
    target: DeployTarget,
    context: DeployProviderContext,
  ): Promise<string[] | undefined> {
    const settings = this.#settings(target);
    if (!settings.commands.versions) return undefined;
    const out = await this.#run(
      settings,
      'versions',
      target,
      targetEnv(target),
      context,
      {
        quiet: true,
      },
    );
    const versions = out
      .split('\n')
      .map(line => line.trim())
      .filter(Boolean);
    const bad = versions.find(v => !deployVersionSchema.safeParse(v).success);
    if (bad !== undefined) {
      throw new Error(
        `command \`versions\` printed ${JSON.stringify(
          bad.slice(0, 100),
        )}, which is not a version: print one version per line (letters, digits, dots, dashes, underscores, plus signs or colons)`,
      );
    }
    return [...new Set(versions)];
  }

  async deploy(operation: DeployOperation, context: DeployProviderContext) {
    await this.#operation('deploy', operation, context);
  }

  async setWeight(operation: DeployOperation, context: DeployProviderContext) {
    await this.#operation('setWeight', operation, context);
  }

  async switchColour(
    operation: DeployOperation,
    context: DeployProviderContext,
  ) {
    await this.#operation('switchColour', operation, context);
  }

  async promote(operation: DeployOperation, context: DeployProviderContext) {
    await this.#operation('promote', operation, context, { optional: true });
  }

  async rollback(operation: DeployOperation, context: DeployProviderContext) {
    await this.#operation('rollback', operation, context);
  }

  async abort(operation: DeployOperation, context: DeployProviderContext) {
    await this.#operation('abort', operation, context, { optional: true });
  }

  async status(
    target: DeployTarget,
    context: DeployProviderContext,
  ): Promise<DeployProviderStatus> {
    const settings = this.#settings(target);
    if (!settings.commands.status) {
      return {
        version: null,
        healthy: true,
        message: `No status command is configured for ${target.environment}: the deploy command's exit code is the only health check`,
      };
    }
    const out = await this.#run(
      settings,
      'status',
      target,
      targetEnv(target),
      context,
      {
        quiet: true,
      },
    );
    let json: unknown;
    try {
      json = JSON.parse(out);
    } catch {
      throw new Error(
        `command \`status\` printed no JSON on stdout (${JSON.stringify(
          out.trim().slice(0, 200),
        )}): print one object such as {"version":"1.2.0","healthy":true}`,
      );
    }
    const parsed = statusSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(
        `command \`status\` printed a wrong status: ${
          issue.path.join('.') || 'the output'
        }: ${issue.message}`,
      );
    }
    return parsed.data;
  }

  async teardown(target: DeployTarget, context: DeployProviderContext) {
    const settings = this.#settings(target);
    this.#require(settings, 'teardown', target);
    await this.#run(settings, 'teardown', target, targetEnv(target), context);
  }

  metricsLocations(
    operation: DeployOperation,
  ):
    | { canary: CanaryMetricsLocation; baseline: CanaryMetricsLocation }
    | undefined {
    const { metrics } = this.#settings(operation.target);
    if (!metrics) return undefined;
    const at = (url: string): CanaryMetricsLocation => ({
      environment: operation.target.environment,
      annotations: { [DEVOPS_METRICS_URL_ANNOTATION]: url },
    });
    return { canary: at(metrics.canaryUrl), baseline: at(metrics.baselineUrl) };
  }

  #settings(target: DeployTarget): CommandSettings {
    return readCommandSettings(
      target.config,
      target.environment,
      this.#rootDir,
    );
  }

  #require(settings: CommandSettings, name: CommandName, target: DeployTarget) {
    if (!settings.commands[name]) {
      throw new Error(
        `The command provider cannot ${name} in ${
          target.environment
        }: ${commandKey(target.environment, name)} is not configured`,
      );
    }
  }

  async #operation(
    name: CommandName,
    operation: DeployOperation,
    context: DeployProviderContext,
    options: { optional?: boolean } = {},
  ) {
    const settings = this.#settings(operation.target);
    if (options.optional && !settings.commands[name]) {
      context.log(`no \`${name}\` command is configured: nothing to do`);
      return;
    }
    this.#require(settings, name, operation.target);
    await this.#run(
      settings,
      name,
      operation.target,
      operationEnv(operation),
      context,
    );
  }

  async #run(
    settings: CommandSettings,
    name: CommandName,
    target: DeployTarget,
    deployEnv: Record<string, string>,
    context: DeployProviderContext,
    options: { quiet?: boolean } = {},
  ): Promise<string> {
    const argv = settings.commands[name]!;
    const env: Record<string, string> = {};
    for (const key of INHERITED_ENV) {
      const value = process.env[key];
      if (value !== undefined) env[key] = value;
    }
    Object.assign(env, settings.env, deployEnv);
    const timeoutMs = Math.min(
      settings.timeoutMs ?? Number.POSITIVE_INFINITY,
      context.timeoutMs,
    );
    const started = Date.now();
    if (!options.quiet) {
      context.log(`running \`${name}\`: ${argv.join(' ')}`);
    }
    try {
      const out = await runCommand({
        name,
        argv,
        cwd: settings.workingDirectory,
        env,
        timeoutMs,
        signal: context.signal,
        killGraceMs: this.#killGraceMs,
        onLine: (line, stream) => {
          // status and versions print their answer on stdout: only their stderr is evidence
          if (!options.quiet || stream === 'stderr') context.log(line, stream);
        },
      });
      if (!options.quiet) {
        context.log(
          `\`${name}\` succeeded in ${((Date.now() - started) / 1000).toFixed(
            1,
          )} s`,
        );
      }
      return out;
    } catch (error) {
      context.log(String((error as Error).message), 'stderr');
      this.#logger.warn(
        `Deploy command ${name} failed in ${target.environment} for ${
          target.name
        }: ${(error as Error).message}`,
      );
      throw error;
    }
  }
}
