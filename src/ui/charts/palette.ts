/**
 * Series colours for light and dark backgrounds. Every colour keeps at least 3:1 contrast against
 * its background (WCAG's minimum for graphics): light ones checked on #ffffff (3.9–7.6:1), dark
 * ones on #121212 (7.8–10.6:1). Colours cycle after eight series; later cycles add a dash pattern
 * so series 0 and 8 stay distinguishable.
 */
export const LIGHT_SERIES: readonly string[] = [
  '#0072b2',
  '#d55e00',
  '#007a5a',
  '#c2185b',
  '#6a3d9a',
  '#8c5a00',
  '#00838f',
  '#5d6d7e',
];

export const DARK_SERIES: readonly string[] = [
  '#56b4e9',
  '#f5a623',
  '#3ddc97',
  '#f48fb1',
  '#b39ddb',
  '#e0c068',
  '#4dd0e1',
  '#b0bec5',
];

/** Foreground, muted, grid colours used as defaults of the CSS custom properties. */
export const LIGHT_INK = { fg: '#1f2328', muted: '#59636e', grid: 'rgba(31, 35, 40, 0.14)' };
export const DARK_INK = { fg: '#e6edf3', muted: '#9198a1', grid: 'rgba(230, 237, 243, 0.16)' };

const CYCLE_DASHES: readonly (readonly number[] | undefined)[] = [
  undefined,
  [6, 3],
  [2, 2],
  [8, 3, 2, 3],
];

export interface SeriesLook {
  readonly stroke: string;
  readonly dash: number[] | undefined;
}

/** The look of the i-th categorical series (device or run) for the given colour list. */
export function seriesLook(colors: readonly string[], i: number): SeriesLook {
  const list = colors.length > 0 ? colors : LIGHT_SERIES;
  const cycle = Math.floor(i / list.length) % CYCLE_DASHES.length;
  const dash = CYCLE_DASHES[cycle];
  const stroke = list[i % list.length];
  if (stroke === undefined) throw new RangeError(`seriesLook: no colour for series ${i}`);
  return { stroke, dash: dash ? [...dash] : undefined };
}

/** Parses a `--sbl-chart-series` value: colours separated by commas or spaces (hex or names). */
export function parseColorList(value: string): string[] {
  return value
    .split(/[\s,]+/)
    .map((c) => c.trim())
    .filter((c) => c.length > 0);
}
