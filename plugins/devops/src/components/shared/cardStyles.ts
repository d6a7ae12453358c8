import { makeStyles } from '@material-ui/core/styles';
import { focusOutlineColor } from './colors';

/**
 * Styles of every card's outer container: a visible outline on whatever control has keyboard
 * focus (Material UI's buttons and toggles only tint themselves, which is hard to see), and words
 * that wrap between words, never inside one.
 */
export const useCardStyles = makeStyles(theme => ({
  card: {
    overflowWrap: 'break-word',
    // Backstage's theme gives table cells `word-break: break-word`, which lets a column shrink
    // by splitting words ("Succee/ded"); cells wrap between words only, and long names carry
    // their own break points (BreakableText)
    '& td, & th': { wordBreak: 'normal', overflowWrap: 'normal' },
    '& .Mui-focusVisible, & a:focus-visible, & button:focus-visible, & [tabindex]:focus-visible, & select:focus-visible':
      {
        outline: `2px solid ${focusOutlineColor(theme)}`,
        outlineOffset: 2,
      },
  },
}));
