import Grid from '@material-ui/core/Grid';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  isDevopsCoverageAvailable,
  isDevopsPerformanceAvailable,
} from '../../conditions';
import { DevopsCoverageCard } from '../CoverageCard';
import { DevopsPerformanceCard } from '../PerformanceCard';

/**
 * The DevOps tab of an entity page: the card of every area the entity's monitoring annotation
 * enables. Should the tab be shown for an entity that enables none, both cards show how to
 * enable their area.
 */
export function DevopsContent() {
  const { entity } = useEntity();
  const performance = isDevopsPerformanceAvailable(entity);
  const coverage = isDevopsCoverageAvailable(entity);
  const neither = !performance && !coverage;
  return (
    <Grid container spacing={3} alignItems="stretch">
      {(performance || neither) && (
        <Grid item xs={12}>
          <DevopsPerformanceCard />
        </Grid>
      )}
      {(coverage || neither) && (
        <Grid item xs={12}>
          <DevopsCoverageCard />
        </Grid>
      )}
    </Grid>
  );
}
