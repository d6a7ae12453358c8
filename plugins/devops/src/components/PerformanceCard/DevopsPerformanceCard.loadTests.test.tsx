import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { makeEntity } from '../../__fixtures__/coverageSummary';
import {
  makeLoadTestRun,
  makePerformanceSummary,
} from '../../__fixtures__/performanceSummary';
import {
  makeRunningLoadTest,
  paymentsRef,
  performanceApiWith as apiWith,
  renderPerformanceCard as renderCard,
  responseError,
} from '../../__testUtils__/renderPerformanceCard';

/** Renders the card and clicks "Run load test". */
async function startFromCard(api: ReturnType<typeof apiWith>) {
  await renderCard(makeEntity('performance'), api);
  await userEvent.click(
    await screen.findByRole('button', { name: 'Run load test' }),
  );
}

describe('DevopsPerformanceCard load tests', () => {
  beforeEach(() => window.sessionStorage.clear());

  it('lists the latest runs', async () => {
    const api = apiWith(makePerformanceSummary());

    await renderCard(makeEntity('performance'), api);

    const table = await screen.findByRole('table', { name: 'Load tests' });
    const row = within(table).getAllByRole('row')[1];
    expect(within(row).getByText('Succeeded')).toBeInTheDocument();
    expect(within(row).getByText('staging')).toBeInTheDocument();
    expect(within(row).getByText('21 ms')).toBeInTheDocument();
    expect(within(row).getByText('1200 req/s')).toBeInTheDocument();
    expect(within(row).getByText('3 of 36000')).toBeInTheDocument();
    expect(within(row).getByText('jane.doe')).toBeInTheDocument();
  });

  it('has no button when the entity declares no load-test endpoint', async () => {
    const api = apiWith(makePerformanceSummary({ loadTestEnvironments: [] }));

    await renderCard(makeEntity('performance'), api);

    await screen.findByRole('table', { name: 'Load tests' });
    expect(
      screen.queryByRole('button', { name: /Run load test/ }),
    ).not.toBeInTheDocument();
    expect(
      screen.getByText('devops-growth.io/load-test-url'),
    ).toBeInTheDocument();
  });

  it('starts a run, shows it running and polls until it finished', async () => {
    const running = makeRunningLoadTest({
      startedAt: '2025-03-03T11:10:00Z',
    });
    const finished = makeLoadTestRun({
      ...running,
      status: 'succeeded',
      finishedAt: '2025-03-03T11:10:30Z',
      requests: 30_000,
      throughput: 1000,
      p95Ms: 48,
      errors: 0,
    });
    const api = apiWith(makePerformanceSummary(), {
      startLoadTest: async () => ({ run: running }),
      getLoadTests: async () => ({ items: [finished, makeLoadTestRun()] }),
    });

    await renderCard(makeEntity('performance'), api, {
      loadTestPollIntervalMs: 50,
    });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Run load test' }),
    );

    expect(api.startLoadTest).toHaveBeenCalledWith(paymentsRef, {
      environment: 'staging',
    });
    expect(await screen.findByText('48 ms')).toBeInTheDocument();
    expect(api.getLoadTests).toHaveBeenCalledWith(paymentsRef);
    expect(screen.getAllByText('Succeeded')).toHaveLength(2);
    expect(screen.getByRole('button', { name: 'Run load test' })).toBeEnabled();
  });

  it('shows a running run and disables the button until it finished', async () => {
    const running = makeRunningLoadTest();
    const api = apiWith(makePerformanceSummary({ loadTests: [running] }), {
      // still running at every poll
      getLoadTests: async () => ({ items: [running] }),
    });

    await renderCard(makeEntity('performance'), api, {
      loadTestPollIntervalMs: 20,
    });

    expect(await screen.findByText('Running')).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: /Load test running/ }),
    ).toBeDisabled();
    await waitFor(() =>
      expect(api.getLoadTests.mock.calls.length).toBeGreaterThan(1),
    );
  });

  it('shows why a load test was refused', async () => {
    const error = await responseError(
      409,
      'ConflictError',
      'A load test is already running for staging',
    );
    const api = apiWith(makePerformanceSummary(), {
      startLoadTest: () => Promise.reject(error),
    });

    await startFromCard(api);

    expect(
      await screen.findByText(
        'Could not start the load test: A load test is already running for staging',
      ),
    ).toBeInTheDocument();
    expect(api.getLoadTests).not.toHaveBeenCalled();
  });

  it('moves focus to what happened after a start', async () => {
    const running = makeRunningLoadTest();
    const api = apiWith(makePerformanceSummary(), {
      startLoadTest: async () => ({ run: running }),
      getLoadTests: async () => ({ items: [running] }),
    });

    await renderCard(makeEntity('performance'), api, {
      loadTestPollIntervalMs: 60_000,
    });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Run load test' }),
    );

    const status = await screen.findByText(
      'Load test started against staging; its figures appear below when it finishes.',
    );
    await waitFor(() => expect(status).toHaveFocus());
  });

  it('names the missing permission on a 403', async () => {
    const error = await responseError(403, 'NotAllowedError', 'Unauthorized');
    const api = apiWith(makePerformanceSummary(), {
      startLoadTest: () => Promise.reject(error),
    });

    await startFromCard(api);

    expect(
      await screen.findByText(
        /You are not allowed to start load tests of this entity \(permission devops\.performance\.load-test\.create\)/,
      ),
    ).toBeInTheDocument();
  });
});
