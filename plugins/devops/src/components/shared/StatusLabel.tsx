import { ReactElement } from 'react';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { StatusTone, statusTextColors } from './colors';

const useStyles = makeStyles(theme => {
  const colors = statusTextColors(theme);
  return {
    root: {
      display: 'flex',
      alignItems: 'center',
      gap: theme.spacing(0.5),
    },
    icon: { fontSize: '1rem' },
    ok: { color: colors.ok },
    warning: { color: colors.warning },
    error: { color: colors.error },
    running: { color: colors.running },
    neutral: { color: colors.neutral },
  };
});

/**
 * A status in words, in its tone's colour (readable on the card) with an optional icon: "meets
 * target", "+1.2 pp". The words carry the meaning; the colour and icon only repeat it.
 */
export function StatusLabel(props: {
  tone: StatusTone;
  label: string;
  icon?: (props: { className: string; 'aria-hidden': boolean }) => ReactElement;
  /** Extra attributes for tests and styling, such as `data-status`. */
  data?: Record<`data-${string}`, string>;
}) {
  const classes = useStyles();
  const { tone, label, icon, data } = props;
  return (
    <Typography
      variant="body2"
      component="div"
      className={`${classes.root} ${classes[tone]}`}
      {...data}
    >
      {icon?.({ className: classes.icon, 'aria-hidden': true })}
      <span>{label}</span>
    </Typography>
  );
}
