import { msg, str } from '@lit/localize';
import { customElement, property } from 'lit/decorators.js';
import type uPlot from 'uplot';
import type { ScalingRow } from '../../cost/index.ts';
import { formatFixed } from '../model/format.ts';
import { type ChartView, type LegendEntry, UPlotChart } from './base-chart.ts';
import { seriesLook } from './palette.ts';
import { readableY, themedAxis } from './plot-options.ts';
import { shapeCostScaling } from './shape-cost-scaling.ts';
import type { ChartTheme } from './theme.ts';

const percent = (v: number | null | undefined): string =>
  v === null || v === undefined || !Number.isFinite(v)
    ? '–'
    : `${v > 0 ? '+' : ''}${formatFixed(v, 1)}%`;

/**
 * SyncBN's modelled step-time overhead over local BN against the number of GPUs K (1…1024, a log
 * axis), for local BN (0 by definition), SyncBN over all K and BN within one node (group of the
 * node's GPUs): the cost model's scaling table (src/cost), not a measurement.
 */
@customElement('sbl-cost-scaling-chart')
export class CostScalingChart extends UPlotChart {
  @property({ attribute: false }) rows: readonly ScalingRow[] = [];
  @property({ type: Number }) gpusPerNode = 8;
  /** Name of what is costed, for the text equivalent. */
  @property() model = '';

  protected override caption(): string {
    return msg('SyncBN overhead against the number of GPUs (modelled)');
  }

  protected override makeView(theme: ChartTheme): ChartView | string {
    const rows = this.rows ?? [];
    if (rows.length === 0) return msg('Choose a cluster and K to see the overhead.');
    const shaped = shapeCostScaling(rows);
    const node = this.gpusPerNode;
    const names = [
      msg('local BN'),
      msg('SyncBN (all K GPUs)'),
      msg(str`group:${node} (BN within one node)`),
    ];
    const value = (_u: uPlot, v: number | null): string => percent(v);
    const series: uPlot.Series[] = names.map((label, i) => {
      const look = seriesLook(theme.series, i);
      return {
        label,
        stroke: look.stroke,
        // Up to one node's GPUs, BN within one node IS SyncBN: its line, dotted, lets SyncBN's
        // show through where the two coincide.
        dash: i === 0 ? [6, 4] : i === 2 ? [2, 4] : look.dash,
        width: 2,
        points: { show: true, size: 5 },
        value,
      };
    });
    const legend: LegendEntry[] = names.map((label, i) => ({
      label,
      color: seriesLook(theme.series, i).stroke,
      mark: i === 1 ? 'solid' : 'dashed',
    }));
    const gpus = shaped.gpus;
    const lo = gpus[0] ?? 1;
    const hi = gpus[gpus.length - 1] ?? lo;
    const maxK = hi;
    const model = this.model;
    const last = rows.length - 1;
    return {
      key: `cost-scaling|${node}|${gpus.join(',')}`,
      options: {
        scales: {
          x: { time: false, distr: 3, log: 2, range: [lo / 1.3, hi * 1.3] },
          y: {
            range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.1 : 1],
          },
        },
        axes: [
          themedAxis(theme, msg('GPUs K (log scale)'), {
            splits: () => [...gpus],
            // uPlot's log-axis filter would blank labels between powers of its base.
            filter: (_u: uPlot, splits: number[]) => splits,
            values: (_u: uPlot, splits: number[]) => splits.map((v) => String(v)),
          }),
          themedAxis(theme, msg('overhead over local BN (%)'), readableY),
        ],
        series: [{ label: msg('GPUs K') }, ...series],
        legend: { show: false },
        cursor: { points: { size: 7 } },
      },
      data: shaped.data,
      legend,
      label: msg(
        str`Line chart of the modelled step-time overhead over local BN of ${model} against the number of GPUs K from 1 to ${maxK} on a log axis, for local BN (0), SyncBN over all GPUs and BN within one node of ${node} GPUs. At K = ${maxK}, SyncBN adds ${percent(shaped.syncPct[last])} and BN within one node ${percent(shaped.nodeGroupPct[last])}.`,
      ),
      table: {
        caption: msg('Modelled overhead over local BN at each K'),
        columns: [msg('GPUs K'), names[1]!, names[2]!],
        rows: gpus.map((k, i) => ({
          label: String(k),
          cells: [percent(shaped.syncPct[i]), percent(shaped.nodeGroupPct[i])],
        })),
      },
    };
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sbl-cost-scaling-chart': CostScalingChart;
  }
}
