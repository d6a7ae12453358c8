import {
  makeDeploysSummary,
  makeDora,
} from '../../__fixtures__/deploysSummary';
import {
  doraCountsText,
  doraEnvironments,
  findDora,
  formatFrequency,
  formatHours,
  toDoraTiles,
} from './dora';

describe('DORA tiles', () => {
  it('says deploy frequency per day, week or month', () => {
    expect(formatFrequency(2.5)).toBe('2.5 a day');
    expect(formatFrequency(3 / 7)).toBe('3 a week');
    expect(formatFrequency(0.04)).toBe('1.2 a month');
  });

  it('says durations in minutes, hours or days', () => {
    expect(formatHours(0.75)).toBe('45 min');
    expect(formatHours(20)).toBe('20 h');
    expect(formatHours(84)).toBe('3.5 days');
  });

  it('judges each trend by the direction that is better for the metric', () => {
    const tiles = toDoraTiles(makeDora());

    expect(tiles.map(t => [t.label, t.value, t.tier])).toEqual([
      ['Deployment frequency', '5.6 a week', 'High'],
      ['Lead time for changes', '20 h', 'High'],
      ['Change failure rate', '12.5%', 'Elite'],
      ['Time to restore', 'No data', null],
    ]);
    // more deploys: better; shorter lead time: better; more failures: worse
    expect(tiles.map(t => [t.trend, t.trendTone])).toEqual([
      ['Up from 3.5 a week', 'ok'],
      ['Down from 30 h', 'ok'],
      ['Up from 10.0%', 'error'],
      ['No earlier window to compare', 'neutral'],
    ]);
    expect(tiles[3].measured).toBe(false);
  });

  it('says the counts behind the change failure rate, as the history shows them', () => {
    // the demo's first half hour: 1.0.0 pushed, 1.1.0 succeeded, 1.3.0-bad rolled back
    expect(
      doraCountsText(
        makeDora({ deployments: 2, changes: 3, failedChanges: 1 }),
      ),
    ).toBe(
      '3 deploys to production in the last 30 days: 2 succeeded, 1 failed change',
    );
    // a succeeded deploy an incident is tied to is both
    expect(
      doraCountsText(
        makeDora({ deployments: 1, changes: 1, failedChanges: 1 }),
      ),
    ).toBe(
      '1 deploy to production in the last 30 days: 1 succeeded, 1 failed change',
    );
    expect(
      doraCountsText(
        makeDora({
          environment: 'staging',
          windowDays: 90,
          deployments: 0,
          changes: 0,
          failedChanges: 0,
        }),
      ),
    ).toBe('0 deploys to staging in the last 90 days');
  });

  it('finds the figures of an environment and window', () => {
    const { dora } = makeDeploysSummary();

    expect(doraEnvironments(dora)).toEqual(['production', 'staging']);
    expect(findDora(dora, 'staging', 90)?.changes).toBe(90);
    expect(findDora(dora, 'qa', 30)).toBeUndefined();
  });
});
