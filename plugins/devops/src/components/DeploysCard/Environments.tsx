import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import {
  formatDateTime,
  ResponsiveTable,
  StatusLabel,
  TableColumn,
} from '../shared';
import { DeniedNotes, DeployActionButton } from './ActionButton';
import {
  DeployAction,
  DriftView,
  environmentActions,
  EnvironmentView,
  PreviewView,
  progressText,
  STATUS_LABELS,
  STATUS_TONES,
} from './model';
import {
  DeployPermission,
  useEnvironmentPermission,
  withEnvironment,
} from './permissions';

const useStyles = makeStyles(theme => ({
  name: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(0.5),
  },
  alert: { marginTop: theme.spacing(0.5) },
  evidence: { margin: 0, paddingLeft: theme.spacing(2) },
}));

/** A per-entity environment's base, target and time to live, and how its teardown goes. */
function PreviewDetails(props: { preview: PreviewView }) {
  const classes = useStyles();
  const { preview } = props;
  return (
    <>
      <Typography variant="caption" component="div" color="textSecondary">
        based on {preview.basedOn}, target {preview.target}
        {preview.status === 'active' && `, ${preview.expiry}`}
      </Typography>
      {preview.teardown &&
        (preview.teardownFailing ? (
          <Alert
            severity="warning"
            role="status"
            className={classes.alert}
            data-testid="teardown"
          >
            {preview.teardown}
          </Alert>
        ) : (
          <StatusLabel
            tone={preview.status === 'torn-down' ? 'neutral' : 'running'}
            label={preview.teardown}
            data={{ 'data-testid': 'teardown' }}
          />
        ))}
    </>
  );
}

/** An open drift: what the provider reports against what the last successful deploy left. */
function DriftWarning(props: { drift: DriftView }) {
  const classes = useStyles();
  return (
    <Alert
      severity="warning"
      role="status"
      className={classes.alert}
      data-testid="drift"
    >
      <AlertTitle>{props.drift.title}</AlertTitle>
      <ul className={classes.evidence}>
        {props.drift.evidence.map(line => (
          <li key={line}>{line}</li>
        ))}
      </ul>
    </Alert>
  );
}

/**
 * One row per environment of the entity: the version it runs (and since when) with an open drift
 * as a warning, the strategy a new deploy uses, the deploy in flight, and the actions the
 * environment offers. A per-entity environment (preview) also shows its base, target and time to
 * live, or how its teardown goes.
 */
/**
 * An environment's action buttons: each needs its action's permission and the environment's
 * (`devops.deploy.environment.<name>`; for a preview, Delete included, its base's), whose denial
 * is said beside the buttons.
 */
function EnvironmentActions(props: {
  env: EnvironmentView;
  entityRef: string;
  permissions: Record<DeployAction, DeployPermission>;
  onAction: (action: DeployAction, environment: EnvironmentView) => void;
}) {
  const { env, entityRef, permissions, onAction } = props;
  const base = env.preview?.basedOn ?? env.name;
  const environment = useEnvironmentPermission(
    entityRef,
    base,
    env.preview ? env.name : undefined,
  );
  const actions = environmentActions(env);
  const deniedHere = `devops-deploys-denied-in-${env.name}`;
  const narrowed = actions.map(action =>
    withEnvironment(permissions[action], environment),
  );
  return (
    <Box display="flex" flexWrap="wrap" style={{ gap: 4 }}>
      {actions.map((action, i) => (
        <DeployActionButton
          key={action}
          action={action}
          environment={env.name}
          permission={narrowed[i]}
          describedBy={narrowed[i].byEnvironment ? deniedHere : undefined}
          onClick={() => onAction(action, env)}
        />
      ))}
      {narrowed.some(p => p.byEnvironment) && (
        <Typography
          id={deniedHere}
          variant="caption"
          component="div"
          color="textSecondary"
          style={{ width: '100%' }}
        >
          {environment.denied}
        </Typography>
      )}
    </Box>
  );
}

export function Environments(props: {
  environments: EnvironmentView[];
  /** The entity's ref, for the environments' own permissions. */
  entityRef: string;
  permissions: Record<DeployAction, DeployPermission>;
  onAction: (action: DeployAction, environment: EnvironmentView) => void;
}) {
  const { environments, entityRef, permissions, onAction } = props;
  const classes = useStyles();
  const columns: TableColumn<EnvironmentView>[] = [
    {
      key: 'name',
      title: 'Environment',
      render: env => (
        <>
          <div className={classes.name}>
            <strong>{env.name}</strong>
            {env.preview && <Chip size="small" label="preview" />}
          </div>
          {env.preview && <PreviewDetails preview={env.preview} />}
        </>
      ),
    },
    {
      key: 'running',
      title: 'Running',
      render: env => (
        <>
          <span data-testid="running-version">{env.running}</span>
          {env.runningSince && (
            <Typography variant="caption" component="div" color="textSecondary">
              since {formatDateTime(env.runningSince)}
            </Typography>
          )}
          {env.drift && <DriftWarning drift={env.drift} />}
        </>
      ),
    },
    { key: 'strategy', title: 'Strategy', render: env => env.strategy },
    {
      key: 'active',
      title: 'In flight',
      render: env =>
        env.active ? (
          <>
            <StatusLabel
              tone={STATUS_TONES[env.active.status]}
              label={`${STATUS_LABELS[env.active.status]}: ${
                env.active.version
              }`}
            />
            <Typography variant="caption" component="div" color="textSecondary">
              {progressText(env.active)}
            </Typography>
          </>
        ) : (
          'Nothing'
        ),
    },
    {
      key: 'actions',
      title: 'Actions',
      render: env => (
        <EnvironmentActions
          env={env}
          entityRef={entityRef}
          permissions={permissions}
          onAction={onAction}
        />
      ),
    },
  ];
  const shown = [...new Set(environments.flatMap(environmentActions))];
  return (
    <>
      <ResponsiveTable
        label="Environments"
        columns={columns}
        rows={environments}
        rowKey={env => env.name}
        rowProps={env => ({ 'data-environment': env.name })}
        stackBelow={640}
      />
      <DeniedNotes actions={shown} permissions={permissions} />
    </>
  );
}
