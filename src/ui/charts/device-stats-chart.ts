import { customElement, property } from 'lit/decorators.js';
import type uPlot from 'uplot';
import type { Telemetry } from '../../coordinator/telemetry.ts';
import { type ChartView, type LegendEntry, UPlotChart, type ValueRow } from './base-chart.ts';
import { deviceBandLegend } from './device-band-legend.ts';
import { fmtNumber } from './format.ts';
import { seriesLook } from './palette.ts';
import { BAND_WORDS, bandFill, bandSeries, deviceSeries, stepLineOptions } from './plot-options.ts';
import { type BandKind, deviceBand } from './shape-band.ts';
import { pickLayer } from './shape-common.ts';
import { type BatchStat, shapeDeviceStats } from './shape-device-stats.ts';
import type { ChartTheme } from './theme.ts';

const STAT_NAME: Record<BatchStat, string> = { mean: 'mean', var: 'variance' };

/**
 * Each device's batch statistic for one tracked channel (thin lines), the global batch's (bold)
 * and device 0's running statistic (dashed): local BN normalizes with the thin lines, synchronized
 * BN with the bold one, and the thin lines scatter more as the per-device batch shrinks.
 */
@customElement('sbl-device-stats-chart')
export class DeviceStatsChart extends UPlotChart {
  @property({ attribute: false }) telemetry: Telemetry | null = null;
  /** BN layer name; empty picks the first layer recorded. */
  @property() layer = '';
  /** Index into the layer's tracked channels (telemetry.bn[layer].channels), not a channel id. */
  @property({ type: Number }) channel = 0;
  @property() stat: BatchStat = 'mean';
  /** The spread across devices drawn as a band: min–max or mean ± 1 std. */
  @property() band: BandKind = 'minmax';
  /** Also draw each device's own line (1 px hairlines). */
  @property({ type: Boolean, attribute: 'show-devices' }) showDevices = false;

  protected override caption(): string {
    const picked = this.telemetry ? pickLayer(this.telemetry.bn, this.layer) : null;
    const channel = picked?.data.channels[this.channel] ?? this.channel;
    const where = picked ? `${picked.name}, channel ${channel}` : this.layer || 'BN layer';
    return `Per-device batch ${STAT_NAME[this.statKey()]}: ${where}`;
  }

  protected override makeView(theme: ChartTheme): ChartView | string {
    const t = this.telemetry;
    if (!t) return 'No telemetry yet.';
    const picked = pickLayer(t.bn, this.layer);
    if (!picked) {
      return this.layer
        ? `No statistics recorded for layer ${this.layer}.`
        : 'No BN layer statistics yet.';
    }
    const stat = this.statKey();
    const shaped = shapeDeviceStats(picked.data, t.devices, this.channel, stat);
    if (!shaped) {
      return `Channel index ${this.channel} is not tracked (tracked: ${picked.data.channels.length}).`;
    }
    if (!shaped.latest) return 'No steps recorded yet.';
    const value = (_u: uPlot, v: number | null): string => fmtNumber(v);
    const K = t.devices;
    const deviceCols = shaped.data.slice(1, 1 + K) as (number | null)[][];
    const bandKind: BandKind = this.band === 'std' ? 'std' : 'minmax';
    const band = deviceBand(deviceCols, bandKind);
    const bandColor = seriesLook(theme.series, 0).stroke;
    const series: uPlot.Series[] = [
      ...bandSeries(theme, bandKind, bandColor),
      ...(this.showDevices ? deviceSeries(theme, K, 1) : []),
      { label: 'global batch', stroke: theme.fg, width: 3, points: { show: false }, value },
      {
        label: 'running (device 0)',
        stroke: theme.muted,
        width: 2,
        dash: [8, 5],
        points: { show: false },
        value,
      },
    ];
    const data: uPlot.AlignedData = [
      shaped.data[0],
      band.lo,
      band.hi,
      band.mid,
      ...(this.showDevices ? deviceCols : []),
      shaped.data[1 + K] ?? [],
      shaped.data[2 + K] ?? [],
    ];
    const legend: LegendEntry[] = [
      ...deviceBandLegend(theme, bandKind, bandColor, K, this.showDevices),
      { label: 'global batch', color: theme.fg, mark: 'solid' },
      { label: 'running (device 0)', color: theme.muted, mark: 'dashed' },
    ];
    const name = STAT_NAME[stat];
    const latest = shaped.latest;
    // Summary rows first: with many devices the table scrolls and these matter most.
    const rows: ValueRow[] = [
      { label: 'global batch', color: theme.fg, cells: [fmtNumber(latest.global)] },
      { label: 'running (device 0)', color: theme.muted, cells: [fmtNumber(latest.running)] },
      { label: 'spread (max − min over devices)', cells: [fmtNumber(latest.spread)] },
      ...latest.devices.map((v, k) => ({
        label: `device ${k}`,
        color: seriesLook(theme.series, k).stroke,
        cells: [fmtNumber(v)],
      })),
    ];
    return {
      key: `stats|${picked.name}|${stat}|${K}|${bandKind}|${this.showDevices}`,
      options: {
        ...stepLineOptions(theme, `batch ${name}, channel ${shaped.channel}`, series, {}, false),
        bands: [bandFill(2, 1, bandColor)],
      },
      data,
      legend,
      label: `Line chart of the batch ${name} of channel ${shaped.channel} in ${picked.name} against optimizer step: the ${K} device${K === 1 ? "'s" : "s'"} own batch ${name}s as a band (${BAND_WORDS[bandKind]})${this.showDevices ? ' with each device as a thin line' : ''}, the global batch's ${name} and device 0's running ${name}.`,
      table: { caption: `Batch ${name} at step ${latest.step}`, columns: ['Series', name], rows },
    };
  }

  private statKey(): BatchStat {
    return this.stat === 'var' ? 'var' : 'mean';
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sbl-device-stats-chart': DeviceStatsChart;
  }
}
