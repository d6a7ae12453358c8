import { Entity } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import { PerformanceSummary } from '@devops-growth/backstage-plugin-devops-common';
import { DevopsApi } from '../api';
import { DevopsPerformanceCard } from '../components/PerformanceCard';
import { makeLoadTestRun } from '../__fixtures__/performanceSummary';
import { mockDevopsApi } from '../__fixtures__/coverageSummary';
import { renderCard } from './renderCard';

/**
 * Renders the "Performance" card for `entity` in a test app with the given DevOps API; the user
 * lacks the `denied` permissions and has every other one.
 */
export async function renderPerformanceCard(
  entity: Entity,
  devopsApi: DevopsApi,
  props: { loadTestPollIntervalMs?: number } = {},
  denied: string[] = [],
) {
  return renderCard(
    <DevopsPerformanceCard {...props} />,
    entity,
    devopsApi,
    denied,
  );
}

/** A DevOps API answering every performance summary request with `summary`. */
export function performanceApiWith(
  summary: PerformanceSummary | (() => Promise<PerformanceSummary>),
  overrides: Partial<DevopsApi> = {},
) {
  return mockDevopsApi(undefined, {
    getPerformanceSummary:
      typeof summary === 'function' ? summary : async () => summary,
    ...overrides,
  });
}

/** A load test run that is still going: no figures yet. */
export function makeRunningLoadTest(
  overrides: Parameters<typeof makeLoadTestRun>[0] = {},
) {
  return makeLoadTestRun({
    id: 'lt-2',
    status: 'running',
    finishedAt: null,
    requests: null,
    throughput: null,
    p50Ms: null,
    p95Ms: null,
    p99Ms: null,
    errors: null,
    ...overrides,
  });
}

/** The ref of the test entity `payments` (see `makeEntity`). */
export const paymentsRef = {
  kind: 'Component',
  namespace: 'default',
  name: 'payments',
};

/** A `ResponseError` as the client throws it for a backend error answer. */
export async function responseError(
  status: number,
  name: string,
  message: string,
) {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name, message },
        request: { method: 'POST', url: '/performance' },
        response: { statusCode: status },
      }),
      { status, headers: { 'Content-Type': 'application/json' } },
    ),
  );
}
