import Link from '@material-ui/core/Link';
import Typography from '@material-ui/core/Typography';
import {
  BreakableText,
  ResponsiveTable,
  StatusLabel,
  TableColumn,
} from '../shared';
import { ActionButtons, ActionPermission } from './ActionButtons';
import {
  FINDING_ACTION_LABELS,
  FindingAction,
  FindingView,
  SEVERITY_TONES,
} from './model';

function columns(
  permission: ActionPermission,
  onAction: (finding: FindingView, action: FindingAction) => void,
): TableColumn<FindingView>[] {
  return [
    {
      key: 'finding',
      title: 'Finding',
      render: f => (
        <>
          <Typography variant="body2" component="div">
            {f.helpUri ? (
              <Link href={f.helpUri} target="_blank" rel="noopener">
                {f.title}
              </Link>
            ) : (
              f.title
            )}
          </Typography>
          <Typography variant="caption" color="textSecondary" component="div">
            {f.tool}: <BreakableText text={f.rule} />
          </Typography>
        </>
      ),
    },
    {
      key: 'where',
      title: 'Location or package',
      render: f => (
        <code>
          <BreakableText text={f.where} />
        </code>
      ),
    },
    {
      key: 'severity',
      title: 'Severity',
      nowrap: true,
      render: f => (
        <StatusLabel
          tone={SEVERITY_TONES[f.severity]}
          label={f.severityLabel}
          data={{ 'data-severity': f.severity }}
        />
      ),
    },
    { key: 'age', title: 'Age', nowrap: true, render: f => f.age },
    {
      key: 'sla',
      title: 'SLA',
      nowrap: true,
      render: f => <StatusLabel tone={f.sla.tone} label={f.sla.label} />,
    },
    {
      key: 'status',
      title: 'Status',
      render: f => (
        <>
          <Typography
            variant="body2"
            component="div"
            data-finding-status={f.status}
          >
            {f.statusLabel}
            {f.regression && ' (regression)'}
          </Typography>
          {f.statusDetail && (
            <Typography variant="caption" color="textSecondary" component="div">
              {f.statusDetail}
            </Typography>
          )}
        </>
      ),
    },
    {
      key: 'actions',
      title: 'Change status',
      render: f => (
        <ActionButtons
          actions={f.actions}
          labels={FINDING_ACTION_LABELS}
          permission={permission}
          onAction={action => onAction(f, action)}
        />
      ),
    },
  ];
}

/** Findings with their tool, rule, place, severity, age, SLA, status and status buttons. */
export function FindingsTable(props: {
  label: string;
  findings: FindingView[];
  permission: ActionPermission;
  onAction: (finding: FindingView, action: FindingAction) => void;
}) {
  return (
    <ResponsiveTable
      label={props.label}
      columns={columns(props.permission, props.onAction)}
      rows={props.findings}
      rowKey={f => f.id}
      rowProps={f => ({ 'data-finding': f.id })}
      stackBelow={900}
    />
  );
}
