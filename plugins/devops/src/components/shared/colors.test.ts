import { getContrastRatio } from '@material-ui/core/styles';
import { darkTheme, lightTheme } from '@backstage/theme';
import {
  MIN_TEXT_CONTRAST,
  readableOn,
  statusChipColors,
  statusTextColors,
} from './colors';

describe('readableOn', () => {
  it("darkens Backstage's light-theme green until it reaches 4.5:1 on white", () => {
    // the colour axe reported at 2.6:1 for "meets target" and "Gate passed"
    expect(getContrastRatio('#1DB954', '#FFFFFF')).toBeLessThan(3);
    const readable = readableOn('#1DB954', '#FFFFFF');
    expect(getContrastRatio(readable, '#FFFFFF')).toBeGreaterThanOrEqual(4.5);
  });

  it('lightens on dark backgrounds and keeps colours that already contrast', () => {
    const readable = readableOn('#1F5493', '#424242');
    expect(getContrastRatio(readable, '#424242')).toBeGreaterThanOrEqual(4.5);
    expect(readableOn('#000000', '#FFFFFF')).toBe('#000000');
  });
});

describe.each([
  ['light', lightTheme],
  ['dark', darkTheme],
])('status colours in the %s theme', (_, theme) => {
  const paper = theme.palette.background.paper;

  it.each(['ok', 'warning', 'error', 'running', 'neutral'] as const)(
    "give %s text at least 4.5:1 on the card and on the table's striped rows",
    tone => {
      const color = statusTextColors(theme)[tone];
      expect(getContrastRatio(color, paper)).toBeGreaterThanOrEqual(
        MIN_TEXT_CONTRAST,
      );
      expect(
        getContrastRatio(color, theme.palette.background.default),
      ).toBeGreaterThanOrEqual(MIN_TEXT_CONTRAST);
    },
  );

  it.each(['ok', 'warning', 'error', 'running'] as const)(
    'give the %s chip text at least 4.5:1 on its background',
    tone => {
      const { backgroundColor, color } = statusChipColors(theme, tone);
      expect(getContrastRatio(color, backgroundColor)).toBeGreaterThanOrEqual(
        MIN_TEXT_CONTRAST,
      );
    },
  );
});
