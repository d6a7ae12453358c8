import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ResponseError } from '@backstage/errors';
import {
  makeDeploysSummary,
  makeSummaryWithPreviews,
} from '../../__fixtures__/deploysSummary';
import { deploysApiWith } from '../../__testUtils__/renderDeploysCard';
import { renderScaffolderField } from '../../__testUtils__/renderScaffolderField';
import { DevopsEnvironmentPicker } from './DevopsEnvironmentPicker';

const payments = { entity: 'component:default/payments' };

function optionTexts(select: HTMLElement) {
  return [...(select as HTMLSelectElement).options].map(o => o.textContent);
}

describe('DevopsEnvironmentPicker', () => {
  it("lists the entity's configured environments and its active previews, and writes the chosen name", async () => {
    const api = deploysApiWith(makeSummaryWithPreviews(Date.now()));
    const { onChange } = renderScaffolderField(DevopsEnvironmentPicker, api, {
      values: payments,
      title: 'Environment',
    });

    const select = screen.getByLabelText(/Environment/);
    expect(select).toBeDisabled();
    expect(select).toHaveAccessibleDescription(
      'Loading the environments of component:default/payments…',
    );
    await waitFor(() => expect(select).toBeEnabled());
    expect(optionTexts(select)).toEqual([
      'Choose an environment',
      'staging',
      'production',
      'pr-42 (preview based on staging)',
    ]);
    expect(api.getDeploysSummary).toHaveBeenCalledWith({
      kind: 'component',
      namespace: 'default',
      name: 'payments',
    });

    await userEvent.selectOptions(select, 'pr-42');
    expect(onChange).toHaveBeenLastCalledWith('pr-42');
    expect(select).toHaveValue('pr-42');
  });

  it('reads the entity from the field ui:options.entityField names, and forgets a choice the next entity lacks', async () => {
    const api = deploysApiWith(async () => makeDeploysSummary(), {
      getDeploysSummary: jest.fn(async ref =>
        ref.name === 'payments'
          ? makeSummaryWithPreviews(Date.now())
          : makeDeploysSummary(),
      ),
    });
    const { onChange, rerender } = renderScaffolderField(
      DevopsEnvironmentPicker,
      api,
      {
        values: { service: 'payments' },
        uiOptions: { entityField: 'service' },
      },
    );
    const select = screen.getByRole('combobox');
    await waitFor(() => expect(select).toBeEnabled());
    await userEvent.selectOptions(select, 'pr-42');

    rerender({
      values: { service: 'component:default/orders' },
      uiOptions: { entityField: 'service' },
    });
    await waitFor(() => expect(onChange).toHaveBeenLastCalledWith(undefined));
    expect(optionTexts(select)).toEqual([
      'Choose an environment',
      'staging',
      'production',
    ]);
    expect(api.getDeploysSummary).toHaveBeenLastCalledWith({
      kind: 'component',
      namespace: 'default',
      name: 'orders',
    });
  });

  it('asks for the entity first', () => {
    const api = deploysApiWith(makeDeploysSummary());
    renderScaffolderField(DevopsEnvironmentPicker, api, { values: {} });

    expect(screen.getByRole('combobox')).toHaveAccessibleDescription(
      "Choose the entity (field 'entity') first.",
    );
    expect(api.getDeploysSummary).not.toHaveBeenCalled();
  });

  it('shows why an entity without deploys has no environment', async () => {
    const refusal = await ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: {
            name: 'InputError',
            message:
              'component:default/docs does not enable the deploy area: add deploy to its annotation devops-growth.io/monitoring',
          },
          response: { statusCode: 400 },
        }),
        { status: 400, headers: { 'Content-Type': 'application/json' } },
      ),
    );
    renderScaffolderField(
      DevopsEnvironmentPicker,
      deploysApiWith(async () => {
        throw refusal;
      }),
      { values: { entity: 'component:default/docs' } },
    );

    const select = screen.getByRole('combobox');
    await waitFor(() =>
      expect(select).toHaveAccessibleDescription(
        'Could not read the deploy environments of component:default/docs: component:default/docs does not enable the deploy area: add deploy to its annotation devops-growth.io/monitoring',
      ),
    );
    expect(select).toBeDisabled();
    expect(select).toHaveAttribute('aria-invalid', 'true');
  });

  it('says when the entity has no environment configured', async () => {
    renderScaffolderField(
      DevopsEnvironmentPicker,
      deploysApiWith(makeDeploysSummary({ environments: [] })),
      { values: payments },
    );

    await waitFor(() =>
      expect(screen.getByRole('combobox')).toHaveAccessibleDescription(
        /^component:default\/payments has no deploy environment: list them under devops\.deploys\.environments/,
      ),
    );
  });

  it('offers only the per-entity environments with onlyPerEntity, and says when there is none', async () => {
    const { rerender } = renderScaffolderField(
      DevopsEnvironmentPicker,
      deploysApiWith(async () => makeDeploysSummary(), {
        getDeploysSummary: jest.fn(async ref =>
          ref.name === 'payments'
            ? makeSummaryWithPreviews(Date.now())
            : makeDeploysSummary(),
        ),
      }),
      { values: payments, uiOptions: { onlyPerEntity: true } },
    );

    const select = screen.getByRole('combobox');
    await waitFor(() => expect(select).toBeEnabled());
    expect(optionTexts(select)).toEqual([
      'Choose an environment',
      'pr-42 (preview based on staging)',
    ]);

    rerender({
      values: { entity: 'component:default/orders' },
      uiOptions: { onlyPerEntity: true },
    });
    await waitFor(() =>
      expect(select).toHaveAccessibleDescription(
        'component:default/orders has no environment created for it (only those can be chosen here).',
      ),
    );
  });
});
