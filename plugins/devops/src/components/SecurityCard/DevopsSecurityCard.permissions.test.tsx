import { screen, waitFor, within } from '@testing-library/react';
import {
  devopsSecurityFindingUpdatePermission,
  devopsSecurityThreatUpdatePermission,
} from '@devops-growth/backstage-plugin-devops-common';
import { makeSecuritySummary } from '../../__fixtures__/securitySummary';
import {
  renderSecurityCard,
  securityApiWith,
} from '../../__testUtils__/renderSecurityCard';

/*
 * In a file of its own: the permission hook caches decisions for the page's life (a module-level
 * cache), so a denial would leak into the tests of the allowed user.
 */
describe('DevopsSecurityCard for a user without the status permissions', () => {
  it('keeps the status buttons visible but disabled, described by the missing permission', async () => {
    const api = securityApiWith(makeSecuritySummary());

    await renderSecurityCard(api, 'security', [
      devopsSecurityFindingUpdatePermission.name,
      devopsSecurityThreatUpdatePermission.name,
    ]);

    const table = await screen.findByLabelText('Oldest open findings');
    const accept = within(table).getAllByRole('button', {
      name: 'Accept risk',
    })[0];
    await waitFor(() => expect(accept).toBeDisabled());
    expect(accept).toHaveAccessibleDescription(
      "You may not change the status of this entity's findings (permission devops.security.finding.update).",
    );
    for (const button of within(table).getAllByRole('button')) {
      expect(button).toBeDisabled();
    }

    const threats = screen.getByRole('list', { name: 'Active threats' });
    const acknowledge = within(threats).getByRole('button', {
      name: 'Acknowledge',
    });
    expect(acknowledge).toBeDisabled();
    expect(acknowledge).toHaveAccessibleDescription(
      "You may not change the status of this entity's threats (permission devops.security.threat.update).",
    );
    // the compliance drill-down is a read: still open to the user
    expect(
      screen.getByRole('button', { name: 'SOC 2 controls' }),
    ).toBeEnabled();
    expect(api.updateFindingStatus).not.toHaveBeenCalled();
  });
});
