import { css, unsafeCSS } from 'lit';
import uplotCss from 'uplot/dist/uPlot.min.css?inline';
import { DARK_INK, DARK_SERIES, LIGHT_INK, LIGHT_SERIES } from './palette.ts';

/** uPlot's own stylesheet: document styles do not reach into a shadow root, so each chart adopts it. */
export const uplotStyles = unsafeCSS(uplotCss);

const light = unsafeCSS(
  `--_fg: var(--sbl-chart-fg, ${LIGHT_INK.fg});
   --_muted: var(--sbl-chart-muted, ${LIGHT_INK.muted});
   --_grid: var(--sbl-chart-grid, ${LIGHT_INK.grid});
   --_series: var(--sbl-chart-series, ${LIGHT_SERIES.join(' ')});`,
);
const dark = unsafeCSS(
  `--_fg: var(--sbl-chart-fg, ${DARK_INK.fg});
   --_muted: var(--sbl-chart-muted, ${DARK_INK.muted});
   --_grid: var(--sbl-chart-grid, ${DARK_INK.grid});
   --_series: var(--sbl-chart-series, ${DARK_SERIES.join(' ')});`,
);

/**
 * Theme hooks (set them on the element or any ancestor): --sbl-chart-fg, --sbl-chart-muted,
 * --sbl-chart-grid, --sbl-chart-bg, --sbl-chart-series (colours separated by spaces or commas),
 * --sbl-chart-font. Defaults follow prefers-color-scheme.
 */
export const chartStyles = css`
  :host {
    ${light}
    display: block;
    /* A redraw's layout and paint stay inside the chart instead of walking the page. */
    contain: content;
    min-width: 0;
    color: var(--_fg);
    background: var(--sbl-chart-bg, transparent);
    font: var(--sbl-chart-font, 13px/1.4 system-ui, sans-serif);
  }
  @media (prefers-color-scheme: dark) {
    :host {
      ${dark}
    }
  }
  :host([hidden]) {
    display: none;
  }
  figure {
    margin: 0;
    min-width: 0;
  }
  figcaption {
    font-weight: 600;
    margin-bottom: 0.25rem;
  }
  .plot {
    width: 100%;
    min-width: 0;
    overflow: hidden;
  }
  .plot .uplot {
    font-family: inherit;
  }
  .plot .u-legend {
    font-size: 12px;
    color: var(--_fg);
  }
  .plot .u-select {
    background: var(--_grid);
  }
  .empty {
    color: var(--_muted);
    margin: 0.5rem 0;
  }
  .table-wrap {
    width: max-content;
    max-width: 100%;
    overflow-x: auto;
  }
  /* Only tables with many rows (64 devices) scroll; a run per row always shows whole. */
  .table-wrap.scrolls {
    max-height: 24em;
    overflow-y: auto;
  }
  ul.legend {
    list-style: none;
    margin: 0.25rem 0 0;
    padding: 0;
    display: flex;
    flex-wrap: wrap;
    gap: 0.15rem 0.9rem;
    font-size: 12px;
  }
  ul.legend li {
    display: inline-flex;
    align-items: center;
    gap: 0.3rem;
  }
  svg.key {
    width: 24px;
    height: 12px;
    flex: none;
  }
  .table-wrap:focus-visible {
    outline: 2px solid var(--_muted);
  }
  table.latest {
    border-collapse: collapse;
    font-size: 12px;
    font-variant-numeric: tabular-nums;
    margin-top: 0.25rem;
  }
  table.latest caption {
    text-align: start;
    color: var(--_muted);
    font-size: 12px;
  }
  table.latest th,
  table.latest td {
    padding: 1px 8px 1px 0;
    text-align: end;
    border-bottom: 1px solid var(--_grid);
  }
  table.latest th[scope='row'],
  table.latest thead th:first-child {
    text-align: start;
    font-weight: 500;
  }
  .swatch {
    display: inline-block;
    width: 0.8em;
    height: 0.8em;
    margin-inline-end: 0.35em;
    border-radius: 2px;
    vertical-align: -0.05em;
  }
  dl.facts {
    display: grid;
    grid-template-columns: max-content 1fr;
    gap: 0 0.75rem;
    font-size: 12px;
    margin: 0.35rem 0 0;
  }
  dl.facts dt {
    color: var(--_muted);
  }
  dl.facts dd {
    margin: 0;
    font-variant-numeric: tabular-nums;
  }
`;
