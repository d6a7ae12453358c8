import { act } from '@testing-library/react';
import { TestApiProvider } from '@backstage/test-utils';
import { SignalApi, signalApiRef } from '@backstage/plugin-signals-react';
import { DeploysSummary } from '@devops-growth/backstage-plugin-devops-common';
import { DevopsApi } from '../api';
import { DevopsDeploysCard } from '../components/DeploysCard';
import { makeEntity, mockDevopsApi } from '../__fixtures__/coverageSummary';
import { renderCard } from './renderCard';

/** A DevOps API answering every deploys summary request with `summary`. */
export function deploysApiWith(
  summary: DeploysSummary | (() => Promise<DeploysSummary>),
  overrides: Partial<DevopsApi> = {},
) {
  return mockDevopsApi(undefined, {
    getDeploysSummary:
      typeof summary === 'function' ? summary : async () => summary,
    ...overrides,
  });
}

/** A signals API the test publishes on, as the signals backend would. */
export function mockSignals() {
  const subscribers = new Map<string, (message: any) => void>();
  const api: SignalApi = {
    subscribe(channel, onMessage) {
      subscribers.set(channel, onMessage as (message: any) => void);
      return { unsubscribe: () => subscribers.delete(channel) };
    },
  };
  return {
    api,
    channels: () => [...subscribers.keys()],
    publish(channel: string, message: object) {
      act(() => subscribers.get(channel)?.(message));
    },
  };
}

/**
 * Renders the "Deploys" card for the test entity `payments` with the given monitoring annotation;
 * the user lacks the `denied` permissions and has every other one. With `signals`, the app has a
 * signals API; without, the card falls back to polling.
 */
export function renderDeploysCard(
  api: DevopsApi,
  options: { monitoring?: string; denied?: string[]; signals?: SignalApi } = {},
) {
  const card = options.signals ? (
    <TestApiProvider apis={[[signalApiRef, options.signals]]}>
      <DevopsDeploysCard />
    </TestApiProvider>
  ) : (
    <DevopsDeploysCard />
  );
  return renderCard(
    card,
    makeEntity(options.monitoring ?? 'deploy'),
    api,
    options.denied ?? [],
  );
}
