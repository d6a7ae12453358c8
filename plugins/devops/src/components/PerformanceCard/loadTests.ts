/*
 * Load test runs and the errors of the card's actions, ready to show.
 */
import { ResponseError } from '@backstage/errors';
import {
  devopsLoadTestCreatePermission,
  devopsPerformanceTargetsUpdatePermission,
  LoadTestRun,
  LoadTestStatus,
} from '@devops-growth/backstage-plugin-devops-common';
import { formatDateTime } from '../shared';
import { formatActor, formatMs, formatThroughput } from './format';

const LOAD_TEST_STATUS_LABELS: Record<LoadTestStatus, string> = {
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
};

/** A load test run, ready to show. */
export interface LoadTestView {
  id: string;
  status: LoadTestStatus;
  statusLabel: string;
  environment: string;
  url: string;
  p95: string;
  throughput: string;
  errors: string;
  when: string;
  who: string;
  /** Why it failed, for failed runs. */
  error: string | null;
}

export function toLoadTestView(run: LoadTestRun): LoadTestView {
  const pending = run.status === 'running' ? '…' : '–';
  let errors = pending;
  if (run.errors !== null) {
    errors =
      run.requests !== null && run.requests > 0
        ? `${run.errors} of ${run.requests}`
        : String(run.errors);
  }
  return {
    id: run.id,
    status: run.status,
    statusLabel: LOAD_TEST_STATUS_LABELS[run.status],
    environment: run.environment,
    url: run.url,
    p95: run.p95Ms === null ? pending : formatMs(run.p95Ms),
    throughput:
      run.throughput === null ? pending : formatThroughput(run.throughput),
    errors,
    when: formatDateTime(run.startedAt),
    who: formatActor(run.startedBy),
    error: run.error,
  };
}

/** What a failed request of the card means for the user. */
export function describeActionError(
  error: Error,
  action: 'load-test' | 'targets',
): string {
  const message =
    error instanceof ResponseError ? error.cause.message : error.message;
  if (error instanceof ResponseError && error.statusCode === 403) {
    const permission =
      action === 'load-test'
        ? devopsLoadTestCreatePermission.name
        : devopsPerformanceTargetsUpdatePermission.name;
    const what =
      action === 'load-test'
        ? 'start load tests'
        : 'change the performance targets';
    return `You are not allowed to ${what} of this entity (permission ${permission}).`;
  }
  return message;
}
