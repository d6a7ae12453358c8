import { InputError } from '@backstage/errors';
import { z } from 'zod';

/**
 * Validates a request part (query, body) with zod; a failure is an InputError (400) that names
 * every wrong field: `Invalid report upload query: commit: commit is required ...`.
 */
export function parseRequest<T extends z.ZodTypeAny>(
  schema: T,
  value: unknown,
  what: string,
): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const details = result.error.issues
      .map(i =>
        i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message,
      )
      .join('; ');
    throw new InputError(`Invalid ${what}: ${details}`);
  }
  return result.data;
}
