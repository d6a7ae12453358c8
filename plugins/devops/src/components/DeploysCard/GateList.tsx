import { ReactNode } from 'react';
import { makeStyles } from '@material-ui/core/styles';
import { DeployGateResult } from '@devops-growth/backstage-plugin-devops-common';
import { formatActor, StatusLabel } from '../shared';
import { GATE_LABELS, GATE_STATUS_LABELS, GATE_STATUS_TONES } from './model';

const useStyles = makeStyles(theme => ({
  list: { listStyle: 'none', margin: 0, padding: 0 },
  item: {
    padding: theme.spacing(1, 0),
    borderBottom: `1px solid ${theme.palette.divider}`,
    ...theme.typography.body2,
  },
  head: { display: 'flex', gap: theme.spacing(1), alignItems: 'baseline' },
}));

/**
 * Gate results: each gate's name, status and message, who overrode it and why; `extra` adds a
 * control under a gate (the override field of the action dialog).
 */
export function GateList(props: {
  label: string;
  gates: DeployGateResult[];
  extra?: (gate: DeployGateResult) => ReactNode;
}) {
  const classes = useStyles();
  return (
    <ul className={classes.list} aria-label={props.label}>
      {props.gates.map(gate => (
        <li key={gate.gate} className={classes.item} data-gate={gate.gate}>
          <div className={classes.head}>
            <strong>{GATE_LABELS[gate.gate]}</strong>
            <StatusLabel
              tone={GATE_STATUS_TONES[gate.status]}
              label={GATE_STATUS_LABELS[gate.status]}
              data={{ 'data-status': gate.status }}
            />
          </div>
          <div>{gate.message}</div>
          {gate.override && (
            <div>
              Overridden by {formatActor(gate.override.by)}: “
              {gate.override.reason}”
            </div>
          )}
          {props.extra?.(gate)}
        </li>
      ))}
    </ul>
  );
}
