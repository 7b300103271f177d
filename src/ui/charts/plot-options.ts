import type uPlot from 'uplot';
import { fmtNumber } from './format.ts';
import { seriesLook } from './palette.ts';
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

/**
 * One thin line per device, in the palette's order, valued as plain numbers in the legend.
 * Keep `width` at 1 (CSS px) or less: a browser without a GPU rasterizes such lines as hairlines,
 * ~20× faster than 1.25 px for noisy series (2 vs 43 ms for ten series of 300 steps), which is
 * what keeps a redraw of the per-device charts short.
 */
export function deviceSeries(theme: ChartTheme, devices: number, width: number): uPlot.Series[] {
  const value = (_u: uPlot, v: number | null): string => fmtNumber(v);
  return Array.from({ length: devices }, (_, k) => {
    const look = seriesLook(theme.series, k);
    return {
      label: `device ${k}`,
      stroke: look.stroke,
      dash: look.dash,
      width,
      points: { show: false },
      value,
    };
  });
}
