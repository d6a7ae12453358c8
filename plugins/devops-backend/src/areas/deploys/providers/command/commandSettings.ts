import { isAbsolute, resolve } from 'node:path';
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { durationToMilliseconds } from '@backstage/types';
import { readOptionalDuration } from '@devops-growth/backstage-plugin-devops-node';
import { DeployStrategy } from '@devops-growth/backstage-plugin-devops-common';
import { z } from 'zod';

/** The scripts the `command` provider runs, by the name of their key in the `command:` block. */
export const COMMAND_NAMES = [
  'deploy',
  'setWeight',
  'switchColour',
  'promote',
  'rollback',
  'abort',
  'status',
  'versions',
  'teardown',
] as const;

export type CommandName = (typeof COMMAND_NAMES)[number];

/** An environment's `command:` block, read and checked. */
export interface CommandSettings {
  /** Absolute directory the commands run in. */
  workingDirectory: string;
  /** The configured time limit of one command; `undefined`: the engine's phase budget alone. */
  timeoutMs: number | undefined;
  /** Extra variables from the config, given to every command. */
  env: Record<string, string>;
  /** argv arrays; absent names are not configured. */
  commands: Partial<Record<CommandName, string[]>>;
  /** Where the canary's and the baseline's metrics are scraped. */
  metrics: { canaryUrl: string; baselineUrl: string } | undefined;
}

/** Where a setting lives, for error messages. */
export function commandKey(environment: string, key?: string): string {
  return `devops.deploys.environments[${environment}].command${
    key ? `.${key}` : ''
  }`;
}

const argvSchema = z
  .array(
    z
      .string()
      .refine(s => !s.includes('\0'), 'an argument must not contain NUL'),
  )
  .min(1)
  .refine(argv => argv[0].trim() !== '', 'the program must not be empty');

const metricsUrlSchema = z
  .string()
  .url()
  .refine(u => /^https?:\/\//.test(u), 'must be an http(s) URL');

const blockSchema = z
  .object({
    workingDirectory: z.string().min(1).optional(),
    timeout: z.unknown().optional(),
    env: z
      .record(
        z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'not a variable name'),
        z.string(),
      )
      .optional(),
    metrics: z
      .object({
        canary: z.object({ metricsUrl: metricsUrlSchema }).strict(),
        baseline: z.object({ metricsUrl: metricsUrlSchema }).strict(),
      })
      .strict()
      .optional(),
    ...Object.fromEntries(
      COMMAND_NAMES.map(name => [name, argvSchema.optional()]),
    ),
  })
  .strict();

/**
 * Reads the environment's `command:` block. Relative working directories are resolved against
 * `rootDir`. Throws an `InputError` naming the key for a wrong value (an argv given as one shell
 * string, an unknown key, a bad duration): under `blockKey` when given (where the block is
 * written, such as `devops.deploys.defaults.command`), else under the environment's name.
 */
export function readCommandSettings(
  config: Config,
  environment: string,
  rootDir: string,
  blockKey?: string,
): CommandSettings {
  const keyOf = (key?: string) =>
    blockKey
      ? `${blockKey}${key ? `.${key}` : ''}`
      : commandKey(environment, key);
  const parsed = blockSchema.safeParse(config.getOptional() ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue.path.join('.');
    const unknownKeys =
      issue.code === 'unrecognized_keys'
        ? ` (unknown key ${issue.keys.join(', ')})`
        : '';
    const hint = COMMAND_NAMES.includes(issue.path[0] as CommandName)
      ? ': give the command as an array of arguments, for example [node, deploy.mjs, deploy]; it runs without a shell'
      : '';
    throw new InputError(
      `Invalid config at ${keyOf(path)}: ${issue.message}${unknownKeys}${hint}`,
    );
  }
  const block = parsed.data as z.infer<typeof blockSchema> &
    Partial<Record<CommandName, string[]>>;
  let timeoutMs: number | undefined;
  if (block.timeout !== undefined) {
    try {
      timeoutMs = durationToMilliseconds(
        readOptionalDuration(config, 'timeout', { fallback: { seconds: 1 } }),
      );
    } catch (error) {
      throw new InputError(
        `Invalid config at ${keyOf(
          'timeout',
        )}: expected a duration such as 5m or { minutes: 5 }, got ${JSON.stringify(
          block.timeout,
        )}`,
      );
    }
  }
  const dir = block.workingDirectory ?? '.';
  const commands: Partial<Record<CommandName, string[]>> = {};
  for (const name of COMMAND_NAMES) {
    if (block[name]) commands[name] = block[name];
  }
  return {
    workingDirectory: isAbsolute(dir) ? dir : resolve(rootDir, dir),
    timeoutMs,
    env: block.env ?? {},
    commands,
    metrics: block.metrics && {
      canaryUrl: block.metrics.canary.metricsUrl,
      baselineUrl: block.metrics.baseline.metricsUrl,
    },
  };
}

/**
 * The strategies the configured commands support: rolling needs `deploy` and `rollback`, canary
 * also `setWeight`, blue-green also `switchColour`. Resumable, and seen by the drift sweep, only with a `status` command.
 */
export function commandCapabilities(settings: CommandSettings): {
  strategies: DeployStrategy[];
  resumable: boolean;
  reportsStatus: boolean;
} {
  const { commands } = settings;
  const base = Boolean(commands.deploy && commands.rollback);
  const strategies: DeployStrategy[] = [];
  if (base) strategies.push('rolling');
  if (base && commands.switchColour) strategies.push('blue-green');
  if (base && commands.setWeight) strategies.push('canary');
  return {
    strategies,
    resumable: base && Boolean(commands.status),
    reportsStatus: Boolean(commands.status),
  };
}
