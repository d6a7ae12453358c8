import { useMemo } from 'react';
import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import {
  FindingTrendPoint,
  SECURITY_SEVERITIES,
  SecuritySeverity,
} from '@devops-growth/backstage-plugin-devops-common';
import { Line, LineChart } from 'recharts';
import {
  ChartFrame,
  chartScaffold,
  formatShortDate,
  useChartKit,
} from '../shared';
import { SEVERITY_LABELS, toTrendChartData } from './model';

const formatCount = (value: number) => String(Math.round(value));

/** Open findings per severity, one point per scan day. */
export function FindingsTrendChart(props: { trend: FindingTrendPoint[] }) {
  const theme = useTheme();
  const kit = useChartKit();
  const points = useMemo(() => toTrendChartData(props.trend), [props.trend]);
  if (points.length < 2) {
    return (
      <Typography variant="body2" color="textSecondary">
        The trend starts with the second day of scans.
      </Typography>
    );
  }
  const colors: Record<SecuritySeverity, string> = {
    critical: theme.palette.error.main,
    high: theme.palette.warning.main,
    medium: theme.palette.info.main,
    low: theme.palette.text.secondary,
  };
  const series = SECURITY_SEVERITIES.map(severity => ({
    key: severity,
    name: SEVERITY_LABELS[severity],
    color: colors[severity],
  }));
  const first = points[0].time;
  const last = points[points.length - 1].time;
  return (
    <ChartFrame label="Open findings by severity over time" height={240}>
      <LineChart
        data={points}
        margin={{ top: 16, right: 24, bottom: 8, left: 0 }}
      >
        {chartScaffold(kit, {
          // one point per scan day: dates, never times of day
          xAxis: {
            ...kit.timeAxis(first, last, Math.min(5, points.length)),
            tickFormatter: formatShortDate,
          },
          yAxis: { ...kit.valueAxis(formatCount), allowDecimals: false },
          format: formatCount,
          series,
        })}
        {series.map(s => (
          <Line key={s.key} {...kit.line(s, points.length)} />
        ))}
      </LineChart>
    </ChartFrame>
  );
}
