import {
  formatDuration,
  formatPercent,
  shortSha,
  timeTickFormatter,
  toPickerOptions,
} from './format';

describe('formatting', () => {
  it('formats percentages with one decimal', () => {
    expect(formatPercent(85.25)).toBe('85.3%');
    expect(formatPercent(100)).toBe('100.0%');
    expect(formatPercent(0)).toBe('0.0%');
  });

  it('shortens commit shas to seven characters', () => {
    expect(shortSha('abcdef1234567890')).toBe('abcdef1');
    expect(shortSha('abc')).toBe('abc');
  });

  it('formats durations', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(12_400)).toBe('12.4 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
    expect(formatDuration(120_000)).toBe('2 min');
  });
});

describe('timeTickFormatter', () => {
  const t = Date.parse('2026-11-25T08:05:00Z');
  it('shows dates over spans of days and times within a day', () => {
    expect(timeTickFormatter(10 * 86400_000)(t)).not.toMatch(/\d{1,2}:\d{2}/);
    expect(timeTickFormatter(3600_000)(t)).toMatch(/\d{1,2}:\d{2}/);
  });

  it('shows the time only under a day, where every tick is on the same date', () => {
    const label = timeTickFormatter(3600_000)(t);
    expect(label).not.toContain(
      new Date(t).toLocaleDateString(undefined, { month: 'short' }),
    );
  });
});

describe('toPickerOptions', () => {
  it('keeps the backend order and adds the current value when missing', () => {
    expect(toPickerOptions(['main', 'dev'], 'main')).toEqual(['main', 'dev']);
    expect(toPickerOptions(['main'], 'release')).toEqual(['release', 'main']);
    expect(toPickerOptions(['a', 'a'], null)).toEqual(['a']);
  });
});
