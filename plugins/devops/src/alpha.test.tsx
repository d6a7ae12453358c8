import { screen, waitFor } from '@testing-library/react';
import {
  createExtensionTester,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import { discoveryApiRef } from '@backstage/frontend-plugin-api';
import { createTestEntityPage } from '@backstage/plugin-catalog-react/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';
import { mockApis } from '@backstage/test-utils';
import { devopsApiRef } from './api';
import { makeEntity, mockDevopsApi } from './__fixtures__/coverageSummary';
import devopsPlugin from './alpha';

const coverageCard = devopsPlugin.getExtension('entity-card:devops/coverage');
const performanceCard = devopsPlugin.getExtension(
  'entity-card:devops/performance',
);
const securityCard = devopsPlugin.getExtension('entity-card:devops/security');
const deploysCard = devopsPlugin.getExtension('entity-card:devops/deploys');
const devopsContent = devopsPlugin.getExtension('entity-content:devops');
const summaryCard = devopsPlugin.getExtension('entity-card:devops/summary');

/**
 * App config enabling the given extensions: the full cards are disabled by default (the DevOps
 * tab shows them), and these tests place them on the overview.
 */
function enabling(...ids: string[]) {
  return { app: { extensions: ids.map(id => ({ [id]: true })) } };
}

describe('devops plugin (new frontend system)', () => {
  it.each([
    ['environment-picker', 'DevopsEnvironmentPicker'],
    ['version-picker', 'DevopsVersionPicker'],
    ['deploy-gates', 'DevopsDeployGates'],
  ] as const)(
    'provides the scaffolder field scaffolder-form-field:devops/%s as ui:field %s',
    async (name, fieldName) => {
      const extension = devopsPlugin.getExtension(
        `scaffolder-form-field:devops/${name}`,
      );
      const load = createExtensionTester(extension).get(
        FormFieldBlueprint.dataRefs.formFieldLoader,
      );
      // a FormField is opaque; its instance carries the options given to createFormField
      const field = (await load()) as unknown as { name: string };
      expect(field.name).toBe(fieldName);
    },
  );

  it('has the plugin id, the API, the card and the tab', () => {
    expect(devopsPlugin.pluginId).toBe('devops');
    expect(devopsPlugin.getExtension('api:devops')).toBeDefined();
    expect(coverageCard).toBeDefined();
    expect(performanceCard).toBeDefined();
    expect(securityCard).toBeDefined();
    expect(deploysCard).toBeDefined();
    expect(devopsContent).toBeDefined();
    expect(summaryCard).toBeDefined();
  });

  it('shows the summary card on the overview by default, not the full cards', async () => {
    const devopsApi = mockDevopsApi();

    renderTestApp({
      // the whole plugin with its defaults, without the tab (whose content holds the full cards)
      features: [
        devopsPlugin.withOverrides({
          extensions: [devopsContent.override({ disabled: true })],
        }),
      ],
      extensions: [createTestEntityPage({ entity: makeEntity('enabled') })],
      apis: [
        [devopsApiRef, devopsApi],
        [discoveryApiRef, mockApis.discovery()],
        [permissionApiRef, mockApis.permission()],
      ],
    });

    const rows = await screen.findByRole('table', { name: 'DevOps areas' });
    expect(rows).toHaveTextContent('Performance');
    expect(rows).toHaveTextContent('Security');
    expect(rows).toHaveTextContent('Coverage & tests');
    expect(await screen.findByText('P95 180 ms')).toBeInTheDocument();
    // the full cards' figures are on the DevOps tab only
    expect(screen.queryByText('853 of 1000')).not.toBeInTheDocument();
    expect(
      screen.queryByRole('group', { name: 'P95 latency' }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('group', { name: 'SOC 2 score' }),
    ).not.toBeInTheDocument();
  });

  it('renders the coverage card for an entity whose annotation enables coverage', async () => {
    const devopsApi = mockDevopsApi();

    renderTestApp({
      extensions: [
        createTestEntityPage({ entity: makeEntity('coverage') }),
        coverageCard,
      ],
      config: enabling('entity-card:devops/coverage'),
      apis: [
        [devopsApiRef, devopsApi],
        [discoveryApiRef, mockApis.discovery()],
        [permissionApiRef, mockApis.permission()],
      ],
    });

    expect(await screen.findByText('Coverage & tests')).toBeInTheDocument();
    expect(await screen.findByText('853 of 1000')).toBeInTheDocument();
    expect(devopsApi.getCoverageSummary).toHaveBeenCalledWith(
      { kind: 'Component', namespace: 'default', name: 'payments' },
      { report: undefined, branch: undefined },
    );
  });

  it.each([
    ['without the annotation', makeEntity()],
    ['whose annotation enables no area it knows', makeEntity('tracing')],
  ])('leaves the card and the tab out for an entity %s', async (_, entity) => {
    const devopsApi = mockDevopsApi();

    renderTestApp({
      extensions: [
        createTestEntityPage({ entity }),
        coverageCard,
        performanceCard,
        securityCard,
        deploysCard,
        devopsContent,
      ],
      config: enabling(
        'entity-card:devops/coverage',
        'entity-card:devops/performance',
        'entity-card:devops/security',
        'entity-card:devops/deploys',
      ),
      apis: [
        [devopsApiRef, devopsApi],
        [discoveryApiRef, mockApis.discovery()],
        [permissionApiRef, mockApis.permission()],
      ],
    });

    // the test entity page renders this when every card and tab was filtered out
    expect(await screen.findByTestId('empty-entity-page')).toBeInTheDocument();
    expect(screen.queryByText('Coverage & tests')).not.toBeInTheDocument();
    expect(devopsApi.getCoverageSummary).not.toHaveBeenCalled();
    expect(devopsApi.getPerformanceSummary).not.toHaveBeenCalled();
    expect(devopsApi.getSecuritySummary).not.toHaveBeenCalled();
    expect(devopsApi.getDeploysSummary).not.toHaveBeenCalled();
  });

  it('renders the deploys card for an entity whose annotation enables deploy, with the entity as the permission resource', async () => {
    const devopsApi = mockDevopsApi();
    const authorize = jest.fn(() => AuthorizeResult.ALLOW);

    renderTestApp({
      extensions: [
        createTestEntityPage({ entity: makeEntity('deploy') }),
        deploysCard,
        securityCard,
      ],
      config: enabling(
        'entity-card:devops/deploys',
        'entity-card:devops/security',
      ),
      apis: [
        [devopsApiRef, devopsApi],
        [discoveryApiRef, mockApis.discovery()],
        [permissionApiRef, mockApis.permission({ authorize })],
      ],
    });

    expect(
      await screen.findByRole('table', { name: 'Environments' }),
    ).toHaveTextContent('1.4.2');
    expect(devopsApi.getDeploysSummary).toHaveBeenCalledWith({
      kind: 'Component',
      namespace: 'default',
      name: 'payments',
    });
    await waitFor(() =>
      expect(authorize).toHaveBeenCalledWith(
        expect.objectContaining({
          permission: expect.objectContaining({ name: 'devops.deploy.create' }),
          resourceRef: 'component:default/payments',
        }),
      ),
    );
    expect(devopsApi.getSecuritySummary).not.toHaveBeenCalled();
  });

  it('renders the security card for an entity whose annotation enables security, with the entity as the permission resource', async () => {
    const devopsApi = mockDevopsApi();
    const authorize = jest.fn(() => AuthorizeResult.ALLOW);

    renderTestApp({
      extensions: [
        createTestEntityPage({ entity: makeEntity('security') }),
        securityCard,
        coverageCard,
      ],
      config: enabling(
        'entity-card:devops/security',
        'entity-card:devops/coverage',
      ),
      apis: [
        [devopsApiRef, devopsApi],
        [discoveryApiRef, mockApis.discovery()],
        [permissionApiRef, mockApis.permission({ authorize })],
      ],
    });

    expect(
      await screen.findByRole('group', { name: 'SOC 2 score' }),
    ).toHaveTextContent('72.5%');
    expect(devopsApi.getSecuritySummary).toHaveBeenCalledWith(
      { kind: 'Component', namespace: 'default', name: 'payments' },
      { branch: undefined },
    );
    await waitFor(() =>
      expect(authorize).toHaveBeenCalledWith(
        expect.objectContaining({
          permission: expect.objectContaining({
            name: 'devops.security.finding.update',
          }),
          resourceRef: 'component:default/payments',
        }),
      ),
    );
    // the coverage card is filtered out: coverage is not enabled
    expect(screen.queryByText('Coverage & tests')).not.toBeInTheDocument();
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
        [permissionApiRef, mockApis.permission()],
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
      config: enabling(
        'entity-card:devops/coverage',
        'entity-card:devops/performance',
      ),
      apis: [
        [devopsApiRef, devopsApi],
        [discoveryApiRef, mockApis.discovery()],
        [permissionApiRef, mockApis.permission()],
      ],
    });

    expect(await screen.findByText('Performance')).toBeInTheDocument();
    expect(await screen.findByText('180 ms')).toBeInTheDocument();
    expect(devopsApi.getPerformanceSummary).toHaveBeenCalledWith(
      { kind: 'Component', namespace: 'default', name: 'payments' },
      { window: '1h', environment: undefined },
    );
    // the coverage card is filtered out: coverage is not enabled
    expect(screen.queryByText('Coverage & tests')).not.toBeInTheDocument();
    expect(devopsApi.getCoverageSummary).not.toHaveBeenCalled();
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
        [permissionApiRef, mockApis.permission()],
      ],
    });

    expect(await screen.findByText('Performance')).toBeInTheDocument();
    expect(await screen.findByText('180 ms')).toBeInTheDocument();
    expect(screen.queryByText('Coverage & tests')).not.toBeInTheDocument();
  });
});
