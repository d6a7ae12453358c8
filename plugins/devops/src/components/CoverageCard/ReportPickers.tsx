import { ChangeEvent } from 'react';
import Box from '@material-ui/core/Box';
import TextField from '@material-ui/core/TextField';
import { makeStyles } from '@material-ui/core/styles';
import { QualitySummary } from '@devops-growth/backstage-plugin-devops-common';
import { QualitySummaryOptions } from '../../api';
import { toPickerOptions } from './model';

const useStyles = makeStyles(theme => ({
  root: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(2),
  },
  picker: { minWidth: 160 },
}));

/**
 * Pickers for the report name and the branch; each is only shown when there is more than one
 * value to choose from. The backend always answers for one branch: without one, the newest
 * branch of the report name.
 */
export function ReportPickers(props: {
  summary: QualitySummary;
  onChange: (selection: QualitySummaryOptions) => void;
}) {
  const classes = useStyles();
  const { summary, onChange } = props;
  const reportNames = toPickerOptions(
    summary.available.reportNames,
    summary.reportName,
  );
  const branches = toPickerOptions(summary.available.branches, summary.branch);

  if (reportNames.length <= 1 && branches.length <= 1) {
    return null;
  }
  return (
    <Box className={classes.root}>
      {reportNames.length > 1 && (
        <TextField
          select
          size="small"
          variant="outlined"
          label="Report"
          className={classes.picker}
          value={summary.reportName}
          SelectProps={{ native: true }}
          id="devops-report-picker"
          onChange={(event: ChangeEvent<HTMLInputElement>) =>
            // Another report name has its own branches: show its newest one.
            onChange({ report: event.target.value })
          }
        >
          {reportNames.map(name => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </TextField>
      )}
      {branches.length > 1 && (
        <TextField
          select
          size="small"
          variant="outlined"
          label="Branch"
          className={classes.picker}
          value={summary.branch ?? ''}
          SelectProps={{ native: true }}
          id="devops-branch-picker"
          onChange={(event: ChangeEvent<HTMLInputElement>) =>
            onChange({
              report: summary.reportName,
              branch: event.target.value,
            })
          }
        >
          {branches.map(name => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </TextField>
      )}
    </Box>
  );
}
