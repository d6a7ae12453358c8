import { useMemo } from 'react';
import { useTheme } from '@material-ui/core/styles';
import { TestTrendPoint } from '@devops-growth/backstage-plugin-devops-common';
import { Line, LineChart } from 'recharts';
import {
  ChartFrame,
  chartScaffold,
  formatPercent,
  useChartKit,
} from '../shared';
import { toPassRateChartData } from './model';

/** Pass rate of each run, 0-100 %, run by run; runs without executed tests are left out. */
export function PassRateTrendChart(props: { trend: TestTrendPoint[] }) {
  const theme = useTheme();
  const kit = useChartKit();
  const points = useMemo(() => toPassRateChartData(props.trend), [props.trend]);
  if (points.length < 2) {
    return null;
  }
  const series = {
    key: 'passRate',
    name: 'Pass rate',
    color: theme.palette.success?.main ?? theme.palette.primary.main,
  };
  return (
    <ChartFrame label="Pass-rate trend" height={140} mt={2}>
      <LineChart
        data={points}
        margin={{ top: 8, right: 24, bottom: 0, left: 0 }}
      >
        {chartScaffold(kit, {
          xAxis: kit.reportAxis(),
          yAxis: kit.percentAxis([0, 50, 100]),
          format: formatPercent,
          series: [series],
        })}
        <Line {...kit.line(series, points.length)} type="linear" />
      </LineChart>
    </ChartFrame>
  );
}
