import type { TopLevelSpec } from 'vega-lite';

/** Shared look of the experiment figures (Vega-Lite config). */
export const FIGURE_CONFIG = {
  font: 'Helvetica, Arial, sans-serif',
  view: { stroke: '#ccc' },
  axis: { labelFontSize: 11, titleFontSize: 12, grid: true, gridColor: '#eee' },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 260, titleLimit: 300 },
  title: { fontSize: 14, anchor: 'start' as const, subtitleFontSize: 11, subtitleColor: '#555' },
  concat: { spacing: 40 },
} as const;

export interface Title {
  readonly text: string;
  /** One line per entry: what was run and what to look at. */
  readonly subtitle?: readonly string[];
}

function titleOf(t: Title): { text: string; subtitle?: string[] } {
  return t.subtitle ? { text: t.text, subtitle: [...t.subtitle] } : { text: t.text };
}

/** Vega's tableau10, for measured series; references are drawn in dark grey. */
export const PALETTE = [
  '#4c78a8',
  '#f58518',
  '#e45756',
  '#72b7b2',
  '#54a24b',
  '#eeca3b',
  '#b279a2',
  '#ff9da6',
  '#9d755d',
  '#bab0ac',
];
/** Mid grey: reads on the light and on the dark figure background alike. */
export const REFERENCE_COLOR = '#888888';

/**
 * One dash pattern and one marker per measured series (with its colour), so a series drawn on
 * top of another never hides it completely; references are dashed [5, 4] without markers.
 */
const DASHES: readonly (readonly number[])[] = [
  [1, 0],
  [6, 3],
  [2, 2],
  [8, 3, 2, 3],
  [4, 4],
  [10, 2],
  [1, 3],
];
const SHAPES = ['circle', 'square', 'triangle-up', 'diamond', 'cross', 'triangle-down', 'wedge'];
const REFERENCE_DASH = [5, 4];
/** How far apart (in octaves of a log₂ axis) dodged series sit around their true x. */
const DODGE_OCTAVES = 0.08;

/** A Vega-Lite view without the top-level keys ($schema, config), to place in a figure. */
export type Panel = Record<string, unknown>;

/** A figure of one panel, or several side by side, with the shared look. */
export function figure(
  t: Title,
  panels: readonly Panel[],
  options: {
    independentColors?: boolean;
    /** Stack the panels top to bottom (a panel may itself be a row: `{ hconcat: [...] }`). */
    vertical?: boolean;
  } = {},
): TopLevelSpec {
  const top = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: titleOf(t),
    config: FIGURE_CONFIG,
  };
  // Panels are built as plain objects: Vega-Lite's own types for layered, concatenated specs are
  // stricter than useful here, and vega-lite's compile() validates the result anyway.
  const spec =
    panels.length === 1
      ? { ...top, ...panels[0] }
      : {
          ...top,
          [options.vertical ? 'vconcat' : 'hconcat']: [...panels],
          ...(options.independentColors
            ? {
                resolve: {
                  scale: { color: 'independent', strokeDash: 'independent', shape: 'independent' },
                },
              }
            : {}),
        };
  return spec as unknown as TopLevelSpec;
}

/** One summary point: mean ± std over seeds (lo = mean − std, hi = mean + std), min/max kept too. */
export interface SummaryPoint {
  readonly series: string;
  readonly x: number;
  readonly mean: number;
  readonly lo: number;
  readonly hi: number;
  readonly min: number;
  readonly max: number;
  readonly seeds: number;
}

/** A point of a reference curve (theory, or the paper's numbers). */
export interface ReferencePoint {
  readonly series: string;
  readonly x: number;
  readonly y: number;
}

export interface ErrorBarPanelOptions {
  readonly points: readonly SummaryPoint[];
  readonly xTitle: string;
  readonly yTitle: string;
  readonly seriesTitle: string;
  /** A panel's own heading, when a figure has several. */
  readonly heading?: string;
  readonly xLog?: boolean;
  readonly yLog?: boolean;
  readonly xReverse?: boolean;
  readonly seriesOrder?: readonly string[];
  /** Reference curves, drawn dashed over the measured lines. */
  readonly references?: readonly ReferencePoint[];
  readonly width?: number;
  readonly height?: number;
  /**
   * Draw each measured series slightly apart along x (a few hundredths of an octave on a log
   * axis, of the x range otherwise), for series whose points coincide. The axis ticks stay at
   * the true x values.
   */
  readonly dodge?: boolean;
  /** A fixed y domain, so panels side by side share one scale. */
  readonly yDomain?: readonly [number, number];
  /** Colours of the measured series, in order (default: the palette from its start). */
  readonly colors?: readonly string[];
  /** Leave the legend out (when the panel's heading names its one series). */
  readonly noLegend?: boolean;
}

/** Lines of means with error bars (mean ± std over seeds), one per series. */
export function errorBarPanel(o: ErrorBarPanelOptions): Panel {
  const xs = [...new Set(o.points.map((p) => p.x))];
  const x = {
    field: o.dodge ? 'xShown' : 'x',
    type: 'quantitative',
    title: o.xTitle,
    scale: o.xLog
      ? { type: 'log', base: 2, reverse: o.xReverse ?? false, nice: false }
      : { reverse: o.xReverse ?? false, nice: false, zero: false },
    axis: o.xLog ? { values: xs } : {},
  };
  const yScale = {
    ...(o.yLog ? { type: 'log' } : { zero: false }),
    ...(o.yDomain ? { domain: [...o.yDomain] } : {}),
  };
  const palette = o.colors ?? PALETTE;
  const refSeries = [...new Set((o.references ?? []).map((r) => r.series))];
  const domain = o.seriesOrder
    ? [...o.seriesOrder]
    : [...new Set(o.points.map((p) => p.series)), ...refSeries];
  let next = 0;
  const range = domain.map((s) =>
    refSeries.includes(s) ? REFERENCE_COLOR : palette[next++ % palette.length]!,
  );
  const legend = o.noLegend ? { legend: null } : {};
  const color = {
    field: 'series',
    type: 'nominal',
    title: o.seriesTitle,
    scale: { domain, range },
    ...legend,
  };
  next = 0;
  const dashRange = domain.map((s) =>
    refSeries.includes(s) ? REFERENCE_DASH : [...DASHES[next++ % DASHES.length]!],
  );
  // Same field and title as the colour: Vega-Lite merges them into one legend.
  const strokeDash = {
    field: 'series',
    type: 'nominal',
    title: o.seriesTitle,
    scale: { domain, range: dashRange },
    ...legend,
  };
  next = 0;
  const shapeRange = domain.map((s) =>
    refSeries.includes(s) ? 'stroke' : SHAPES[next++ % SHAPES.length]!,
  );
  const shape = {
    field: 'series',
    type: 'nominal',
    title: o.seriesTitle,
    scale: { domain, range: shapeRange },
    ...legend,
  };
  const measured = domain.filter((s) => !refSeries.includes(s));
  const shift = (series: string, value: number): number => {
    const i = measured.indexOf(series);
    if (!o.dodge || i < 0) return value;
    const k = i - (measured.length - 1) / 2;
    if (o.xLog) return value * 2 ** (k * DODGE_OCTAVES);
    const all = o.points.map((p) => p.x);
    return value + k * 0.012 * (Math.max(...all) - Math.min(...all) || 1);
  };
  const references = o.references?.length
    ? [
        {
          data: { values: o.references.map((r) => ({ ...r, xShown: r.x })) },
          mark: { type: 'line', strokeWidth: 1.5 },
          encoding: {
            x,
            y: { field: 'y', type: 'quantitative', scale: yScale },
            color,
            strokeDash,
          },
        },
      ]
    : [];
  return {
    ...(o.heading ? { title: { text: o.heading, fontSize: 12 } } : {}),
    width: o.width ?? 440,
    height: o.height ?? 300,
    data: { values: o.points.map((p) => ({ ...p, xShown: shift(p.series, p.x) })) },
    layer: [
      {
        mark: { type: 'errorbar', ticks: true },
        encoding: {
          x,
          y: { field: 'lo', type: 'quantitative', title: o.yTitle, scale: yScale },
          y2: { field: 'hi' },
          color,
        },
      },
      {
        mark: { type: 'line' },
        encoding: {
          x,
          y: { field: 'mean', type: 'quantitative', title: o.yTitle, scale: yScale },
          color,
          strokeDash,
        },
      },
      {
        mark: { type: 'point', filled: true, size: 40, opacity: 0.9 },
        encoding: {
          x,
          y: { field: 'mean', type: 'quantitative', title: o.yTitle, scale: yScale },
          color,
          shape,
        },
      },
      // On top, dashed: where a measurement follows its reference, both stay visible.
      ...references,
    ],
  };
}
