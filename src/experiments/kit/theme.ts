import type { FigureSpec } from './types.ts';

/** The page's colour scheme (prefers-color-scheme), which a figure is drawn for. */
export type ColorScheme = 'light' | 'dark';

/** The app's surfaces (src/page.css): a figure sits on the page like a card. */
const BACKGROUND: Record<ColorScheme, string> = { light: '#ffffff', dark: '#1c2128' };

/** Text, axes and frames for the dark scheme (the light ones are Vega's defaults and FIGURE_CONFIG). */
const DARK_TEXT = '#e6e9ee';
const DARK_MUTED = '#a3acb9';
const DARK_RULE = '#6b7480';
const DARK_GRID = '#2f3640';

/**
 * Fixed ink colours that figures use for marks (error-bar ticks, a minimum's cross, panel
 * frames), with what each becomes on the dark background: dark ink would vanish there.
 */
const DARK_INK: Record<string, string> = {
  '#222': '#eeeeee',
  '#333': '#dddddd',
  '#ccc': '#4a5260',
};

/**
 * The figure for a colour scheme: its background and the colours of its text, axes, legends
 * and fixed inks. The light figure is the spec as written, on white. Works for Vega-Lite and
 * for Vega specs, whose config share these keys.
 */
export function themed(spec: FigureSpec, scheme: ColorScheme): FigureSpec {
  const withBackground = { ...spec, background: BACKGROUND[scheme] } as FigureSpec;
  if (scheme === 'light') return withBackground;
  const own = (spec as { config?: Record<string, Record<string, unknown>> }).config ?? {};
  const config = {
    ...own,
    background: BACKGROUND.dark,
    view: { ...own.view, stroke: DARK_RULE },
    axis: {
      ...own.axis,
      labelColor: DARK_TEXT,
      titleColor: DARK_TEXT,
      domainColor: DARK_RULE,
      tickColor: DARK_RULE,
      gridColor: DARK_GRID,
    },
    legend: { ...own.legend, labelColor: DARK_TEXT, titleColor: DARK_TEXT },
    title: { ...own.title, color: DARK_TEXT, subtitleColor: DARK_MUTED },
    header: { ...own.header, labelColor: DARK_TEXT, titleColor: DARK_TEXT },
    style: {
      ...(own.style as object),
      'group-title': { fill: DARK_TEXT },
      'guide-label': { fill: DARK_TEXT },
      'guide-title': { fill: DARK_TEXT },
    },
  };
  return recolor({ ...withBackground, config }) as FigureSpec;
}

/** A deep copy with every fixed dark ink replaced by its light counterpart. */
function recolor(value: unknown): unknown {
  if (typeof value === 'string') return DARK_INK[value] ?? value;
  if (Array.isArray(value)) return value.map(recolor);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, recolor(v)]));
  return value;
}
