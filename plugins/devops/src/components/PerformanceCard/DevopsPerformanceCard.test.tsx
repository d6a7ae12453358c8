import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ResponseError } from '@backstage/errors';
import {
  PerformanceSummary,
  PerformanceWindow,
} from '@devops-growth/backstage-plugin-devops-common';
import { makeEntity } from '../../__fixtures__/qualitySummary';
import {
  makeEmptyPerformanceSummary,
  makeLoadTestRun,
  makePerformancePoint,
  makePerformanceSummary,
} from '../../__fixtures__/performanceSummary';
import {
  makeRunningLoadTest,
  performanceApiWith,
  renderPerformanceCard,
} from '../../__testUtils__/renderPerformanceCard';

const paymentsRef = {
  kind: 'Component',
  namespace: 'default',
  name: 'payments',
};

const renderCard = renderPerformanceCard;
const apiWith = performanceApiWith;

async function responseError(status: number, name: string, message: string) {
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

/** Code blocks (syntax highlighted, so split into spans) whose text contains `text`. */
function codeContaining(text: string) {
  return screen.queryAllByText(
    (_, element) =>
      element?.tagName === 'CODE' && (element.textContent ?? '').includes(text),
  );
}

function figure(label: string) {
  return within(screen.getByRole('group', { name: label }));
}

describe('DevopsPerformanceCard', () => {
  // the window picked by the user is kept for the browser session
  beforeEach(() => window.sessionStorage.clear());

  it('shows a progress indicator while loading and asks for the shortest window first', async () => {
    const api = apiWith(() => new Promise<PerformanceSummary>(() => {}));

    await renderCard(makeEntity('performance'), api);

    expect(screen.getByText('Performance')).toBeInTheDocument();
    expect(screen.getByTestId('progress')).toBeInTheDocument();
    expect(api.getPerformanceSummary).toHaveBeenCalledWith(paymentsRef, {
      window: '1h',
      environment: undefined,
    });
  });

  it('opens on the shortest window holding a few points', async () => {
    // the last hour holds two points, the day twelve
    const api = apiWith(makePerformanceSummary(), {
      getPerformanceSummary: async (_ref, options) =>
        makePerformanceSummary({
          window: options?.window,
          ...(options?.window === '1h'
            ? { series: [makePerformancePoint(0), makePerformancePoint(1)] }
            : {}),
        }),
    });

    await renderCard(makeEntity('performance'), api);

    expect(
      await screen.findByRole('button', { name: '24 h', pressed: true }),
    ).toBeInTheDocument();
    expect(
      api.getPerformanceSummary.mock.calls.map(([, o]) => o?.window),
    ).toEqual(['1h', '24h']);
  });

  it('remembers the picked window for the session', async () => {
    const windows: Array<PerformanceWindow | undefined> = [];
    const api = apiWith(makePerformanceSummary(), {
      getPerformanceSummary: async (_ref, options) => {
        windows.push(options?.window);
        return makePerformanceSummary({ window: options?.window });
      },
    });

    const first = await renderCard(makeEntity('performance'), api);
    await userEvent.click(await screen.findByRole('button', { name: '7 d' }));
    await waitFor(() => expect(windows).toContain('7d'));
    first.unmount();
    windows.length = 0;

    await renderCard(makeEntity('performance'), api);

    expect(
      await screen.findByRole('button', { name: '7 d', pressed: true }),
    ).toBeInTheDocument();
    expect(windows).toEqual(['7d']);
  });

  it('shows the backend error', async () => {
    const error = await responseError(
      404,
      'NotFoundError',
      'Unknown entity payments',
    );
    const api = apiWith(() => Promise.reject(error));

    await renderCard(makeEntity('performance'), api);

    expect(
      (await screen.findAllByText(/Unknown entity payments/)).length,
    ).toBeGreaterThan(0);
    expect(screen.queryByText('Edit targets')).not.toBeInTheDocument();
  });

  it('shows the current figures, each against its target with a marker', async () => {
    const api = apiWith(makePerformanceSummary());

    await renderCard(makeEntity('performance'), api);

    expect(await screen.findByText('180 ms')).toBeInTheDocument();
    expect(figure('P95 latency').getByText('meets target')).toBeInTheDocument();
    expect(
      figure('P95 latency').getByText('target at most 300 ms'),
    ).toBeInTheDocument();

    expect(figure('P99 latency').getByText('451 ms')).toBeInTheDocument();
    expect(
      figure('P99 latency').getByText('breaches target'),
    ).toBeInTheDocument();
    expect(figure('Error rate').getByText('1.23%')).toBeInTheDocument();
    expect(
      figure('Error rate').getByText('breaches target'),
    ).toBeInTheDocument();
    expect(
      figure('Error rate').getByText('target at most 1.00%'),
    ).toBeInTheDocument();
    expect(figure('Throughput').getByText('121 req/s')).toBeInTheDocument();
    expect(
      figure('Throughput').getByText('target at least 50.0 req/s'),
    ).toBeInTheDocument();
    expect(figure('Throughput').getByText('meets target')).toBeInTheDocument();

    expect(figure('P50 latency').getByText('42 ms')).toBeInTheDocument();
    expect(figure('P50 latency').getByText('no target')).toBeInTheDocument();
    expect(figure('CPU').getByText('0.35 cores')).toBeInTheDocument();
    expect(figure('Memory').getByText('256 MiB')).toBeInTheDocument();
    expect(
      screen.getByText('production, collected by scrape'),
    ).toBeInTheDocument();
  });

  it("names the target's source in a tooltip", async () => {
    const api = apiWith(makePerformanceSummary());

    await renderCard(makeEntity('performance'), api);

    await userEvent.hover(await screen.findByText('target at most 400 ms'));
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'Target: at most 400 ms, from entity annotation',
    );
  });

  it('leaves out CPU and memory when the source has none', async () => {
    const summary = makePerformanceSummary();
    const api = apiWith({
      ...summary,
      current: { ...summary.current!, cpuCores: null, memoryBytes: null },
    });

    await renderCard(makeEntity('performance'), api);

    await screen.findByText('180 ms');
    expect(
      screen.queryByRole('group', { name: 'CPU' }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('group', { name: 'Memory' }),
    ).not.toBeInTheDocument();
  });

  it('draws latency, throughput and error rate with their targets', async () => {
    const api = apiWith(makePerformanceSummary());

    await renderCard(makeEntity('performance'), api);

    const latency = await screen.findByRole('img', { name: 'Latency' });
    expect(latency.querySelectorAll('.recharts-line')).toHaveLength(3);
    expect(within(latency).getByText('P95 target 300 ms')).toBeInTheDocument();
    const errors = screen.getByRole('img', { name: 'Error rate' });
    expect(within(errors).getByText('Target 1.00%')).toBeInTheDocument();
    const throughput = screen.getByRole('img', { name: 'Throughput' });
    expect(
      within(throughput).getByText('Minimum 50.0 req/s'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        '5-minute means of the collected samples over the last 24 hours',
      ),
    ).toBeInTheDocument();
  });

  it('asks for another window when one is picked and says when it shows hourly means', async () => {
    const api = apiWith(makePerformanceSummary(), {
      getPerformanceSummary: async (_ref, options) =>
        makePerformanceSummary(
          options?.window === '30d'
            ? { window: '30d', resolution: 'hourly', bucketMinutes: 180 }
            : {},
        ),
    });

    await renderCard(makeEntity('performance'), api);
    await userEvent.click(await screen.findByRole('button', { name: '30 d' }));

    expect(
      await screen.findByText(
        '3-hour means of the hourly roll-ups over the last 30 days',
      ),
    ).toBeInTheDocument();
    expect(api.getPerformanceSummary).toHaveBeenLastCalledWith(paymentsRef, {
      window: '30d',
      environment: undefined,
    });
  });

  it('asks for another environment when one is picked', async () => {
    const api = apiWith(makePerformanceSummary(), {
      getPerformanceSummary: async (_ref, options) =>
        makePerformanceSummary({
          environment: options?.environment ?? 'production',
        }),
    });

    await renderCard(makeEntity('performance'), api);
    await userEvent.selectOptions(
      await screen.findByLabelText('Environment'),
      'staging',
    );

    expect(
      await screen.findByText('staging, collected by scrape'),
    ).toBeInTheDocument();
    // the window is still the one the card opened on (no window picked)
    expect(api.getPerformanceSummary).toHaveBeenLastCalledWith(paymentsRef, {
      window: '1h',
      environment: 'staging',
    });
  });

  it('has no environment picker for a single environment', async () => {
    const api = apiWith(
      makePerformanceSummary({ environments: ['production'] }),
    );

    await renderCard(makeEntity('performance'), api);

    await screen.findByText('180 ms');
    expect(screen.queryByLabelText('Environment')).not.toBeInTheDocument();
  });

  it('warns that collection is failing and how old the figures are', async () => {
    const api = apiWith(
      makePerformanceSummary({
        stale: {
          since: '2025-03-03T11:05:00Z',
          error: 'connect ECONNREFUSED 10.0.0.1:9090',
          source: 'scrape',
          lastSuccessAt: '2025-03-03T11:00:00Z',
        },
      }),
    );

    await renderCard(makeEntity('performance'), api);

    const banner = await screen.findByTestId('performance-stale');
    const since = new Date('2025-03-03T11:05:00Z').toLocaleString(undefined, {
      dateStyle: 'medium',
      timeStyle: 'short',
    });
    const asOf = new Date('2025-03-03T11:00:00Z').toLocaleString(undefined, {
      dateStyle: 'medium',
      timeStyle: 'short',
    });
    expect(banner).toHaveTextContent(
      `Collection failing since ${since}: connect ECONNREFUSED 10.0.0.1:9090 — figures are as of ${asOf}`,
    );
    // the last figures are still shown
    expect(screen.getByText('180 ms')).toBeInTheDocument();
  });

  it('explains the metrics-url annotation when no provider can collect', async () => {
    const api = apiWith(makeEmptyPerformanceSummary({ source: null }));

    await renderCard(makeEntity('performance'), api);

    expect(
      await screen.findByText(
        'No metrics provider can collect for this entity',
      ),
    ).toBeInTheDocument();
    expect(
      codeContaining(
        'devops-growth.io/metrics-url: production=https://my-service.example.com/metrics',
      ),
    ).toHaveLength(1);
    expect(
      codeContaining('devops-growth.io/monitoring: performance'),
    ).toHaveLength(1);
    expect(screen.queryByRole('group')).not.toBeInTheDocument();
  });

  it('says the first collection is still to come when a provider is set', async () => {
    const api = apiWith(makeEmptyPerformanceSummary({ source: 'prometheus' }));

    await renderCard(makeEntity('performance'), api);

    expect(
      await screen.findByText('No performance samples yet'),
    ).toBeInTheDocument();
    expect(screen.getByText('prometheus')).toBeInTheDocument();
  });

  it('shows the missing annotation state without the monitoring annotation', async () => {
    const api = apiWith(makePerformanceSummary());

    await renderCard(makeEntity(), api);

    expect(screen.getByText(/Missing Annotation/i)).toBeInTheDocument();
    expect(api.getPerformanceSummary).not.toHaveBeenCalled();
  });

  it('shows how to enable performance when the annotation leaves it out', async () => {
    const api = apiWith(makePerformanceSummary());

    await renderCard(makeEntity('coverage'), api);

    expect(screen.getByText(/Missing Annotation/i)).toBeInTheDocument();
    expect(screen.getByText('coverage')).toBeInTheDocument();
    expect(
      codeContaining('devops-growth.io/monitoring: coverage,performance'),
    ).toHaveLength(1);
    expect(api.getPerformanceSummary).not.toHaveBeenCalled();
  });

  it('lists regressions and recommendations', async () => {
    const api = apiWith(makePerformanceSummary());

    await renderCard(makeEntity('performance'), api);

    const regressions = await screen.findByRole('list', {
      name: 'Regressions',
    });
    expect(
      within(regressions).getByText('P99 latency 35.2% worse: 330 ms → 446 ms'),
    ).toBeInTheDocument();
    expect(
      within(regressions).getByText(
        'p = 0.0031; 288 samples against 288 in the preceding window',
      ),
    ).toBeInTheDocument();
    const recommendations = screen.getByRole('list', {
      name: 'Recommendations',
    });
    expect(
      within(recommendations).getByText('Bring P99 latency under its target'),
    ).toBeInTheDocument();
  });

  describe('load tests', () => {
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
      expect(
        screen.getByRole('button', { name: 'Run load test' }),
      ).toBeEnabled();
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

      await renderCard(makeEntity('performance'), api);
      await userEvent.click(
        await screen.findByRole('button', { name: 'Run load test' }),
      );

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

      await renderCard(makeEntity('performance'), api);
      await userEvent.click(
        await screen.findByRole('button', { name: 'Run load test' }),
      );

      expect(
        await screen.findByText(
          /You are not allowed to start load tests of this entity \(permission devops\.performance\.load-test\.create\)/,
        ),
      ).toBeInTheDocument();
    });
  });

  describe('targets dialog', () => {
    it('sends the changed overrides and refreshes the card', async () => {
      const summary = makePerformanceSummary();
      let p95 = 300;
      const api = apiWith(
        async () =>
          makePerformanceSummary({
            targets: {
              ...summary.targets,
              targets: { ...summary.targets.targets, p95Ms: p95 },
            },
          }),
        {
          getPerformanceTargets: async () => ({
            targets: summary.targets,
            history: [
              {
                id: 'c1',
                entityRef: 'component:default/payments',
                changes: { minThroughput: 50 },
                actor: 'user:default/jane.doe',
                comment: 'launch traffic',
                at: '2025-03-01T10:00:00Z',
              },
            ],
          }),
          updatePerformanceTargets: async (_ref, update) => {
            p95 = update.changes.p95Ms ?? p95;
            return {
              targets: summary.targets,
              change: {
                id: 'c2',
                entityRef: 'component:default/payments',
                changes: update.changes,
                actor: 'user:default/me',
                comment: update.comment ?? null,
                at: '2025-03-03T12:00:00Z',
              },
            };
          },
        },
      );

      await renderCard(makeEntity('performance'), api);
      await userEvent.click(
        await screen.findByRole('button', { name: 'Edit targets' }),
      );
      const dialog = await screen.findByRole('dialog');
      expect(
        await within(dialog).findByText('minimum throughput 50.0 req/s'),
      ).toBeInTheDocument();
      // the override made in Backstage is filled in; the others start empty
      expect(
        within(dialog).getByLabelText('Minimum throughput (req/s)'),
      ).toHaveValue('50');
      expect(within(dialog).getByLabelText('P95 latency (ms)')).toHaveValue('');
      expect(
        within(dialog).getByText('Empty keeps 300 ms (app-config.yaml)'),
      ).toBeInTheDocument();

      await userEvent.type(
        within(dialog).getByLabelText('P95 latency (ms)'),
        '250',
      );
      await userEvent.type(
        within(dialog).getByLabelText('Error rate (%)'),
        '0.5',
      );
      await userEvent.clear(
        within(dialog).getByLabelText('Minimum throughput (req/s)'),
      );
      await userEvent.type(within(dialog).getByLabelText('Comment'), 'new SLO');
      await userEvent.click(
        within(dialog).getByRole('button', { name: 'Save' }),
      );

      await waitFor(() =>
        expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
      );
      expect(api.updatePerformanceTargets).toHaveBeenCalledWith(paymentsRef, {
        changes: { p95Ms: 250, errorRate: 0.005, minThroughput: null },
        comment: 'new SLO',
      });
      expect(
        await screen.findByText('target at most 250 ms'),
      ).toBeInTheDocument();
    });

    it('refuses a value that is not a number without calling the backend', async () => {
      const api = apiWith(makePerformanceSummary());

      await renderCard(makeEntity('performance'), api);
      await userEvent.click(
        await screen.findByRole('button', { name: 'Edit targets' }),
      );
      const dialog = await screen.findByRole('dialog');
      await userEvent.type(
        await within(dialog).findByLabelText('P99 latency (ms)'),
        'fast',
      );
      await userEvent.click(
        within(dialog).getByRole('button', { name: 'Save' }),
      );

      expect(within(dialog).getByText('Enter a number')).toBeInTheDocument();
      expect(api.updatePerformanceTargets).not.toHaveBeenCalled();
    });

    it('shows the backend message of a refused change and stays open', async () => {
      const error = await responseError(
        400,
        'InputError',
        'p99Ms must not be lower than p95Ms',
      );
      const api = apiWith(makePerformanceSummary(), {
        updatePerformanceTargets: () => Promise.reject(error),
      });

      await renderCard(makeEntity('performance'), api);
      await userEvent.click(
        await screen.findByRole('button', { name: 'Edit targets' }),
      );
      const dialog = await screen.findByRole('dialog');
      await userEvent.type(
        await within(dialog).findByLabelText('P99 latency (ms)'),
        '100',
      );
      await userEvent.click(
        within(dialog).getByRole('button', { name: 'Save' }),
      );

      expect(
        await within(dialog).findByText(
          'Could not save the targets: p99Ms must not be lower than p95Ms',
        ),
      ).toBeInTheDocument();
      expect(api.updatePerformanceTargets).toHaveBeenCalledWith(paymentsRef, {
        changes: { p99Ms: 100 },
      });
      expect(screen.getByRole('dialog')).toBeInTheDocument();
    });
  });
});
