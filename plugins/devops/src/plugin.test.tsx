import { ReactNode } from 'react';
import { screen, within } from '@testing-library/react';
import { discoveryApiRef } from '@backstage/core-plugin-api';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  ScaffolderFieldExtensions,
  useCustomFieldExtensions,
} from '@backstage/plugin-scaffolder-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { devopsApiRef } from './api';
import { renderCard } from './__testUtils__/renderCard';
import { makeEntity, mockDevopsApi } from './__fixtures__/coverageSummary';
import {
  devopsPlugin,
  EntityDevopsContent,
  EntityDevopsCoverageCard,
  EntityDevopsDeploysCard,
  EntityDevopsPerformanceCard,
  EntityDevopsSecurityCard,
  EntityDevopsSummaryCard,
} from './plugin';
import * as publicApi from './index';

/** The names of the field extensions the scaffolder finds in its outlet. */
function FieldNames(props: { outlet: ReactNode }) {
  const fields = useCustomFieldExtensions(props.outlet);
  return (
    <ul aria-label="Field extensions">
      {fields.map(field => (
        <li key={field.name}>{field.name}</li>
      ))}
    </ul>
  );
}

describe('devops plugin (legacy frontend system)', () => {
  it('provides the scaffolder fields under the names templates use, from the package entry', async () => {
    const {
      DevopsEnvironmentPickerFieldExtension,
      DevopsVersionPickerFieldExtension,
      DevopsDeployGatesFieldExtension,
    } = publicApi;
    await renderInTestApp(
      <FieldNames
        outlet={
          <ScaffolderFieldExtensions>
            <DevopsEnvironmentPickerFieldExtension />
            <DevopsVersionPickerFieldExtension />
            <DevopsDeployGatesFieldExtension />
          </ScaffolderFieldExtensions>
        }
      />,
    );

    const names = within(
      screen.getByRole('list', { name: 'Field extensions' }),
    ).getAllByRole('listitem');
    expect(names.map(li => li.textContent)).toEqual([
      'DevopsEnvironmentPicker',
      'DevopsVersionPicker',
      'DevopsDeployGates',
    ]);
  });

  it('is the devops plugin and provides the DevOps API', () => {
    expect(devopsPlugin.getId()).toBe('devops');
    expect([...devopsPlugin.getApis()].map(factory => factory.api.id)).toEqual([
      devopsApiRef.id,
    ]);
  });

  it.each([
    ['EntityDevopsCoverageCard', EntityDevopsCoverageCard],
    ['EntityDevopsContent', EntityDevopsContent],
  ])('%s renders the coverage card', async (_, Component) => {
    const devopsApi = mockDevopsApi();

    await renderInTestApp(
      <TestApiProvider
        apis={[
          [devopsApiRef, devopsApi],
          [discoveryApiRef, mockApis.discovery()],
          [permissionApiRef, mockApis.permission()],
        ]}
      >
        <EntityProvider entity={makeEntity('coverage')}>
          <Component />
        </EntityProvider>
      </TestApiProvider>,
    );

    expect(await screen.findByText('Coverage & tests')).toBeInTheDocument();
    expect(await screen.findByText('853 of 1000')).toBeInTheDocument();
  });

  it.each([
    ['EntityDevopsPerformanceCard', EntityDevopsPerformanceCard],
    ['EntityDevopsContent', EntityDevopsContent],
  ])('%s renders the performance card', async (_, Component) => {
    const devopsApi = mockDevopsApi();

    await renderInTestApp(
      <TestApiProvider
        apis={[
          [devopsApiRef, devopsApi],
          [discoveryApiRef, mockApis.discovery()],
          [permissionApiRef, mockApis.permission()],
        ]}
      >
        <EntityProvider entity={makeEntity('performance')}>
          <Component />
        </EntityProvider>
      </TestApiProvider>,
    );

    expect(await screen.findByText('Performance')).toBeInTheDocument();
    expect(await screen.findByText('180 ms')).toBeInTheDocument();
    // the tab leaves out the area the entity does not enable
    expect(screen.queryByText('Coverage & tests')).not.toBeInTheDocument();
    expect(devopsApi.getCoverageSummary).not.toHaveBeenCalled();
  });

  it.each([
    ['EntityDevopsSecurityCard', EntityDevopsSecurityCard],
    ['EntityDevopsContent', EntityDevopsContent],
  ])('%s renders the security card', async (_, Component) => {
    const devopsApi = mockDevopsApi();

    await renderCard(<Component />, makeEntity('security'), devopsApi);

    expect(await screen.findByText('Security')).toBeInTheDocument();
    expect(
      await screen.findByRole('group', { name: 'SOC 2 score' }),
    ).toHaveTextContent('72.5%');
    expect(screen.queryByText('Coverage & tests')).not.toBeInTheDocument();
    expect(screen.queryByText('Performance')).not.toBeInTheDocument();
    expect(devopsApi.getCoverageSummary).not.toHaveBeenCalled();
    expect(devopsApi.getPerformanceSummary).not.toHaveBeenCalled();
  });

  it.each([
    ['EntityDevopsDeploysCard', EntityDevopsDeploysCard],
    ['EntityDevopsContent', EntityDevopsContent],
  ])('%s renders the deploys card', async (_, Component) => {
    const devopsApi = mockDevopsApi();

    await renderCard(<Component />, makeEntity('deploy'), devopsApi);

    expect(
      await screen.findByRole('table', { name: 'Environments' }),
    ).toHaveTextContent('1.4.2');
    expect(screen.queryByText('Security')).not.toBeInTheDocument();
    expect(devopsApi.getSecuritySummary).not.toHaveBeenCalled();
    expect(devopsApi.getPerformanceSummary).not.toHaveBeenCalled();
    expect(publicApi.EntityDevopsDeploysCard).toBe(EntityDevopsDeploysCard);
    expect(publicApi.isDevopsDeploysAvailable(makeEntity('deploy'))).toBe(true);
    expect(publicApi.isDevopsDeploysAvailable(makeEntity('security'))).toBe(
      false,
    );
    expect(publicApi.isDevopsContentAvailable(makeEntity('deploy'))).toBe(true);
  });

  it('shows every card on the tab for an entity enabling every area', async () => {
    const devopsApi = mockDevopsApi();

    await renderInTestApp(
      <TestApiProvider
        apis={[
          [devopsApiRef, devopsApi],
          [discoveryApiRef, mockApis.discovery()],
          [permissionApiRef, mockApis.permission()],
        ]}
      >
        <EntityProvider entity={makeEntity('enabled')}>
          <EntityDevopsContent />
        </EntityProvider>
      </TestApiProvider>,
    );

    expect(await screen.findByText('180 ms')).toBeInTheDocument();
    expect(await screen.findByText('853 of 1000')).toBeInTheDocument();
    expect(
      await screen.findByRole('group', { name: 'SOC 2 score' }),
    ).toBeInTheDocument();
    expect(
      await screen.findByRole('table', { name: 'Environments' }),
    ).toBeInTheDocument();
  });

  it('EntityDevopsSummaryCard shows a row per enabled area, each loaded on its own, and links to the tab', async () => {
    const devopsApi = mockDevopsApi(() =>
      Promise.reject(new Error('backend down')),
    );

    await renderCard(
      <EntityDevopsSummaryCard />,
      makeEntity('enabled'),
      devopsApi,
    );

    const table = await screen.findByRole('table', { name: 'DevOps areas' });
    const [, deploys, performance, security, coverage] =
      within(table).getAllByRole('row');
    expect(deploys).toHaveTextContent('Deploys');
    expect(deploys).toHaveTextContent('Last deploy succeeded');
    expect(deploys).toHaveTextContent('production 1.4.2');
    expect(performance).toHaveTextContent('Performance');
    expect(performance).toHaveTextContent('2 targets breached');
    expect(performance).toHaveTextContent('P95 180 ms');
    expect(performance).toHaveTextContent(
      'P99 latency 451 ms, target at most 400 ms',
    );
    expect(security).toHaveTextContent('Security');
    expect(security).toHaveTextContent('1 open threat');
    expect(security).toHaveTextContent('11 open findings, SOC 2 72.5%');
    expect(security).toHaveTextContent(
      'Brute force: 401/403 responses at 14 times their usual rate',
    );
    expect(coverage).toHaveTextContent('Coverage & tests');
    expect(coverage).toHaveTextContent('Could not load');
    expect(coverage).toHaveTextContent('backend down');
    expect(
      screen.getByRole('link', { name: /Open the DevOps tab/ }),
    ).toHaveAttribute('href', '/catalog/default/component/payments/devops');
    // the last hour: the summary's current figures, not a chart
    expect(devopsApi.getPerformanceSummary).toHaveBeenCalledWith(
      { kind: 'Component', namespace: 'default', name: 'payments' },
      { window: '1h' },
    );
  });

  it('EntityDevopsSummaryCard leaves out the areas the entity does not enable', async () => {
    const devopsApi = mockDevopsApi();

    await renderCard(
      <EntityDevopsSummaryCard />,
      makeEntity('coverage'),
      devopsApi,
    );

    const table = await screen.findByRole('table', { name: 'DevOps areas' });
    expect(within(table).getAllByRole('row')).toHaveLength(2);
    expect(table).toHaveTextContent('Gate passed');
    expect(table).not.toHaveTextContent('Performance');
    expect(devopsApi.getPerformanceSummary).not.toHaveBeenCalled();
  });

  it('exports the cards, the tab and the conditions', () => {
    expect(publicApi.EntityDevopsPerformanceCard).toBe(
      EntityDevopsPerformanceCard,
    );
    const performance = makeEntity('performance');
    expect(publicApi.isDevopsPerformanceAvailable(performance)).toBe(true);
    expect(publicApi.isDevopsCoverageAvailable(performance)).toBe(false);
    expect(publicApi.isDevopsContentAvailable(performance)).toBe(true);
    expect(publicApi.EntityDevopsSummaryCard).toBe(EntityDevopsSummaryCard);
    expect(publicApi.isDevopsSummaryAvailable(performance)).toBe(true);
    expect(publicApi.isDevopsSummaryAvailable(makeEntity())).toBe(false);
    expect(publicApi.EntityDevopsSecurityCard).toBe(EntityDevopsSecurityCard);
    expect(publicApi.isDevopsSecurityAvailable(performance)).toBe(false);
    expect(publicApi.isDevopsSecurityAvailable(makeEntity('security'))).toBe(
      true,
    );
    expect(publicApi.isDevopsContentAvailable(makeEntity('security'))).toBe(
      true,
    );
  });
});
