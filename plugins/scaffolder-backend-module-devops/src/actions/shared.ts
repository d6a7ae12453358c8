import { InputError } from '@backstage/errors';
import { ActionContext } from '@backstage/plugin-scaffolder-node';
import { JsonObject } from '@backstage/types';
import {
  DEPLOY_GATE_TITLES,
  DeployGateResult,
} from '@devops-growth/backstage-plugin-devops-common';
import { setTimeout as sleep } from 'node:timers/promises';
import type { z as zod } from 'zod/v3';
import { DevopsClient } from '../DevopsClient';

/** What every action of this module is created with. @public */
export interface DevopsActionOptions {
  client: DevopsClient;
  /** How often a waiting step reads the deploy or environment again. Default: 3 seconds. */
  pollIntervalMs?: number;
}

export const DEFAULT_POLL_INTERVAL_MS = 3000;

/** The `entityRef` input of every action. */
export const entityRefInput = (z: typeof zod) =>
  z.string({
    description:
      'The entity, as <kind>:<namespace>/<name> (component:default/checkout); a bare name is a component in the default namespace. It must enable the deploy area (devops-growth.io/monitoring).',
  });

const DURATION_UNITS_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};
const MAX_TIMEOUT_MS = 24 * 3_600_000;

/** A step's `timeout` (`90s`, `30m`, `2h`, at most 24h) in milliseconds; InputError naming the field. */
export function parseTimeout(text: string): number {
  const match = /^([1-9][0-9]{0,5})\s*([smh])$/.exec(text.trim());
  const ms = match ? Number(match[1]) * DURATION_UNITS_MS[match[2]] : NaN;
  if (!match || ms > MAX_TIMEOUT_MS) {
    throw new InputError(
      `timeout '${text}' is not a duration: write a whole number and a unit, s (seconds), m (minutes) or h (hours), at most 24h, such as 90s, 30m or 2h`,
    );
  }
  return ms;
}

/**
 * The idempotency key a step sends when its input names none: the task, the step and, in an
 * `each` loop, the item. A retried task (the scaffolder's retry, or a restart that recovers
 * it) sends the same key, and the backend answers the deploy the first attempt started.
 */
export function stepIdempotencyKey(
  ctx: Pick<ActionContext<any>, 'task' | 'step' | 'each'>,
  action: string,
): string {
  const each =
    ctx.each && ctx.each.key !== undefined
      ? `:${JSON.stringify(ctx.each.key)}`
      : '';
  return `scaffolder:${ctx.task.id}:${ctx.step?.id ?? action}${each}`.slice(
    0,
    200,
  );
}

/** The checkpoint key of a side effect, per `each` item (the scaffolder scopes it by step). */
export function checkpointKey(
  ctx: Pick<ActionContext<any>, 'each'>,
  name: string,
): string {
  return ctx.each && ctx.each.key !== undefined
    ? `${name}.${JSON.stringify(ctx.each.key)}`
    : name;
}

/** One log line per gate: a failed gate as a warning, with its message. */
export function logGates(
  ctx: Pick<ActionContext<any>, 'logger'>,
  gates: DeployGateResult[],
) {
  for (const gate of gates) {
    const line = `Gate ${gate.gate}: ${gate.status}: ${gate.message}${
      gate.override
        ? ` (overridden by ${gate.override.by}: ${gate.override.reason})`
        : ''
    }`;
    if (gate.status === 'failed') ctx.logger.warn(line);
    else ctx.logger.info(line);
  }
}

/** The gates as a step outputs them (JSON, without the evidence). */
export function gatesOutput(gates: DeployGateResult[]): JsonObject[] {
  return gates.map(g => ({
    gate: g.gate,
    title: DEPLOY_GATE_TITLES[g.gate] ?? g.gate,
    status: g.status,
    message: g.message,
    ...(g.override
      ? { overriddenBy: g.override.by, overrideReason: g.override.reason }
      : {}),
  }));
}

/** Waits between two polls; stops early (rejecting) when the task is cancelled. */
export async function pause(
  ctx: Pick<ActionContext<any>, 'signal'>,
  ms: number,
): Promise<void> {
  try {
    await sleep(ms, undefined, { signal: ctx.signal });
  } catch (error) {
    if (ctx.signal?.aborted) {
      throw new Error(
        'The task was cancelled while waiting; what was started goes on in the DevOps backend',
      );
    }
    throw error;
  }
}

/** Errors a later read would answer the same way: the step stops on the first. */
const LASTING_ERRORS = [
  'InputError',
  'NotFoundError',
  'NotAllowedError',
  'ConflictError',
  'AuthenticationError',
];
const MAX_READ_FAILURES = 3;

/**
 * Reads what a waiting step follows, again after an interval when the read fails for a moment
 * (a 5xx from a restarting backend, a dropped connection), up to three failures in a row; a
 * lasting error (a 4xx, an expired token) or a fourth failure ends the wait with `what` and
 * the error, saying that the backend carries on.
 */
export async function readWhileWaiting<T>(
  ctx: Pick<ActionContext<any>, 'logger' | 'signal'>,
  options: { what: string; pollMs: number; cardUrl: string },
  read: () => Promise<T>,
): Promise<T> {
  for (let failures = 1; ; failures++) {
    try {
      return await read();
    } catch (error) {
      const e = error as Error;
      if (LASTING_ERRORS.includes(e.name) || failures > MAX_READ_FAILURES) {
        throw new Error(
          `Stopped following ${options.what}, which goes on in the DevOps backend (${options.cardUrl}): ${e.message}`,
        );
      }
      ctx.logger.warn(
        `Could not read ${options.what} (${e.message}); trying again (${failures} of ${MAX_READ_FAILURES})`,
      );
      await pause(ctx, options.pollMs);
    }
  }
}

/** Minutes or seconds, for messages. */
export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${Math.round(ms / 1000)}s`;
}
