import { screen, waitFor, within } from '@testing-library/react';
import { makeEntity } from '../../__fixtures__/coverageSummary';
import { makePerformanceSummary } from '../../__fixtures__/performanceSummary';
import {
  performanceApiWith,
  renderPerformanceCard,
} from '../../__testUtils__/renderPerformanceCard';

const markers = {
  markers: [
    {
      deployId: 'd1',
      environment: 'production',
      version: '1.4.2',
      kind: 'deploy' as const,
      status: 'succeeded' as const,
      at: '2025-03-03T10:20:00Z',
    },
    {
      deployId: 'd2',
      environment: 'production',
      version: '1.5.0',
      kind: 'deploy' as const,
      status: 'rolled-back' as const,
      at: '2025-03-03T10:40:00Z',
    },
    {
      deployId: 'd3',
      environment: 'staging',
      version: '9.9.9',
      kind: 'deploy' as const,
      status: 'succeeded' as const,
      at: '2025-03-03T10:30:00Z',
    },
  ],
};

describe('DevopsPerformanceCard: deploy markers', () => {
  beforeEach(() => window.sessionStorage.clear());

  it("marks the shown environment's deploys on every chart for an entity enabling deploy", async () => {
    const api = performanceApiWith(makePerformanceSummary(), {
      getDeployMarkers: async () => markers,
    });

    await renderPerformanceCard(makeEntity('performance,deploy'), api);

    const latency = await screen.findByRole('img', { name: 'Latency' });
    expect(await within(latency).findByText('1.4.2')).toBeInTheDocument();
    expect(within(latency).getByText('1.5.0')).toBeInTheDocument();
    // another environment's deploy is not this chart's
    expect(within(latency).queryByText('9.9.9')).not.toBeInTheDocument();
    const errors = screen.getByRole('img', { name: 'Error rate' });
    expect(within(errors).getByText('1.5.0')).toBeInTheDocument();
    // the series runs from 10:00 to its last 5-minute bucket, ending at 11:00
    expect(api.getDeployMarkers).toHaveBeenCalledWith(
      { kind: 'Component', namespace: 'default', name: 'payments' },
      {
        from: new Date('2025-03-03T10:00:00Z'),
        to: new Date('2025-03-03T11:00:00Z'),
      },
    );
    // the rolled back version is drawn in another colour than the one that stayed
    const lineOf = (version: string) =>
      within(latency)
        .getByText(version)
        .closest('.recharts-reference-line')!
        .querySelector('line')!
        .getAttribute('stroke');
    expect(lineOf('1.5.0')).not.toBe(lineOf('1.4.2'));
  });

  it('asks for no markers when the entity does not enable the deploy area', async () => {
    const api = performanceApiWith(makePerformanceSummary());

    await renderPerformanceCard(makeEntity('performance'), api);

    await screen.findByRole('img', { name: 'Latency' });
    await waitFor(() => expect(api.getPerformanceSummary).toHaveBeenCalled());
    expect(api.getDeployMarkers).not.toHaveBeenCalled();
  });
});
