import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import { RegressionView } from './regressions';

/** Metrics that got significantly worse, window against the preceding window. */
export function Regressions(props: { regressions: RegressionView[] }) {
  if (props.regressions.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No significant regression against the preceding window.
      </Typography>
    );
  }
  return (
    <List dense disablePadding aria-label="Regressions">
      {props.regressions.map(regression => (
        <ListItem key={regression.key} disableGutters>
          <ListItemText
            primary={`${regression.title}: ${regression.change}`}
            secondary={regression.evidence}
          />
        </ListItem>
      ))}
    </List>
  );
}
