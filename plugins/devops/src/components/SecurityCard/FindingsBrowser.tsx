import { useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  FINDING_STATUSES,
  FindingStatus,
  SECURITY_SEVERITIES,
  SecuritySeverity,
} from '@devops-growth/backstage-plugin-devops-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { devopsApiRef } from '../../api';
import { SelectPicker } from '../shared';
import { ActionPermission } from './ActionButtons';
import { FindingsTable } from './FindingsTable';
import {
  FINDING_STATUS_LABELS,
  FindingAction,
  FindingView,
  SEVERITY_LABELS,
  toFindingView,
} from './model';

/** Findings per page of the browser. */
export const FINDINGS_PAGE_SIZE = 20;
const ALL_SEVERITIES = 'All severities';

/** `21–40 of 57`, or `none` for an empty page. */
export function describePage(offset: number, shown: number, total: number) {
  return shown === 0 ? 'none' : `${offset + 1}–${offset + shown} of ${total}`;
}

/**
 * Every finding of the branch, by status (open, accepted risk, false positive, fixed) and
 * severity, a page at a time, with the status buttons: where accepted risks and false positives
 * are reopened. `refreshKey` changes after a status change, which reloads the page shown.
 */
export function FindingsBrowser(props: {
  entityRef: CompoundEntityRef;
  branch: string;
  permission: ActionPermission;
  refreshKey: number;
  onAction: (finding: FindingView, action: FindingAction) => void;
  onClose: () => void;
}) {
  const { entityRef, branch, permission, refreshKey, onAction, onClose } =
    props;
  const devopsApi = useApi(devopsApiRef);
  const [status, setStatus] = useState<FindingStatus>('open');
  const [severity, setSeverity] = useState<SecuritySeverity>();
  const [offset, setOffset] = useState(0);
  const [now] = useState(() => Date.now());
  const { kind, namespace, name } = entityRef;
  const page = useAsyncRetry(
    () =>
      devopsApi.getSecurityFindings(
        { kind, namespace, name },
        {
          branch,
          status: [status],
          severity: severity ? [severity] : undefined,
          limit: FINDINGS_PAGE_SIZE,
          offset,
        },
      ),
    [
      devopsApi,
      kind,
      namespace,
      name,
      branch,
      status,
      severity,
      offset,
      refreshKey,
    ],
  );

  const statusLabels = FINDING_STATUSES.map(s => FINDING_STATUS_LABELS[s]);
  const severityLabels = [
    ALL_SEVERITIES,
    ...SECURITY_SEVERITIES.map(s => SEVERITY_LABELS[s]),
  ];
  let content;
  if (page.error) {
    content = (
      <Alert severity="error">
        Could not load the findings: {page.error.message}
      </Alert>
    );
  } else if (!page.value) {
    content = <Progress />;
  } else {
    const { items, total } = page.value;
    content = (
      <>
        <Typography variant="body2" role="status">
          {FINDING_STATUS_LABELS[status]} findings:{' '}
          {describePage(offset, items.length, total)}
        </Typography>
        {items.length > 0 && (
          <FindingsTable
            label="Findings"
            findings={items.map(f => toFindingView(f, now))}
            permission={permission}
            onAction={onAction}
          />
        )}
        <Box display="flex" mt={1} style={{ gap: 8 }}>
          <Button
            size="small"
            disabled={offset === 0}
            onClick={() => setOffset(Math.max(0, offset - FINDINGS_PAGE_SIZE))}
          >
            Previous page
          </Button>
          <Button
            size="small"
            disabled={offset + items.length >= total}
            onClick={() => setOffset(offset + FINDINGS_PAGE_SIZE)}
          >
            Next page
          </Button>
        </Box>
      </>
    );
  }

  return (
    <Dialog
      open
      onClose={onClose}
      maxWidth="lg"
      fullWidth
      aria-labelledby="devops-findings-dialog-title"
    >
      <DialogTitle id="devops-findings-dialog-title">
        Findings on {branch}
      </DialogTitle>
      <DialogContent>
        <Box display="flex" flexWrap="wrap" mb={2} style={{ gap: 16 }}>
          <SelectPicker
            id="devops-findings-status-picker"
            label="Status"
            value={FINDING_STATUS_LABELS[status]}
            options={statusLabels}
            onChange={label => {
              setOffset(0);
              setStatus(FINDING_STATUSES[statusLabels.indexOf(label)]);
            }}
          />
          <SelectPicker
            id="devops-findings-severity-picker"
            label="Severity"
            value={severity ? SEVERITY_LABELS[severity] : ALL_SEVERITIES}
            options={severityLabels}
            onChange={label => {
              setOffset(0);
              setSeverity(
                SECURITY_SEVERITIES[severityLabels.indexOf(label) - 1],
              );
            }}
          />
        </Box>
        {content}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}
