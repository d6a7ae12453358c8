import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  devopsDeployCreatePermission,
  devopsDeployGateOverridePermission,
  devopsDeployRollbackPermission,
} from '@devops-growth/backstage-plugin-devops-common';
import {
  makeDeploysSummary,
  makeDryRun,
} from '../../__fixtures__/deploysSummary';
import {
  deploysApiWith,
  renderDeploysCard,
} from '../../__testUtils__/renderDeploysCard';

/*
 * In a file of its own: the permission hook caches decisions for the page's life (a module-level
 * cache), so a denial would leak into the tests of the allowed user.
 */
describe('DevopsDeploysCard for a user without some deploy permissions', () => {
  it('disables Deploy and Roll back with the missing permission as description, and blocks failed gates without the override permission', async () => {
    const api = deploysApiWith(makeDeploysSummary(), {
      dryRunDeploy: async () =>
        makeDryRun({
          kind: 'promote',
          allowed: false,
          gates: [
            {
              gate: 'freeze-window',
              status: 'failed',
              message: 'the December freeze is open',
            },
          ],
        }),
    });
    await renderDeploysCard(api, {
      denied: [
        devopsDeployCreatePermission.name,
        devopsDeployRollbackPermission.name,
        devopsDeployGateOverridePermission.name,
      ],
    });

    const deploy = await screen.findByRole('button', {
      name: 'Deploy production',
    });
    await waitFor(() => expect(deploy).toBeDisabled());
    expect(deploy).toHaveAccessibleDescription(
      'You may not deploy this entity (permission devops.deploy.create).',
    );
    expect(
      screen.getByRole('button', { name: 'Roll back staging' }),
    ).toHaveAccessibleDescription(
      'You may not roll this entity back (permission devops.deploy.rollback).',
    );

    // promotion is allowed; its failed gate cannot be overridden by this user
    await userEvent.click(
      screen.getByRole('button', { name: 'Promote production' }),
    );
    const dialog = screen.getByRole('dialog', { name: 'Promote: production' });
    expect(
      await within(dialog).findByText('the December freeze is open'),
    ).toBeInTheDocument();
    expect(api.dryRunDeploy).toHaveBeenCalledWith(expect.anything(), {
      action: 'promote',
      environment: 'production',
      version: '1.5.0',
    });
    expect(
      within(dialog).queryByLabelText(/Reason to override/),
    ).not.toBeInTheDocument();
    expect(within(dialog).getByRole('alert')).toHaveTextContent(
      'Overriding a gate needs the permission devops.deploy.gate.override',
    );
    expect(
      within(dialog).getByRole('button', { name: 'Confirm promote' }),
    ).toBeDisabled();
    expect(api.promoteDeploy).not.toHaveBeenCalled();
  });
});
