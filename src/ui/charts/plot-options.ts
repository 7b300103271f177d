import type uPlot from 'uplot';
import { deviceLabel, stepAxis, stepSeries } from './chart-words.ts';
import { msg } from '@lit/localize';
import { axisSizeFor, fmtNumber, fmtTick } from './format.ts';
import { seriesLook } from './palette.ts';
import type { BandKind } from './shape-band.ts';
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

/**
 * A y axis whose ticks are short (fmtTick) and whose width follows its widest tick, so labels are
 * never cut (a fixed 60 px showed 1e9 as "000,000,000").
 */
export const readableY: uPlot.Axis = {
  values: (_u: uPlot, splits: number[]) => splits.map((v) => fmtTick(v)),
  size: (_u: uPlot, values: string[]) => axisSizeFor(values),
};

/**
 * Options shared by the step-indexed line charts: x is a plain number (uPlot defaults to time).
 * `legend: false` when the chart draws its own legend (ChartView.legend).
 */
export function stepLineOptions(
  theme: ChartTheme,
  yLabel: string,
  series: uPlot.Series[],
  yAxis: uPlot.Axis = {},
  legend = true,
): PlotOptions {
  return {
    scales: { x: { time: false } },
    axes: [themedAxis(theme, stepAxis()), themedAxis(theme, yLabel, { ...readableY, ...yAxis })],
    series: [{ label: stepSeries() }, ...series],
    legend: legend ? { show: true, live: true } : { show: false },
    cursor: { points: { size: 6 } },
  };
}

/** A colour with an opacity, for band fills (a hex #rrggbb gets an alpha byte). */
export function translucent(color: string, alpha: number): string {
  if (/^#[0-9a-f]{6}$/i.test(color)) {
    const byte = Math.round(Math.min(1, Math.max(0, alpha)) * 255);
    return `${color}${byte.toString(16).padStart(2, '0')}`;
  }
  return color;
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
      label: deviceLabel(k),
      stroke: look.stroke,
      dash: look.dash,
      width,
      // Faint, behind the band's mean line: the band is the summary, devices the detail.
      alpha: 0.55,
      points: { show: false },
      value,
    };
  });
}

/**
 * The two edges of a device band (1 px, faint) and the mean line; with the band drawn by
 * `bandFill` between them. Series come in the order lo, hi, mean.
 */
export function bandSeries(theme: ChartTheme, kind: BandKind, color: string): uPlot.Series[] {
  const value = (_u: uPlot, v: number | null): string => fmtNumber(v);
  const edge = translucent(color, 0.45);
  const words =
    kind === 'minmax'
      ? [msg('min over devices'), msg('max over devices')]
      : [msg('mean − 1 std'), msg('mean + 1 std')];
  return [
    { label: words[0], stroke: edge, width: 1, points: { show: false }, value },
    { label: words[1], stroke: edge, width: 1, points: { show: false }, value },
    {
      label: msg('mean over devices'),
      stroke: color,
      width: 2,
      points: { show: false },
      value,
    },
  ].map((s) => ({ ...s, spanGaps: true, stroke: s.stroke ?? theme.fg }));
}

/** uPlot's band between series `hi` and `lo` (1-based series indexes). */
export function bandFill(hi: number, lo: number, color: string): uPlot.Band {
  return { series: [hi, lo], fill: translucent(color, 0.2) };
}
