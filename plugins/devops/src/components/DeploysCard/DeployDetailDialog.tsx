import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Typography from '@material-ui/core/Typography';
import { useApi } from '@backstage/core-plugin-api';
import { DeployEvent } from '@devops-growth/backstage-plugin-devops-common';
import useAsync from 'react-use/esm/useAsync';
import { devopsApiRef } from '../../api';
import {
  AsyncCardContent,
  BreakableText,
  formatDateTime,
  ResponsiveTable,
  TableColumn,
} from '../shared';
import { VerdictTable } from './ActiveDeploy';
import { GateList } from './GateList';
import { STATUS_LABELS } from './model';

const eventColumns: TableColumn<DeployEvent>[] = [
  {
    key: 'at',
    title: 'Time',
    nowrap: true,
    render: e => formatDateTime(e.at),
  },
  { key: 'type', title: 'Event', render: e => e.type },
  {
    key: 'message',
    title: 'What happened',
    render: e => <BreakableText text={e.message} />,
  },
];

/** One deploy: its gates, its last analysis verdict and its events in order. */
export function DeployDetailDialog(props: {
  deployId: string;
  onClose: () => void;
}) {
  const devopsApi = useApi(devopsApiRef);
  const state = useAsync(
    () => devopsApi.getDeploy(props.deployId),
    [devopsApi, props.deployId],
  );
  const title = state.value
    ? `Deploy of ${state.value.version} to ${state.value.environment}`
    : 'Deploy';
  return (
    <Dialog
      open
      onClose={props.onClose}
      maxWidth="md"
      fullWidth
      aria-labelledby="devops-deploy-detail-title"
    >
      <DialogTitle id="devops-deploy-detail-title">{title}</DialogTitle>
      <DialogContent>
        <AsyncCardContent state={state}>
          {deploy => (
            <>
              <Typography variant="body2" paragraph>
                {STATUS_LABELS[deploy.status]}
                {deploy.outcome ? `: ${deploy.outcome}` : ''}
                {deploy.reason ? ` (reason: ${deploy.reason})` : ''}
              </Typography>
              <Typography variant="subtitle2" component="h3">
                Gates
              </Typography>
              {deploy.gates.length > 0 ? (
                <GateList label="Gate results" gates={deploy.gates} />
              ) : (
                <Typography variant="body2">No gate results.</Typography>
              )}
              {deploy.lastVerdict && (
                <Box mt={2}>
                  <Typography variant="subtitle2" component="h3">
                    Last analysis
                  </Typography>
                  <VerdictTable deploy={deploy} />
                </Box>
              )}
              <Box mt={2}>
                <Typography variant="subtitle2" component="h3">
                  Events
                </Typography>
                <ResponsiveTable
                  label="Deploy events"
                  columns={eventColumns}
                  rows={deploy.events}
                  rowKey={e => String(e.id)}
                  stackBelow={560}
                />
              </Box>
            </>
          )}
        </AsyncCardContent>
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}
