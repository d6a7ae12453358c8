import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  SecurityThreat,
  ThreatMonitoring,
  ThreatStatus,
} from '@devops-growth/backstage-plugin-devops-common';
import {
  BreakableText,
  formatDateTime,
  ResponsiveTable,
  StatusLabel,
  TableColumn,
} from '../shared';
import { ActionButtons, ActionPermission } from './ActionButtons';
import {
  describeNoActiveThreats,
  MonitoringView,
  SEVERITY_TONES,
  THREAT_ACTION_LABELS,
  ThreatView,
  toMonitoringView,
  toThreatView,
} from './model';

const useStyles = makeStyles(theme => ({
  list: { listStyle: 'none', margin: 0, padding: 0 },
  threat: {
    padding: theme.spacing(1.5, 0),
    borderBottom: `1px solid ${theme.palette.divider}`,
  },
  heading: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'baseline',
    gap: theme.spacing(1.5),
  },
  figures: { margin: theme.spacing(0.5, 0), paddingLeft: theme.spacing(2.5) },
}));

type EventRow = ThreatView['events'][number];

const EVENT_COLUMNS: TableColumn<EventRow>[] = [
  {
    key: 'at',
    title: 'When',
    render: e => formatDateTime(e.at),
  },
  { key: 'client', title: 'Client', render: e => e.clientIp ?? '–' },
  {
    key: 'request',
    title: 'Request',
    render: e => (
      <code>
        <BreakableText text={e.request ?? '–'} />
      </code>
    ),
  },
  {
    key: 'rule',
    title: 'Rules and message',
    render: e =>
      `${e.ruleIds.length > 0 ? `${e.ruleIds.join(', ')}: ` : ''}${e.message}`,
  },
  {
    key: 'blocked',
    title: 'Blocked',
    render: e => (e.blocked ? 'yes' : 'no'),
  },
];

function Threat(props: {
  threat: ThreatView;
  permission: ActionPermission;
  onAction: (threat: ThreatView, status: ThreatStatus) => void;
}) {
  const classes = useStyles();
  const { threat, permission, onAction } = props;
  return (
    <li className={classes.threat} data-threat={threat.id}>
      <Box className={classes.heading}>
        <Typography variant="subtitle2" component="h4">
          {threat.title}
        </Typography>
        <StatusLabel
          tone={SEVERITY_TONES[threat.severity]}
          label={threat.severityLabel}
        />
        <Typography
          variant="body2"
          component="span"
          data-threat-status={threat.status}
        >
          {threat.statusLabel}
          {threat.statusDetail && ` (${threat.statusDetail})`}
        </Typography>
      </Box>
      <Typography variant="caption" color="textSecondary" component="p">
        {threat.when}
      </Typography>
      <Typography variant="body2">{threat.summary}</Typography>
      {threat.figures.length > 0 && (
        <ul className={classes.figures} aria-label="Figures">
          {threat.figures.map(figure => (
            <li key={figure}>
              <Typography variant="body2">{figure}</Typography>
            </li>
          ))}
        </ul>
      )}
      {threat.events.length > 0 && (
        <Box my={1}>
          <ResponsiveTable
            label={`First events of ${threat.title}`}
            columns={EVENT_COLUMNS}
            rows={threat.events}
            rowKey={e => `${e.at}\u0000${e.request}\u0000${e.ruleIds.join()}`}
            stackBelow={720}
          />
          {threat.moreEvents && (
            <Typography variant="caption" color="textSecondary">
              {threat.moreEvents}
            </Typography>
          )}
        </Box>
      )}
      <Box mt={1}>
        <ActionButtons
          actions={threat.actions}
          labels={THREAT_ACTION_LABELS}
          permission={permission}
          onAction={status => onAction(threat, status)}
        />
      </Box>
    </li>
  );
}

function ThreatList(props: {
  label: string;
  threats: ThreatView[];
  permission: ActionPermission;
  onAction: (threat: ThreatView, status: ThreatStatus) => void;
}) {
  const classes = useStyles();
  return (
    <ul className={classes.list} aria-label={props.label}>
      {props.threats.map(threat => (
        <Threat
          key={threat.id}
          threat={threat}
          permission={props.permission}
          onAction={props.onAction}
        />
      ))}
    </ul>
  );
}

function Monitoring(props: { views: MonitoringView[] }) {
  const classes = useStyles();
  return (
    <ul className={classes.figures} aria-label="Detectors">
      {props.views.map(view => (
        <li key={view.detector} data-detector={view.detector}>
          <Box className={classes.heading}>
            <Typography variant="body2" component="span">
              {view.label}:
            </Typography>
            <StatusLabel
              tone={view.monitored ? 'ok' : 'warning'}
              label={view.text}
              data={{
                'data-monitoring': view.monitored
                  ? 'monitored'
                  : 'not-monitored',
              }}
            />
          </Box>
        </li>
      ))}
    </ul>
  );
}

/**
 * Active threats (open and acknowledged) with their evidence and status buttons, the latest closed
 * ones, and what each detector watches. A detector without its input is "not monitored" with the
 * reason: the section never says "no threats" for it.
 */
export function Threats(props: {
  active: SecurityThreat[];
  recent: SecurityThreat[];
  monitoring: ThreatMonitoring[];
  now: number;
  permission: ActionPermission;
  onAction: (threat: ThreatView, status: ThreatStatus) => void;
}) {
  const { now, permission, onAction } = props;
  const active = props.active.map(t => toThreatView(t, now));
  const recent = props.recent.map(t => toThreatView(t, now));
  const none = describeNoActiveThreats(props.monitoring);
  return (
    <>
      {active.length > 0 ? (
        <ThreatList
          label="Active threats"
          threats={active}
          permission={permission}
          onAction={onAction}
        />
      ) : (
        <Typography variant="body2" paragraph>
          {none ??
            'No detector watches this entity yet, so nothing can be said about threats.'}
        </Typography>
      )}
      <Typography variant="subtitle2" component="h4">
        Detectors
      </Typography>
      <Monitoring views={props.monitoring.map(toMonitoringView)} />
      {recent.length > 0 && (
        <>
          <Typography variant="subtitle2" component="h4">
            Recently closed
          </Typography>
          <ThreatList
            label="Recently closed threats"
            threats={recent}
            permission={permission}
            onAction={onAction}
          />
        </>
      )}
    </>
  );
}
