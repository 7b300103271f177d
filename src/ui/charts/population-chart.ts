import { msg, str } from '@lit/localize';
import { customElement, property } from 'lit/decorators.js';
import type uPlot from 'uplot';
import type { EvalRow } from '../../coordinator/run-types.ts';
import { type ChartView, type LegendEntry, UPlotChart } from './base-chart.ts';
import { anyBnLayer, evalStepAxis, statName, stepSeries } from './chart-words.ts';
import { fmtNumber } from './format.ts';
import { seriesLook } from './palette.ts';
import { readableY, themedAxis } from './plot-options.ts';
import type { BatchStat } from './shape-device-stats.ts';
import { firstPopulationLayer, shapePopulation } from './shape-population.ts';
import type { ChartTheme } from './theme.ts';

/**
 * One run's test-time statistic against the truth: at each evaluation, the running statistic the
 * model normalizes with at test time (dashed) and the population statistic of the layer's input
 * over the training set with the weights frozen (solid), and the distance between them (the
 * train/test mismatch, its own line).
 */
@customElement('sbl-population-chart')
export class PopulationChart extends UPlotChart {
  @property({ attribute: false }) evals: readonly EvalRow[] = [];
  @property() layer = '';
  /** Index into the layer's tracked channels. */
  @property({ type: Number }) channel = 0;
  @property() stat: BatchStat = 'mean';

  private layerName(): string {
    return this.layer || firstPopulationLayer(this.evals) || '';
  }

  protected override caption(): string {
    const name = statName(this.statKey());
    const layer = this.layerName() || anyBnLayer();
    return msg(str`Test-time (running) ${name} against the population's: ${layer}`);
  }

  protected override makeView(theme: ChartTheme): ChartView | string {
    const layer = this.layerName();
    const stat = this.statKey();
    const shaped = layer ? shapePopulation(this.evals, layer, this.channel, stat) : null;
    if (!shaped?.latest) {
      return this.evals.length === 0
        ? msg('No evaluation yet.')
        : msg(
            'No population statistics for this layer (a run saved before they were recorded, or a layer without running statistics).',
          );
    }
    const name = statName(stat);
    const mismatch = msg('mismatch |running − population|');
    const value = (_u: uPlot, v: number | null): string => fmtNumber(v);
    const popColor = seriesLook(theme.series, 0).stroke;
    const runColor = seriesLook(theme.series, 1).stroke;
    const gapColor = seriesLook(theme.series, 3).stroke;
    const series: uPlot.Series[] = [
      {
        label: msg('population (training set)'),
        stroke: popColor,
        width: 2,
        value,
        spanGaps: true,
      },
      {
        label: msg('running (used at test time)'),
        stroke: runColor,
        width: 2,
        dash: [8, 5],
        value,
        spanGaps: true,
      },
      {
        label: msg('|running − population|'),
        stroke: gapColor,
        width: 2,
        dash: [2, 3],
        value,
        spanGaps: true,
      },
    ];
    const legend: LegendEntry[] = [
      {
        label: msg(str`population ${name} (training set, weights frozen)`),
        color: popColor,
        mark: 'solid',
      },
      {
        label: msg(str`running ${name} (what the model tests with)`),
        color: runColor,
        mark: 'dashed',
      },
      { label: mismatch, color: gapColor, mark: 'dashed' },
    ];
    const l = shaped.latest;
    const channel = shaped.channel;
    const samples = l.samples;
    const step = l.step;
    return {
      key: `population|${layer}|${stat}`,
      options: {
        scales: { x: { time: false } },
        axes: [
          themedAxis(theme, evalStepAxis()),
          themedAxis(theme, msg(str`${name}, channel ${channel}`), readableY),
        ],
        series: [{ label: stepSeries() }, ...series],
        legend: { show: false },
        cursor: { points: { size: 6 } },
      },
      data: shaped.data,
      legend,
      label: msg(
        str`Line chart over the evaluations of channel ${channel} of ${layer}: the ${name} of the layer's input over ${samples} training samples with the weights frozen (population), the running ${name} the model normalizes with at test time, and their absolute difference, the train/test mismatch.`,
      ),
      table: {
        caption: msg(
          str`At the evaluation of step ${step} (channel ${channel}; population over ${samples} training samples)`,
        ),
        columns: [msg('Series', { desc: 'Column heading: a chart series' }), name],
        rows: [
          { label: msg('population'), color: popColor, cells: [fmtNumber(l.population)] },
          { label: msg('running (test time)'), color: runColor, cells: [fmtNumber(l.running)] },
          {
            label: mismatch,
            color: gapColor,
            cells: [fmtNumber(l.difference)],
          },
        ],
      },
    };
  }

  private statKey(): BatchStat {
    return this.stat === 'var' ? 'var' : 'mean';
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sbl-population-chart': PopulationChart;
  }
}
