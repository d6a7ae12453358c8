import Button from '@material-ui/core/Button';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { ACTION_LABELS } from './actionForm';
import { DeployAction } from './model';
import { DeployPermission } from './permissions';

/** The id of the sentence saying why an action is denied. */
export function deniedId(action: DeployAction): string {
  return `devops-deploys-denied-${action}`;
}

/**
 * An environment's action button. Without the permission it stays visible but disabled, with the
 * reason as its tooltip (on hover) and its description (for keyboard and screen reader users).
 */
export function DeployActionButton(props: {
  action: DeployAction;
  environment: string;
  permission: DeployPermission;
  onClick: () => void;
  /** The id of the sentence saying why it is denied, when not the action's (see deniedId). */
  describedBy?: string;
}) {
  const { action, environment, permission, onClick } = props;
  const button = (
    <Button
      size="small"
      variant={action === 'deploy' ? 'contained' : 'outlined'}
      color={action === 'deploy' ? 'primary' : 'default'}
      disabled={!permission.allowed}
      aria-label={`${ACTION_LABELS[action]} ${environment}`}
      aria-describedby={
        permission.allowed ? undefined : props.describedBy ?? deniedId(action)
      }
      data-action={action}
      onClick={onClick}
      style={{ whiteSpace: 'nowrap' }}
    >
      {ACTION_LABELS[action]}
    </Button>
  );
  if (permission.allowed || permission.loading) {
    return <span>{button}</span>;
  }
  return (
    <Tooltip title={permission.denied}>
      <span>{button}</span>
    </Tooltip>
  );
}

/** The sentences describing the denied actions shown on the card. */
export function DeniedNotes(props: {
  actions: DeployAction[];
  permissions: Record<DeployAction, DeployPermission>;
}) {
  const denied = props.actions.filter(
    a => !props.permissions[a].allowed && !props.permissions[a].loading,
  );
  if (denied.length === 0) {
    return null;
  }
  return (
    <>
      {denied.map(action => (
        <Typography
          key={action}
          id={deniedId(action)}
          variant="body2"
          color="textSecondary"
        >
          {props.permissions[action].denied}
        </Typography>
      ))}
    </>
  );
}
