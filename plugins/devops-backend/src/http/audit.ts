import {
  AuditorService,
  AuditorServiceEvent,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { JsonObject } from '@backstage/types';
import { Request } from 'express';
import { EntityAccess } from './access';

/**
 * Runs a mutation inside an audit event: the event is opened with what the request asked for,
 * then closed with `success` and the meta the mutation returns, or with `fail` and the error
 * (which is rethrown for the error middleware to answer).
 */
export async function withAudit<T>(
  auditor: AuditorService,
  event: {
    eventId: string;
    request: Request;
    meta?: JsonObject;
    severityLevel?: 'low' | 'medium' | 'high' | 'critical';
  },
  mutation: (
    event: AuditorServiceEvent,
  ) => Promise<{ result: T; meta?: JsonObject }>,
): Promise<T> {
  const auditorEvent = await auditor.createEvent({
    eventId: event.eventId,
    severityLevel: event.severityLevel ?? 'medium',
    request: event.request,
    meta: event.meta,
  });
  try {
    const { result, meta } = await mutation(auditorEvent);
    await auditorEvent.success(meta ? { meta } : undefined);
    return result;
  } catch (error) {
    await auditorEvent.fail({ error: error as Error });
    throw error;
  }
}

/**
 * A mutation by a user or a service, as every area's routes run one: the caller's credentials
 * (401 without them), then the mutation inside its audit event (see {@link withAudit}).
 */
export async function auditedMutation<T>(
  deps: { access: EntityAccess; auditor: AuditorService },
  request: Request,
  event: { eventId: string; meta?: JsonObject },
  mutation: (
    credentials: BackstageCredentials,
  ) => Promise<{ result: T; meta?: JsonObject }>,
): Promise<T> {
  const credentials = await deps.access.httpAuth.credentials(request, {
    allow: ['user', 'service'],
  });
  return withAudit(deps.auditor, { ...event, request }, () =>
    mutation(credentials),
  );
}
