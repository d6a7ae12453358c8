import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Entity } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import { CoverageSummary } from '@devops-growth/backstage-plugin-devops-common';
import { DevopsApi } from '../../api';
import { renderCard as renderInApp } from '../../__testUtils__/renderCard';
import {
  makeEmptySummary,
  makeEntity,
  makeSummary,
  mockDevopsApi,
} from '../../__fixtures__/coverageSummary';
import { DevopsCoverageCard } from './DevopsCoverageCard';

async function renderCard(entity: Entity, devopsApi: DevopsApi) {
  return renderInApp(<DevopsCoverageCard />, entity, devopsApi);
}

function figure(label: string) {
  return within(screen.getByRole('group', { name: `${label} coverage` }));
}

describe('DevopsCoverageCard', () => {
  it('shows a progress indicator while loading', async () => {
    const api = mockDevopsApi(() => new Promise<CoverageSummary>(() => {}));

    await renderCard(makeEntity('coverage'), api);

    expect(screen.getByText('Coverage & tests')).toBeInTheDocument();
    expect(screen.getByTestId('progress')).toBeInTheDocument();
    expect(api.getCoverageSummary).toHaveBeenCalledWith(
      { kind: 'Component', namespace: 'default', name: 'payments' },
      { report: undefined, branch: undefined },
    );
  });

  it('shows the backend error', async () => {
    const response = new Response(
      JSON.stringify({
        error: { name: 'NotFoundError', message: 'Unknown entity payments' },
        request: { method: 'GET', url: '/coverage' },
        response: { statusCode: 404 },
      }),
      { status: 404, headers: { 'Content-Type': 'application/json' } },
    );
    const error = await ResponseError.fromResponse(response);
    const api = mockDevopsApi(() => Promise.reject(error));

    await renderCard(makeEntity('coverage'), api);

    expect(
      (await screen.findAllByText(/Unknown entity payments/)).length,
    ).toBeGreaterThan(0);
    expect(screen.queryByTestId('progress')).not.toBeInTheDocument();
  });

  it('explains how to upload reports from CI when there are none', async () => {
    const api = mockDevopsApi(async () => makeEmptySummary());

    await renderCard(makeEntity('enabled'), api);

    expect(
      await screen.findByText('No coverage or test reports yet'),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(
        screen.getAllByText(
          /https:\/\/backstage\.example\.com\/api\/devops\/reports\?format=lcov&name=unit/,
        ).length,
      ).toBeGreaterThan(0),
    );
    expect(screen.getAllByText(/format=junit/).length).toBeGreaterThan(0);
    expect(
      screen.getAllByText(/entity=component:default\/payments/).length,
    ).toBeGreaterThan(0);
  });

  it('shows the missing annotation state without the monitoring annotation', async () => {
    const api = mockDevopsApi(async () => makeSummary());

    await renderCard(makeEntity(), api);

    expect(screen.getByText(/Missing Annotation/i)).toBeInTheDocument();
    expect(
      screen.getAllByText(/devops-growth\.io\/monitoring/).length,
    ).toBeGreaterThan(0);
    expect(api.getCoverageSummary).not.toHaveBeenCalled();
  });

  it('shows the missing annotation state when the annotation does not enable coverage', async () => {
    const api = mockDevopsApi(async () => makeSummary());

    await renderCard(makeEntity('deploy,security'), api);

    expect(screen.getByText(/Missing Annotation/i)).toBeInTheDocument();
    expect(screen.getByText('deploy,security')).toBeInTheDocument();
    expect(api.getCoverageSummary).not.toHaveBeenCalled();
  });

  it('shows the coverage figures with their deltas, a metric not in the report and the gate', async () => {
    const api = mockDevopsApi(async () => makeSummary());

    await renderCard(makeEntity('coverage'), api);

    expect(await screen.findByText('85.3%')).toBeInTheDocument();
    expect(figure('Lines').getByText('853 of 1000')).toBeInTheDocument();
    expect(figure('Lines').getByText('+1.3 pp')).toBeInTheDocument();
    expect(figure('Branches').getByText('60.0%')).toBeInTheDocument();
    expect(figure('Branches').getByText('-2.0 pp')).toBeInTheDocument();
    expect(figure('Functions').getByText('unchanged')).toBeInTheDocument();
    expect(figure('Statements').getByText('not in report')).toBeInTheDocument();
    expect(figure('Statements').queryByText('0.0%')).not.toBeInTheDocument();

    expect(screen.getByText('Gate passed')).toBeInTheDocument();
    expect(
      screen.getByText('lines ≥ 80.0% (app-config), actual 85.3%'),
    ).toBeInTheDocument();
    expect(screen.getByText('Report "unit" on main')).toBeInTheDocument();
  });

  it('says "no previous report" for the first report', async () => {
    const summary = makeSummary();
    const api = mockDevopsApi(async () => ({
      ...summary,
      coverage: { ...summary.coverage, previousReportId: null },
    }));

    await renderCard(makeEntity('coverage'), api);

    await screen.findByText('853 of 1000');
    expect(figure('Lines').getByText('no previous report')).toBeInTheDocument();
  });

  it('draws the coverage trend with the gate as a reference line', async () => {
    const api = mockDevopsApi(async () => makeSummary());

    await renderCard(makeEntity('coverage'), api);

    const chart = await screen.findByRole('img', { name: 'Coverage trend' });
    expect(within(chart).getByText('Gate 80.0%')).toBeInTheDocument();
    expect(within(chart).getByText('100%')).toBeInTheDocument();
    expect(within(chart).getByText('0%')).toBeInTheDocument();
    expect(chart.querySelectorAll('.recharts-line')).toHaveLength(3);
  });

  it('charts the pass rate of the recent runs', async () => {
    const summary = makeSummary();
    const api = mockDevopsApi(async () => ({
      ...summary,
      tests: {
        ...summary.tests,
        trend: [
          {
            reportId: 'r1',
            createdAt: '2026-11-20T10:00:00Z',
            commitSha: 'a',
            passRate: 100,
            total: 10,
          },
          {
            reportId: 'r2',
            createdAt: '2026-11-21T10:00:00Z',
            commitSha: 'b',
            passRate: 90,
            total: 10,
          },
          {
            reportId: 'r3',
            createdAt: '2026-11-22T10:00:00Z',
            commitSha: 'c',
            passRate: null,
            total: 0,
          },
          {
            reportId: 'r4',
            createdAt: '2026-11-23T10:00:00Z',
            commitSha: 'd',
            passRate: 95,
            total: 20,
          },
        ],
      },
    }));

    await renderCard(makeEntity('coverage'), api);

    const chart = await screen.findByRole('img', { name: 'Pass-rate trend' });
    expect(chart.querySelectorAll('.recharts-line')).toHaveLength(1);
    // the run without executed tests has no pass rate and no dot
    expect(chart.querySelectorAll('.recharts-line-dot')).toHaveLength(3);
  });

  it('lists the least covered files of the latest report', async () => {
    const summary = makeSummary();
    const api = mockDevopsApi(async () => ({
      ...summary,
      coverage: {
        ...summary.coverage,
        leastCoveredFiles: [
          { path: 'src/dead.ts', lines: 0, linesTotal: 40 },
          { path: 'src/config.ts', lines: 62.5, linesTotal: 8 },
          { path: 'src/types.ts', lines: null, linesTotal: 0 },
        ],
      },
    }));

    await renderCard(makeEntity('coverage'), api);

    const table = await screen.findByRole('table', {
      name: 'Least covered files',
    });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map(r => r.textContent)).toEqual([
      'src/dead.ts400.0%',
      'src/config.ts862.5%',
      'src/types.ts0no line data',
    ]);
  });

  it('shows the latest test run, flaky tests, slowest tests and recommendations', async () => {
    const api = mockDevopsApi(async () => makeSummary());

    await renderCard(makeEntity('coverage'), api);

    expect(await screen.findByText('96.5%')).toBeInTheDocument();
    expect(screen.getByText('Failed: 5')).toBeInTheDocument();
    expect(screen.getByText('Skipped: 10')).toBeInTheDocument();
    expect(screen.getByText('1234567')).toBeInTheDocument();

    const flaky = within(screen.getByRole('table', { name: 'Flaky tests' }));
    expect(flaky.getByText('retries a declined card')).toBeInTheDocument();
    expect(flaky.getByText('same commit')).toBeInTheDocument();
    expect(flaky.getByText('flipping')).toBeInTheDocument();
    expect(flaky.getByText('2 failed / 3 passed, 3 flips')).toBeInTheDocument();

    const slowest = within(
      screen.getByRole('table', { name: 'Slowest tests' }),
    );
    expect(slowest.getByText('end to end purchase')).toBeInTheDocument();
    expect(slowest.getByText('12.4 s')).toBeInTheDocument();

    const list = screen.getByRole('list', { name: 'Recommendations' });
    const items = Array.from(
      list.querySelectorAll<HTMLElement>('[data-recommendation]'),
    );
    expect(items.map(item => item.dataset.recommendation)).toEqual([
      'tests.flaky',
      'tests.slow',
    ]);
    expect(within(items[0]).getByText('high')).toBeInTheDocument();
    expect(within(items[0]).getByText('Fix flaky tests')).toBeInTheDocument();
    expect(within(items[0]).getByText('Runs examined:')).toBeInTheDocument();
  });

  it('offers pickers when there are several report names or branches, and reloads on change', async () => {
    const api = mockDevopsApi(async (_ref, options) =>
      makeSummary({
        reportName: options?.report ?? 'unit',
        branch: options?.branch ?? 'main',
        available: { reportNames: ['unit', 'e2e'], branches: ['main', 'dev'] },
      }),
    );

    await renderCard(makeEntity('coverage'), api);

    const reportPicker = await screen.findByLabelText('Report');
    const branchPicker = screen.getByLabelText('Branch');
    expect(reportPicker).toHaveValue('unit');
    expect(branchPicker).toHaveValue('main');
    expect(screen.queryByRole('option', { name: /all branches/i })).toBeNull();

    await userEvent.selectOptions(reportPicker, 'e2e');
    await waitFor(() =>
      expect(api.getCoverageSummary).toHaveBeenLastCalledWith(
        expect.anything(),
        { report: 'e2e' },
      ),
    );
    expect(await screen.findByText('Report "e2e" on main')).toBeInTheDocument();

    await userEvent.selectOptions(screen.getByLabelText('Branch'), 'dev');
    await waitFor(() =>
      expect(api.getCoverageSummary).toHaveBeenLastCalledWith(
        expect.anything(),
        { report: 'e2e', branch: 'dev' },
      ),
    );
  });

  it('hides the pickers when there is a single report name and branch', async () => {
    const api = mockDevopsApi(async () => makeSummary());

    await renderCard(makeEntity('coverage'), api);

    await screen.findByText('853 of 1000');
    expect(screen.queryByLabelText('Report')).not.toBeInTheDocument();
    expect(screen.queryByLabelText('Branch')).not.toBeInTheDocument();
  });
});
