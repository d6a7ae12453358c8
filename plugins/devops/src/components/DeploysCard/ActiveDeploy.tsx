import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { Deploy } from '@devops-growth/backstage-plugin-devops-common';
import {
  formatActor,
  formatDateTime,
  ResponsiveTable,
  StatusLabel,
  statusTextColors,
  TableColumn,
} from '../shared';
import {
  progressText,
  STATUS_LABELS,
  STATUS_TONES,
  StepView,
  toStepViews,
  toVerdictRows,
  verdictHeading,
  VerdictRow,
} from './model';

const useStyles = makeStyles(theme => ({
  steps: {
    display: 'flex',
    listStyle: 'none',
    margin: theme.spacing(1, 0),
    padding: 0,
    gap: theme.spacing(0.5),
  },
  step: {
    flex: 1,
    textAlign: 'center',
    padding: theme.spacing(0.5),
    borderRadius: theme.shape.borderRadius,
    border: `2px solid ${theme.palette.divider}`,
    ...theme.typography.body2,
  },
  done: {
    borderColor: statusTextColors(theme).ok,
    color: statusTextColors(theme).ok,
  },
  current: {
    borderColor: statusTextColors(theme).running,
    color: statusTextColors(theme).running,
    fontWeight: theme.typography.fontWeightBold as number,
  },
  pending: { color: theme.palette.text.secondary },
  hidden: {
    position: 'absolute',
    width: 1,
    height: 1,
    overflow: 'hidden',
    clip: 'rect(0 0 0 0)',
    whiteSpace: 'nowrap',
  },
}));

/** The canary's traffic steps as a bar: done, current and pending steps with their weights. */
export function StepBar(props: { steps: StepView[]; label: string }) {
  const classes = useStyles();
  return (
    <ol className={classes.steps} aria-label={props.label}>
      {props.steps.map((step, index) => (
        <li
          key={index}
          className={`${classes.step} ${classes[step.state]}`}
          data-state={step.state}
        >
          {step.weight} %<span className={classes.hidden}> ({step.state})</span>
        </li>
      ))}
    </ol>
  );
}

/** A side's value with what it stands on below it ("1 of 130 requests"). */
function SideCell(props: { value: string; detail: string }) {
  return (
    <>
      {props.value}
      <Typography variant="caption" display="block" color="textSecondary">
        {props.detail}
      </Typography>
    </>
  );
}

const verdictColumns: TableColumn<VerdictRow>[] = [
  { key: 'metric', title: 'Metric', render: r => r.metric },
  {
    key: 'canary',
    title: 'Canary',
    nowrap: true,
    render: r => <SideCell value={r.canary} detail={r.canaryDetail} />,
  },
  {
    key: 'baseline',
    title: 'Baseline',
    nowrap: true,
    render: r => <SideCell value={r.baseline} detail={r.baselineDetail} />,
  },
  { key: 'p', title: 'p-value', nowrap: true, render: r => r.pValue },
  {
    key: 'verdict',
    title: 'Verdict',
    render: r => <StatusLabel tone={r.tone} label={r.verdict} />,
  },
  { key: 'reason', title: 'Why', render: r => r.reason },
];

/** The newest analysis verdict of a deploy: per metric, canary against baseline. */
export function VerdictTable(props: { deploy: Deploy }) {
  const verdict = props.deploy.lastVerdict;
  if (!verdict) {
    return (
      <Typography variant="body2" color="textSecondary">
        No analysis verdict yet.
      </Typography>
    );
  }
  return (
    <>
      <Typography variant="body2">
        {verdictHeading(verdict)}, {formatDateTime(verdict.at)}
      </Typography>
      {/* the metrics' own reasons are in the table; a wait or a rollback says why overall */}
      {verdict.decision !== 'promote' && (
        <Typography variant="body2" color="textSecondary">
          {verdict.reason}
        </Typography>
      )}
      <ResponsiveTable
        label={`Analysis of ${props.deploy.version} in ${props.deploy.environment}`}
        columns={verdictColumns}
        rows={toVerdictRows(verdict)}
        rowKey={r => r.metric}
        stackBelow={640}
      />
    </>
  );
}

/** A deploy in flight: what and where, its phase, the canary steps and the analysis. */
export function ActiveDeploy(props: { deploy: Deploy }) {
  const { deploy } = props;
  const steps = toStepViews(deploy);
  return (
    <Box
      mb={2}
      role="group"
      aria-label={`Deploy of ${deploy.version} to ${deploy.environment}`}
      data-deploy-id={deploy.id}
      data-status={deploy.status}
    >
      <Typography variant="subtitle1" component="h4">
        {deploy.version} to {deploy.environment}
      </Typography>
      <StatusLabel
        tone={STATUS_TONES[deploy.status]}
        label={`${STATUS_LABELS[deploy.status]}, ${progressText(deploy)}`}
        data={{ 'data-testid': 'active-deploy-status' }}
      />
      <Typography variant="caption" color="textSecondary" component="p">
        Started by {formatActor(deploy.createdBy)},{' '}
        {formatDateTime(deploy.startedAt ?? deploy.createdAt)}
        {deploy.previousVersion && `; replaces ${deploy.previousVersion}`}
      </Typography>
      {steps.length > 0 && (
        <StepBar steps={steps} label={`Canary steps of ${deploy.version}`} />
      )}
      {(deploy.strategy !== 'rolling' || deploy.lastVerdict) && (
        <VerdictTable deploy={deploy} />
      )}
    </Box>
  );
}
