import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import ArrowDownwardIcon from '@material-ui/icons/ArrowDownward';
import ArrowUpwardIcon from '@material-ui/icons/ArrowUpward';
import { CoverageFigure, DeltaView, formatPercent } from './model';

const useStyles = makeStyles(theme => ({
  figure: {
    padding: theme.spacing(1.5),
    border: `1px solid ${theme.palette.divider}`,
    borderRadius: theme.shape.borderRadius,
    boxSizing: 'border-box',
    height: '100%',
  },
  up: { color: theme.palette.status.ok },
  down: { color: theme.palette.status.error },
  neutral: { color: theme.palette.text.secondary },
  delta: { display: 'flex', alignItems: 'center', gap: theme.spacing(0.5) },
  icon: { fontSize: '1rem' },
}));

function Delta(props: { delta: DeltaView }) {
  const classes = useStyles();
  const { delta } = props;
  let className = classes.neutral;
  let icon = null;
  if (delta.kind === 'up') {
    className = classes.up;
    icon = <ArrowUpwardIcon className={classes.icon} aria-hidden />;
  } else if (delta.kind === 'down') {
    className = classes.down;
    icon = <ArrowDownwardIcon className={classes.icon} aria-hidden />;
  }
  return (
    <Typography
      variant="body2"
      component="div"
      className={`${classes.delta} ${className}`}
      data-delta={delta.kind}
    >
      {icon}
      <span>{delta.label}</span>
    </Typography>
  );
}

function Figure(props: { figure: CoverageFigure }) {
  const classes = useStyles();
  const { figure } = props;
  let value: string;
  let detail: string;
  if (figure.state === 'measured') {
    value = formatPercent(figure.percent);
    detail = `${figure.covered} of ${figure.total}`;
  } else if (figure.state === 'nothing-to-cover') {
    value = '–';
    detail = 'nothing to cover';
  } else {
    value = 'not in report';
    detail = "the report's format does not carry it";
  }
  return (
    <Box
      className={classes.figure}
      role="group"
      aria-label={`${figure.label} coverage`}
    >
      <Typography variant="overline" component="div">
        {figure.label}
      </Typography>
      <Typography
        variant={figure.state === 'measured' ? 'h5' : 'subtitle1'}
        component="div"
      >
        {value}
      </Typography>
      <Typography variant="caption" color="textSecondary" component="div">
        {detail}
      </Typography>
      {figure.state === 'not-in-report' ? null : <Delta delta={figure.delta} />}
    </Box>
  );
}

/** The four coverage figures of the latest report with their change against the previous one. */
export function CoverageFigures(props: { figures: CoverageFigure[] }) {
  // the padding makes up for the negative margins of the spaced grid container
  return (
    <Box py={1}>
      <Grid container spacing={2}>
        {props.figures.map(figure => (
          <Grid item xs={6} md={3} key={figure.metric}>
            <Figure figure={figure} />
          </Grid>
        ))}
      </Grid>
    </Box>
  );
}
