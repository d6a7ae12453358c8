import { SecuritySummary } from '@devops-growth/backstage-plugin-devops-common';
import { DevopsApi } from '../api';
import { DevopsSecurityCard } from '../components/SecurityCard';
import { makeEntity, mockDevopsApi } from '../__fixtures__/coverageSummary';
import { renderCard } from './renderCard';

/** A DevOps API answering every security summary request with `summary`. */
export function securityApiWith(
  summary: SecuritySummary | (() => Promise<SecuritySummary>),
  overrides: Partial<DevopsApi> = {},
) {
  return mockDevopsApi(undefined, {
    getSecuritySummary:
      typeof summary === 'function' ? summary : async () => summary,
    ...overrides,
  });
}

/**
 * Renders the "Security" card for the test entity `payments` with the given monitoring
 * annotation; the user lacks the `denied` permissions and has every other one.
 */
export function renderSecurityCard(
  api: DevopsApi,
  monitoring = 'security',
  denied: string[] = [],
) {
  return renderCard(
    <DevopsSecurityCard />,
    makeEntity(monitoring),
    api,
    denied,
  );
}
