import Typography from '@material-ui/core/Typography';
import ArrowDownwardIcon from '@material-ui/icons/ArrowDownward';
import ArrowUpwardIcon from '@material-ui/icons/ArrowUpward';
import { FigureGrid, FigureTile, formatPercent, StatusLabel } from '../shared';
import { CoverageFigure, DeltaView } from './model';

function Delta(props: { delta: DeltaView }) {
  const { delta } = props;
  if (delta.kind === 'up') {
    return (
      <StatusLabel
        tone="ok"
        label={delta.label}
        icon={p => <ArrowUpwardIcon {...p} />}
        data={{ 'data-delta': delta.kind }}
      />
    );
  }
  if (delta.kind === 'down') {
    return (
      <StatusLabel
        tone="error"
        label={delta.label}
        icon={p => <ArrowDownwardIcon {...p} />}
        data={{ 'data-delta': delta.kind }}
      />
    );
  }
  return (
    <StatusLabel
      tone="neutral"
      label={delta.label}
      data={{ 'data-delta': delta.kind }}
    />
  );
}

function Figure(props: { figure: CoverageFigure }) {
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
    <FigureTile
      label={figure.label}
      name={`${figure.label} coverage`}
      value={value}
      measured={figure.state === 'measured'}
    >
      <Typography variant="caption" color="textSecondary" component="div">
        {detail}
      </Typography>
      {figure.state === 'not-in-report' ? null : <Delta delta={figure.delta} />}
    </FigureTile>
  );
}

/** The four coverage figures of the latest report with their change against the previous one. */
export function CoverageFigures(props: { figures: CoverageFigure[] }) {
  return (
    <FigureGrid
      widths={{ xs: 6, md: 3 }}
      items={props.figures.map(figure => ({
        key: figure.metric,
        tile: <Figure figure={figure} />,
      }))}
    />
  );
}
