import { useEffect } from 'react';
import {
  CompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { useSignal } from '@backstage/plugin-signals-react';
import { deploySignalChannel } from '@devops-growth/backstage-plugin-devops-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { devopsApiRef } from '../../api';
import { activeDeploys } from './model';

/** How often the card re-reads while a deploy is in flight and signals are not available. */
export const DEPLOY_POLL_INTERVAL_MS = 5000;

/**
 * How often the card re-reads while a per-entity environment tears down (deploy signals do not
 * carry teardowns; attempts are minutes apart, so a slow poll keeps the attempt, the last error
 * and the next try current).
 */
export const TEARDOWN_POLL_INTERVAL_MS = 30_000;

/**
 * Loads the deploys summary of an entity and keeps it current: it re-reads on every message of
 * the entity's deploy signal channel (the backend publishes one on every deploy change; the
 * message says only what changed, the card re-reads with the user's credentials), polls every
 * `pollIntervalMs` while a deploy is in flight when the app has no signals API, and every
 * `teardownPollIntervalMs` while a per-entity environment tears down.
 */
export function useDeploysSummary(
  entityRef: CompoundEntityRef,
  pollIntervalMs = DEPLOY_POLL_INTERVAL_MS,
  teardownPollIntervalMs = TEARDOWN_POLL_INTERVAL_MS,
) {
  const devopsApi = useApi(devopsApiRef);
  const { kind, namespace, name } = entityRef;
  const state = useAsyncRetry(
    () => devopsApi.getDeploysSummary({ kind, namespace, name }),
    [devopsApi, kind, namespace, name],
  );
  const { retry } = state;
  const { lastSignal, isSignalsAvailable } = useSignal(
    deploySignalChannel(stringifyEntityRef({ kind, namespace, name })),
  );

  useEffect(() => {
    if (lastSignal) {
      retry();
    }
    // re-read once per message; `retry` changes with every answer
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [lastSignal]);

  const inFlight = state.value ? activeDeploys(state.value).length > 0 : false;
  useEffect(() => {
    if (isSignalsAvailable || !inFlight) {
      return undefined;
    }
    const timer = setInterval(retry, pollIntervalMs);
    return () => clearInterval(timer);
  }, [isSignalsAvailable, inFlight, retry, pollIntervalMs]);

  const tearingDown = state.value
    ? state.value.environments.some(
        e => e.entityEnvironment?.status === 'tearing-down',
      )
    : false;
  useEffect(() => {
    if (!tearingDown) {
      return undefined;
    }
    const timer = setInterval(retry, teardownPollIntervalMs);
    return () => clearInterval(timer);
  }, [tearingDown, retry, teardownPollIntervalMs]);

  return { ...state, live: isSignalsAvailable };
}
