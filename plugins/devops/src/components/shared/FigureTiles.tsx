import { ReactNode } from 'react';
import Box from '@material-ui/core/Box';
import Grid, { GridSize } from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { statusTextColors } from './colors';

const useStyles = makeStyles(theme => ({
  tile: {
    padding: theme.spacing(1.5),
    border: `1px solid ${theme.palette.divider}`,
    borderRadius: theme.shape.borderRadius,
    boxSizing: 'border-box',
    height: '100%',
  },
  alert: { borderColor: statusTextColors(theme).error },
}));

/**
 * One figure of a card: a group named `label` with the label, the value (large when there is
 * one) and what the card says about it (`children`).
 */
export function FigureTile(props: {
  label: string;
  /** The accessible name of the group; the label when left out. */
  name?: string;
  value: string;
  /** A large value; `false` for words such as "no data". */
  measured: boolean;
  /** Outlined in the error colour. */
  alert?: boolean;
  children?: ReactNode;
}) {
  const classes = useStyles();
  return (
    <Box
      className={`${classes.tile} ${props.alert ? classes.alert : ''}`}
      role="group"
      aria-label={props.name ?? props.label}
    >
      <Typography variant="overline" component="div">
        {props.label}
      </Typography>
      <Typography variant={props.measured ? 'h5' : 'subtitle1'} component="div">
        {props.value}
      </Typography>
      {props.children}
    </Box>
  );
}

/** A responsive grid of figure tiles, each under its `key`. */
export function FigureGrid(props: {
  items: Array<{ key: string; tile: ReactNode }>;
  /** Columns per tile at each breakpoint (of 12). */
  widths: { xs: GridSize; sm?: GridSize; md?: GridSize };
}) {
  // the padding makes up for the negative margins of the spaced grid container
  return (
    <Box py={1}>
      <Grid container spacing={2}>
        {props.items.map(item => (
          <Grid item key={item.key} {...props.widths}>
            {item.tile}
          </Grid>
        ))}
      </Grid>
    </Box>
  );
}
