import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Tooltip from '@material-ui/core/Tooltip';

/** Whether the user may change statuses, and if not, why (the id of the sentence saying so). */
export interface ActionPermission {
  allowed: boolean;
  /** The sentence shown when the permission is denied. */
  denied: string;
  /** The id of the element showing `denied`, which describes the disabled buttons. */
  deniedId: string;
}

/**
 * The status buttons of a finding or a threat. Without the permission they stay visible but
 * disabled, with the reason as a tooltip (on hover) and as their description (for keyboard and
 * screen reader users, who cannot hover a disabled button).
 */
export function ActionButtons<A extends string>(props: {
  actions: A[];
  labels: Record<A, string>;
  permission: ActionPermission;
  onAction: (action: A) => void;
}) {
  const { actions, labels, permission, onAction } = props;
  if (actions.length === 0) {
    return null;
  }
  return (
    <Box display="flex" flexWrap="wrap" style={{ gap: 4 }}>
      {actions.map(action => {
        const button = (
          <Button
            size="small"
            variant="outlined"
            disabled={!permission.allowed}
            aria-describedby={
              permission.allowed ? undefined : permission.deniedId
            }
            onClick={() => onAction(action)}
            data-action={action}
            style={{ whiteSpace: 'nowrap' }}
          >
            {labels[action]}
          </Button>
        );
        return permission.allowed ? (
          <span key={action}>{button}</span>
        ) : (
          <Tooltip key={action} title={permission.denied}>
            <span>{button}</span>
          </Tooltip>
        );
      })}
    </Box>
  );
}
