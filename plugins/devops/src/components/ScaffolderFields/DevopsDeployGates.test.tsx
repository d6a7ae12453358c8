import { screen, waitFor, within } from '@testing-library/react';
import {
  makeDeploysSummary,
  makeDryRun,
} from '../../__fixtures__/deploysSummary';
import { deploysApiWith } from '../../__testUtils__/renderDeploysCard';
import { renderScaffolderField } from '../../__testUtils__/renderScaffolderField';
import { DevopsDeployGates, validateDeployGates } from './DevopsDeployGates';

const chosen = {
  entity: 'component:default/payments',
  environment: 'production',
  version: '1.5.0',
};

const blockedDryRun = makeDryRun({
  allowed: false,
  gates: [
    {
      gate: 'coverage',
      status: 'failed',
      message: 'coverage 61.2 % is under the 80 % gate on main',
    },
    {
      gate: 'security-threats',
      status: 'not-evaluated',
      message: 'the security area is not enabled',
    },
  ],
});

describe('DevopsDeployGates', () => {
  it('shows the gates of the chosen deploy and takes { allowed: true } as its value', async () => {
    const api = deploysApiWith(makeDeploysSummary());
    const { onChange } = renderScaffolderField(DevopsDeployGates, api, {
      values: chosen,
      title: 'Safety gates',
    });

    const section = screen.getByRole('region', { name: 'Safety gates' });
    const gates = await within(section).findByRole('list', {
      name: 'Safety gates',
    });
    expect(gates).toHaveTextContent('Promotion chain');
    expect(gates).toHaveTextContent('staging ran 1.5.0 successfully');
    expect(within(section).getByRole('status')).toHaveTextContent(
      'The gates allow this deploy of 1.5.0 to production.',
    );
    expect(api.dryRunDeploy).toHaveBeenCalledWith(
      { kind: 'component', namespace: 'default', name: 'payments' },
      { action: 'deploy', environment: 'production', version: '1.5.0' },
    );
    // the value follows the answer in an effect after the render that shows it
    await waitFor(() =>
      expect(onChange).toHaveBeenLastCalledWith({
        allowed: true,
        environment: 'production',
        version: '1.5.0',
        failed: [],
        activeDeployId: null,
      }),
    );
  });

  it('says clearly what blocks the deploy, passed, failed and not evaluated gates with their messages', async () => {
    const api = deploysApiWith(makeDeploysSummary(), {
      dryRunDeploy: async () => blockedDryRun,
    });
    const { onChange } = renderScaffolderField(DevopsDeployGates, api, {
      values: chosen,
    });

    const gates = await screen.findByRole('list', { name: 'Safety gates' });
    const coverage = gates.querySelector('[data-gate="coverage"]')!;
    expect(coverage).toHaveTextContent('Failed');
    expect(coverage).toHaveTextContent(
      'coverage 61.2 % is under the 80 % gate on main',
    );
    expect(
      gates.querySelector('[data-gate="security-threats"]'),
    ).toHaveTextContent('Not evaluated');
    expect(screen.getByRole('status')).toHaveTextContent(
      'Failed gates block this deploy in production: coverage.',
    );
    expect(onChange).toHaveBeenLastCalledWith(
      expect.objectContaining({ allowed: false, failed: ['coverage'] }),
    );

    const addError = jest.fn();
    validateDeployGates(onChange.mock.calls.at(-1)[0], { addError }, {});
    expect(addError).toHaveBeenCalledWith(
      expect.stringMatching(/^Failed gates block this deploy in production/),
    );
    const allowBlocked = jest.fn();
    validateDeployGates(
      onChange.mock.calls.at(-1)[0],
      { addError: allowBlocked },
      { uiSchema: { 'ui:options': { allowBlocked: true } } },
    );
    expect(allowBlocked).not.toHaveBeenCalled();
  });

  it('waits for the version of a deploy, then checks again when it changes', async () => {
    const api = deploysApiWith(makeDeploysSummary(), {
      dryRunDeploy: jest.fn(async (_ref, request) =>
        makeDryRun({ version: request.version }),
      ),
    });
    const { onChange, rerender } = renderScaffolderField(
      DevopsDeployGates,
      api,
      { values: { ...chosen, version: undefined } },
    );
    expect(
      screen.getByText(
        "Choose the version (field 'version') first. The gates are checked then.",
      ),
    ).toBeInTheDocument();
    expect(onChange).toHaveBeenLastCalledWith(undefined);

    rerender({ values: chosen });
    expect(
      await screen.findByText(
        'The gates allow this deploy of 1.5.0 to production.',
      ),
    ).toBeInTheDocument();
    rerender({ values: { ...chosen, version: '1.5.1' } });
    expect(
      await screen.findByText(
        'The gates allow this deploy of 1.5.1 to production.',
      ),
    ).toBeInTheDocument();
    expect(api.dryRunDeploy).toHaveBeenCalledTimes(2);
    expect(onChange).toHaveBeenLastCalledWith(
      expect.objectContaining({ version: '1.5.1' }),
    );

    const addError = jest.fn();
    validateDeployGates(undefined, { addError }, {});
    expect(addError).toHaveBeenCalledWith(
      'The gates have not been checked yet: choose the entity, environment and version first.',
    );
  });

  it("checks a rollback without a version (the backend's previous good version) in the fields ui:options names", async () => {
    const api = deploysApiWith(makeDeploysSummary(), {
      dryRunDeploy: jest.fn(async () =>
        makeDryRun({ kind: 'rollback', version: '1.4.1' }),
      ),
    });
    renderScaffolderField(DevopsDeployGates, api, {
      values: { service: 'payments', target: 'production' },
      uiOptions: {
        action: 'rollback',
        entityField: 'service',
        environmentField: 'target',
        versionField: 'rollbackTo',
      },
    });

    expect(
      await screen.findByText(
        'The gates allow this rollback of production to 1.4.1.',
      ),
    ).toBeInTheDocument();
    expect(api.dryRunDeploy).toHaveBeenCalledWith(
      { kind: 'component', namespace: 'default', name: 'payments' },
      { action: 'rollback', environment: 'production' },
    );
  });

  it('shows a deploy in flight as blocking, and a failed dry run', async () => {
    const busy = deploysApiWith(makeDeploysSummary(), {
      dryRunDeploy: async () => makeDryRun({ activeDeployId: 'd9' }),
    });
    const first = renderScaffolderField(DevopsDeployGates, busy, {
      values: chosen,
    });
    expect(
      await screen.findByText(
        'Deploy d9 is in flight in production: wait for it to finish before you deploy.',
      ),
    ).toBeInTheDocument();
    first.unmount();

    renderScaffolderField(
      DevopsDeployGates,
      deploysApiWith(makeDeploysSummary(), {
        dryRunDeploy: async () => {
          throw new Error('backend down');
        },
      }),
      { values: chosen },
    );
    expect(
      await screen.findByText(
        'Could not read the gates of component:default/payments: backend down',
      ),
    ).toBeInTheDocument();
  });
});
