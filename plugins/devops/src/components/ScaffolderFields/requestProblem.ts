import { devopsReadPermission } from '@devops-growth/backstage-plugin-devops-common';
import { describeRequestError } from '../shared';

/** A failed read of a DevOps field in a sentence: what it read, for which entity, and why. */
export function readProblem(what: string, entityRef: string, error: Error) {
  return `Could not read ${what} of ${entityRef}: ${describeRequestError(
    error,
    {
      permission: devopsReadPermission.name,
      action: "read this entity's DevOps data",
    },
  )}`;
}
