import { Deploy } from '@devops-growth/backstage-plugin-devops-common';
import { DeployRecord } from './types';

/** A stored deploy as the API answers it: without the engine's bookkeeping (lease, key, target). */
export function toDeploy(record: DeployRecord): Deploy {
  const {
    target: _target,
    idempotencyKey: _idempotencyKey,
    analysisInterval: _analysisInterval,
    phaseStartedAt: _phaseStartedAt,
    phaseDeadline: _phaseDeadline,
    nextRunAt: _nextRunAt,
    leaseOwner: _leaseOwner,
    leaseExpiresAt: _leaseExpiresAt,
    attempt: _attempt,
    abortRequestedAt: _abortRequestedAt,
    abortRequestedBy: _abortRequestedBy,
    abortReason: _abortReason,
    ...deploy
  } = record;
  return deploy;
}
