import { ResponseError } from '@backstage/errors';

/**
 * What a failed request of a card's action means for the user: the backend's own message (an
 * `InputError`'s reason, for example), or for a 403 which permission is missing for what.
 */
export function describeRequestError(
  error: Error,
  forbidden: { permission: string; action: string },
): string {
  if (error instanceof ResponseError) {
    if (error.statusCode === 403) {
      return `You are not allowed to ${forbidden.action} (permission ${forbidden.permission}).`;
    }
    return error.cause.message;
  }
  return error.message;
}
