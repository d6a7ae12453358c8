import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { makeDeploysSummary } from '../../__fixtures__/deploysSummary';
import { deploysApiWith } from '../../__testUtils__/renderDeploysCard';
import { renderScaffolderField } from '../../__testUtils__/renderScaffolderField';
import { formatDateTime } from '../shared';
import { DevopsVersionPicker, validateVersion } from './DevopsVersionPicker';

const chosen = {
  entity: 'component:default/payments',
  environment: 'production',
};

const versions = (available: string[] | null) => async () => ({
  environment: 'production',
  available,
  succeeded: [
    { version: '1.4.2', deployId: 'd1', at: '2025-03-10T10:04:05Z' },
    { version: '1.3.9', deployId: 'd-2', at: '2025-03-01T08:00:00Z' },
    { version: '1.4.1', deployId: 'd0', at: '2025-03-09T10:12:00Z' },
  ],
});

function optionTexts(select: HTMLElement) {
  return [...(select as HTMLSelectElement).options].map(o => o.textContent);
}

describe('DevopsVersionPicker', () => {
  it("offers the provider's versions of the chosen environment to deploy", async () => {
    const api = deploysApiWith(makeDeploysSummary(), {
      getDeployVersions: jest.fn(versions(['1.5.0', '1.4.2'])),
    });
    const { onChange } = renderScaffolderField(DevopsVersionPicker, api, {
      values: chosen,
    });

    const select = screen.getByRole('combobox');
    expect(select).toHaveAccessibleDescription(
      'Loading the versions of production…',
    );
    await waitFor(() => expect(select).toBeEnabled());
    expect(optionTexts(select)).toEqual(['Choose a version', '1.5.0', '1.4.2']);
    expect(api.getDeployVersions).toHaveBeenCalledWith(
      { kind: 'component', namespace: 'default', name: 'payments' },
      'production',
    );
    // a deploy does not need what runs now
    expect(api.getDeploysSummary).not.toHaveBeenCalled();
    await userEvent.selectOptions(select, '1.5.0');
    expect(onChange).toHaveBeenLastCalledWith('1.5.0');
  });

  it('takes free text, checked, when the provider cannot list versions', async () => {
    const api = deploysApiWith(makeDeploysSummary(), {
      getDeployVersions: jest.fn(versions(null)),
    });
    const { onChange } = renderScaffolderField(DevopsVersionPicker, api, {
      values: chosen,
    });

    const input = await screen.findByRole('textbox');
    expect(input).toHaveAccessibleDescription(
      'The provider of production does not list versions: type the version to deploy.',
    );
    await userEvent.type(input, '1.6.0-rc.1');
    expect(onChange).toHaveBeenLastCalledWith('1.6.0-rc.1');
    expect(input).not.toHaveAttribute('aria-invalid', 'true');

    await userEvent.clear(input);
    await userEvent.type(input, '../1.6');
    expect(input).toHaveAttribute('aria-invalid', 'true');
    expect(input).toHaveAccessibleDescription(/^version must be 1-128 letters/);

    const addError = jest.fn();
    validateVersion('../1.6', { addError });
    expect(addError).toHaveBeenCalledWith(
      expect.stringMatching(/^version must be 1-128 letters/),
    );
    validateVersion('1.6.0', { addError });
    expect(addError).toHaveBeenCalledTimes(1);
  });

  it('offers the earlier good versions to roll back to, newest first, labelled with date and deploy, without the running one', async () => {
    const api = deploysApiWith(makeDeploysSummary(), {
      getDeployVersions: jest.fn(versions(['1.5.0'])),
    });
    const { onChange } = renderScaffolderField(DevopsVersionPicker, api, {
      values: chosen,
      uiOptions: { mode: 'rollback' },
    });

    const select = screen.getByLabelText(/Version to roll back to/);
    await waitFor(() => expect(select).toBeEnabled());
    // production runs 1.4.2 (the fixture's summary)
    expect(optionTexts(select)).toEqual([
      'Choose a version',
      `1.4.1 (deployed ${formatDateTime('2025-03-09T10:12:00Z')}, deploy d0)`,
      `1.3.9 (deployed ${formatDateTime('2025-03-01T08:00:00Z')}, deploy d-2)`,
    ]);
    await userEvent.selectOptions(select, '1.4.1');
    expect(onChange).toHaveBeenLastCalledWith('1.4.1');
  });

  it('says when there is nothing to roll back to', async () => {
    const api = deploysApiWith(makeDeploysSummary(), {
      getDeployVersions: jest.fn(async () => ({
        environment: 'production',
        available: null,
        succeeded: [
          { version: '1.4.2', deployId: 'd1', at: '2025-03-10T10:04:05Z' },
        ],
      })),
    });
    renderScaffolderField(DevopsVersionPicker, api, {
      values: chosen,
      uiOptions: { mode: 'rollback' },
    });

    await waitFor(() =>
      expect(screen.getByRole('combobox')).toHaveAccessibleDescription(
        'production has no earlier successful version to roll back to.',
      ),
    );
    expect(screen.getByRole('combobox')).toBeDisabled();
  });

  it('reads the fields ui:options names, asks for the environment first, and shows a failed read', async () => {
    const api = deploysApiWith(makeDeploysSummary(), {
      getDeployVersions: jest.fn(async () => {
        throw new Error('backend down');
      }),
    });
    const { rerender } = renderScaffolderField(DevopsVersionPicker, api, {
      values: { service: 'payments' },
      uiOptions: { entityField: 'service', environmentField: 'target' },
    });
    expect(screen.getByRole('combobox')).toHaveAccessibleDescription(
      "Choose the environment (field 'target') first.",
    );
    expect(api.getDeployVersions).not.toHaveBeenCalled();

    rerender({
      values: { service: 'payments', target: 'staging' },
      uiOptions: { entityField: 'service', environmentField: 'target' },
    });
    await waitFor(() =>
      expect(screen.getByRole('combobox')).toHaveAccessibleDescription(
        'Could not read the versions of staging of component:default/payments: backend down',
      ),
    );
  });
});
