import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { Deploy } from '@devops-growth/backstage-plugin-devops-common';
import {
  formatDateTime,
  ResponsiveTable,
  StatusLabel,
  TableColumn,
} from '../shared';
import { HistoryRow, toHistoryRow } from './model';

/**
 * The entity's deploys, newest first: where, which version, who, the commit, the strategy, how
 * long, how it ended, the gates and the performance impact; Details opens the deploy's events.
 */
export function DeployHistory(props: {
  history: Deploy[];
  now: number;
  onDetails: (deployId: string) => void;
}) {
  const { history, now, onDetails } = props;
  if (history.length === 0) {
    return (
      <Typography variant="body2">
        No deploys yet: deploy a version above, or push the deploys your CI
        makes to <code>POST …/deploys/pushed</code>.
      </Typography>
    );
  }
  const columns: TableColumn<HistoryRow>[] = [
    {
      key: 'started',
      title: 'Started',
      nowrap: true,
      render: r => formatDateTime(r.started),
    },
    { key: 'environment', title: 'Environment', render: r => r.environment },
    {
      key: 'version',
      title: 'Version',
      nowrap: true,
      render: r =>
        r.kind === 'deploy' ? r.version : `${r.version} (${r.kind})`,
    },
    {
      key: 'status',
      title: 'Outcome',
      render: r => (
        <>
          <StatusLabel
            tone={r.tone}
            label={r.status}
            data={{ 'data-status': r.status }}
          />
          <Typography variant="caption" color="textSecondary">
            {r.outcome}
          </Typography>
        </>
      ),
    },
    { key: 'strategy', title: 'Strategy', render: r => r.strategy },
    { key: 'author', title: 'Author', render: r => r.author },
    { key: 'commit', title: 'Commit', render: r => <code>{r.commit}</code> },
    {
      key: 'duration',
      title: 'Duration',
      nowrap: true,
      render: r => r.duration,
    },
    { key: 'gates', title: 'Gates', render: r => r.gates },
    { key: 'impact', title: 'Impact', render: r => r.impact },
    {
      key: 'details',
      title: 'Events',
      render: r => (
        <Button
          size="small"
          aria-label={`Details of ${r.version} in ${r.environment}`}
          onClick={() => onDetails(r.id)}
        >
          Details
        </Button>
      ),
    },
  ];
  return (
    <ResponsiveTable
      label="Deploy history"
      columns={columns}
      rows={history.map(d => toHistoryRow(d, now))}
      rowKey={r => r.id}
      rowProps={r => ({ 'data-deploy-id': r.id })}
      // eleven columns: as a table from 1200 px (at 1100 px the last ones did not fit)
      stackBelow={1200}
    />
  );
}
