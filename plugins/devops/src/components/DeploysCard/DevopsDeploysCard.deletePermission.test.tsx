import { screen, waitFor } from '@testing-library/react';
import { devopsEnvironmentDeletePermission } from '@devops-growth/backstage-plugin-devops-common';
import {
  makeDeploysSummary,
  makeEntityEnvironment,
  makeEntityEnvironmentState,
} from '../../__fixtures__/deploysSummary';
import {
  deploysApiWith,
  renderDeploysCard,
} from '../../__testUtils__/renderDeploysCard';

/*
 * In a file of its own, like DevopsDeploysCard.permissions.test.tsx: the permission hook caches
 * decisions for the page's life, so an allowed delete in another test would hide this denial.
 */
describe('DevopsDeploysCard for a user without devops.environment.delete', () => {
  it('disables Delete on a preview without devops.environment.delete, saying why', async () => {
    const summary = makeDeploysSummary();
    summary.environments.push(
      makeEntityEnvironmentState(makeEntityEnvironment({}, Date.now())),
    );
    const api = deploysApiWith(summary);
    await renderDeploysCard(api, {
      denied: [devopsEnvironmentDeletePermission.name],
    });

    const remove = await screen.findByRole('button', { name: 'Delete pr-42' });
    await waitFor(() => expect(remove).toBeDisabled());
    expect(remove).toHaveAccessibleDescription(
      "You may not delete this entity's environments (permission devops.environment.delete).",
    );
    expect(screen.getByRole('button', { name: 'Deploy pr-42' })).toBeEnabled();
  });
});
