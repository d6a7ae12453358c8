import { screen, waitFor } from '@testing-library/react';
import {
  devopsLoadTestCreatePermission,
  devopsPerformanceTargetsUpdatePermission,
} from '@devops-growth/backstage-plugin-devops-common';
import { makeEntity } from '../../__fixtures__/coverageSummary';
import { makePerformanceSummary } from '../../__fixtures__/performanceSummary';
import {
  performanceApiWith,
  renderPerformanceCard,
} from '../../__testUtils__/renderPerformanceCard';

/*
 * In a file of its own: the permission hook caches decisions for the page's life (a module-level
 * cache), so a denial would leak into the tests of the allowed user.
 */
describe('DevopsPerformanceCard for a user without its permissions', () => {
  it('offers neither action and says why, instead of refusing after the attempt', async () => {
    const api = performanceApiWith(makePerformanceSummary());

    await renderPerformanceCard(makeEntity('performance'), api, {}, [
      devopsLoadTestCreatePermission.name,
      devopsPerformanceTargetsUpdatePermission.name,
    ]);

    // targets: no button, the reason in its place
    expect(await screen.findByTestId('targets-read-only')).toHaveTextContent(
      'Targets are read-only for you (permission devops.performance.targets.update)',
    );
    expect(
      screen.queryByRole('button', { name: 'Edit targets' }),
    ).not.toBeInTheDocument();

    // load tests: the button disabled and described by the reason
    const button = screen.getByRole('button', { name: 'Run load test' });
    await waitFor(() => expect(button).toBeDisabled());
    expect(button).toHaveAccessibleDescription(
      'You may not start load tests of this entity (permission devops.performance.load-test.create).',
    );
    expect(api.startLoadTest).not.toHaveBeenCalled();
  });
});
