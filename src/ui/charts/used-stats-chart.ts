import { customElement, property } from 'lit/decorators.js';
import type uPlot from 'uplot';
import type { Telemetry } from '../../coordinator/telemetry.ts';
import { type ChartView, type LegendEntry, UPlotChart, type ValueRow } from './base-chart.ts';
import { fmtNumber } from './format.ts';
import { seriesLook } from './palette.ts';
import { bandFill, bandSeries, deviceSeries, stepLineOptions } from './plot-options.ts';
import { deviceBand } from './shape-band.ts';
import { pickLayer } from './shape-common.ts';
import type { BatchStat } from './shape-device-stats.ts';
import { shapeUsedStats } from './shape-used-stats.ts';
import type { ChartTheme } from './theme.ts';

const STAT_NAME: Record<BatchStat, string> = { mean: 'mean', var: 'variance' };

/**
 * What each device normalizes with: per device, the statistic its BN used (a line each) over the
 * band of the devices' own batch statistics. Under SyncBN every device used the global batch's,
 * so the lines coincide on one; under local BN each used its own, so they scatter like the band;
 * under group:g they gather in g-sized groups.
 */
@customElement('sbl-used-stats-chart')
export class UsedStatsChart extends UPlotChart {
  @property({ attribute: false }) telemetry: Telemetry | null = null;
  /** BN layer name; empty picks the first layer recorded. */
  @property() layer = '';
  /** Index into the layer's tracked channels, not a channel id. */
  @property({ type: Number }) channel = 0;
  @property() stat: BatchStat = 'mean';

  protected override caption(): string {
    const picked = this.telemetry ? pickLayer(this.telemetry.bn, this.layer) : null;
    const channel = picked?.data.channels[this.channel] ?? this.channel;
    const where = picked ? `${picked.name}, channel ${channel}` : this.layer || 'BN layer';
    return `What each device normalizes with (${STAT_NAME[this.statKey()]}): ${where}`;
  }

  protected override makeView(theme: ChartTheme): ChartView | string {
    const t = this.telemetry;
    if (!t) return 'No telemetry yet.';
    const picked = pickLayer(t.bn, this.layer);
    if (!picked) return 'No BN layer statistics yet.';
    const stat = this.statKey();
    const shaped = shapeUsedStats(picked.data, t.devices, this.channel, stat);
    if (!shaped) return `Channel index ${this.channel} is not tracked.`;
    if (!shaped.latest) return 'No steps recorded yet.';
    if (!shaped.recorded) {
      return 'This run was saved before the statistic each device normalized with was recorded.';
    }
    const K = t.devices;
    const name = STAT_NAME[stat];
    const ownCols = shaped.data.slice(1, 1 + K) as (number | null)[][];
    const usedCols = shaped.data.slice(1 + K, 1 + 2 * K) as (number | null)[][];
    const band = deviceBand(ownCols, 'minmax');
    const bandColor = theme.muted;
    // Used lines at 1 px: wider noisy lines rasterize ~20× slower without a GPU (plot-options.ts);
    // drawn over each other under SyncBN they still read as one line.
    const series: uPlot.Series[] = [
      ...bandSeries(theme, 'minmax', bandColor).map((s, i) =>
        i === 2 ? { ...s, label: 'own batches: mean over devices', width: 1, dash: [2, 3] } : s,
      ),
      ...deviceSeries(theme, K, 1).map((s, k) => ({
        ...s,
        label: `device ${k} normalized with`,
        alpha: 1,
      })),
    ];
    const data: uPlot.AlignedData = [shaped.data[0], band.lo, band.hi, band.mid, ...usedCols];
    const legend: LegendEntry[] = [
      { label: `each device's own batch ${name}: min–max band`, color: bandColor, mark: 'band' },
      ...Array.from({ length: K }, (_, k) => ({
        label: `device ${k} normalized with`,
        color: seriesLook(theme.series, k).stroke,
        mark: 'solid' as const,
      })),
    ];
    const latest = shaped.latest;
    const rows: ValueRow[] = [
      {
        label: 'spread of what the devices normalized with (max − min)',
        cells: [MISSING_CELL, fmtNumber(latest.usedSpread)],
      },
      {
        label: 'spread of their own batches (max − min)',
        cells: [fmtNumber(latest.ownSpread), MISSING_CELL],
      },
      ...latest.used.map((v, k) => ({
        label: `device ${k}`,
        color: seriesLook(theme.series, k).stroke,
        cells: [fmtNumber(latest.own[k]), fmtNumber(v)],
      })),
    ];
    return {
      key: `used|${picked.name}|${stat}|${K}`,
      options: {
        ...stepLineOptions(theme, `batch ${name}, channel ${shaped.channel}`, series, {}, false),
        bands: [bandFill(2, 1, bandColor)],
      },
      data,
      legend,
      label: `Line chart of the ${name} each of the ${K} devices normalized with in ${picked.name}, channel ${shaped.channel}, against optimizer step (one line per device), over a band of the devices' own batch ${name}s (min to max). Lines that coincide mean the devices normalized with one shared statistic (SyncBN); lines that scatter with the band mean each used its own (local BN).`,
      table: {
        caption: `Batch ${name} at step ${latest.step}: own batch and what it normalized with`,
        columns: ['Device', `own batch ${name}`, `normalized with`],
        rows,
      },
    };
  }

  private statKey(): BatchStat {
    return this.stat === 'var' ? 'var' : 'mean';
  }
}

const MISSING_CELL = '–';

declare global {
  interface HTMLElementTagNameMap {
    'sbl-used-stats-chart': UsedStatsChart;
  }
}
