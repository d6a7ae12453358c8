import { PerformanceWindow } from '@devops-growth/backstage-plugin-devops-common';
import {
  makePerformancePoint,
  makePerformanceSummary,
} from '../../__fixtures__/performanceSummary';
import {
  loadOpeningSummary,
  readSessionWindow,
  storeSessionWindow,
  WINDOW_STORAGE_KEY,
} from './window';

function summaryWith(window: PerformanceWindow, points: number) {
  return makePerformanceSummary({
    window,
    series: Array.from({ length: points }, (_, i) => makePerformancePoint(i)),
  });
}

describe('loadOpeningSummary', () => {
  it('opens on the hour when it holds a few points', async () => {
    const load = jest.fn(async (w: PerformanceWindow) => summaryWith(w, 40));
    const summary = await loadOpeningSummary(load);
    expect(summary.window).toBe('1h');
    expect(load.mock.calls).toEqual([['1h']]);
  });

  it('steps to longer windows until one holds enough points', async () => {
    // collection stopped two hours ago: the last hour is empty, the day holds 12 points
    const points: Record<PerformanceWindow, number> = {
      '1h': 0,
      '24h': 12,
      '7d': 12,
      '30d': 12,
    };
    const load = jest.fn(async (w: PerformanceWindow) =>
      summaryWith(w, points[w]),
    );
    const summary = await loadOpeningSummary(load);
    expect(summary.window).toBe('24h');
    expect(load.mock.calls).toEqual([['1h'], ['24h']]);
  });

  it('opens on the fullest window, the shorter on a tie, when none holds enough', async () => {
    // a service's first minutes: two raw samples, no roll-ups yet for 7 d and 30 d
    const first: Record<PerformanceWindow, number> = {
      '1h': 2,
      '24h': 1,
      '7d': 0,
      '30d': 0,
    };
    const load = jest.fn(async (w: PerformanceWindow) =>
      summaryWith(w, first[w]),
    );
    expect((await loadOpeningSummary(load)).window).toBe('1h');
    expect(load).toHaveBeenCalledTimes(4);
    const tie = jest.fn(async (w: PerformanceWindow) =>
      summaryWith(w, w === '1h' ? 0 : 3),
    );
    expect((await loadOpeningSummary(tie)).window).toBe('24h');
  });
});

describe('the window of the session', () => {
  beforeEach(() => window.sessionStorage.clear());

  it('is remembered once picked', () => {
    expect(readSessionWindow()).toBeUndefined();
    storeSessionWindow('7d');
    expect(readSessionWindow()).toBe('7d');
  });

  it('ignores values that are not a window', () => {
    window.sessionStorage.setItem(WINDOW_STORAGE_KEY, '1y');
    expect(readSessionWindow()).toBeUndefined();
  });
});
