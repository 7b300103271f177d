import { DARK_INK, DARK_SERIES, LIGHT_INK, LIGHT_SERIES, parseColorList } from './palette.ts';

/** The resolved colours a plot is drawn with (canvas strokes cannot use CSS variables). */
export interface ChartTheme {
  readonly dark: boolean;
  readonly fg: string;
  readonly muted: string;
  readonly grid: string;
  readonly series: readonly string[];
  readonly fontFamily: string;
}

const darkQuery = (): MediaQueryList | null =>
  typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;

/** Reads the custom properties set up by chartStyles on `el` (see styles.ts for the hooks). */
export function readTheme(el: Element): ChartTheme {
  const dark = darkQuery()?.matches ?? false;
  const ink = dark ? DARK_INK : LIGHT_INK;
  const cs = getComputedStyle(el);
  const get = (name: string, fallback: string): string =>
    cs.getPropertyValue(name).trim() || fallback;
  const series = parseColorList(get('--_series', ''));
  return {
    dark,
    fg: get('--_fg', ink.fg),
    muted: get('--_muted', ink.muted),
    grid: get('--_grid', ink.grid),
    series: series.length > 0 ? series : dark ? DARK_SERIES : LIGHT_SERIES,
    fontFamily: cs.fontFamily || 'system-ui, sans-serif',
  };
}

export function themeKey(t: ChartTheme): string {
  return [t.dark, t.fg, t.muted, t.grid, t.series.join(' '), t.fontFamily].join('|');
}

/** Calls `onChange` when the OS/browser colour scheme flips; returns the unsubscribe function. */
export function watchColorScheme(onChange: () => void): () => void {
  const q = darkQuery();
  if (!q) return () => {};
  q.addEventListener('change', onChange);
  return () => q.removeEventListener('change', onChange);
}
