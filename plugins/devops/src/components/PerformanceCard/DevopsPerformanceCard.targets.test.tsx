import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { makeEntity } from '../../__fixtures__/coverageSummary';
import { makePerformanceSummary } from '../../__fixtures__/performanceSummary';
import {
  paymentsRef,
  performanceApiWith as apiWith,
  renderPerformanceCard as renderCard,
  responseError,
} from '../../__testUtils__/renderPerformanceCard';

/** Opens the dialog, types `p99` as the P99 target and saves; the dialog. */
async function saveP99(api: ReturnType<typeof apiWith>, p99: string) {
  await renderCard(makeEntity('performance'), api);
  await userEvent.click(
    await screen.findByRole('button', { name: 'Edit targets' }),
  );
  const dialog = await screen.findByRole('dialog');
  await userEvent.type(
    await within(dialog).findByLabelText('P99 latency (ms)'),
    p99,
  );
  await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
  return dialog;
}

describe('DevopsPerformanceCard targets dialog', () => {
  beforeEach(() => window.sessionStorage.clear());

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
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));

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

    const dialog = await saveP99(api, 'fast');

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

    const dialog = await saveP99(api, '100');

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
