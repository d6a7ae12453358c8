import { useMemo, useRef, useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import {
  CompoundEntityRef,
  Entity,
  getCompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InfoCard } from '@backstage/core-components';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  devopsSecurityFindingUpdatePermission,
  devopsSecurityThreatUpdatePermission,
  SecuritySummary,
} from '@devops-growth/backstage-plugin-devops-common';
import {
  AreaCard,
  AsyncCardContent,
  RecommendationsSection,
  Section,
  SelectPicker,
  toPickerOptions,
  useCardStyles,
} from '../shared';
import { ActionPermission } from './ActionButtons';
import { ComplianceDialog } from './ComplianceDialog';
import { ComplianceScores } from './ComplianceScores';
import { FindingsBrowser } from './FindingsBrowser';
import { FindingsTable } from './FindingsTable';
import { FindingsTrendChart } from './FindingsTrendChart';
import {
  FindingAction,
  FindingView,
  toFindingView,
  toSeverityTiles,
} from './model';
import { ScanInstructions } from './ScanInstructions';
import { ScanStreams } from './ScanStreams';
import { SeverityFigures } from './SeverityFigures';
import { StatusDialog, StatusTarget } from './StatusDialog';
import { Threats } from './Threats';
import { useSecuritySummary } from './useSecuritySummary';

const TITLE = 'Security';

/** Whether the user may change the statuses of the entity's findings and threats. */
function useStatusPermissions(entityRef: string) {
  const finding = usePermission({
    permission: devopsSecurityFindingUpdatePermission,
    resourceRef: entityRef,
  });
  const threat = usePermission({
    permission: devopsSecurityThreatUpdatePermission,
    resourceRef: entityRef,
  });
  const findings: ActionPermission = {
    allowed: !finding.loading && finding.allowed,
    denied: `You may not change the status of this entity's findings (permission ${devopsSecurityFindingUpdatePermission.name}).`,
    deniedId: 'devops-security-findings-permission',
  };
  const threats: ActionPermission = {
    allowed: !threat.loading && threat.allowed,
    denied: `You may not change the status of this entity's threats (permission ${devopsSecurityThreatUpdatePermission.name}).`,
    deniedId: 'devops-security-threats-permission',
  };
  return {
    findings,
    threats,
    findingsDenied: !finding.loading && !finding.allowed,
    threatsDenied: !threat.loading && !threat.allowed,
  };
}

function PermissionNote(props: {
  permission: ActionPermission;
  shown: boolean;
}) {
  if (!props.shown) {
    return null;
  }
  return (
    <Typography
      variant="body2"
      color="textSecondary"
      id={props.permission.deniedId}
      paragraph
    >
      {props.permission.denied}
    </Typography>
  );
}

function SecurityDetails(props: {
  entityRef: CompoundEntityRef;
  summary: SecuritySummary;
  /** Changes after every status change, to reload what the card's dialogs show. */
  refreshKey: number;
  onStatus: (target: StatusTarget) => void;
  onBranch: (branch: string) => void;
}) {
  const { entityRef, summary, refreshKey, onStatus, onBranch } = props;
  const [browsing, setBrowsing] = useState(false);
  const onFindingAction = (finding: FindingView, action: FindingAction) =>
    onStatus({ kind: 'finding', id: finding.id, title: finding.title, action });
  const [now] = useState(() => Date.now());
  const permissions = useStatusPermissions(stringifyEntityRef(entityRef));
  const [framework, setFramework] = useState<string>();
  const tiles = useMemo(() => toSeverityTiles(summary), [summary]);
  const oldest = useMemo(
    () => summary.findings.oldest.map(f => toFindingView(f, now)),
    [summary.findings.oldest, now],
  );
  const scanned = summary.findings.scans.length > 0;
  const branches = toPickerOptions(summary.branches, summary.branch);
  const frameworkTitle = summary.compliance.find(
    c => c.frameworkId === framework,
  )?.title;

  return (
    <>
      {branches.length > 1 && summary.branch && (
        <SelectPicker
          id="devops-security-branch-picker"
          label="Branch"
          value={summary.branch}
          options={branches}
          onChange={onBranch}
        />
      )}
      {scanned ? (
        <>
          <Section title="Open findings">
            <SeverityFigures tiles={tiles} />
            <FindingsTrendChart trend={summary.findings.trend} />
          </Section>
          <Section title="Oldest open findings">
            <PermissionNote
              permission={permissions.findings}
              shown={permissions.findingsDenied && oldest.length > 0}
            />
            {oldest.length > 0 ? (
              <FindingsTable
                label="Oldest open findings"
                findings={oldest}
                permission={permissions.findings}
                onAction={onFindingAction}
              />
            ) : (
              <Typography variant="body2">
                No open finding in the latest scans.
              </Typography>
            )}
            <Box mt={1}>
              <Button size="small" onClick={() => setBrowsing(true)}>
                All findings
              </Button>
            </Box>
          </Section>
        </>
      ) : (
        <ScanInstructions entityRef={stringifyEntityRef(entityRef)} />
      )}

      <Section title="Threats">
        <PermissionNote
          permission={permissions.threats}
          shown={
            permissions.threatsDenied &&
            summary.threats.active.length + summary.threats.recent.length > 0
          }
        />
        <Threats
          active={summary.threats.active}
          recent={summary.threats.recent}
          monitoring={summary.threats.monitoring}
          now={now}
          permission={permissions.threats}
          onAction={(threat, status) =>
            onStatus({
              kind: 'threat',
              id: threat.id,
              title: `${threat.title}, ${threat.when}`,
              action: status,
            })
          }
        />
      </Section>

      <Section title="Compliance">
        <ComplianceScores scores={summary.compliance} onOpen={setFramework} />
      </Section>

      <RecommendationsSection recommendations={summary.recommendations} />
      {scanned && (
        <Section title="Scan streams">
          <ScanStreams scans={summary.findings.scans} />
        </Section>
      )}

      {browsing && summary.branch && (
        <FindingsBrowser
          entityRef={entityRef}
          branch={summary.branch}
          permission={permissions.findings}
          refreshKey={refreshKey}
          onAction={onFindingAction}
          onClose={() => setBrowsing(false)}
        />
      )}
      {framework && (
        <ComplianceDialog
          entityRef={entityRef}
          frameworkId={framework}
          title={frameworkTitle ?? framework}
          onClose={() => setFramework(undefined)}
        />
      )}
    </>
  );
}

function SecurityCardBody(props: { entity: Entity }) {
  const entityRef = useMemo(
    () => getCompoundEntityRef(props.entity),
    [props.entity],
  );
  const classes = useCardStyles();
  const [branch, setBranch] = useState<string>();
  const [target, setTarget] = useState<StatusTarget>();
  const [notice, setNotice] = useState('');
  const [changes, setChanges] = useState(0);
  const noticeRef = useRef<HTMLDivElement>(null);
  const state = useSecuritySummary(entityRef, branch);
  const { value, error, retry } = state;
  const subheader =
    value?.branch && !error ? `Branch ${value.branch}` : undefined;
  return (
    <InfoCard title={TITLE} subheader={subheader} className={classes.card}>
      <Typography
        variant="body2"
        role="status"
        tabIndex={-1}
        ref={noticeRef}
        component="div"
      >
        {notice && <Box mb={1}>{notice}</Box>}
      </Typography>
      <AsyncCardContent state={state}>
        {summary => (
          <SecurityDetails
            entityRef={entityRef}
            summary={summary}
            refreshKey={changes}
            onStatus={next => {
              setNotice('');
              setTarget(next);
            }}
            onBranch={setBranch}
          />
        )}
      </AsyncCardContent>
      {target && (
        <StatusDialog
          target={target}
          onClose={() => setTarget(undefined)}
          onChanged={message => {
            setTarget(undefined);
            setNotice(message);
            setChanges(count => count + 1);
            retry();
            // after the dialog gives focus back: keyboard users land on what happened
            setTimeout(() => noticeRef.current?.focus(), 0);
          }}
        />
      )}
    </InfoCard>
  );
}

/**
 * The "Security" card: open findings by severity with their trend, SLA breaches, the oldest open
 * findings, active threats with their evidence and what each detector watches, a score per
 * compliance framework with its drill-down, recommendations and scan streams; findings and threats
 * change status from the card, for users with the permission.
 */
export function DevopsSecurityCard() {
  return (
    <AreaCard area="security" title={TITLE}>
      {entity => (
        <SecurityCardBody key={stringifyEntityRef(entity)} entity={entity} />
      )}
    </AreaCard>
  );
}
