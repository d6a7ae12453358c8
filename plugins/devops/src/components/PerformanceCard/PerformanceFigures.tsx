import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import ErrorIcon from '@material-ui/icons/Error';
import { FigureStatus, PerformanceFigure } from './model';

const useStyles = makeStyles(theme => ({
  figure: {
    padding: theme.spacing(1.5),
    border: `1px solid ${theme.palette.divider}`,
    borderRadius: theme.shape.borderRadius,
    boxSizing: 'border-box',
    height: '100%',
  },
  breachFigure: {
    borderColor: theme.palette.status.error,
  },
  marker: { display: 'flex', alignItems: 'center', gap: theme.spacing(0.5) },
  pass: { color: theme.palette.status.ok },
  breach: { color: theme.palette.status.error },
  neutral: { color: theme.palette.text.secondary },
  icon: { fontSize: '1rem' },
  target: { cursor: 'help', textDecoration: 'underline dotted' },
}));

const MARKER_LABELS: Record<FigureStatus, string> = {
  pass: 'meets target',
  breach: 'breaches target',
  'no-target': 'no target',
  'no-data': 'no data to compare',
};

function Marker(props: { status: FigureStatus }) {
  const classes = useStyles();
  const { status } = props;
  let className = classes.neutral;
  let icon = null;
  if (status === 'pass') {
    className = classes.pass;
    icon = <CheckCircleIcon className={classes.icon} aria-hidden />;
  } else if (status === 'breach') {
    className = classes.breach;
    icon = <ErrorIcon className={classes.icon} aria-hidden />;
  }
  return (
    <Typography
      variant="body2"
      component="div"
      className={`${classes.marker} ${className}`}
      data-status={status}
    >
      {icon}
      <span>{MARKER_LABELS[status]}</span>
    </Typography>
  );
}

function Figure(props: { figure: PerformanceFigure }) {
  const classes = useStyles();
  const { figure } = props;
  return (
    <Box
      className={`${classes.figure} ${
        figure.status === 'breach' ? classes.breachFigure : ''
      }`}
      role="group"
      aria-label={figure.label}
    >
      <Typography variant="overline" component="div">
        {figure.label}
      </Typography>
      <Typography
        variant={figure.value === null ? 'subtitle1' : 'h5'}
        component="div"
      >
        {figure.value ?? 'no data'}
      </Typography>
      {figure.target && figure.targetDetail && (
        <Tooltip title={figure.targetDetail}>
          <Typography
            variant="caption"
            color="textSecondary"
            component="div"
            className={classes.target}
            tabIndex={0}
          >
            target {figure.target}
          </Typography>
        </Tooltip>
      )}
      <Marker status={figure.status} />
    </Box>
  );
}

/** The current figures, each against its target with a pass or breach marker. */
export function PerformanceFigures(props: { figures: PerformanceFigure[] }) {
  // the padding makes up for the negative margins of the spaced grid container
  return (
    <Box py={1}>
      <Grid container spacing={2}>
        {props.figures.map(figure => (
          <Grid item xs={6} sm={4} md={3} key={figure.metric}>
            <Figure figure={figure} />
          </Grid>
        ))}
      </Grid>
    </Box>
  );
}
