import { useMemo } from 'react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import {
  CoverageMetric,
  CoverageTrendPoint,
} from '@devops-growth/backstage-plugin-devops-common';
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import {
  COVERAGE_METRIC_LABELS,
  formatPercent,
  timeTickFormatter,
  timeTicks,
  toCoverageChartData,
} from './model';

const PERCENT_TICKS = [0, 25, 50, 75, 100];

function formatTooltipValue(value: number | string | Array<number | string>) {
  return typeof value === 'number' ? formatPercent(value) : value;
}

function formatTooltipLabel(label: unknown) {
  return typeof label === 'number'
    ? new Date(label).toLocaleString(undefined, {
        dateStyle: 'medium',
        timeStyle: 'short',
      })
    : String(label);
}

/**
 * Coverage per metric over time: dates on the x axis, 0-100 % on the y axis and the quality gate
 * threshold as a dashed reference line.
 */
export function CoverageTrendChart(props: {
  trend: CoverageTrendPoint[];
  threshold: number;
}) {
  const { trend, threshold } = props;
  const theme = useTheme();
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

  return (
    <Box role="img" aria-label="Coverage trend">
      <ResponsiveContainer width="100%" height={260}>
        <LineChart
          data={points}
          margin={{ top: 16, right: 24, bottom: 8, left: 0 }}
        >
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis
            dataKey="time"
            type="number"
            scale="time"
            domain={['dataMin', 'dataMax']}
            ticks={timeTicks(points[0].time, points[points.length - 1].time)}
            tickFormatter={timeTickFormatter(
              points[points.length - 1].time - points[0].time,
            )}
          />
          <YAxis
            type="number"
            domain={[0, 100]}
            ticks={PERCENT_TICKS}
            tickFormatter={(value: number) => `${value}%`}
            allowDataOverflow
          />
          <Tooltip
            labelFormatter={formatTooltipLabel}
            formatter={formatTooltipValue}
          />
          <Legend />
          <ReferenceLine
            y={threshold}
            stroke={theme.palette.status.error}
            strokeDasharray="6 3"
            label={{
              value: `Gate ${formatPercent(threshold)}`,
              position: 'insideTopRight',
              fill: theme.palette.text.secondary,
            }}
          />
          {metrics.map(metric => (
            <Line
              key={metric}
              type="monotone"
              dataKey={metric}
              name={COVERAGE_METRIC_LABELS[metric]}
              stroke={colors[metric]}
              strokeWidth={2}
              dot={points.length <= 30}
              connectNulls
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </Box>
  );
}
