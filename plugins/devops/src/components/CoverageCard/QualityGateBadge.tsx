import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import CancelIcon from '@material-ui/icons/Cancel';
import HelpIcon from '@material-ui/icons/Help';
import { CoverageGate } from '@devops-growth/backstage-plugin-devops-common';
import { statusChipColors } from '../shared';
import { describeGate } from './model';

const useStyles = makeStyles(theme => ({
  root: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
  },
  passed: statusChipColors(theme, 'ok'),
  failed: statusChipColors(theme, 'error'),
  unknown: {},
  icon: { color: 'inherit' },
}));

/** The coverage quality gate: verdict, threshold and where the threshold comes from. */
export function QualityGateBadge(props: { gate: CoverageGate }) {
  const classes = useStyles();
  const view = describeGate(props.gate);
  const icons = {
    passed: <CheckCircleIcon className={classes.icon} aria-hidden />,
    failed: <CancelIcon className={classes.icon} aria-hidden />,
    unknown: <HelpIcon className={classes.icon} aria-hidden />,
  };
  return (
    <Box className={classes.root}>
      <Chip
        size="small"
        icon={icons[view.status]}
        label={view.label}
        className={classes[view.status]}
        data-gate-status={view.status}
      />
      <Typography variant="body2" color="textSecondary" component="span">
        {view.rule}
        {view.actual ? `, ${view.actual}` : ''}
      </Typography>
    </Box>
  );
}
