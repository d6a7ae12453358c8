import { ChangeEvent } from 'react';
import Box from '@material-ui/core/Box';
import TextField from '@material-ui/core/TextField';
import { makeStyles } from '@material-ui/core/styles';
import ToggleButton from '@material-ui/lab/ToggleButton';
import ToggleButtonGroup from '@material-ui/lab/ToggleButtonGroup';
import {
  PERFORMANCE_WINDOWS,
  PerformanceWindow,
} from '@devops-growth/backstage-plugin-devops-common';
import { toPickerOptions } from '../CoverageCard/model';
import { WINDOW_LABELS } from './model';

const useStyles = makeStyles(theme => ({
  root: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(2),
  },
  picker: { minWidth: 160 },
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
        <TextField
          select
          size="small"
          variant="outlined"
          label="Environment"
          className={classes.picker}
          value={props.environment ?? ''}
          SelectProps={{ native: true }}
          id="devops-performance-environment-picker"
          onChange={(event: ChangeEvent<HTMLInputElement>) =>
            props.onEnvironmentChange(event.target.value)
          }
        >
          {environments.map(name => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </TextField>
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
          <ToggleButton key={window} value={window}>
            {WINDOW_LABELS[window]}
          </ToggleButton>
        ))}
      </ToggleButtonGroup>
    </Box>
  );
}
