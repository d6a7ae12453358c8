import { screen } from '@testing-library/react';
import { renderTestApp } from '@backstage/frontend-test-utils';
import { discoveryApiRef } from '@backstage/frontend-plugin-api';
import { createTestEntityPage } from '@backstage/plugin-catalog-react/testUtils';
import { mockApis } from '@backstage/test-utils';
import { devopsApiRef } from './api';
import { makeEntity, mockDevopsApi } from './__fixtures__/qualitySummary';
import devopsPlugin from './alpha';

const coverageCard = devopsPlugin.getExtension('entity-card:devops/coverage');
const performanceCard = devopsPlugin.getExtension(
  'entity-card:devops/performance',
);
const devopsContent = devopsPlugin.getExtension('entity-content:devops');

describe('devops plugin (new frontend system)', () => {
  it('has the plugin id, the API, the card and the tab', () => {
    expect(devopsPlugin.id).toBe('devops');
    expect(devopsPlugin.getExtension('api:devops')).toBeDefined();
    expect(coverageCard).toBeDefined();
    expect(performanceCard).toBeDefined();
    expect(devopsContent).toBeDefined();
  });

  it('renders the coverage card for an entity whose annotation enables coverage', async () => {
    const devopsApi = mockDevopsApi();

    renderTestApp({
      extensions: [
        createTestEntityPage({ entity: makeEntity('coverage') }),
        coverageCard,
      ],
      apis: [
        [devopsApiRef, devopsApi],
        [discoveryApiRef, mockApis.discovery()],
      ],
    });

    expect(await screen.findByText('Coverage & tests')).toBeInTheDocument();
    expect(await screen.findByText('853 of 1000')).toBeInTheDocument();
    expect(devopsApi.getQualitySummary).toHaveBeenCalledWith(
      { kind: 'Component', namespace: 'default', name: 'payments' },
      { report: undefined, branch: undefined },
    );
  });

  it.each([
    ['without the annotation', makeEntity()],
    [
      'whose annotation enables neither coverage nor performance',
      makeEntity('deploy'),
    ],
  ])('leaves the card and the tab out for an entity %s', async (_, entity) => {
    const devopsApi = mockDevopsApi();

    renderTestApp({
      extensions: [
        createTestEntityPage({ entity }),
        coverageCard,
        performanceCard,
        devopsContent,
      ],
      apis: [
        [devopsApiRef, devopsApi],
        [discoveryApiRef, mockApis.discovery()],
      ],
    });

    // the test entity page renders this when every card and tab was filtered out
    expect(await screen.findByTestId('empty-entity-page')).toBeInTheDocument();
    expect(screen.queryByText('Coverage & tests')).not.toBeInTheDocument();
    expect(devopsApi.getQualitySummary).not.toHaveBeenCalled();
    expect(devopsApi.getPerformanceSummary).not.toHaveBeenCalled();
  });

  it('renders the DevOps tab with the card', async () => {
    const devopsApi = mockDevopsApi();

    renderTestApp({
      extensions: [
        createTestEntityPage({ entity: makeEntity('enabled') }),
        devopsContent,
      ],
      apis: [
        [devopsApiRef, devopsApi],
        [discoveryApiRef, mockApis.discovery()],
      ],
    });

    expect(await screen.findByText('Coverage & tests')).toBeInTheDocument();
    expect(await screen.findByText('853 of 1000')).toBeInTheDocument();
  });

  it('renders the performance card for an entity whose annotation enables performance', async () => {
    const devopsApi = mockDevopsApi();

    renderTestApp({
      extensions: [
        createTestEntityPage({ entity: makeEntity('performance') }),
        performanceCard,
        coverageCard,
      ],
      apis: [
        [devopsApiRef, devopsApi],
        [discoveryApiRef, mockApis.discovery()],
      ],
    });

    expect(await screen.findByText('Performance')).toBeInTheDocument();
    expect(await screen.findByText('180 ms')).toBeInTheDocument();
    expect(devopsApi.getPerformanceSummary).toHaveBeenCalledWith(
      { kind: 'Component', namespace: 'default', name: 'payments' },
      { window: '24h', environment: undefined },
    );
    // the coverage card is filtered out: coverage is not enabled
    expect(screen.queryByText('Coverage & tests')).not.toBeInTheDocument();
    expect(devopsApi.getQualitySummary).not.toHaveBeenCalled();
  });

  it('shows the DevOps tab for an entity that only enables performance', async () => {
    const devopsApi = mockDevopsApi();

    renderTestApp({
      extensions: [
        createTestEntityPage({ entity: makeEntity('performance') }),
        devopsContent,
      ],
      apis: [
        [devopsApiRef, devopsApi],
        [discoveryApiRef, mockApis.discovery()],
      ],
    });

    expect(await screen.findByText('Performance')).toBeInTheDocument();
    expect(await screen.findByText('180 ms')).toBeInTheDocument();
    expect(screen.queryByText('Coverage & tests')).not.toBeInTheDocument();
  });
});
