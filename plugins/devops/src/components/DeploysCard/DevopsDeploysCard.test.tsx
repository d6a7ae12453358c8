import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  makeActiveCanary,
  makeDeploy,
  makeDeploysSummary,
  makeDrift,
  makeEntityEnvironment,
  makeSummaryWithPreviews,
} from '../../__fixtures__/deploysSummary';
import {
  deploysApiWith,
  mockSignals,
  renderDeploysCard,
} from '../../__testUtils__/renderDeploysCard';

function summaryWithCanary() {
  const summary = makeDeploysSummary();
  summary.environments[1].active = makeActiveCanary();
  return summary;
}

/** The summary with the previews pr-42 (active) and pr-7 (its teardown failing), timed from now. */
function summaryWithPreviews() {
  return makeSummaryWithPreviews(Date.now());
}

/** The error the client throws for the backend's refusal. */
async function refusal(name: string, message: string, statusCode: number) {
  const { ResponseError } = await import('@backstage/errors');
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({ error: { name, message }, response: { statusCode } }),
      { status: statusCode, headers: { 'Content-Type': 'application/json' } },
    ),
  );
}

async function environmentRow(name: string) {
  const table = await screen.findByRole('table', { name: 'Environments' });
  return within(table)
    .getAllByRole('row')
    .find(row => row.getAttribute('data-environment') === name)!;
}

describe('DevopsDeploysCard', () => {
  it('shows what each environment runs, the canary in flight, DORA figures and history', async () => {
    const api = deploysApiWith(summaryWithCanary());

    await renderDeploysCard(api, { signals: mockSignals().api });

    const environments = await screen.findByRole('table', {
      name: 'Environments',
    });
    const production = within(environments)
      .getAllByRole('row')
      .find(row => row.getAttribute('data-environment') === 'production')!;
    expect(production).toHaveTextContent('1.4.2');
    expect(production).toHaveTextContent('Canary 10 → 25 → 50 → 100 %');
    expect(production).toHaveTextContent('Running: 1.5.0');
    // in flight: only Abort
    expect(
      within(production).getByRole('button', { name: 'Abort production' }),
    ).toBeEnabled();
    expect(
      within(production).queryByRole('button', { name: 'Deploy production' }),
    ).not.toBeInTheDocument();

    const inFlight = screen.getByRole('group', {
      name: 'Deploy of 1.5.0 to production',
    });
    const steps = within(inFlight).getByRole('list', {
      name: 'Canary steps of 1.5.0',
    });
    expect(
      within(steps)
        .getAllByRole('listitem')
        .map(li => li.textContent),
    ).toEqual([
      '10 % (done)',
      '25 % (current)',
      '50 % (pending)',
      '100 % (pending)',
    ]);
    const analysis = within(inFlight).getByRole('table', {
      name: 'Analysis of 1.5.0 in production',
    });
    const cells = (metric: string) =>
      within(within(analysis).getByRole('row', { name: new RegExp(metric) }))
        .getAllByRole('cell')
        .map(c => c.textContent);
    // the error rate as its test compared it: pooled errors over requests
    expect(cells('Error rate')).toEqual(
      expect.arrayContaining([
        '0.40 %3 of 750 requests',
        '0.50 %4 of 800 requests',
      ]),
    );
    expect(cells('P95 latency')).toEqual(
      expect.arrayContaining([
        '310 msmedian of 30 samples',
        '205 msmedian of 30 samples',
      ]),
    );
    expect(analysis).toHaveTextContent('p = 0.002');
    expect(analysis).toHaveTextContent('Fail');

    const frequency = screen.getByRole('group', {
      name: 'Deployment frequency',
    });
    expect(frequency).toHaveTextContent('5.6 a week');
    expect(frequency).toHaveTextContent('High tier');
    expect(frequency).toHaveTextContent('Up from 3.5 a week');

    // a table, or stacked rows on a narrow card
    const history = screen.getByLabelText('Deploy history');
    expect(history).toHaveTextContent('1.4.1 → 1.4.2');
    expect(history).toHaveTextContent('jane.doe');
    expect(history).toHaveTextContent('abcdef1');
    expect(history).toHaveTextContent('Errors +0.20 pp, P95 +15 %');
    expect(history).toHaveTextContent('canary analysis: error rate regression');
  });

  it('switches the DORA tiles to 90 days and to another environment', async () => {
    await renderDeploysCard(deploysApiWith(makeDeploysSummary()));

    const frequency = await screen.findByRole('group', {
      name: 'Deployment frequency',
    });
    expect(
      screen.getByText(
        '24 deploys to production in the last 30 days: 21 succeeded, 3 failed changes',
      ),
    ).toBeInTheDocument();
    await userEvent.selectOptions(screen.getByLabelText('Window'), '90 days');
    expect(
      screen.getByText(
        '60 deploys to production in the last 90 days: 60 succeeded, no failed change',
      ),
    ).toBeInTheDocument();
    expect(frequency).toHaveTextContent('Down from 4.9 a week');
    await userEvent.selectOptions(
      screen.getByLabelText('Environment'),
      'staging',
    );
    expect(
      screen.getByText(
        '90 deploys to staging in the last 90 days: 85 succeeded, 6 failed changes',
      ),
    ).toBeInTheDocument();
  });

  it('deploys after showing the gates dry run, then re-reads the card', async () => {
    const started = makeDeploy({
      id: 'd10',
      version: '1.5.0',
      status: 'queued',
    });
    const api = deploysApiWith(makeDeploysSummary(), {
      startDeploy: async () => started,
    });
    await renderDeploysCard(api);

    await userEvent.click(
      await screen.findByRole('button', { name: 'Deploy production' }),
    );
    const dialog = screen.getByRole('dialog', { name: 'Deploy: production' });
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Check gates' }),
    );
    expect(
      within(dialog).getByLabelText(/Version/),
    ).toHaveAccessibleDescription('Enter a valid version first');
    expect(api.dryRunDeploy).not.toHaveBeenCalled();

    await userEvent.type(within(dialog).getByLabelText(/Version/), '1.5.0');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Check gates' }),
    );
    const gates = await within(dialog).findByRole('list', { name: 'Gates' });
    expect(gates).toHaveTextContent('Promotion chain');
    expect(gates).toHaveTextContent('staging ran 1.5.0 successfully');
    expect(api.dryRunDeploy).toHaveBeenCalledWith(
      { kind: 'Component', namespace: 'default', name: 'payments' },
      { action: 'deploy', environment: 'production', version: '1.5.0' },
    );
    expect(api.startDeploy).not.toHaveBeenCalled();

    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Confirm deploy' }),
    );

    expect(
      await screen.findByText('Deploy of 1.5.0 to production started.'),
    ).toBeInTheDocument();
    expect(api.startDeploy).toHaveBeenCalledWith(
      expect.anything(),
      expect.objectContaining({ environment: 'production', version: '1.5.0' }),
    );
    const key = api.startDeploy.mock.calls[0][1].idempotencyKey;
    expect(key).toEqual(expect.any(String));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    await waitFor(() => expect(api.getDeploysSummary).toHaveBeenCalledTimes(2));
  });

  it('asks a reason for each failed gate it overrides and shows the refusal of the backend', async () => {
    const conflict = await refusal(
      'ConflictError',
      'Deploy d9 of 1.5.0 is already running in production',
      409,
    );
    const api = deploysApiWith(makeDeploysSummary(), {
      dryRunDeploy: async () => ({
        ...(await import('../../__fixtures__/deploysSummary')).makeDryRun({
          version: '1.6.0',
          allowed: false,
        }),
        gates: [
          {
            gate: 'promotion-chain',
            status: 'failed',
            message: 'staging has not run 1.6.0',
          },
        ],
      }),
      startDeploy: async () => {
        throw conflict;
      },
    });
    await renderDeploysCard(api);

    await userEvent.click(
      await screen.findByRole('button', { name: 'Deploy production' }),
    );
    const dialog = screen.getByRole('dialog');
    await userEvent.type(within(dialog).getByLabelText(/Version/), '1.6.0');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Check gates' }),
    );
    expect(
      await within(dialog).findByText('staging has not run 1.6.0'),
    ).toBeInTheDocument();

    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Confirm deploy' }),
    );
    expect(
      within(dialog).getByLabelText(/Reason to override/),
    ).toHaveAccessibleDescription('A reason is required to override this gate');
    expect(api.startDeploy).not.toHaveBeenCalled();

    await userEvent.type(
      within(dialog).getByLabelText(/Reason to override/),
      'hotfix',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Confirm deploy' }),
    );
    expect(
      await within(dialog).findByText(
        'Could not start: Deploy d9 of 1.5.0 is already running in production',
      ),
    ).toBeInTheDocument();
    expect(api.startDeploy.mock.calls[0][1].overrides).toEqual([
      { gate: 'promotion-chain', reason: 'hotfix' },
    ]);
  });

  it('re-reads the card on every message of the entity deploy channel', async () => {
    const signals = mockSignals();
    const api = deploysApiWith(makeDeploysSummary());
    await renderDeploysCard(api, { signals: signals.api });
    await screen.findByRole('table', { name: 'Environments' });
    expect(signals.channels()).toEqual([
      'devops:deploys:component:default/payments',
    ]);

    signals.publish('devops:deploys:component:default/payments', {
      deployId: 'd9',
      environment: 'production',
      status: 'running',
      phase: 'step',
    });
    await waitFor(() => expect(api.getDeploysSummary).toHaveBeenCalledTimes(2));
    signals.publish('devops:deploys:component:default/payments', {
      deployId: 'd9',
      environment: 'production',
      status: 'succeeded',
      phase: 'done',
    });
    await waitFor(() => expect(api.getDeploysSummary).toHaveBeenCalledTimes(3));
  });

  it('polls every 5 seconds while a deploy is in flight when the app has no signals', async () => {
    const api = deploysApiWith(summaryWithCanary());
    await renderDeploysCard(api);

    expect(
      await screen.findByText(
        'Refreshes every 5 seconds while a deploy is in flight',
      ),
    ).toBeInTheDocument();
    expect(api.getDeploysSummary).toHaveBeenCalledTimes(1);
    await waitFor(
      () => expect(api.getDeploysSummary).toHaveBeenCalledTimes(2),
      {
        timeout: 7000,
      },
    );
  }, 15000);

  it('lists the events of a deploy in its details', async () => {
    const api = deploysApiWith(makeDeploysSummary());
    await renderDeploysCard(api);

    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Details of 1.4.1 → 1.4.2 in production',
      }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Deploy of 1.4.2 to production',
    });
    const events = within(dialog).getByRole('table', { name: 'Deploy events' });
    expect(events).toHaveTextContent('deploy.sh: replaced 1.4.1 with 1.4.2');
    expect(api.getDeploy).toHaveBeenCalledWith('d1');
  });

  it('shows how to configure environments when there are none', async () => {
    await renderDeploysCard(
      deploysApiWith(makeDeploysSummary({ environments: [] })),
    );

    expect(
      await screen.findByText(/No deploy environment is configured/),
    ).toBeInTheDocument();
  });

  it('shows the missing-annotation state without the deploy area', async () => {
    const api = deploysApiWith(makeDeploysSummary());
    await renderDeploysCard(api, { monitoring: 'performance' });

    expect(screen.getByText(/does not enable the/)).toHaveTextContent(
      'does not enable the deploy area',
    );
    expect(api.getDeploysSummary).not.toHaveBeenCalled();
  });

  it('shows the error of a failed load', async () => {
    await renderDeploysCard(
      deploysApiWith(async () => {
        throw new Error('backend down');
      }),
    );
    expect((await screen.findAllByText(/backend down/))[0]).toBeInTheDocument();
  });

  it('shows a preview with its base, target and time to live, and a failing teardown as a warning', async () => {
    await renderDeploysCard(deploysApiWith(summaryWithPreviews()));

    const pr42 = await environmentRow('pr-42');
    expect(within(pr42).getByText('preview')).toBeInTheDocument();
    expect(pr42).toHaveTextContent(
      'based on staging, target payments-pr-42, expires in 2 d',
    );
    expect(pr42).toHaveTextContent('1.6.0-pr42');
    expect(
      within(pr42).getByRole('button', { name: 'Delete pr-42' }),
    ).toBeEnabled();

    const pr7 = await environmentRow('pr-7');
    const teardown = within(pr7).getByTestId('teardown');
    expect(teardown).toHaveTextContent(
      /^Tearing down \(attempt 3, last error: teardown\.sh exited with 1: namespace payments-pr-7 is locked, next try in 4 min; deleted by jane\.doe: “merged”\)$/,
    );
    // the warning's icon and colour: an MUI warning alert
    expect(teardown).toHaveClass('MuiAlert-standardWarning');
    // nothing to do while it tears down
    expect(within(pr7).queryAllByRole('button')).toHaveLength(0);
    // the configured environments cannot be deleted
    expect(
      screen.queryByRole('button', { name: 'Delete production' }),
    ).not.toBeInTheDocument();
  });

  it('deletes a preview after confirmation with a reason, then re-reads the card', async () => {
    const summary = summaryWithPreviews();
    const api = deploysApiWith(summary, {
      deleteEnvironment: async () =>
        makeEntityEnvironment({ status: 'tearing-down' }),
    });
    await renderDeploysCard(api);

    await userEvent.click(
      within(await environmentRow('pr-42')).getByRole('button', {
        name: 'Delete pr-42',
      }),
    );
    const dialog = screen.getByRole('dialog', {
      name: 'Delete environment pr-42',
    });
    expect(dialog).toHaveTextContent(
      'pr-42 (target payments-pr-42, based on staging) is torn down',
    );
    expect(api.deleteEnvironment).not.toHaveBeenCalled();
    await userEvent.type(
      within(dialog).getByLabelText('Reason (optional)'),
      'PR merged',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Delete environment' }),
    );

    expect(
      await screen.findByText(
        'pr-42 is being torn down; the card shows how the teardown goes.',
      ),
    ).toBeInTheDocument();
    expect(api.deleteEnvironment).toHaveBeenCalledWith(
      { kind: 'Component', namespace: 'default', name: 'payments' },
      'pr-42',
      'PR merged',
    );
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    await waitFor(() => expect(api.getDeploysSummary).toHaveBeenCalledTimes(2));
  });

  it("keeps the delete dialog open with the backend's refusal", async () => {
    const conflict = await refusal(
      'ConflictError',
      'pr-42 has a deploy in flight',
      409,
    );
    const api = deploysApiWith(summaryWithPreviews(), {
      deleteEnvironment: async () => {
        throw conflict;
      },
    });
    await renderDeploysCard(api);

    await userEvent.click(
      await screen.findByRole('button', { name: 'Delete pr-42' }),
    );
    const dialog = screen.getByRole('dialog');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Delete environment' }),
    );
    expect(
      await within(dialog).findByText(
        'Could not delete: pr-42 has a deploy in flight',
      ),
    ).toBeInTheDocument();
    expect(api.deleteEnvironment).toHaveBeenCalledWith(
      expect.anything(),
      'pr-42',
      undefined,
    );
  });

  it('shows an open drift on its environment with the evidence', async () => {
    const summary = makeDeploysSummary();
    summary.environments[1].drift = makeDrift({
      actual: { version: null, healthy: false, message: 'no pods found' },
    });
    await renderDeploysCard(deploysApiWith(summary));

    const production = await environmentRow('production');
    const drift = within(production).getByTestId('drift');
    expect(drift).toHaveClass('MuiAlert-standardWarning');
    expect(drift).toHaveTextContent(
      'Drift: the provider reports nothing running, the last successful deploy left 1.4.2',
    );
    expect(drift).toHaveTextContent('Expected 1.4.2, left by deploy d1 at');
    expect(drift).toHaveTextContent('Provider message: no pods found');
    expect(drift).toHaveTextContent(/Detected .+, last checked .+\./);
    expect(
      within(await environmentRow('staging')).queryByTestId('drift'),
    ).not.toBeInTheDocument();
  });

  it('aborts the deploy in flight with a reason, then re-reads the card', async () => {
    const api = deploysApiWith(summaryWithCanary(), {
      abortDeploy: async () =>
        makeActiveCanary({ status: 'rolling-back', phase: 'rollback' }),
    });
    await renderDeploysCard(api, { signals: mockSignals().api });

    await userEvent.click(
      await screen.findByRole('button', { name: 'Abort production' }),
    );
    const dialog = screen.getByRole('dialog', {
      name: 'Abort: 1.5.0 to production',
    });
    expect(dialog).toHaveTextContent('production goes back to 1.4.2');
    await userEvent.type(
      within(dialog).getByLabelText('Reason (optional)'),
      'wrong build',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Abort deploy' }),
    );

    expect(
      await screen.findByText(
        'Deploy of 1.5.0 to production aborted; it is being rolled back.',
      ),
    ).toBeInTheDocument();
    expect(api.abortDeploy).toHaveBeenCalledWith('d9', 'wrong build');
    await waitFor(() => expect(api.getDeploysSummary).toHaveBeenCalledTimes(2));
  });
});
