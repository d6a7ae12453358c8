import Box from '@material-ui/core/Box';
import { makeStyles } from '@material-ui/core/styles';
import ToggleButton from '@material-ui/lab/ToggleButton';
import ToggleButtonGroup from '@material-ui/lab/ToggleButtonGroup';
import {
  PERFORMANCE_WINDOWS,
  PerformanceWindow,
} from '@devops-growth/backstage-plugin-devops-common';
import { readableOn, SelectPicker, toPickerOptions } from '../shared';
import { WINDOW_LABELS } from './format';

const useStyles = makeStyles(theme => ({
  root: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(2),
  },
  // Material UI draws unselected toggles in a 38 % grey (2.7:1); these read at 4.5:1 or more
  toggle: {
    color: readableOn(
      theme.palette.text.secondary,
      theme.palette.background.paper,
    ),
    '&$selected': {
      color: theme.palette.text.primary,
      fontWeight: theme.typography.fontWeightBold as number,
    },
  },
  selected: {},
}));

/**
 * The window picker (1 h, 24 h, 7 d, 30 d) and, when the entity has data for several
 * environments, the environment picker.
 */
export function PerformancePickers(props: {
  window: PerformanceWindow;
  environment: string | null;
  environments: string[];
  onWindowChange: (window: PerformanceWindow) => void;
  onEnvironmentChange: (environment: string) => void;
}) {
  const classes = useStyles();
  const environments = toPickerOptions(props.environments, props.environment);
  return (
    <Box className={classes.root}>
      {environments.length > 1 && (
        <SelectPicker
          id="devops-performance-environment-picker"
          label="Environment"
          value={props.environment ?? ''}
          options={environments}
          onChange={props.onEnvironmentChange}
        />
      )}
      <ToggleButtonGroup
        size="small"
        exclusive
        value={props.window}
        aria-label="Time window"
        onChange={(_event, value: PerformanceWindow | null) => {
          // a click on the selected button deselects it: keep the window instead
          if (value) {
            props.onWindowChange(value);
          }
        }}
      >
        {PERFORMANCE_WINDOWS.map(window => (
          <ToggleButton
            key={window}
            value={window}
            classes={{ root: classes.toggle, selected: classes.selected }}
          >
            {WINDOW_LABELS[window]}
          </ToggleButton>
        ))}
      </ToggleButtonGroup>
    </Box>
  );
}
