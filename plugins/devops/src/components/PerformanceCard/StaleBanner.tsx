import Alert from '@material-ui/lab/Alert';
import { PerformanceStaleness } from '@devops-growth/backstage-plugin-devops-common';
import { formatDateTime } from '../shared';

/** Collection for the entity is failing: since when, why, and how old the figures are. */
export function StaleBanner(props: { stale: PerformanceStaleness }) {
  const { stale } = props;
  const asOf = stale.lastSuccessAt
    ? `figures are as of ${formatDateTime(stale.lastSuccessAt)}`
    : 'nothing was collected successfully yet';
  return (
    <Alert severity="warning" data-testid="performance-stale">
      Collection failing since {formatDateTime(stale.since)}: {stale.error} —{' '}
      {asOf} (source: {stale.source})
    </Alert>
  );
}
