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
export const REFERENCE_COLOR = '#333333';

/** A Vega-Lite view without the top-level keys ($schema, config), to place in a figure. */
export type Panel = Record<string, unknown>;

/** A figure of one panel, or several side by side, with the shared look. */
export function figure(
  t: Title,
  panels: readonly Panel[],
  options: { independentColors?: boolean } = {},
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
          hconcat: [...panels],
          ...(options.independentColors ? { resolve: { scale: { color: 'independent' } } } : {}),
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
  /** Reference curves, drawn dashed under the measured lines. */
  readonly references?: readonly ReferencePoint[];
  readonly width?: number;
  readonly height?: number;
}

/** Lines of means with error bars (mean ± std over seeds), one per series. */
export function errorBarPanel(o: ErrorBarPanelOptions): Panel {
  const xs = [...new Set(o.points.map((p) => p.x))];
  const x = {
    field: 'x',
    type: 'quantitative',
    title: o.xTitle,
    scale: o.xLog
      ? { type: 'log', base: 2, reverse: o.xReverse ?? false, nice: false }
      : { reverse: o.xReverse ?? false, nice: false, zero: false },
    axis: o.xLog ? { values: xs } : {},
  };
  const yScale = o.yLog ? { type: 'log' } : { zero: false };
  const refSeries = [...new Set((o.references ?? []).map((r) => r.series))];
  const domain = o.seriesOrder
    ? [...o.seriesOrder]
    : [...new Set(o.points.map((p) => p.series)), ...refSeries];
  let next = 0;
  const range = domain.map((s) =>
    refSeries.includes(s) ? REFERENCE_COLOR : PALETTE[next++ % PALETTE.length]!,
  );
  const color = {
    field: 'series',
    type: 'nominal',
    title: o.seriesTitle,
    scale: { domain, range },
  };
  const references = o.references?.length
    ? [
        {
          data: { values: o.references.map((r) => ({ ...r })) },
          mark: { type: 'line', strokeDash: [5, 4], strokeWidth: 1.5 },
          encoding: { x, y: { field: 'y', type: 'quantitative', scale: yScale }, color },
        },
      ]
    : [];
  return {
    ...(o.heading ? { title: { text: o.heading, fontSize: 12 } } : {}),
    width: o.width ?? 440,
    height: o.height ?? 300,
    data: { values: o.points.map((p) => ({ ...p })) },
    layer: [
      ...references,
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
        mark: { type: 'line', point: true },
        encoding: {
          x,
          y: { field: 'mean', type: 'quantitative', title: o.yTitle, scale: yScale },
          color,
        },
      },
    ],
  };
}
