/*
 * The chart kit: one set-up of recharts' axes, grid, tooltip, legend, target lines and series for
 * every card. Recharts finds its axes and series among the chart's direct children, so the kit
 * hands out props to spread (`<XAxis {...kit.timeAxis(first, last)} />`), not wrapper components.
 *
 * Targets and gates are dashed lines whose names sit in the legend, not on the plot, where a label
 * would cover the series it describes.
 */
import {
  ComponentProps,
  JSXElementConstructor,
  ReactElement,
  useMemo,
} from 'react';
import Box from '@material-ui/core/Box';
import { Theme, useTheme } from '@material-ui/core/styles';
import {
  CartesianGrid,
  Legend,
  Line,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { readableOn, statusTextColors } from './colors';
import { formatEpochDateTime, timeTickFormatter } from './format';
import { timeTicks } from './chartData';

const TARGET_DASH = '6 3';

/** A series of a chart and its colour. */
export interface ChartSeries {
  key: string;
  name: string;
  color: string;
}

/** A dashed horizontal line (a target or a gate) and its name in the legend. */
export interface ChartTarget {
  value: number;
  label: string;
}

type TooltipValue = number | string | Array<number | string>;

/** The props of a recharts component, to spread into it. */
type PropsOf<C extends JSXElementConstructor<any>> = Omit<
  ComponentProps<C>,
  'ref'
>;

/** The chart kit of a theme; see {@link useChartKit}. */
export function chartKit(theme: Theme) {
  const paper = theme.palette.background.paper;
  const axisText = readableOn(theme.palette.text.secondary, paper);
  const tick = { fill: axisText, fontSize: 12 };
  const targetColor = statusTextColors(theme).error;
  return {
    grid: {
      strokeDasharray: '3 3',
      stroke: theme.palette.divider,
    } as PropsOf<typeof CartesianGrid>,

    /** A time x axis from `first` to `last` (epoch ms) with `count` evenly spaced ticks. */
    timeAxis(first: number, last: number, count = 5) {
      return {
        dataKey: 'time',
        type: 'number',
        scale: 'time',
        domain: ['dataMin', 'dataMax'],
        ticks: timeTicks(first, last, count),
        tickFormatter: timeTickFormatter(last - first),
        tick,
        stroke: axisText,
      } as PropsOf<typeof XAxis>;
    },

    /** A category x axis with one label per report (the points' `label`, see `reportLabels`). */
    reportAxis() {
      return {
        dataKey: 'label',
        type: 'category',
        interval: 'preserveStartEnd',
        minTickGap: 12,
        tick,
        stroke: axisText,
      } as PropsOf<typeof XAxis>;
    },

    /** A 0-100 % y axis. */
    percentAxis(ticks: number[]) {
      return {
        type: 'number',
        domain: [0, 100],
        ticks,
        tickFormatter: (value: number) => `${value}%`,
        allowDataOverflow: true,
        width: 48,
        tick,
        stroke: axisText,
      } as PropsOf<typeof YAxis>;
    },

    /** A y axis from 0 with room above the data and the target, so that both are visible. */
    valueAxis(format: (value: number) => string, target?: ChartTarget) {
      return {
        type: 'number',
        width: 72,
        domain: [
          0,
          (dataMax: number) => Math.max(dataMax, target?.value ?? 0) * 1.1 || 1,
        ],
        tickFormatter: (value: number) => format(value),
        tick,
        stroke: axisText,
      } as PropsOf<typeof YAxis>;
    },

    /**
     * The tooltip: values in the chart's unit; the label is the time of a time axis, or the
     * `detail` of the hovered point on a report axis.
     */
    tooltip(format: (value: number) => string) {
      return {
        formatter: (value: TooltipValue) =>
          typeof value === 'number' ? format(value) : value,
        labelFormatter: (
          label: unknown,
          payload?: Array<{ payload?: any }>,
        ) => {
          const detail = payload?.[0]?.payload?.detail;
          if (typeof detail === 'string') {
            return detail;
          }
          return typeof label === 'number'
            ? formatEpochDateTime(label)
            : String(label);
        },
        contentStyle: {
          backgroundColor: paper,
          borderColor: theme.palette.divider,
          color: theme.palette.text.primary,
        },
        labelStyle: { color: theme.palette.text.primary },
      } as PropsOf<typeof Tooltip>;
    },

    /** The legend: one entry per series, then the dashed targets, in the text colour. */
    legend(series: ChartSeries[], targets: ChartTarget[] = []) {
      return {
        payload: [
          ...series.map(s => ({
            id: s.key,
            value: s.name,
            type: 'line' as const,
            color: s.color,
          })),
          ...targets.map(t => ({
            id: `target:${t.label}`,
            value: t.label,
            type: 'plainline' as const,
            color: targetColor,
            payload: { strokeDasharray: TARGET_DASH },
          })),
        ],
        formatter: (value: string) => (
          <span style={{ color: theme.palette.text.primary }}>{value}</span>
        ),
      } as PropsOf<typeof Legend>;
    },

    /** A target or gate: a dashed line, named in the legend. */
    targetLine(target: ChartTarget) {
      return {
        y: target.value,
        stroke: targetColor,
        strokeDasharray: TARGET_DASH,
        ifOverflow: 'extendDomain',
      } as PropsOf<typeof ReferenceLine>;
    },

    /** A series' line: dots while they can be told apart, no animation. */
    line(series: ChartSeries, pointCount: number, connectNulls = false) {
      return {
        type: 'monotone',
        dataKey: series.key,
        name: series.name,
        stroke: readableOn(series.color, paper, 3),
        strokeWidth: 2,
        dot: pointCount <= 30,
        connectNulls,
        isAnimationActive: false,
      } as PropsOf<typeof Line>;
    },
  };
}

/**
 * What every chart draws besides its series: the grid, the axes, the tooltip, the legend (when
 * there is more than one entry) and the target lines. A render function, because recharts looks
 * for these among the chart's direct children: `<LineChart>{scaffold(kit, {...})}{lines}</LineChart>`.
 */
export function chartScaffold(
  kit: ChartKit,
  options: {
    xAxis: PropsOf<typeof XAxis>;
    yAxis: PropsOf<typeof YAxis>;
    format: (value: number) => string;
    series: ChartSeries[];
    targets?: ChartTarget[];
    /** Show the legend even for a single entry. */
    legend?: boolean;
  },
) {
  const { xAxis, yAxis, format, series, targets = [] } = options;
  const legend = options.legend || series.length + targets.length > 1;
  return [
    <CartesianGrid key="grid" {...kit.grid} />,
    <XAxis key="x" {...xAxis} />,
    <YAxis key="y" {...yAxis} />,
    <Tooltip key="tooltip" {...kit.tooltip(format)} />,
    legend && <Legend key="legend" {...kit.legend(series, targets)} />,
    ...targets.map(target => (
      <ReferenceLine
        key={`target:${target.label}`}
        {...kit.targetLine(target)}
      />
    )),
  ];
}

/** The chart kit of a theme. */
export type ChartKit = ReturnType<typeof chartKit>;

/** The chart kit of the current theme. */
export function useChartKit() {
  const theme = useTheme();
  return useMemo(() => chartKit(theme), [theme]);
}

/**
 * A chart's frame: an image named `label` for assistive technology, holding a responsive chart
 * of `height` pixels.
 */
export function ChartFrame(props: {
  label: string;
  height: number;
  mt?: number;
  children: ReactElement;
}) {
  return (
    <Box role="img" aria-label={props.label} mt={props.mt}>
      <ResponsiveContainer width="100%" height={props.height}>
        {props.children}
      </ResponsiveContainer>
    </Box>
  );
}
