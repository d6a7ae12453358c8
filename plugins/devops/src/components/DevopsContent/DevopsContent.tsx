import Grid from '@material-ui/core/Grid';
import { DevopsCoverageCard } from '../CoverageCard';

/** The DevOps tab of an entity page. */
export function DevopsContent() {
  return (
    <Grid container spacing={3} alignItems="stretch">
      <Grid item xs={12}>
        <DevopsCoverageCard />
      </Grid>
    </Grid>
  );
}
