import {
  makeActiveCanary,
  makeDeploy,
  makeDeploysSummary,
  makeSummaryWithPreviews,
} from '../../__fixtures__/deploysSummary';
import { summarizeDeploys } from './summary';

describe('the deploy row of the summary card', () => {
  it('names the deploy in flight', () => {
    const summary = makeDeploysSummary();
    summary.environments[1].active = makeActiveCanary();

    expect(summarizeDeploys(summary)).toEqual({
      state: 'Deploying 1.5.0 to production',
      tone: 'running',
      figure: 'production 1.4.2',
      problem: null,
    });
  });

  it('says how the newest deploy ended, and why when it failed', () => {
    expect(summarizeDeploys(makeDeploysSummary())).toEqual({
      state: 'Last deploy succeeded',
      tone: 'ok',
      figure: 'production 1.4.2',
      problem: null,
    });
    const rolledBack = makeDeploysSummary({
      history: [
        makeDeploy({
          version: '1.5.0',
          status: 'rolled-back',
          outcome: 'canary analysis: error rate regression',
        }),
      ],
    });
    expect(summarizeDeploys(rolledBack)).toEqual(
      expect.objectContaining({
        state: 'Last deploy rolled back',
        tone: 'error',
        problem: '1.5.0 in production: canary analysis: error rate regression',
      }),
    );
  });

  it('says there are no deploys yet', () => {
    const summary = makeDeploysSummary({ history: [] });
    summary.environments.forEach(e => (e.running = null));
    expect(summarizeDeploys(summary)).toEqual({
      state: 'No deploys yet',
      tone: 'neutral',
      figure: null,
      problem: null,
    });
  });

  it('takes the figure from the last configured environment, not from a preview listed after it', () => {
    const summary = makeSummaryWithPreviews();
    expect(summarizeDeploys(summary).figure).toBe('production 1.4.2');
  });
});
