import { msg, str } from '@lit/localize';
import { customElement, property } from 'lit/decorators.js';
import type uPlot from 'uplot';
import { type ChartView, type LegendEntry, UPlotChart } from './base-chart.ts';
import { fmtNumber, fmtTick } from './format.ts';
import { seriesLook } from './palette.ts';
import { readableY, themedAxis } from './plot-options.ts';
import type { NoiseKind } from './shape-noise.ts';
import { type NoiseBatchRun, shapeNoiseVsBatch } from './shape-noise-batch.ts';
import type { ChartTheme } from './theme.ts';

/** What the noise is, for the text; the axis title is short enough for a 240 px plot. */
const WHAT: Record<NoiseKind, string> = {
  mean: 'RMS (μₖ − μ)/σ',
  var: 'RMS log(σ²ₖ/σ²)',
};

function axisTitle(kind: NoiseKind): string {
  return kind === 'var' ? msg('mean noise (log ratio)') : msg('mean noise (in σ)');
}

/**
 * Several runs' per-device statistic noise against their per-device batch (log axis), one point
 * per run, with the reference c/√b fitted to them: the noise of a batch statistic grows like
 * 1/√(batch), which is why local BN fails at small per-device batches.
 */
@customElement('sbl-noise-batch-chart')
export class NoiseBatchChart extends UPlotChart {
  @property({ attribute: false }) runs: readonly NoiseBatchRun[] = [];
  /** BN layer name; empty picks each run's first layer. */
  @property() layer = '';
  /** 'mean' plots meanNoise, 'var' plots varNoise. */
  @property() stat: NoiseKind = 'mean';

  protected override caption(): string {
    const layer = this.layer;
    if (this.kind() === 'mean') {
      return layer
        ? msg(str`Per-device mean noise against per-device batch, across runs: ${layer}`)
        : msg('Per-device mean noise against per-device batch, across runs');
    }
    return layer
      ? msg(str`Per-device variance noise against per-device batch, across runs: ${layer}`)
      : msg('Per-device variance noise against per-device batch, across runs');
  }

  protected override makeView(theme: ChartTheme): ChartView | string {
    const kind = this.kind();
    const shaped = shapeNoiseVsBatch(this.runs ?? [], this.layer, kind);
    const points = shaped.points;
    if (points.length === 0) return msg('No run with batch-norm statistics yet.');
    const series: uPlot.Series[] = points.map((p, i) => {
      const look = seriesLook(theme.series, i);
      return {
        label: p.label,
        stroke: look.stroke,
        width: 1,
        paths: () => null,
        points: { show: true, size: 11, width: 1, stroke: look.stroke, fill: look.stroke },
      };
    });
    series.push({
      label: 'c/√b',
      stroke: theme.muted,
      width: 1.5,
      dash: [6, 4],
      spanGaps: true,
      points: { show: false },
    });
    const legend: LegendEntry[] = points.map((p, i) => ({
      label: msg(str`${p.label} (b = ${p.batch})`),
      color: seriesLook(theme.series, i).stroke,
      mark: 'point',
    }));
    if (shaped.c !== null) {
      legend.push({
        label: msg(str`reference c/√b, c = ${fmtNumber(shaped.c, 3)} (fitted)`),
        color: theme.muted,
        mark: 'dashed',
      });
    }
    const layerName = this.layer || msg('the first BN layer');
    const batches = [...new Set(points.map((p) => p.batch))].sort((a, b) => a - b);
    const lo = batches[0] ?? 1;
    const hi = batches[batches.length - 1] ?? lo;
    const fit =
      shaped.c === null
        ? msg('No reference: no run has noise above 0 (a single device is its own global batch).')
        : msg(
            str`The dashed reference c/√b with c = ${fmtNumber(shaped.c, 3)} is fitted to the points (least squares on a log scale); points that follow it show the noise growing as the batch shrinks.`,
          );
    const count = points.length;
    const what = WHAT[kind];
    const perDeviceBatch = msg('per-device batch');
    return {
      key: `noise-batch|${kind}|${points.map((p) => `${p.id}:${p.label}`).join('\u0000')}|${shaped.c !== null}`,
      options: {
        scales: {
          // Some room either side of the outer points on the log axis.
          x: { time: false, distr: 3, range: [lo / 1.5, hi * 1.5] },
          y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.15 : 1] },
        },
        axes: [
          themedAxis(theme, msg('per-device batch b (log scale)'), {
            // Ticks at the runs' batches: a log axis between 2 and 8 would label none of them.
            splits: () => batches,
            // uPlot's log-axis filter would blank every label that is not a power of ten.
            filter: (_u: uPlot, splits: number[]) => splits,
            values: (_u: uPlot, splits: number[]) => splits.map((v) => fmtTick(v)),
          }),
          themedAxis(theme, axisTitle(kind), readableY),
        ],
        series: [{ label: perDeviceBatch }, ...series],
        legend: { show: false },
        cursor: { points: { size: 8 } },
      },
      data: shaped.data,
      legend,
      label: msg(
        str`Scatter chart, one point per run (${count}), of each run's per-device noise ${what} over all channels of ${layerName}, averaged over its devices and recorded steps, against its per-device batch on a log axis. ${fit}`,
      ),
      table: {
        caption: msg('Noise by run (mean over devices and recorded steps)'),
        columns: [msg('Run'), msg('Per-device batch'), msg('Noise'), 'c/√b', msg('Steps')],
        rows: points.map((p, i) => ({
          label: p.label,
          color: seriesLook(theme.series, i).stroke,
          cells: [String(p.batch), fmtNumber(p.noise), fmtNumber(p.reference), String(p.steps)],
        })),
      },
    };
  }

  private kind(): NoiseKind {
    return this.stat === 'var' ? 'var' : 'mean';
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sbl-noise-batch-chart': NoiseBatchChart;
  }
}
