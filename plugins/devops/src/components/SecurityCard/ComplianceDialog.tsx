import { useMemo } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Typography from '@material-ui/core/Typography';
import { makeStyles, useTheme } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  ComplianceFrameworkDetail,
  ComplianceStatus,
} from '@devops-growth/backstage-plugin-devops-common';
import { Line, LineChart } from 'recharts';
import useAsync from 'react-use/esm/useAsync';
import { devopsApiRef } from '../../api';
import {
  ChartFrame,
  chartScaffold,
  formatDateTime,
  formatPercent,
  ResponsiveTable,
  StatusLabel,
  StatusTone,
  TableColumn,
  useChartKit,
} from '../shared';
import {
  ControlView,
  EvidenceView,
  toComplianceControls,
  toScoreHistory,
} from './compliance';
import { toComplianceTile } from './model';

const PERCENT_TICKS = [0, 25, 50, 75, 100];

const STATUS_TONES: Record<ComplianceStatus, StatusTone> = {
  passed: 'ok',
  failed: 'error',
  'not-evaluated': 'neutral',
};

const useStyles = makeStyles(theme => ({
  list: { listStyle: 'none', margin: 0, padding: 0 },
  control: {
    padding: theme.spacing(1, 0),
    borderBottom: `1px solid ${theme.palette.divider}`,
  },
}));

const EVIDENCE_COLUMNS: TableColumn<EvidenceView>[] = [
  { key: 'check', title: 'Check', render: e => e.title },
  {
    key: 'status',
    title: 'Result',
    render: e => (
      <StatusLabel tone={STATUS_TONES[e.status]} label={e.statusLabel} />
    ),
  },
  { key: 'value', title: 'Value found', render: e => e.value },
  { key: 'when', title: 'Checked', render: e => e.when },
];

function Controls(props: { title: string; controls: ControlView[] }) {
  const classes = useStyles();
  if (props.controls.length === 0) {
    return null;
  }
  return (
    <Box mt={3} component="section">
      <Typography variant="h6" component="h3">
        {props.title}
      </Typography>
      <ul className={classes.list} aria-label={props.title}>
        {props.controls.map(control => (
          <li
            key={control.controlId}
            className={classes.control}
            data-control={control.controlId}
          >
            <Typography variant="subtitle2" component="h4">
              {control.controlId}: {control.title}
            </Typography>
            <Typography variant="caption" color="textSecondary" component="p">
              Weight {control.weight}
            </Typography>
            <ResponsiveTable
              label={`Evidence of ${control.controlId}`}
              columns={EVIDENCE_COLUMNS}
              rows={control.evidence}
              rowKey={e => e.key}
              stackBelow={560}
            />
          </li>
        ))}
      </ul>
    </Box>
  );
}

function ScoreHistoryChart(props: { detail: ComplianceFrameworkDetail }) {
  const theme = useTheme();
  const kit = useChartKit();
  const points = useMemo(() => toScoreHistory(props.detail), [props.detail]);
  if (points.filter(p => p.score !== null).length < 2) {
    return (
      <Typography variant="body2" color="textSecondary">
        Not enough evaluations for a history yet.
      </Typography>
    );
  }
  const series = [
    { key: 'score', name: 'Score', color: theme.palette.primary.main },
  ];
  return (
    <ChartFrame label={`${props.detail.title} score over time`} height={200}>
      <LineChart
        data={points}
        margin={{ top: 16, right: 24, bottom: 8, left: 0 }}
      >
        {chartScaffold(kit, {
          // no more ticks than evaluations: a two-day history would repeat its dates
          xAxis: kit.timeAxis(
            points[0].time,
            points[points.length - 1].time,
            Math.min(5, points.length),
          ),
          yAxis: kit.percentAxis(PERCENT_TICKS),
          format: formatPercent,
          series,
        })}
        <Line {...kit.line(series[0], points.length)} />
      </LineChart>
    </ChartFrame>
  );
}

function Detail(props: { detail: ComplianceFrameworkDetail }) {
  const { detail } = props;
  const controls = useMemo(() => toComplianceControls(detail), [detail]);
  const tile = toComplianceTile(detail);
  return (
    <>
      <Typography variant="body2" paragraph>
        Score <strong>{tile.value}</strong> ({tile.counts}), evaluated{' '}
        {formatDateTime(detail.evaluatedAt)}. The score is the weighted share of
        the evaluated controls that pass; a control whose input is missing is
        not evaluated, never passed. This is automated evidence, not
        certification.
      </Typography>
      <ScoreHistoryChart detail={detail} />
      <Controls title="Failing controls" controls={controls.failed} />
      <Controls title="Not evaluated" controls={controls.notEvaluated} />
      <Box mt={3}>
        <Typography variant="body2" color="textSecondary">
          {controls.passed === 1
            ? '1 control passed.'
            : `${controls.passed} controls passed.`}
          {controls.failed.length === 0 &&
            controls.notEvaluated.length === 0 &&
            ' Nothing to look at.'}
        </Typography>
      </Box>
    </>
  );
}

/**
 * The drill-down of a compliance framework: its score history and its failing and not-evaluated
 * controls, each with the evidence of its checks (what was checked, the value, when).
 */
export function ComplianceDialog(props: {
  entityRef: CompoundEntityRef;
  frameworkId: string;
  title: string;
  onClose: () => void;
}) {
  const { entityRef, frameworkId, title, onClose } = props;
  const devopsApi = useApi(devopsApiRef);
  const { kind, namespace, name } = entityRef;
  const loaded = useAsync(
    () =>
      devopsApi.getComplianceFramework({ kind, namespace, name }, frameworkId),
    [devopsApi, kind, namespace, name, frameworkId],
  );
  let content;
  if (loaded.error) {
    content = (
      <Alert severity="error">
        Could not load the controls of {title}: {loaded.error.message}
      </Alert>
    );
  } else if (!loaded.value) {
    content = <Progress />;
  } else {
    content = <Detail detail={loaded.value} />;
  }
  return (
    <Dialog
      open
      onClose={onClose}
      maxWidth="md"
      fullWidth
      aria-labelledby="devops-compliance-dialog-title"
    >
      <DialogTitle id="devops-compliance-dialog-title">
        {title} controls
      </DialogTitle>
      <DialogContent>{content}</DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}
