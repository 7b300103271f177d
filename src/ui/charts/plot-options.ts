import type uPlot from 'uplot';
import type { ChartTheme } from './theme.ts';

/** Plot options without the size: the base chart supplies width (observed) and height. */
export type PlotOptions = Omit<uPlot.Options, 'width' | 'height'>;

/** A themed axis: tick labels and axis title in the foreground colour, grid and ticks faint. */
export function themedAxis(theme: ChartTheme, label: string, extra: uPlot.Axis = {}): uPlot.Axis {
  return {
    stroke: theme.fg,
    font: `12px ${theme.fontFamily}`,
    labelFont: `600 12px ${theme.fontFamily}`,
    label,
    grid: { stroke: theme.grid, width: 1 },
    ticks: { stroke: theme.grid, width: 1 },
    ...extra,
  };
}

/** Options shared by the step-indexed line charts: x is a plain number (uPlot defaults to time). */
export function stepLineOptions(
  theme: ChartTheme,
  yLabel: string,
  series: uPlot.Series[],
  yAxis: uPlot.Axis = {},
): PlotOptions {
  return {
    scales: { x: { time: false } },
    axes: [themedAxis(theme, 'step'), themedAxis(theme, yLabel, { size: 60, ...yAxis })],
    series: [{ label: 'step' }, ...series],
    legend: { show: true, live: true },
    cursor: { points: { size: 6 } },
  };
}
