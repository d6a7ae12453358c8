import { useMemo } from 'react';
import Box from '@material-ui/core/Box';
import { useTheme } from '@material-ui/core/styles';
import { TestTrendPoint } from '@devops-growth/backstage-plugin-devops-common';
import {
  CartesianGrid,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatPercent, timeTickFormatter, timeTicks } from './model';

/** Pass rate of each run over time, 0-100 %; runs without executed tests are left out. */
export function PassRateTrendChart(props: { trend: TestTrendPoint[] }) {
  const theme = useTheme();
  const points = useMemo(
    () =>
      props.trend
        .map(p => ({ time: Date.parse(p.createdAt), passRate: p.passRate }))
        .filter(p => Number.isFinite(p.time) && p.passRate !== null)
        .sort((a, b) => a.time - b.time),
    [props.trend],
  );
  if (points.length < 2) {
    return null;
  }
  const first = points[0].time;
  const last = points[points.length - 1].time;
  return (
    <Box role="img" aria-label="Pass-rate trend" mt={2}>
      <ResponsiveContainer width="100%" height={140}>
        <LineChart
          data={points}
          margin={{ top: 8, right: 24, bottom: 0, left: 0 }}
        >
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis
            dataKey="time"
            type="number"
            scale="time"
            domain={['dataMin', 'dataMax']}
            ticks={timeTicks(first, last, 3)}
            tickFormatter={timeTickFormatter(last - first)}
          />
          <YAxis
            type="number"
            domain={[0, 100]}
            ticks={[0, 50, 100]}
            tickFormatter={(value: number) => `${value}%`}
          />
          <Tooltip
            labelFormatter={(label: unknown) =>
              typeof label === 'number'
                ? new Date(label).toLocaleString()
                : String(label)
            }
            formatter={(value: unknown) => [
              typeof value === 'number' ? formatPercent(value) : String(value),
              'Pass rate',
            ]}
          />
          <Line
            type="linear"
            dataKey="passRate"
            name="Pass rate"
            stroke={theme.palette.success?.main ?? theme.palette.primary.main}
            isAnimationActive={false}
            dot={points.length <= 30}
          />
        </LineChart>
      </ResponsiveContainer>
    </Box>
  );
}
