/*
 * Status colours that stay readable: every colour used for text (or behind text) is adjusted until
 * it reaches WCAG 2.1 AA contrast (4.5:1) against the card, in the light and the dark theme. The
 * theme's own status colours are made for icons and bars; Backstage's light `status.ok` green is
 * 2.6:1 on white, too faint for the words "meets target" or "Gate passed".
 */
import {
  darken,
  getContrastRatio,
  getLuminance,
  lighten,
  Theme,
} from '@material-ui/core/styles';

/** WCAG 2.1 AA contrast for normal-size text. */
export const MIN_TEXT_CONTRAST = 4.5;

/**
 * `color`, darkened on light backgrounds or lightened on dark ones until it reaches `min`
 * contrast against `background`; unchanged when it already does.
 */
export function readableOn(
  color: string,
  background: string,
  min = MIN_TEXT_CONTRAST,
): string {
  const lightBackground = getLuminance(background) > 0.5;
  let adjusted = color;
  for (let i = 0; i < 30 && getContrastRatio(adjusted, background) < min; i++) {
    adjusted = lightBackground
      ? darken(adjusted, 0.08)
      : lighten(adjusted, 0.08);
  }
  return adjusted;
}

/** The states a card marks with colour. */
export type StatusTone = 'ok' | 'warning' | 'error' | 'running' | 'neutral';

/**
 * Text colours of each tone, readable on the card's background and on the page background, which
 * Backstage's theme gives every other table row (`MuiTableRow`, `nth-of-type(odd)`): the light
 * theme's error red is 4.6:1 on white but 4.4:1 on those rows.
 */
export function statusTextColors(theme: Theme): Record<StatusTone, string> {
  const { paper } = theme.palette.background;
  const rows = theme.palette.background.default;
  const { status } = theme.palette;
  const readable = (color: string) =>
    readableOn(readableOn(color, paper), rows);
  return {
    ok: readable(status.ok),
    warning: readable(status.warning),
    error: readable(status.error),
    running: readable(status.running),
    neutral: readable(theme.palette.text.secondary),
  };
}

/**
 * A filled chip of a tone: the background readable against the card (so the chip stands out) and
 * black or white text, whichever contrasts more with it.
 */
export function statusChipColors(
  theme: Theme,
  tone: Exclude<StatusTone, 'neutral'>,
): { backgroundColor: string; color: string } {
  const backgroundColor = statusTextColors(theme)[tone];
  const white = theme.palette.common.white;
  const black = theme.palette.common.black;
  const color =
    getContrastRatio(white, backgroundColor) >=
    getContrastRatio(black, backgroundColor)
      ? white
      : black;
  return { backgroundColor, color };
}

/** The outline of focused controls: the primary colour, readable against the card. */
export function focusOutlineColor(theme: Theme): string {
  return readableOn(
    theme.palette.primary.main,
    theme.palette.background.paper,
    3,
  );
}
