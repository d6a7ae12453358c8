import ButtonBase from '@material-ui/core/ButtonBase';
import Tooltip from '@material-ui/core/Tooltip';
import { makeStyles } from '@material-ui/core/styles';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import ErrorIcon from '@material-ui/icons/Error';
import { FigureGrid, FigureTile, StatusLabel } from '../shared';
import { FigureStatus, PerformanceFigure } from './figures';

const useStyles = makeStyles(theme => ({
  target: {
    ...theme.typography.caption,
    color: theme.palette.text.secondary,
    cursor: 'help',
    textDecoration: 'underline dotted',
    textAlign: 'left',
    display: 'block',
  },
}));

const MARKER_LABELS: Record<FigureStatus, string> = {
  pass: 'meets target',
  breach: 'breaches target',
  'no-target': 'no target',
  'no-data': 'no data to compare',
};

function Marker(props: { status: FigureStatus }) {
  const { status } = props;
  const data = { 'data-status': status };
  const label = MARKER_LABELS[status];
  if (status === 'pass') {
    return (
      <StatusLabel
        tone="ok"
        label={label}
        icon={p => <CheckCircleIcon {...p} />}
        data={data}
      />
    );
  }
  if (status === 'breach') {
    return (
      <StatusLabel
        tone="error"
        label={label}
        icon={p => <ErrorIcon {...p} />}
        data={data}
      />
    );
  }
  return <StatusLabel tone="neutral" label={label} data={data} />;
}

function Figure(props: { figure: PerformanceFigure }) {
  const classes = useStyles();
  const { figure } = props;
  return (
    <FigureTile
      label={figure.label}
      value={figure.value ?? 'no data'}
      measured={figure.value !== null}
      alert={figure.status === 'breach'}
    >
      {figure.target && figure.targetDetail && (
        // A button, so that keyboard users reach the source too; the tooltip opens on focus and
        // describes the button.
        <Tooltip title={figure.targetDetail}>
          <ButtonBase className={classes.target} disableRipple>
            target {figure.target}
          </ButtonBase>
        </Tooltip>
      )}
      <Marker status={figure.status} />
    </FigureTile>
  );
}

/** The current figures, each against its target with a pass or breach marker. */
export function PerformanceFigures(props: { figures: PerformanceFigure[] }) {
  return (
    <FigureGrid
      widths={{ xs: 6, sm: 4, md: 3 }}
      items={props.figures.map(figure => ({
        key: figure.metric,
        tile: <Figure figure={figure} />,
      }))}
    />
  );
}
