import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { SecurityFindingsOptions } from '../../api';
import {
  acceptedFinding,
  makeFinding,
  makeSecuritySummary,
} from '../../__fixtures__/securitySummary';
import { paymentsRef } from '../../__testUtils__/renderPerformanceCard';
import {
  renderSecurityCard,
  securityApiWith,
} from '../../__testUtils__/renderSecurityCard';
import { describePage } from './FindingsBrowser';

/** 25 open findings and the accepted one; answers pages as the backend does. */
function findingsApi() {
  let accepted = [acceptedFinding];
  const open = Array.from({ length: 25 }, (_, i) =>
    makeFinding({ id: `o${i}`, title: `Open finding ${i + 1}` }),
  );
  return securityApiWith(makeSecuritySummary(), {
    getSecurityFindings: async (
      _ref,
      options: SecurityFindingsOptions = {},
    ) => {
      const all = [...open, ...accepted].filter(
        f => !options.status || options.status.includes(f.status),
      );
      const offset = options.offset ?? 0;
      return {
        items: all.slice(offset, offset + (options.limit ?? 50)),
        total: all.length,
      };
    },
    updateFindingStatus: async id => {
      accepted = accepted.filter(f => f.id !== id);
      return { finding: makeFinding({ id, status: 'open' }) };
    },
  });
}

describe('DevopsSecurityCard: all findings', () => {
  it('pages through the open findings, then reopens an accepted risk', async () => {
    const api = findingsApi();

    await renderSecurityCard(api);
    await userEvent.click(
      await screen.findByRole('button', { name: 'All findings' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Findings on main',
    });
    expect(
      await within(dialog).findByText('Open findings: 1–20 of 25'),
    ).toBeInTheDocument();
    expect(api.getSecurityFindings).toHaveBeenLastCalledWith(paymentsRef, {
      branch: 'main',
      status: ['open'],
      severity: undefined,
      limit: 20,
      offset: 0,
    });
    expect(
      within(dialog).getByRole('button', { name: 'Previous page' }),
    ).toBeDisabled();

    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Next page' }),
    );
    expect(
      await within(dialog).findByText('Open findings: 21–25 of 25'),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByRole('button', { name: 'Next page' }),
    ).toBeDisabled();

    await userEvent.selectOptions(
      within(dialog).getByLabelText('Severity'),
      'Critical',
    );
    await waitFor(() =>
      expect(api.getSecurityFindings).toHaveBeenLastCalledWith(
        paymentsRef,
        expect.objectContaining({ severity: ['critical'], offset: 0 }),
      ),
    );

    await userEvent.selectOptions(
      within(dialog).getByLabelText('Status'),
      'Accepted risk',
    );
    expect(
      await within(dialog).findByText('Accepted risk findings: 1–1 of 1'),
    ).toBeInTheDocument();
    const row = within(
      dialog.querySelector('[data-finding="f3"]') as HTMLElement,
    );
    expect(row.getByText(/Paths come from our own config/)).toBeInTheDocument();
    await userEvent.click(row.getByRole('button', { name: 'Reopen' }));

    const reopen = await screen.findByRole('dialog', {
      name: 'Reopen: finding',
    });
    await userEvent.click(within(reopen).getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(api.updateFindingStatus).toHaveBeenCalledWith('f3', {
        status: 'open',
      }),
    );
    // the page is read again: the reopened finding left the accepted ones
    expect(
      await within(dialog).findByText('Accepted risk findings: none'),
    ).toBeInTheDocument();
  });
});

describe('describePage', () => {
  it('says which findings the page shows', () => {
    expect(describePage(0, 20, 57)).toBe('1–20 of 57');
    expect(describePage(40, 17, 57)).toBe('41–57 of 57');
    expect(describePage(0, 0, 0)).toBe('none');
  });
});
