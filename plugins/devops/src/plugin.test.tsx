import { screen } from '@testing-library/react';
import { discoveryApiRef } from '@backstage/core-plugin-api';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { devopsApiRef } from './api';
import { makeEntity, mockDevopsApi } from './__fixtures__/qualitySummary';
import {
  devopsPlugin,
  EntityDevopsContent,
  EntityDevopsCoverageCard,
} from './plugin';

describe('devops plugin (legacy frontend system)', () => {
  it('is the devops plugin and provides the DevOps API', () => {
    expect(devopsPlugin.getId()).toBe('devops');
    expect([...devopsPlugin.getApis()].map(factory => factory.api.id)).toEqual([
      devopsApiRef.id,
    ]);
  });

  it.each([
    ['EntityDevopsCoverageCard', EntityDevopsCoverageCard],
    ['EntityDevopsContent', EntityDevopsContent],
  ])('%s renders the card', async (_, Component) => {
    const devopsApi = mockDevopsApi();

    await renderInTestApp(
      <TestApiProvider
        apis={[
          [devopsApiRef, devopsApi],
          [discoveryApiRef, mockApis.discovery()],
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
});
