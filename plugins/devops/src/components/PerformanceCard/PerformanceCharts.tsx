import { useMemo } from 'react';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import {
  PerformancePoint,
  PerformanceTargets,
  PerformanceWindow,
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
import { timeTickFormatter, timeTicks } from '../CoverageCard/model';
import {
  formatErrorRate,
  formatMs,
  formatThroughput,
  PerformanceChartPoint,
  percentOf,
  toPerformanceChartData,
} from './model';

type SeriesKey = Exclude<keyof PerformanceChartPoint, 'time'>;

const WINDOW_DESCRIPTIONS: Record<PerformanceWindow, string> = {
  '1h': 'the last hour',
  '24h': 'the last 24 hours',
  '7d': 'the last 7 days',
  '30d': 'the last 30 days',
};

function formatTooltipLabel(label: unknown) {
  return typeof label === 'number'
    ? new Date(label).toLocaleString(undefined, {
        dateStyle: 'medium',
        timeStyle: 'short',
      })
    : String(label);
}

/** One time-series chart with an optional target drawn as a dashed reference line. */
function TimeSeriesChart(props: {
  title: string;
  points: PerformanceChartPoint[];
  lines: Array<{ key: SeriesKey; name: string; color: string }>;
  format: (value: number) => string;
  target?: { value: number; label: string };
}) {
  const { title, points, lines, format, target } = props;
  const theme = useTheme();
  const drawn = lines.filter(line =>
    points.some(point => point[line.key] !== null),
  );
  const first = points[0].time;
  const last = points[points.length - 1].time;
  return (
    <Box role="img" aria-label={title}>
      <Typography variant="subtitle2" component="h4">
        {title}
      </Typography>
      {drawn.length === 0 ? (
        <Typography variant="body2" color="textSecondary">
          The source has no values for this chart.
        </Typography>
      ) : (
        <ResponsiveContainer width="100%" height={220}>
          <LineChart
            data={points}
            margin={{ top: 16, right: 24, bottom: 8, left: 8 }}
          >
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis
              dataKey="time"
              type="number"
              scale="time"
              domain={['dataMin', 'dataMax']}
              ticks={timeTicks(first, last, 4)}
              tickFormatter={timeTickFormatter(last - first)}
            />
            <YAxis
              type="number"
              width={72}
              // leave room above the data and the target so that both are visible
              domain={[
                0,
                (dataMax: number) =>
                  Math.max(dataMax, target?.value ?? 0) * 1.1 || 1,
              ]}
              tickFormatter={(value: number) => format(value)}
            />
            <Tooltip
              labelFormatter={formatTooltipLabel}
              formatter={(value: number | string | Array<number | string>) =>
                typeof value === 'number' ? format(value) : value
              }
            />
            {drawn.length > 1 && <Legend />}
            {target && (
              <ReferenceLine
                y={target.value}
                stroke={theme.palette.status.error}
                strokeDasharray="6 3"
                label={{
                  value: target.label,
                  position: 'insideTopRight',
                  fill: theme.palette.text.secondary,
                }}
              />
            )}
            {drawn.map(line => (
              <Line
                key={line.key}
                type="monotone"
                dataKey={line.key}
                name={line.name}
                stroke={line.color}
                strokeWidth={2}
                dot={points.length <= 30}
                connectNulls={false}
                isAnimationActive={false}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      )}
    </Box>
  );
}

/** "Hourly means", "3-hour means", "5-minute means". */
export function bucketCaption(minutes: number): string {
  if (minutes === 60) return 'Hourly means';
  if (minutes % 60 === 0) return `${minutes / 60}-hour means`;
  return minutes === 1 ? 'Per-minute means' : `${minutes}-minute means`;
}

/**
 * Latency (P50, P95, P99 with the P95 target), throughput (with the minimum) and error rate (with
 * its target) over the window. Long windows read hourly roll-ups, which the caption says, with
 * the width of each point.
 */
export function PerformanceCharts(props: {
  series: PerformancePoint[];
  targets: PerformanceTargets;
  window: PerformanceWindow;
  resolution: 'raw' | 'hourly';
  bucketMinutes: number;
}) {
  const { series, targets, window, resolution, bucketMinutes } = props;
  const theme = useTheme();
  const points = useMemo(
    () => toPerformanceChartData(series, bucketMinutes),
    [series, bucketMinutes],
  );

  if (points.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No samples in {WINDOW_DESCRIPTIONS[window]}.
      </Typography>
    );
  }
  const formatPercentValue = (percent: number) =>
    formatErrorRate(percent / 100);

  return (
    <>
      <Typography variant="caption" color="textSecondary" component="p">
        {resolution === 'hourly'
          ? `${bucketCaption(bucketMinutes)} of the hourly roll-ups over ${
              WINDOW_DESCRIPTIONS[window]
            }`
          : `${bucketCaption(bucketMinutes)} of the collected samples over ${
              WINDOW_DESCRIPTIONS[window]
            }`}
      </Typography>
      <Grid container spacing={3}>
        <Grid item xs={12}>
          <TimeSeriesChart
            title="Latency"
            points={points}
            format={formatMs}
            lines={[
              { key: 'p50Ms', name: 'P50', color: theme.palette.info.main },
              {
                key: 'p95Ms',
                name: 'P95',
                color: theme.palette.primary.main,
              },
              {
                key: 'p99Ms',
                name: 'P99',
                color: theme.palette.secondary.main,
              },
            ]}
            target={
              targets.p95Ms === null
                ? undefined
                : {
                    value: targets.p95Ms,
                    label: `P95 target ${formatMs(targets.p95Ms)}`,
                  }
            }
          />
        </Grid>
        <Grid item xs={12} md={6}>
          <TimeSeriesChart
            title="Throughput"
            points={points}
            format={formatThroughput}
            lines={[
              {
                key: 'throughput',
                name: 'Throughput',
                color: theme.palette.primary.main,
              },
            ]}
            target={
              targets.minThroughput === null
                ? undefined
                : {
                    value: targets.minThroughput,
                    label: `Minimum ${formatThroughput(targets.minThroughput)}`,
                  }
            }
          />
        </Grid>
        <Grid item xs={12} md={6}>
          <TimeSeriesChart
            title="Error rate"
            points={points}
            format={formatPercentValue}
            lines={[
              {
                key: 'errorRatePercent',
                name: 'Error rate',
                color: theme.palette.error.main,
              },
            ]}
            target={
              targets.errorRate === null
                ? undefined
                : {
                    value: percentOf(targets.errorRate),
                    label: `Target ${formatErrorRate(targets.errorRate)}`,
                  }
            }
          />
        </Grid>
      </Grid>
    </>
  );
}
