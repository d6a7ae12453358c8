import { useMemo } from 'react';
import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import {
  CoverageMetric,
  CoverageTrendPoint,
} from '@devops-growth/backstage-plugin-devops-common';
import { Line, LineChart } from 'recharts';
import {
  ChartFrame,
  chartScaffold,
  formatPercent,
  useChartKit,
} from '../shared';
import { COVERAGE_METRIC_LABELS, toCoverageChartData } from './model';

const PERCENT_TICKS = [0, 25, 50, 75, 100];

/**
 * Coverage per metric, report by report: each report's commit and time on the x axis, 0-100 % on
 * the y axis and the quality gate threshold as a dashed line named in the legend.
 */
export function CoverageTrendChart(props: {
  trend: CoverageTrendPoint[];
  threshold: number;
}) {
  const { trend, threshold } = props;
  const theme = useTheme();
  const kit = useChartKit();
  const { points, metrics } = useMemo(
    () => toCoverageChartData(trend),
    [trend],
  );

  if (points.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No coverage trend yet.
      </Typography>
    );
  }

  const colors: Record<CoverageMetric, string> = {
    lines: theme.palette.primary.main,
    branches: theme.palette.secondary.main,
    functions: theme.palette.info.main,
    statements: theme.palette.warning.main,
  };
  const series = metrics.map(metric => ({
    key: metric,
    name: COVERAGE_METRIC_LABELS[metric],
    color: colors[metric],
  }));
  const gate = { value: threshold, label: `Gate ${formatPercent(threshold)}` };

  return (
    <ChartFrame label="Coverage trend" height={260}>
      <LineChart
        data={points}
        margin={{ top: 16, right: 24, bottom: 8, left: 0 }}
      >
        {chartScaffold(kit, {
          xAxis: kit.reportAxis(),
          yAxis: kit.percentAxis(PERCENT_TICKS),
          format: formatPercent,
          series,
          targets: [gate],
        })}
        {series.map(s => (
          <Line key={s.key} {...kit.line(s, points.length, true)} />
        ))}
      </LineChart>
    </ChartFrame>
  );
}
