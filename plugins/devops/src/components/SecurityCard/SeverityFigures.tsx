import Typography from '@material-ui/core/Typography';
import { FigureGrid, FigureTile } from '../shared';
import { SeverityTile } from './model';

/** Open findings per severity, each with its SLA, and the findings past their SLA. */
export function SeverityFigures(props: { tiles: SeverityTile[] }) {
  return (
    <FigureGrid
      widths={{ xs: 6, sm: 4, md: 2 }}
      items={props.tiles.map(tile => ({
        key: tile.key,
        tile: (
          <FigureTile
            label={tile.label}
            name={
              tile.key === 'sla'
                ? 'Findings past SLA'
                : `${tile.label} findings`
            }
            value={tile.value}
            measured
            alert={tile.alert}
          >
            <Typography variant="caption" color="textSecondary" component="p">
              {tile.detail}
            </Typography>
          </FigureTile>
        ),
      }))}
    />
  );
}
