import { DeployMarker } from '@devops-growth/backstage-plugin-devops-common';
import { toChartMarkers } from './deployMarkers';

const marker = (overrides: Partial<DeployMarker>): DeployMarker => ({
  deployId: 'd1',
  environment: 'production',
  version: '1.4.2',
  kind: 'deploy',
  status: 'succeeded',
  at: '2025-03-10T10:00:00Z',
  ...overrides,
});

const range = {
  first: Date.parse('2025-03-10T09:00:00Z'),
  last: Date.parse('2025-03-10T12:00:00Z'),
};

describe('deploy markers on the performance charts', () => {
  it("keeps the shown environment's deploys in the chart's range, oldest first", () => {
    const markers = [
      marker({
        deployId: 'd3',
        version: '1.5.0',
        at: '2025-03-10T11:30:00Z',
        status: 'rolled-back',
      }),
      marker({ deployId: 'd2', environment: 'staging' }),
      marker({ deployId: 'd1' }),
      marker({ deployId: 'd0', at: '2025-03-10T08:00:00Z' }),
      marker({
        deployId: 'd4',
        version: '1.4.2',
        kind: 'rollback',
        at: '2025-03-10T11:40:00Z',
      }),
    ];

    expect(toChartMarkers(markers, 'production', range)).toEqual([
      {
        deployId: 'd1',
        time: Date.parse('2025-03-10T10:00:00Z'),
        label: '1.4.2',
        failed: false,
      },
      {
        deployId: 'd3',
        time: Date.parse('2025-03-10T11:30:00Z'),
        label: '1.5.0',
        failed: true,
      },
      {
        deployId: 'd4',
        time: Date.parse('2025-03-10T11:40:00Z'),
        label: '1.4.2 (rollback)',
        failed: false,
      },
    ]);
  });

  it('keeps every environment when the card shows none', () => {
    expect(
      toChartMarkers(
        [marker({}), marker({ deployId: 'd2', environment: 'staging' })],
        null,
        range,
      ),
    ).toHaveLength(2);
  });
});
