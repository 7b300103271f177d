import { msg, str, updateWhenLocaleChanges } from '@lit/localize';
import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import uPlot from 'uplot';
import { cssProps } from '../css-props.ts';
import { currentLocale, LOCALE_STATUS_EVENT } from '../i18n/localization.ts';
import { downsampleAligned } from './downsample.ts';
import type { PlotOptions } from './plot-options.ts';
import { chartStyles, uplotStyles } from './styles.ts';
import { type ChartTheme, readTheme, themeKey, watchColorScheme } from './theme.ts';
import { pageClock, RenderJob, type RenderOutcome } from '../render-clock.ts';

export interface ValueRow {
  readonly label: string;
  /** Swatch colour tying the row to its series. */
  readonly color?: string;
  readonly cells: readonly string[];
}

/** The latest values as text, rendered as a table under the plot. */
export interface ValueTable {
  readonly caption: string;
  /** Header cells, the first one heading the row labels. */
  readonly columns: readonly string[];
  readonly rows: readonly ValueRow[];
}

/** How a legend entry's key is drawn: the series' own line style. */
export type LegendMark = 'solid' | 'dashed' | 'faint' | 'band' | 'point';

/** One entry of the chart's own legend (an HTML list that wraps and is never cut off). */
export interface LegendEntry {
  readonly label: string;
  readonly color: string;
  readonly mark: LegendMark;
}

export interface Fact {
  readonly term: string;
  readonly value: string;
}

/** What a chart wants drawn: computed at most once per frame from its properties. */
export interface ChartView {
  /** Identifies the plot's structure; a change rebuilds the plot, otherwise only setData runs. */
  readonly key: string;
  readonly options: PlotOptions;
  readonly data: uPlot.AlignedData;
  /** The plot's accessible name. */
  readonly label: string;
  readonly table: ValueTable | null;
  readonly facts?: readonly Fact[];
  /** The chart's own legend, in place of uPlot's (set `legend: { show: false }` in the options). */
  readonly legend?: readonly LegendEntry[];
}

/** Tables longer than this scroll in a box (64 devices); shorter ones, such as runs, show whole. */
const SCROLLING_TABLE_ROWS = 16;

/** Properties whose change only re-renders the text, never the plot. */
const VIEW_STATE = new Set<PropertyKey>(['view', 'emptyText']);

/**
 * A uPlot inside a Lit element's shadow root, with a figcaption, the latest values as text, the
 * theme from CSS custom properties, width from a ResizeObserver and redraws on the page's render
 * clock (at most 5 a second, in step with the other charts).
 * Subclasses only turn their properties into a ChartView (or a message when there is no data).
 */
export abstract class UPlotChart extends LitElement {
  static override styles = [uplotStyles, chartStyles];

  /** Height in CSS pixels of the plot with its axes (legend and tables come on top). */
  @property({ type: Number }) height = 240;
  /**
   * Where the chart is shown (e.g. "saved runs compared"), added to its table's region name: the same
   * chart on one page twice (the live view and the compare view) would otherwise give screen
   * readers two regions of one name (axe: landmark-unique).
   */
  @property() place = '';

  @state() protected view: ChartView | null = null;
  @state() protected emptyText = '';

  private plot: uPlot | null = null;
  private plotKey = '';
  private observedWidth = -1;
  private resizeObserver: ResizeObserver | null = null;
  private unwatchScheme: (() => void) | null = null;
  /** Redraws ride the page's render clock, so every chart redraws in the same burst. */
  private readonly drawJob = new RenderJob(() => this.draw());
  /** The table and labels, in a task after the plot's (together the two took ~50 ms). */
  private readonly tableJob = new RenderJob((): RenderOutcome => {
    const first = this.view === null;
    this.view = this.nextView;
    // A first table is new text to shape and lay out: let it reach the screen on its own frame.
    return first ? 'paint' : undefined;
  });
  private nextView: ChartView | null = null;
  /** Read once, and again when the color scheme changes: getComputedStyle forces a style pass. */
  private theme: ChartTheme | null = null;

  /**
   * A language switch: the text around the plot re-renders (updateWhenLocaleChanges) and the plot
   * is rebuilt, its axis titles and series names being drawn on its canvas (the plot's key holds
   * the locale).
   */
  private readonly onLocaleStatus = (event: Event): void => {
    if ((event as CustomEvent<{ status: string }>).detail?.status === 'ready') {
      pageClock.request(this.drawJob);
    }
  };

  constructor() {
    super();
    updateWhenLocaleChanges(this);
  }

  /** The figure caption (the chart's title). */
  protected abstract caption(): string;

  /** The view for the current properties, or the message to show instead of an empty plot. */
  protected abstract makeView(theme: ChartTheme): ChartView | string;

  /**
   * Redraw from the current property values. Needed only when an object passed as a property was
   * mutated in place (Lit sees new objects, not changes inside them).
   */
  refresh(): void {
    pageClock.request(this.drawJob);
  }

  /**
   * The axis titles the plot draws now (on its canvas, where the page has no text to read): for
   * tests and debugging, e.g. that a language switch redrew them.
   */
  axisTitles(): string[] {
    return (this.plot?.axes ?? []).map((a) => String(a.label ?? ''));
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.resizeObserver = new ResizeObserver((entries) => {
      const entry = entries.at(-1);
      if (!entry) return;
      const width = Math.floor(entry.contentRect.width);
      if (width === this.observedWidth) return; // height changes come from our own table
      this.observedWidth = width;
      pageClock.request(this.drawJob);
    });
    this.resizeObserver.observe(this);
    globalThis.addEventListener(LOCALE_STATUS_EVENT, this.onLocaleStatus);
    this.unwatchScheme = watchColorScheme(() => {
      this.theme = null;
      pageClock.request(this.drawJob);
    });
    pageClock.request(this.drawJob);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    pageClock.cancel(this.drawJob);
    pageClock.cancel(this.tableJob);
    this.resizeObserver?.disconnect();
    globalThis.removeEventListener(LOCALE_STATUS_EVENT, this.onLocaleStatus);
    this.resizeObserver = null;
    this.unwatchScheme?.();
    this.unwatchScheme = null;
    this.observedWidth = -1;
    this.theme = null;
    this.destroyPlot();
  }

  protected override updated(changed: PropertyValues): void {
    for (const key of changed.keys()) {
      if (!VIEW_STATE.has(key)) {
        pageClock.request(this.drawJob);
        return;
      }
    }
  }

  protected override render(): TemplateResult {
    const view = this.view;
    return html`<figure>
      <figcaption>${this.caption()}</figcaption>
      <div
        class="plot"
        role=${view ? 'img' : nothing}
        aria-label=${view ? view.label : nothing}
      ></div>
      ${view?.legend?.length ? renderLegend(view.legend) : nothing}
      ${view ? nothing : html`<p class="empty" role="status">${this.emptyText || msg('No data yet.')}</p>`}
      ${view?.table ? renderTable(view.table, this.place) : nothing}
      ${view?.facts?.length ? renderFacts(view.facts) : nothing}
    </figure>`;
  }

  /** Redraw; says 'paint' when it made a new canvas, which is costly to put on screen. */
  private draw(): RenderOutcome {
    const container = this.renderRoot.querySelector<HTMLElement>('.plot');
    if (!this.isConnected || !container) return undefined;
    this.theme ??= readTheme(this);
    const theme = this.theme;
    const made = this.makeView(theme);
    if (typeof made === 'string') {
      this.destroyPlot();
      this.view = null;
      this.emptyText = made;
      return undefined;
    }
    this.nextView = made;
    pageClock.request(this.tableJob);
    // The ResizeObserver's width when it has one: reading clientWidth forces a layout mid-frame.
    const width = this.observedWidth > 0 ? this.observedWidth : Math.floor(container.clientWidth);
    if (width <= 0) return undefined; // not laid out (hidden); the ResizeObserver asks again
    const height = Math.max(80, this.height);
    const key = `${made.key}|${themeKey(theme)}|${currentLocale()}`;
    // At most what the plot's pixel columns can show (a long run has thousands of steps per series).
    const data = downsampleAligned(made.data, width * (globalThis.devicePixelRatio || 1));
    if (this.plot && key === this.plotKey) {
      this.plot.setData(data);
      if (this.plot.width !== width || this.plot.height !== height) {
        this.plot.setSize({ width, height });
      }
      return undefined;
    }
    this.destroyPlot();
    this.plot = new uPlot({ ...made.options, width, height }, data, container);
    this.plotKey = key;
    return 'paint';
  }

  private destroyPlot(): void {
    this.plot?.destroy();
    this.plot = null;
    this.plotKey = '';
  }
}

function renderLegend(entries: readonly LegendEntry[]): TemplateResult {
  return html`<ul class="legend" data-testid="chart-legend">
    ${entries.map((e) => html`<li>${legendKey(e)}<span>${e.label}</span></li>`)}
  </ul>`;
}

/** A short sample of the series' line (SVG attributes: the CSP forbids inline styles). */
function legendKey(e: LegendEntry): TemplateResult {
  const { color, mark } = e;
  if (mark === 'band') {
    return html`<svg class="key" viewBox="0 0 24 12" aria-hidden="true"><rect x="0" y="2" width="24" height="8" fill=${color} fill-opacity="0.25"></rect><line x1="0" y1="6" x2="24" y2="6" stroke=${color} stroke-width="2"></line></svg>`;
  }
  if (mark === 'point') {
    return html`<svg class="key" viewBox="0 0 24 12" aria-hidden="true"><circle cx="12" cy="6" r="4" fill=${color}></circle></svg>`;
  }
  return html`<svg class="key" viewBox="0 0 24 12" aria-hidden="true"><line
    x1="0" y1="6" x2="24" y2="6"
    stroke=${color}
    stroke-width=${mark === 'faint' ? 1 : 2}
    stroke-opacity=${mark === 'faint' ? 0.35 : 1}
    stroke-dasharray=${mark === 'dashed' ? '5 3' : 'none'}
  ></line></svg>`;
}

function renderTable(t: ValueTable, place: string): TemplateResult {
  // Only a long table (many devices) scrolls down; any may scroll sideways in a narrow chart, so
  // the wrapper is focusable for the keyboard to scroll it.
  const scrolls = t.rows.length > SCROLLING_TABLE_ROWS;
  const caption = t.caption;
  const name = place
    ? msg(str`${caption} (${place})`, {
        id: 'chart-table-in-place',
        desc: 'A table named by where its chart is shown',
      })
    : caption;
  return html`<div class=${scrolls ? 'table-wrap scrolls' : 'table-wrap'} tabindex="0" role="region" aria-label=${name}>${tableOf(t)}</div>`;
}

function tableOf(t: ValueTable): TemplateResult {
  return html`<table class="latest">
    <caption>${t.caption}</caption>
    <thead>
      <tr>${t.columns.map((c) => html`<th scope="col">${c}</th>`)}</tr>
    </thead>
    <tbody>
      ${t.rows.map(
        (r) => html`<tr>
          <th scope="row">${
            r.color
              ? html`<span class="swatch" aria-hidden="true" style=${cssProps({ background: r.color })}></span>`
              : nothing
          }${r.label}</th>
          ${r.cells.map((c) => html`<td>${c}</td>`)}
        </tr>`,
      )}
    </tbody>
  </table>`;
}

function renderFacts(facts: readonly Fact[]): TemplateResult {
  return html`<dl class="facts">
    ${facts.map((f) => html`<dt>${f.term}</dt><dd>${f.value}</dd>`)}
  </dl>`;
}
