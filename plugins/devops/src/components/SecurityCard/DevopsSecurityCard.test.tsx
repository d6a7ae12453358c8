import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  SecuritySummary,
  SECURITY_SEVERITIES,
} from '@devops-growth/backstage-plugin-devops-common';
import {
  makeEmptySecuritySummary,
  makeSecuritySummary,
} from '../../__fixtures__/securitySummary';
import { paymentsRef } from '../../__testUtils__/renderPerformanceCard';
import {
  renderSecurityCard,
  securityApiWith,
} from '../../__testUtils__/renderSecurityCard';

describe('DevopsSecurityCard', () => {
  it('shows progress while the summary loads', async () => {
    const api = securityApiWith(() => new Promise<SecuritySummary>(() => {}));

    await renderSecurityCard(api);

    expect(screen.getByText('Security')).toBeInTheDocument();
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
  });

  it("shows the backend's error", async () => {
    const api = securityApiWith(() =>
      Promise.reject(new Error('No entity component:default/payments')),
    );

    await renderSecurityCard(api);

    expect(
      (await screen.findAllByText(/No entity component:default\/payments/))
        .length,
    ).toBeGreaterThan(0);
    expect(screen.queryByTestId('progress')).not.toBeInTheDocument();
  });

  it('says how to enable the area for an entity whose annotation leaves it out, without asking the backend', async () => {
    const api = securityApiWith(makeSecuritySummary());

    await renderSecurityCard(api, 'coverage');

    expect(
      await screen.findByText(/which does not enable the/),
    ).toBeInTheDocument();
    expect(screen.getByText(/coverage,security/)).toBeInTheDocument();
    expect(api.getSecuritySummary).not.toHaveBeenCalled();
  });

  it('explains how to upload a first scan, and which detectors watch nothing and why', async () => {
    const api = securityApiWith(makeEmptySecuritySummary());

    const { container } = await renderSecurityCard(api);

    expect(await screen.findByText('No security scan yet')).toBeInTheDocument();
    const snippets = container.querySelectorAll('pre');
    const texts = [...snippets].map(s => s.textContent ?? '');
    expect(texts[0]).toContain(
      'https://backstage.example.com/api/devops/reports?entity=component:default/payments&format=sarif',
    );
    expect(texts[0]).toContain('&commit=$GIT_COMMIT&branch=$GIT_BRANCH');
    expect(texts[1]).toContain('secrets.BACKSTAGE_TOKEN');
    expect(texts[2]).toContain('format=modsecurity');
    // never "no threats" for a detector without input
    const detectors = screen.getByRole('list', { name: 'Detectors' });
    expect(within(detectors).getAllByText(/^not monitored: /)).toHaveLength(3);
    expect(
      screen.getByText(
        'No detector watches this entity yet, so nothing can be said about threats.',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText(/No open threats/)).not.toBeInTheDocument();
    // compliance comes from the catalog too: shown before any scan
    expect(
      screen.getByRole('group', { name: 'SOC 2 score' }),
    ).toHaveTextContent('72.5%');
  });

  it('shows findings by severity, the oldest findings, threats with evidence, detectors, scores, recommendations and scan streams', async () => {
    const api = securityApiWith(makeSecuritySummary());

    await renderSecurityCard(api);

    expect(await screen.findByText('Branch main')).toBeInTheDocument();
    expect(api.getSecuritySummary).toHaveBeenCalledWith(paymentsRef, {
      branch: undefined,
    });
    const counts = SECURITY_SEVERITIES.map(
      s =>
        screen.getByRole('group', {
          name: `${s[0].toUpperCase()}${s.slice(1)} findings`,
        }).textContent,
    );
    expect(counts).toEqual([
      expect.stringContaining('1SLA 1 day (default)'),
      expect.stringContaining('3SLA 7 days'),
      expect.stringContaining('5SLA 30 days (app-config)'),
      expect.stringContaining('2SLA 90 days (annotation)'),
    ]);
    expect(
      screen.getByRole('group', { name: 'Findings past SLA' }),
    ).toHaveTextContent('2');
    expect(
      screen.getByRole('img', { name: 'Open findings by severity over time' }),
    ).toBeInTheDocument();

    // stacked rows at the test's card width (800 px), a table on wider cards
    const findings = screen.getByLabelText('Oldest open findings');
    const rows = [...findings.querySelectorAll<HTMLElement>('[data-finding]')];
    expect(rows).toHaveLength(3);
    expect(rows[0]).toHaveTextContent('eval with argument of type Identifier');
    expect(rows[0]).toHaveTextContent(
      'ESLint: security/detect-eval-with-expression',
    );
    expect(rows[0]).toHaveTextContent('src/handlers/report.js:42');
    expect(rows[0]).toHaveTextContent(/breached \d+ d ago/);
    expect(rows[1]).toHaveTextContent('lodash@4.17.11 (fixed in 4.17.12)');
    expect(rows[1]).toHaveTextContent('Open (regression)');
    expect(rows[2]).toHaveTextContent('Accepted risk');
    expect(
      within(rows[2]).getByRole('button', { name: 'Reopen' }),
    ).toBeEnabled();

    const threats = screen.getByRole('list', { name: 'Active threats' });
    expect(threats).toHaveTextContent('Brute force');
    expect(threats).toHaveTextContent(
      '401/403 per minute: 42 req/min (usual 3 req/min)',
    );
    expect(threats).toHaveTextContent("GET /stock?sku=1' OR '1'='1");
    expect(threats).toHaveTextContent('12 events in all');
    expect(screen.getByRole('list', { name: 'Detectors' })).toHaveTextContent(
      'Attacks reported by a WAF or IDS:not monitored: no security events were ever pushed for this entity',
    );
    expect(
      screen.getByRole('list', { name: 'Recently closed threats' }),
    ).toHaveTextContent('Traffic flood');

    expect(screen.getByText(/not\s+certification/)).toBeInTheDocument();
    expect(screen.getByRole('group', { name: 'GDPR score' })).toHaveTextContent(
      'not evaluated',
    );
    expect(
      screen.getByRole('progressbar', { name: 'SOC 2 score' }),
    ).toHaveAttribute('aria-valuenow', '73');
    expect(
      screen.getByRole('list', { name: 'Recommendations' }),
    ).toHaveTextContent('Fix the findings past their SLA');
    const scans = screen.getByRole('table', { name: 'Scan streams' });
    expect(scans).toHaveTextContent('eslint-security');
    expect(scans).toHaveTextContent('abcdef1');
  });

  it('loads another branch from the picker', async () => {
    const api = securityApiWith(async () => makeSecuritySummary());

    await renderSecurityCard(api);
    await userEvent.selectOptions(
      await screen.findByLabelText('Branch'),
      'release/1.2',
    );

    await waitFor(() =>
      expect(api.getSecuritySummary).toHaveBeenLastCalledWith(paymentsRef, {
        branch: 'release/1.2',
      }),
    );
  });

  it('drills down into a framework: failing and not-evaluated controls with their evidence and the score history', async () => {
    const api = securityApiWith(makeSecuritySummary());

    await renderSecurityCard(api);
    await userEvent.click(
      await screen.findByRole('button', { name: 'SOC 2 controls' }),
    );

    const dialog = await screen.findByRole('dialog', {
      name: 'SOC 2 controls',
    });
    expect(api.getComplianceFramework).toHaveBeenCalledWith(
      paymentsRef,
      'soc2',
    );
    const failing = await within(dialog).findByRole('list', {
      name: 'Failing controls',
    });
    expect(failing).toHaveTextContent(
      'CC7.1: Vulnerabilities are found and fixed in time',
    );
    const evidence = within(failing).getByRole('table', {
      name: 'Evidence of CC7.1',
    });
    expect(within(evidence).getAllByRole('row')[1]).toHaveTextContent(
      /No open finding past its SLAFailed2 findings past SLA.*2025/,
    );
    expect(
      within(dialog).getByRole('list', { name: 'Not evaluated' }),
    ).toHaveTextContent(
      /Runbook link in the catalog\s*Not evaluated\s*no runbook link annotation/,
    );
    expect(within(dialog).getByText(/1 control passed/)).toBeInTheDocument();
    expect(
      within(dialog).getByRole('img', { name: 'SOC 2 score over time' }),
    ).toBeInTheDocument();
    expect(within(dialog).getByText(/not\s+certification/)).toBeInTheDocument();

    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Close' }),
    );
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
  });

  it('shows why the drill-down could not load', async () => {
    const api = securityApiWith(makeSecuritySummary(), {
      getComplianceFramework: () =>
        Promise.reject(new Error("Unknown framework 'soc2'")),
    });

    await renderSecurityCard(api);
    await userEvent.click(
      await screen.findByRole('button', { name: 'SOC 2 controls' }),
    );

    expect(
      await screen.findByText(
        "Could not load the controls of SOC 2: Unknown framework 'soc2'",
      ),
    ).toBeInTheDocument();
  });
});
