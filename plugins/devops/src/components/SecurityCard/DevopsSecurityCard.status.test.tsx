import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  makeFinding,
  makeSecuritySummary,
  makeThreat,
} from '../../__fixtures__/securitySummary';
import { responseError } from '../../__testUtils__/renderPerformanceCard';
import {
  renderSecurityCard,
  securityApiWith,
} from '../../__testUtils__/renderSecurityCard';

const DAY = 24 * 3600_000;

/** The row of the oldest-findings table holding `finding`. */
async function findingRow(id: string) {
  const table = await screen.findByLabelText('Oldest open findings');
  const row = table.querySelector(`[data-finding="${id}"]`);
  expect(row).not.toBeNull();
  return within(row as HTMLElement);
}

describe('DevopsSecurityCard status changes', () => {
  it('accepts a risk with a reason until 30 days from now by default, then refreshes the card and says so', async () => {
    let status: 'open' | 'accepted' = 'open';
    const api = securityApiWith(
      async () =>
        makeSecuritySummary({
          findings: {
            ...makeSecuritySummary().findings,
            oldest: [makeFinding({ status })],
          },
        }),
      {
        updateFindingStatus: async (_id, change) => {
          status = change.status as 'accepted';
          return { finding: makeFinding({ status }) };
        },
      },
    );

    await renderSecurityCard(api);
    const row = await findingRow('f1');
    await userEvent.click(row.getByRole('button', { name: 'Accept risk' }));
    const dialog = await screen.findByRole('dialog', {
      name: 'Accept risk: finding',
    });
    const expiry = within(dialog).getByLabelText(/Accepted until/);
    const expected = new Date(Date.now() + 30 * DAY);
    expect(expiry).toHaveValue(
      `${expected.getFullYear()}-${String(expected.getMonth() + 1).padStart(
        2,
        '0',
      )}-${String(expected.getDate()).padStart(2, '0')}`,
    );

    // the reason is required: nothing is sent without one
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(
      await within(dialog).findByText('Say why the risk is acceptable'),
    ).toBeInTheDocument();
    expect(api.updateFindingStatus).not.toHaveBeenCalled();

    await userEvent.type(
      within(dialog).getByLabelText(/Reason/),
      'Only reachable from the VPN',
    );
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));

    await waitFor(() => expect(api.updateFindingStatus).toHaveBeenCalled());
    const [id, change] = api.updateFindingStatus.mock.calls[0];
    expect(id).toBe('f1');
    expect(change).toMatchObject({
      status: 'accepted',
      reason: 'Only reachable from the VPN',
    });
    const expires = Date.parse((change as { expiresAt: string }).expiresAt);
    expect(expires - Date.now()).toBeGreaterThan(29.9 * DAY);
    expect(expires - Date.now()).toBeLessThan(31.1 * DAY);

    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(await screen.findByRole('status')).toHaveTextContent(
      'Finding “eval with argument of type Identifier” is now accepted risk.',
    );
    // the summary is read again and shows the new status
    expect(api.getSecuritySummary).toHaveBeenCalledTimes(2);
    expect(
      (await findingRow('f1')).getByRole('button', { name: 'Reopen' }),
    ).toBeInTheDocument();
  });

  it("shows the backend's 400 message and keeps the dialog open", async () => {
    const api = securityApiWith(makeSecuritySummary(), {
      updateFindingStatus: async () => {
        throw await responseError(
          400,
          'InputError',
          'expiresAt must lie at most a year ahead',
        );
      },
    });

    await renderSecurityCard(api);
    await userEvent.click(
      (await findingRow('f1')).getByRole('button', { name: 'False positive' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'False positive: finding',
    });
    expect(within(dialog).queryByLabelText(/Accepted until/)).toBeNull();
    await userEvent.type(within(dialog).getByLabelText(/Reason/), 'test data');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));

    expect(
      await within(dialog).findByText(
        'Could not change the status: expiresAt must lie at most a year ahead',
      ),
    ).toBeInTheDocument();
    expect(api.updateFindingStatus).toHaveBeenCalledWith('f1', {
      status: 'false-positive',
      reason: 'test data',
    });
    expect(api.getSecuritySummary).toHaveBeenCalledTimes(1);
  });

  it('acknowledges a threat without a reason, and names the permission on a 403', async () => {
    const api = securityApiWith(makeSecuritySummary(), {
      updateThreatStatus: jest
        .fn()
        .mockResolvedValueOnce({
          threat: makeThreat({ status: 'acknowledged' }),
        })
        .mockRejectedValueOnce(
          await responseError(403, 'NotAllowedError', 'Unauthorized'),
        ),
    });

    await renderSecurityCard(api);
    const threats = await screen.findByRole('list', { name: 'Active threats' });
    const bruteForce = within(
      threats.querySelector('[data-threat="t1"]') as HTMLElement,
    );
    await userEvent.click(
      bruteForce.getByRole('button', { name: 'Acknowledge' }),
    );
    let dialog = await screen.findByRole('dialog', {
      name: 'Acknowledge: threat',
    });
    expect(
      within(dialog).getByLabelText(/Reason \(optional\)/),
    ).toBeInTheDocument();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(api.updateThreatStatus).toHaveBeenCalledWith('t1', {
        status: 'acknowledged',
      }),
    );
    expect(await screen.findByRole('status')).toHaveTextContent(
      /^Threat “Brute force, production, since .+” is now acknowledged\.$/,
    );

    await userEvent.click(
      within(
        (
          await screen.findByRole('list', { name: 'Active threats' })
        ).querySelector('[data-threat="t2"]') as HTMLElement,
      ).getByRole('button', { name: 'Mitigated' }),
    );
    dialog = await screen.findByRole('dialog', { name: 'Mitigated: threat' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(
      await within(dialog).findByText(
        "Could not change the status: You are not allowed to change the status of this entity's threats (permission devops.security.threat.update).",
      ),
    ).toBeInTheDocument();
  });
});
