import Grid from '@material-ui/core/Grid';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  isDevopsCoverageAvailable,
  isDevopsDeploysAvailable,
  isDevopsPerformanceAvailable,
  isDevopsSecurityAvailable,
} from '../../conditions';
import { DevopsCoverageCard } from '../CoverageCard';
import { DevopsDeploysCard } from '../DeploysCard';
import { DevopsPerformanceCard } from '../PerformanceCard';
import { DevopsSecurityCard } from '../SecurityCard';

/**
 * The DevOps tab of an entity page: the card of every area the entity's monitoring annotation
 * enables. Should the tab be shown for an entity that enables none, every card shows how to
 * enable its area.
 */
export function DevopsContent() {
  const { entity } = useEntity();
  const performance = isDevopsPerformanceAvailable(entity);
  const security = isDevopsSecurityAvailable(entity);
  const coverage = isDevopsCoverageAvailable(entity);
  const deploys = isDevopsDeploysAvailable(entity);
  const neither = !deploys && !performance && !security && !coverage;
  return (
    <Grid container spacing={3} alignItems="stretch">
      {(deploys || neither) && (
        <Grid item xs={12}>
          <DevopsDeploysCard />
        </Grid>
      )}
      {(performance || neither) && (
        <Grid item xs={12}>
          <DevopsPerformanceCard />
        </Grid>
      )}
      {(security || neither) && (
        <Grid item xs={12}>
          <DevopsSecurityCard />
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
