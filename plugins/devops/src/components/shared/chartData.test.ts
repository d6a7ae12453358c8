import { reportLabels, timeTicks } from './chartData';
import { formatShortDate, formatTimeOfDay } from './format';

describe('timeTicks', () => {
  it('spreads ticks evenly from the first to the last point', () => {
    expect(timeTicks(0, 1000)).toEqual([0, 250, 500, 750, 1000]);
    expect(timeTicks(0, 1000, 3)).toEqual([0, 500, 1000]);
    expect(timeTicks(42, 42)).toEqual([42]);
  });
});

describe('reportLabels', () => {
  // three reports on one day, two of them of one commit in the same minute: the case where the
  // time axis repeated "Dec 2, 05:56 AM" five times
  const at = (iso: string) => Date.parse(iso);
  const sameDay = [
    { time: at('2026-12-02T05:56:10'), commitSha: 'abcdef1234' },
    { time: at('2026-12-02T05:56:40'), commitSha: 'abcdef1234' },
    { time: at('2026-12-02T06:10:00'), commitSha: '1234567890' },
  ];

  it('labels each report by its commit and time, without repeats', () => {
    const labels = reportLabels(sameDay);
    expect(labels).toEqual([
      `abcdef1 ${formatTimeOfDay(sameDay[0].time)}`,
      `abcdef1 ${formatTimeOfDay(sameDay[0].time)} (2)`,
      `1234567 ${formatTimeOfDay(sameDay[2].time)}`,
    ]);
    expect(new Set(labels).size).toBe(3);
  });

  it('adds the date when the reports span several days', () => {
    const points = [
      { time: at('2026-12-01T09:00:00'), commitSha: 'aaaaaaa1' },
      { time: at('2026-12-02T09:00:00'), commitSha: 'bbbbbbb2' },
    ];
    expect(reportLabels(points)).toEqual([
      `aaaaaaa ${formatShortDate(points[0].time)} ${formatTimeOfDay(
        points[0].time,
      )}`,
      `bbbbbbb ${formatShortDate(points[1].time)} ${formatTimeOfDay(
        points[1].time,
      )}`,
    ]);
  });

  it('has no label without reports', () => {
    expect(reportLabels([])).toEqual([]);
  });
});
