import Box from '@material-ui/core/Box';
import { makeStyles } from '@material-ui/core/styles';
import { CoverageSummary } from '@devops-growth/backstage-plugin-devops-common';
import { CoverageSummaryOptions } from '../../api';
import { SelectPicker, toPickerOptions } from '../shared';

const useStyles = makeStyles(theme => ({
  root: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(2),
  },
}));

/**
 * Pickers for the report name and the branch; each is only shown when there is more than one
 * value to choose from. The backend always answers for one branch: without one, the newest
 * branch of the report name.
 */
export function ReportPickers(props: {
  summary: CoverageSummary;
  onChange: (selection: CoverageSummaryOptions) => void;
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
        <SelectPicker
          id="devops-report-picker"
          label="Report"
          value={summary.reportName}
          options={reportNames}
          // Another report name has its own branches: show its newest one.
          onChange={report => onChange({ report })}
        />
      )}
      {branches.length > 1 && (
        <SelectPicker
          id="devops-branch-picker"
          label="Branch"
          value={summary.branch ?? ''}
          options={branches}
          onChange={branch => onChange({ report: summary.reportName, branch })}
        />
      )}
    </Box>
  );
}
