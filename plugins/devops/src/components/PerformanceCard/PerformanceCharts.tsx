import { useMemo } from 'react';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import {
  PerformancePoint,
  PerformanceTargets,
  PerformanceWindow,
} from '@devops-growth/backstage-plugin-devops-common';
import { Line, LineChart, ReferenceLine } from 'recharts';
import {
  ChartFrame,
  chartScaffold,
  ChartSeries,
  ChartTarget,
  statusTextColors,
  useChartKit,
} from '../shared';
import { ChartMarker } from './deployMarkers';
import { PerformanceChartPoint, toPerformanceChartData } from './chartData';
import {
  formatErrorRate,
  formatMs,
  formatThroughput,
  percentOf,
} from './format';

type SeriesKey = Exclude<keyof PerformanceChartPoint, 'time'>;

const WINDOW_DESCRIPTIONS: Record<PerformanceWindow, string> = {
  '1h': 'the last hour',
  '24h': 'the last 24 hours',
  '7d': 'the last 7 days',
  '30d': 'the last 30 days',
};

/** One time-series chart with an optional target drawn as a dashed line named in the legend. */
function TimeSeriesChart(props: {
  title: string;
  points: PerformanceChartPoint[];
  lines: Array<ChartSeries & { key: SeriesKey }>;
  format: (value: number) => string;
  target?: ChartTarget;
  markers: ChartMarker[];
}) {
  const { title, points, lines, format, target, markers } = props;
  const kit = useChartKit();
  const theme = useTheme();
  const markerColors = {
    ok: theme.palette.text.secondary,
    failed: statusTextColors(theme).error,
  };
  const drawn = lines.filter(line =>
    points.some(point => point[line.key] !== null),
  );
  const first = points[0].time;
  const last = points[points.length - 1].time;
  return (
    <>
      <Typography variant="subtitle2" component="h4">
        {title}
      </Typography>
      {drawn.length === 0 ? (
        <Typography variant="body2" color="textSecondary">
          The source has no values for this chart.
        </Typography>
      ) : (
        <ChartFrame label={title} height={240}>
          <LineChart
            data={points}
            margin={{ top: 16, right: 24, bottom: 8, left: 8 }}
          >
            {chartScaffold(kit, {
              xAxis: kit.timeAxis(first, last, 4),
              yAxis: kit.valueAxis(format, target),
              format,
              series: drawn,
              targets: target ? [target] : [],
            })}
            {drawn.map(line => (
              <Line key={line.key} {...kit.line(line, points.length)} />
            ))}
            {markers.map(marker => {
              const color = markerColors[marker.failed ? 'failed' : 'ok'];
              return (
                <ReferenceLine
                  key={`deploy:${marker.deployId}`}
                  x={marker.time}
                  stroke={color}
                  strokeDasharray="2 2"
                  ifOverflow="extendDomain"
                  label={{
                    value: marker.label,
                    position: 'insideTopLeft',
                    fill: color,
                    fontSize: 11,
                  }}
                />
              );
            })}
          </LineChart>
        </ChartFrame>
      )}
    </>
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
  /** Deploys to mark on every chart, labelled with their version. */
  markers?: ChartMarker[];
}) {
  const { series, targets, window, resolution, bucketMinutes } = props;
  const markers = props.markers ?? [];
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
            markers={markers}
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
            markers={markers}
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
            markers={markers}
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
