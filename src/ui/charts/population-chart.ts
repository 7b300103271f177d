import { customElement, property } from 'lit/decorators.js';
import type uPlot from 'uplot';
import type { EvalRow } from '../../coordinator/run-types.ts';
import { type ChartView, type LegendEntry, UPlotChart } from './base-chart.ts';
import { fmtNumber } from './format.ts';
import { seriesLook } from './palette.ts';
import { readableY, themedAxis } from './plot-options.ts';
import type { BatchStat } from './shape-device-stats.ts';
import { firstPopulationLayer, shapePopulation } from './shape-population.ts';
import type { ChartTheme } from './theme.ts';

const STAT_NAME: Record<BatchStat, string> = { mean: 'mean', var: 'variance' };

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
    return `Test-time (running) ${STAT_NAME[this.statKey()]} against the population's: ${this.layerName() || 'BN layer'}`;
  }

  protected override makeView(theme: ChartTheme): ChartView | string {
    const layer = this.layerName();
    const stat = this.statKey();
    const shaped = layer ? shapePopulation(this.evals, layer, this.channel, stat) : null;
    if (!shaped?.latest) {
      return this.evals.length === 0
        ? 'No evaluation yet.'
        : 'No population statistics for this layer (a run saved before they were recorded, or a layer without running statistics).';
    }
    const name = STAT_NAME[stat];
    const value = (_u: uPlot, v: number | null): string => fmtNumber(v);
    const popColor = seriesLook(theme.series, 0).stroke;
    const runColor = seriesLook(theme.series, 1).stroke;
    const gapColor = seriesLook(theme.series, 3).stroke;
    const series: uPlot.Series[] = [
      { label: 'population (training set)', stroke: popColor, width: 2, value, spanGaps: true },
      {
        label: 'running (used at test time)',
        stroke: runColor,
        width: 2,
        dash: [8, 5],
        value,
        spanGaps: true,
      },
      {
        label: '|running − population|',
        stroke: gapColor,
        width: 2,
        dash: [2, 3],
        value,
        spanGaps: true,
      },
    ];
    const legend: LegendEntry[] = [
      {
        label: `population ${name} (training set, weights frozen)`,
        color: popColor,
        mark: 'solid',
      },
      { label: `running ${name} (what the model tests with)`, color: runColor, mark: 'dashed' },
      { label: `mismatch |running − population|`, color: gapColor, mark: 'dashed' },
    ];
    const l = shaped.latest;
    return {
      key: `population|${layer}|${stat}`,
      options: {
        scales: { x: { time: false } },
        axes: [
          themedAxis(theme, 'optimizer step (evaluations)'),
          themedAxis(theme, `${name}, channel ${shaped.channel}`, readableY),
        ],
        series: [{ label: 'step' }, ...series],
        legend: { show: false },
        cursor: { points: { size: 6 } },
      },
      data: shaped.data,
      legend,
      label: `Line chart over the evaluations of channel ${shaped.channel} of ${layer}: the ${name} of the layer's input over ${l.samples} training samples with the weights frozen (population), the running ${name} the model normalizes with at test time, and their absolute difference, the train/test mismatch.`,
      table: {
        caption: `At the evaluation of step ${l.step} (channel ${shaped.channel}; population over ${l.samples} training samples)`,
        columns: ['Series', name],
        rows: [
          { label: 'population', color: popColor, cells: [fmtNumber(l.population)] },
          { label: 'running (test time)', color: runColor, cells: [fmtNumber(l.running)] },
          {
            label: 'mismatch |running − population|',
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
