import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  PerformanceSummary,
  PerformanceWindow,
} from '@devops-growth/backstage-plugin-devops-common';
import { makeEntity } from '../../__fixtures__/coverageSummary';
import {
  makeEmptyPerformanceSummary,
  makePerformancePoint,
  makePerformanceSummary,
} from '../../__fixtures__/performanceSummary';
import {
  paymentsRef,
  performanceApiWith,
  renderPerformanceCard,
  responseError,
} from '../../__testUtils__/renderPerformanceCard';

const renderCard = renderPerformanceCard;
const apiWith = performanceApiWith;

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
});
