import { msg, str } from '@lit/localize';
import { customElement, property } from 'lit/decorators.js';
import type uPlot from 'uplot';
import { type ChartView, type LegendEntry, UPlotChart } from './base-chart.ts';
import { anyBnLayer, evalStepAxis, stepSeries } from './chart-words.ts';
import { fmtNumber } from './format.ts';
import { seriesLook } from './palette.ts';
import { readableY, themedAxis } from './plot-options.ts';
import type { BatchStat } from './shape-device-stats.ts';
import { type MismatchRun, shapeMismatch } from './shape-population.ts';
import type { ChartTheme } from './theme.ts';

/** What the mismatch measures, spelled out for the text equivalents. */
function what(stat: BatchStat): string {
  return stat === 'var'
    ? msg('RMS over channels of |ln(running variance / population variance)|')
    : msg('RMS over channels of (running mean − population mean) / population σ');
}

function axisTitle(stat: BatchStat): string {
  return stat === 'var' ? msg('variance mismatch (|log ratio|)') : msg('mean mismatch (in σ)');
}

/**
 * The train/test mismatch of several runs, one line each: at every evaluation, how far a BN
 * layer's running statistics (what it tests with) sit from the population statistics of its input
 * over all channels. SyncBN's stay close; local BN's, learned from one device's small batches, do not.
 */
@customElement('sbl-mismatch-chart')
export class MismatchChart extends UPlotChart {
  @property({ attribute: false }) runs: readonly MismatchRun[] = [];
  @property() layer = '';
  @property() stat: BatchStat = 'mean';

  protected override caption(): string {
    const layer = this.layer || anyBnLayer();
    return msg(str`Train/test mismatch by run: ${layer}`);
  }

  protected override makeView(theme: ChartTheme): ChartView | string {
    const stat: BatchStat = this.stat === 'var' ? 'var' : 'mean';
    const shaped = shapeMismatch(this.runs ?? [], this.layer, stat);
    if (shaped.runs.length === 0) return msg('No evaluation with population statistics yet.');
    const measure = what(stat);
    const count = shaped.runs.length;
    const layer = this.layer;
    const value = (_u: uPlot, v: number | null): string => fmtNumber(v);
    const series: uPlot.Series[] = shaped.runs.map((r, i) => {
      const look = seriesLook(theme.series, i);
      return {
        label: r.label,
        stroke: look.stroke,
        dash: look.dash,
        width: 2,
        spanGaps: true,
        points: { show: true, size: 5 },
        value,
      };
    });
    const legend: LegendEntry[] = shaped.runs.map((r, i) => ({
      label: r.label,
      color: seriesLook(theme.series, i).stroke,
      mark: seriesLook(theme.series, i).dash ? 'dashed' : 'solid',
    }));
    return {
      key: `mismatch|${stat}|${shaped.runs.map((r) => `${r.id}:${r.label}`).join('\u0000')}`,
      options: {
        scales: {
          x: { time: false },
          y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] },
        },
        axes: [themedAxis(theme, evalStepAxis()), themedAxis(theme, axisTitle(stat), readableY)],
        series: [{ label: stepSeries() }, ...series],
        legend: { show: false },
        cursor: { points: { size: 6 } },
      },
      data: shaped.data,
      legend,
      label: msg(
        str`Line chart, one line per run (${count}), of the train/test mismatch of ${layer} at each evaluation: ${measure}. 0 means the running statistics the model tests with equal the population statistics of the layer's input.`,
      ),
      table: {
        caption: msg(str`Mismatch at each run's last evaluation (${measure})`),
        columns: [msg('Run'), msg('Step'), msg('Mismatch')],
        rows: shaped.runs.map((r, i) => ({
          label: r.label,
          color: seriesLook(theme.series, i).stroke,
          cells: [r.step === null ? '–' : String(r.step), fmtNumber(r.latest)],
        })),
      },
    };
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sbl-mismatch-chart': MismatchChart;
  }
}
