import {
  DEPLOYS_NOW,
  makeActiveCanary,
  makeDeploy,
  makeDeploysSummary,
  makeDrift,
  makeEntityEnvironment,
  makeEntityEnvironmentState,
  makeFailingTeardown,
  makeSummaryWithPreviews,
  makeVerdict,
} from '../../__fixtures__/deploysSummary';
import { formatDateTime } from '../shared';
import {
  activeDeploys,
  environmentActions,
  expiryText,
  lastConfiguredEnvironment,
  teardownText,
  toDriftView,
  formatPValue,
  gatesSummary,
  impactText,
  progressText,
  strategyLabel,
  toEnvironmentViews,
  toHistoryRow,
  toStepViews,
  toVerdictRows,
  verdictHeading,
} from './model';

describe('Deploys card model', () => {
  it('names strategies with their canary steps', () => {
    expect(strategyLabel('canary', [10, 25, 100])).toBe(
      'Canary 10 → 25 → 100 %',
    );
    expect(strategyLabel('blue-green', [])).toBe('Blue-green');
    expect(strategyLabel('rolling', [])).toBe('Rolling');
  });

  it('shows what each environment runs and what can be promoted into it', () => {
    const views = toEnvironmentViews(makeDeploysSummary(), DEPLOYS_NOW);

    expect(views.map(v => [v.name, v.running, v.strategy])).toEqual([
      ['staging', '1.5.0', 'Rolling'],
      ['production', '1.4.2', 'Canary 10 → 25 → 50 → 100 %'],
    ]);
    // staging runs 1.5.0, production 1.4.2: production can take 1.5.0 from staging
    expect(views[1].promotable).toBe('1.5.0');
    expect(views[0].promotable).toBeNull();
    expect(environmentActions(views[0])).toEqual(['deploy', 'rollback']);
    expect(environmentActions(views[1])).toEqual([
      'deploy',
      'promote',
      'rollback',
    ]);
  });

  it('offers only Abort while a deploy is in flight, and nothing to roll back to on a fresh environment', () => {
    const summary = makeDeploysSummary();
    summary.environments[1].active = makeActiveCanary();
    summary.environments[0].running = null;
    const views = toEnvironmentViews(summary, DEPLOYS_NOW);

    expect(views[0].running).toBe('Nothing deployed yet');
    expect(environmentActions(views[0])).toEqual(['deploy']);
    expect(environmentActions(views[1])).toEqual(['abort']);
    expect(activeDeploys(summary).map(d => d.id)).toEqual(['d9']);
  });

  it('marks the canary steps done, current and pending', () => {
    const steps = toStepViews(makeActiveCanary());

    expect(steps.map(s => s.state)).toEqual([
      'done',
      'current',
      'pending',
      'pending',
    ]);
    expect(steps[1].label).toBe('Step 2: 25 % (current)');
    expect(
      toStepViews(makeActiveCanary({ status: 'succeeded', stepIndex: 3 })).map(
        s => s.state,
      ),
    ).toEqual(['done', 'done', 'done', 'done']);
    expect(toStepViews(makeDeploy())).toEqual([]);
  });

  it('says where a deploy stands', () => {
    expect(progressText(makeActiveCanary())).toBe(
      'Analysing canary: step 2 of 4, 25 % of traffic on 1.5.0',
    );
    expect(
      progressText(
        makeDeploy({
          strategy: 'blue-green',
          colour: 'green',
          phase: 'switch',
          status: 'running',
        }),
      ),
    ).toBe('Switching traffic: green serves traffic');
    expect(
      progressText(
        makeActiveCanary({ phase: 'step', stepIndex: 2, weight: 25 }),
      ),
    ).toBe('Setting traffic weight: step 3 of 4, from 25 to 50 % on 1.5.0');
    expect(progressText(makeDeploy({ phase: 'health' }))).toBe(
      'Waiting for health',
    );
  });

  it('lays out each metric of a verdict: the compared values with what they stand on, p-value, verdict', () => {
    const rows = toVerdictRows(makeVerdict());

    expect(rows).toEqual([
      // the error rate its test compared: pooled errors over pooled requests, not the median of
      // the per-sample rates (0 here, as most samples saw no error)
      expect.objectContaining({
        metric: 'Error rate',
        canary: '0.40 %',
        canaryDetail: '3 of 750 requests',
        baseline: '0.50 %',
        baselineDetail: '4 of 800 requests',
        pValue: 'p = 0.410',
        verdict: 'Pass',
        tone: 'ok',
      }),
      expect.objectContaining({
        metric: 'P95 latency',
        canary: '310 ms',
        canaryDetail: 'median of 30 samples',
        baseline: '205 ms',
        baselineDetail: 'median of 30 samples',
        pValue: 'p = 0.002',
        verdict: 'Fail',
        tone: 'error',
      }),
    ]);
    // a verdict without counts (no request rates, or stored before they existed): the median
    const [old] = toVerdictRows(
      makeVerdict({
        metrics: [
          {
            ...makeVerdict().metrics[0],
            canary: { samples: 1, median: 0.4 },
            baseline: { samples: 5, median: 0.5 },
          },
        ],
      }),
    );
    expect(old).toMatchObject({
      canary: '0.40 %',
      canaryDetail: 'median of 1 sample',
      baseline: '0.50 %',
      baselineDetail: 'median of 5 samples',
    });
    expect(verdictHeading(makeVerdict())).toBe(
      'Step 2, interval 2: wait for more data',
    );
    expect(
      verdictHeading(
        makeVerdict({ step: null, decision: 'rollback', reason: 'errors' }),
      ),
    ).toBe('Interval 2: roll back');
  });

  it('writes p-values the way papers do', () => {
    expect(formatPValue(0.0004)).toBe('p < 0.001');
    expect(formatPValue(0.05)).toBe('p = 0.050');
    expect(formatPValue(null)).toBe('–');
  });

  it('counts gate results, failures first', () => {
    expect(
      gatesSummary([
        { gate: 'coverage', status: 'passed', message: '' },
        { gate: 'compliance', status: 'overridden', message: '' },
        { gate: 'freeze-window', status: 'passed', message: '' },
      ]),
    ).toBe('1 overridden, 2 passed');
    expect(gatesSummary([])).toBe('No gates');
  });

  it('writes the performance impact with signs, or nothing without data', () => {
    expect(impactText(makeDeploy().impact)).toBe('Errors +0.20 pp, P95 +15 %');
    expect(impactText(null)).toBeNull();
    expect(
      impactText({
        ...makeDeploy().impact!,
        errorRateDeltaPoints: -0.5,
        p95ChangePercent: null,
      }),
    ).toBe('Errors -0.50 pp');
  });

  it('turns a deploy into a history row', () => {
    expect(toHistoryRow(makeDeploy(), DEPLOYS_NOW)).toEqual(
      expect.objectContaining({
        version: '1.4.1 → 1.4.2',
        author: 'jane.doe',
        commit: 'abcdef1',
        strategy: 'Rolling',
        duration: '4 min',
        status: 'Succeeded',
        tone: 'ok',
        outcome: 'all phases completed',
        gates: '1 passed, 1 not evaluated',
        impact: 'Errors +0.20 pp, P95 +15 %',
      }),
    );
    const running = toHistoryRow(makeActiveCanary(), DEPLOYS_NOW);
    expect(running.duration).toBe('9 min 58 s so far');
    expect(running.impact).toBe('No data');
    const rolledBack = makeDeploysSummary().history[2];
    expect(toHistoryRow(rolledBack, DEPLOYS_NOW)).toEqual(
      expect.objectContaining({
        status: 'Rolled back',
        tone: 'error',
        outcome: 'canary analysis: error rate regression',
      }),
    );
  });

  describe('per-entity environments', () => {
    function summaryWithPreviews() {
      const summary = makeSummaryWithPreviews();
      // a third preview, kept until deleted, before the failing teardown
      summary.environments.splice(
        3,
        0,
        makeEntityEnvironmentState(
          makeEntityEnvironment({ name: 'demo', expiresAt: null }),
        ),
      );
      return summary;
    }

    it('shows the base, target and time to live of a preview, and offers Delete', () => {
      const views = toEnvironmentViews(summaryWithPreviews(), DEPLOYS_NOW);
      const [staging, production, pr42, demo] = views;

      expect(staging.preview).toBeNull();
      expect(production.preview).toBeNull();
      expect(pr42.preview).toEqual({
        status: 'active',
        basedOn: 'staging',
        target: 'payments-pr-42',
        expiry: 'expires in 2 d',
        teardown: null,
        teardownFailing: false,
      });
      expect(demo.preview?.expiry).toBe('no time to live');
      expect(environmentActions(pr42)).toEqual([
        'deploy',
        'rollback',
        'delete',
      ]);
      expect(environmentActions(demo)).toEqual(['deploy', 'delete']);
      // configured environments are never deleted from the card
      expect(environmentActions(production)).not.toContain('delete');
    });

    it('shows a failing teardown with its attempt, error and next try, and offers nothing to do', () => {
      const [, , , , pr7] = toEnvironmentViews(
        summaryWithPreviews(),
        DEPLOYS_NOW,
      );

      expect(pr7.preview?.teardown).toBe(
        'Tearing down (attempt 3, last error: teardown.sh exited with 1: namespace payments-pr-7 is locked, next try in 4 min; deleted by jane.doe: “merged”)',
      );
      expect(pr7.preview?.teardownFailing).toBe(true);
      expect(environmentActions(pr7)).toEqual([]);
    });

    it('words each stage of a teardown', () => {
      const expired = makeEntityEnvironment({
        status: 'tearing-down',
        teardown: {
          cause: 'expired',
          requestedBy: 'devops:teardown',
          requestedAt: '2025-03-10T11:59:00Z',
          reason: null,
          attempts: 0,
          lastAttemptAt: null,
          lastError: null,
          nextAttemptAt: '2025-03-10T12:00:40Z',
          finishedAt: null,
        },
      });
      expect(teardownText(expired, DEPLOYS_NOW)).toBe(
        'Tearing down (expired; first attempt in 1 min)',
      );
      // the next attempt is overdue: the task runs it on its next round
      expect(
        teardownText(makeFailingTeardown(), DEPLOYS_NOW + 3_600_000),
      ).toContain('next try now');
      expect(
        teardownText(
          makeEntityEnvironment({ status: 'torn-down' }),
          DEPLOYS_NOW,
        ),
      ).toBe('Torn down');
      expect(teardownText(makeEntityEnvironment(), DEPLOYS_NOW)).toBeNull();
    });

    it('counts the time to live down in its largest unit', () => {
      expect(expiryText('2025-03-10T12:30:00Z', DEPLOYS_NOW)).toBe(
        'expires in 30 min',
      );
      expect(expiryText('2025-03-10T17:59:00Z', DEPLOYS_NOW)).toBe(
        'expires in 5 h',
      );
      expect(expiryText('2025-03-10T11:00:00Z', DEPLOYS_NOW)).toBe('expired');
      expect(expiryText(null, DEPLOYS_NOW)).toBe('no time to live');
    });

    it('takes the last configured environment as the end of the chain, never a preview', () => {
      expect(lastConfiguredEnvironment(summaryWithPreviews())?.name).toBe(
        'production',
      );
      expect(
        lastConfiguredEnvironment(makeDeploysSummary({ environments: [] })),
      ).toBeUndefined();
    });
  });

  describe('drift', () => {
    it('shows what the provider reports against what the last successful deploy left, with the evidence', () => {
      const summary = makeDeploysSummary();
      summary.environments[1].drift = makeDrift();
      const [staging, production] = toEnvironmentViews(summary, DEPLOYS_NOW);

      expect(staging.drift).toBeNull();
      expect(production.drift).toEqual({
        title:
          'Drift: the provider reports 1.4.1 (unhealthy), the last successful deploy left 1.4.2',
        evidence: [
          `Expected 1.4.2, left by deploy d1 at ${formatDateTime(
            '2025-03-10T10:04:05Z',
          )}.`,
          'The provider reports 1.4.1, unhealthy.',
          'Provider message: replica set payments-7f9c runs image payments:1.4.1',
          `Detected ${formatDateTime(
            '2025-03-10T11:30:00Z',
          )}, last checked ${formatDateTime('2025-03-10T11:55:00Z')}.`,
        ],
      });
    });

    it('says when nothing runs, and shows nothing once resolved', () => {
      const nothing = toDriftView(
        makeDrift({ actual: { version: null, healthy: false, message: null } }),
      );
      expect(nothing?.title).toBe(
        'Drift: the provider reports nothing running, the last successful deploy left 1.4.2',
      );
      expect(nothing?.evidence).toHaveLength(3);
      expect(nothing?.evidence[1]).toBe(
        'The provider reports nothing running.',
      );
      expect(
        toDriftView(makeDrift({ resolvedAt: '2025-03-10T11:58:00Z' })),
      ).toBeNull();
      expect(toDriftView(null)).toBeNull();
    });
  });
});
