import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { findControlCharacter } from '@devops-growth/backstage-plugin-devops-common';
import express from 'express';
import { z } from 'zod';

/** The JSON body parser of every mutation route: small bodies only (status changes, targets). */
export const jsonBody = express.json({ limit: '16kb' });

/**
 * Text a request may carry, under the one control-character rule of `-common`: one-line values
 * (branch, names) refuse every control character, multi-line ones (comments) allow tab and line feed.
 */
export function textSchema(
  field: string,
  options: { max: number; multiline?: boolean },
) {
  return z
    .string()
    .min(1, `${field} must not be empty`)
    .max(options.max, `${field} must be at most ${options.max} characters`)
    .refine(
      s => !findControlCharacter(s, { multiline: options.multiline }),
      `${field} must not contain control characters`,
    );
}

const ENTITY_REQUIRED =
  'entity is required (an entity ref such as component:default/my-service)';

/** An entity ref in a query or body, normalised (`component` is the default kind). */
export const entityRefSchema = z
  .string({ error: ENTITY_REQUIRED })
  .min(1, ENTITY_REQUIRED)
  .transform((value, ctx) => {
    try {
      return stringifyEntityRef(
        parseEntityRef(value, { defaultKind: 'component' }),
      );
    } catch (e) {
      ctx.addIssue({
        code: 'custom',
        message: `entity '${value}' is not a valid entity ref`,
      });
      return z.NEVER;
    }
  });

/** An environment name: `production`, `staging-eu`, `pr-123`. */
export const environmentSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/,
    'environment must be 1-63 letters, digits, dots, dashes or underscores',
  );
