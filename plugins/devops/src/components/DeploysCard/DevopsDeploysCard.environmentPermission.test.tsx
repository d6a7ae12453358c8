import { screen, waitFor } from '@testing-library/react';
import { devopsDeployEnvironmentPermission } from '@devops-growth/backstage-plugin-devops-common';
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
 * decisions for the page's life, so an allowed environment in another test would hide this denial.
 */
describe('DevopsDeploysCard for a user without devops.deploy.environment.staging', () => {
  it("disables staging's actions and those of a preview based on it (Delete too), saying why once per row; production stays enabled", async () => {
    const summary = makeDeploysSummary();
    summary.environments.push(
      makeEntityEnvironmentState(makeEntityEnvironment({}, Date.now())),
    );
    await renderDeploysCard(deploysApiWith(summary), {
      denied: [devopsDeployEnvironmentPermission('staging').name],
    });

    const why =
      'You may not deploy to, roll back or abort in staging (permission devops.deploy.environment.staging).';
    for (const name of ['Deploy staging', 'Roll back staging']) {
      const button = await screen.findByRole('button', { name });
      await waitFor(() => expect(button).toBeDisabled());
      expect(button).toHaveAccessibleDescription(why);
    }
    // the preview: deploying into it and deleting it both act in staging's provider
    const whyPreview =
      'You may not deploy to, roll back, abort in or delete pr-42, which is based on staging (permission devops.deploy.environment.staging).';
    for (const name of ['Deploy pr-42', 'Delete pr-42']) {
      const button = await screen.findByRole('button', { name });
      await waitFor(() => expect(button).toBeDisabled());
      expect(button).toHaveAccessibleDescription(whyPreview);
    }
    expect(screen.getAllByText(why)).toHaveLength(1);
    expect(screen.getAllByText(whyPreview)).toHaveLength(1);
    expect(
      screen.getByRole('button', { name: 'Deploy production' }),
    ).toBeEnabled();
  });
});
